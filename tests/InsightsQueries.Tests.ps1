<#
    Partner insights report queries as a runbook author meets them in real pwsh: a query built from the
    dataset's columns and metrics, its first rows previewed from the pipeline, then removed; a mistyped
    column stops with PartnerCenter.InvalidQuery. See tests/TestSetup.ps1 for what the suite needs.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}

Describe 'Partner insights report queries' {
    BeforeAll {
        $null = Connect-Emulator
    }

    AfterAll {
        Disconnect-PartnerCenter
    }

    It 'creates a seats query, previews its first rows from the pipeline and removes it' {
        $query = New-PartnerInsightsQuery -Dataset SeatsSubscriptionsAndRevenue -Column CustomerTenantId, Product `
            -Metric TotalSoldSeats, TotalAssignedSeats -TimeSpan LAST_MONTH
        $query | Should -BeOfType ([PartnerCenterLicenses.Models.PartnerInsightsQuery])
        $query.Query | Should -BeExactly 'SELECT CustomerTenantId,Product,TotalSoldSeats,TotalAssignedSeats FROM SeatsSubscriptionsAndRevenue TIMESPAN LAST_MONTH'

        $rows = @($query | Get-PartnerInsightsQueryPreview -First 3)
        $rows.Count | Should -BeGreaterThan 0
        $rows.Count | Should -BeLessOrEqual 3
        $rows[0].TotalSoldSeats | Should -BeOfType ([long])
        $rows[0].TotalAssignedSeats | Should -BeLessOrEqual $rows[0].TotalSoldSeats

        $query | Remove-PartnerInsightsQuery -Confirm:$false
        @(Get-PartnerInsightsQuery -Type UserDefined | Where-Object QueryId -eq $query.QueryId) | Should -HaveCount 0
    }

    It 'stops with PartnerCenter.InvalidQuery and names the dataset to look up for a column it does not have' {
        $failure = { New-PartnerInsightsQuery -Dataset OfficeUsage -Column CustomerName, Seats -ErrorAction Stop } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'PartnerCenter.InvalidQuery,*'
        $failure.Exception.Message | Should -Match "Seats"
        $failure.ErrorDetails.RecommendedAction | Should -Match 'Get-PartnerInsightsDataset -Name OfficeUsage'
    }

    It 'shows queries in a table that fits 80 columns' {
        $lines = (Get-PartnerInsightsQuery -Type System | Format-Table | Out-String -Width 80) -split "`r?`n"
        $lines | Where-Object { $_ -match '^QueryId\s+Type\s+Name$' } | Should -Not -BeNullOrEmpty
        $lines | ForEach-Object { $_.Length | Should -BeLessThan 80 }
    }
}
