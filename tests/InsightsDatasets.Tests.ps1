<#
    Partner insights datasets as a runbook author meets them in real pwsh: typed datasets, the
    columns and metrics to build a query from, and tab completion of dataset names.
    See tests/TestSetup.ps1 for what the suite needs.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}

Describe 'Partner insights datasets' {
    BeforeAll {
        $null = Connect-Emulator
    }

    AfterAll {
        Disconnect-PartnerCenter
    }

    It 'lists the datasets with the metrics a seat deployment query needs' {
        $datasets = @(Get-PartnerInsightsDataset)
        $datasets[0] | Should -BeOfType ([PartnerCenterLicenses.Models.PartnerInsightsDataset])
        $datasets.Name | Should -Contain 'SeatsSubscriptionsAndRevenue'
        $seats = Get-PartnerInsightsDataset -Name SeatsSubscriptionsAndRevenue
        $seats.Metrics | Should -Contain 'TotalSoldSeats'
        $seats.Metrics | Should -Contain 'TotalAssignedSeats'
        $seats.DateRanges | Should -Contain 'LAST_MONTH'
        $seats.MinimumRecurrenceInterval | Should -BeGreaterThan 0
    }

    It 'completes dataset names after -Name' {
        $line = 'Get-PartnerInsightsDataset -Name Office'
        $matches = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $matches.CompletionText | Should -Be @('OfficeUsage')
    }

    It 'shows a table that fits 80 columns' {
        $lines = (Get-PartnerInsightsDataset | Format-Table | Out-String -Width 80) -split "`r?`n"
        $lines | Where-Object { $_ -match '^Name\s+Columns\s+Metrics\s+MinRecurrenceHours$' } | Should -Not -BeNullOrEmpty
        $lines | ForEach-Object { $_.Length | Should -BeLessThan 80 }
    }
}
