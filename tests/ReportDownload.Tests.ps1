<#
    Receive-PartnerInsightsReport as a runbook author meets it in real pwsh: a completed execution's rows as
    typed objects, the file saved with -Path, and the secure link's query string (a credential) in no stream.
    The execution is built from the secure link the suite publishes on the emulator's download origin
    (PCL_REPORT_LINK), as Get-PartnerInsightsReportExecution would write it. See tests/TestSetup.ps1.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    function New-CompletedExecution {
        [PartnerCenterLicenses.Models.PartnerInsightsReportExecution]::new('exec1', 'rep1', 24, 1, $null, $null, 'csv', 'Completed',
            [PartnerCenterLicenses.Boundary.InsightsReportLink]::Parse($env:PCL_REPORT_LINK), [DateTimeOffset]::UtcNow.AddHours(1), $null)
    }
}

Describe 'Receiving a Partner insights report' -Skip:(-not $env:PCL_REPORT_LINK) {
    BeforeAll {
        $null = Connect-Emulator
        $signature = ([uri]$env:PCL_REPORT_LINK).Query -replace '^.*sig=([^&]+).*$', '$1'
    }

    AfterAll {
        Disconnect-PartnerCenter
    }

    It 'writes one typed object per row, sold versus assigned seats per customer' {
        $rows = @(New-CompletedExecution | Receive-PartnerInsightsReport)
        $rows.Count | Should -Be 2
        $rows[0].PSObject.Properties.Name | Should -Be @('CustomerTenantId', 'CustomerName', 'Product', 'Month', 'TotalSoldSeats', 'TotalAssignedSeats')
        $rows[0].CustomerName | Should -Be 'Contoso, Ltd'
        $rows[0].TotalSoldSeats | Should -BeOfType ([long])
        $rows[0].Month | Should -BeOfType ([DateTimeOffset])
        $rows[0].Month.Offset | Should -Be ([TimeSpan]::Zero)
        ($rows | Measure-Object TotalSoldSeats -Sum).Sum | Should -Be 35
        $rows | Where-Object { $_.TotalAssignedSeats -lt $_.TotalSoldSeats } | ForEach-Object CustomerName | Should -Be 'Contoso, Ltd'
    }

    It 'writes rows that the usual cmdlets take as they take any object: Select, Sort, Export-Csv, ConvertTo-Json, a string' {
        $rows = @(New-CompletedExecution | Receive-PartnerInsightsReport)
        $rows[0] | Should -BeOfType ([PartnerCenterLicenses.Models.InsightsReportRow])
        # Two reads of one file share one row class; the columns are properties, not note properties.
        $again = @(New-CompletedExecution | Receive-PartnerInsightsReport)
        $again[0].GetType() | Should -Be $rows[0].GetType()
        ($rows[0].PSObject.Properties | Where-Object MemberType -EQ 'NoteProperty') | Should -BeNullOrEmpty
        ($rows | Sort-Object TotalSoldSeats -Descending | Select-Object -First 1 -Property CustomerName, TotalSoldSeats).CustomerName |
            Should -Be (($rows | Sort-Object TotalSoldSeats -Descending)[0].CustomerName)
        $json = $rows[0] | ConvertTo-Json | ConvertFrom-Json
        $json.CustomerName | Should -Be 'Contoso, Ltd'
        $json.TotalSoldSeats | Should -Be $rows[0].TotalSoldSeats
        $csv = Join-Path $TestDrive 'rows.csv'
        $rows | Export-Csv -Path $csv -NoTypeInformation
        $back = @(Import-Csv $csv)
        $back[0].PSObject.Properties.Name | Should -Be @('CustomerTenantId', 'CustomerName', 'Product', 'Month', 'TotalSoldSeats', 'TotalAssignedSeats')
        $back[1].TotalAssignedSeats | Should -Be ([string]$rows[1].TotalAssignedSeats)
        "$($rows[0])" | Should -BeLike '@{CustomerTenantId=*; CustomerName=Contoso, Ltd; *TotalSoldSeats=*}'
        $rows[0].TotalSoldSeats = 99
        $rows[0].TotalSoldSeats | Should -Be 99
        ($rows[0] | Format-List | Out-String) | Should -Match 'CustomerName\s+: Contoso, Ltd'
    }

    It 'saves the file with -Path and replaces it only with -Force' {
        $path = Join-Path $TestDrive 'seats.csv'
        $file = New-CompletedExecution | Receive-PartnerInsightsReport -Path $path
        $file | Should -BeOfType ([System.IO.FileInfo])
        (Import-Csv $path).Count | Should -Be 2
        { New-CompletedExecution | Receive-PartnerInsightsReport -Path $path -ErrorAction Stop } |
            Should -Throw -ErrorId 'PartnerCenter.FileExists,PartnerCenterLicenses.Commands.ReceivePartnerInsightsReportCommand'
        New-CompletedExecution | Receive-PartnerInsightsReport -Path $path -Force | Should -Not -BeNullOrEmpty
    }

    It 'shows the link as host and path only, in every stream and in the execution''s text' {
        $execution = New-CompletedExecution
        $text = & {
            $execution | Format-List * | Out-String
            $execution.ReportAccessSecureLink | ConvertTo-Json
            $execution | Receive-PartnerInsightsReport -Verbose -Debug *>&1 | Out-String
        } | Out-String
        $text | Should -Match ([regex]::Escape(([uri]$env:PCL_REPORT_LINK).AbsolutePath))
        $text | Should -Not -Match 'sig='
        $text | Should -Not -Match ([regex]::Escape($signature))
    }
}
