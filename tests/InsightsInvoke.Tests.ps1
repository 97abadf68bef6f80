<#
    Invoke-PartnerInsightsQuery and Get-PartnerSeatDeployment as a runbook author uses them in real pwsh: a query
    to typed rows in one command, nothing left behind (also after Ctrl+C), the secure link's signature shown
    nowhere, and the seat deployment table in 80 columns. The emulator's executions move on by polls here (two
    Pending, one Running: PesterRun), so a run is stopped on purpose in the long pause after its first poll.
    See tests/TestSetup.ps1 for what the suite needs.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $SeatsQuery = 'SELECT CustomerName, Product, TotalSoldSeats, TotalAssignedSeats FROM SeatsSubscriptionsAndRevenue TIMESPAN LAST_MONTH'

    function Get-Leftover {
        @(Get-PartnerInsightsReport | Where-Object ReportName -like 'PCL-*') + @(Get-PartnerInsightsQuery -Type UserDefined | Where-Object Name -like 'PCL-*')
    }
}

Describe 'Running a Partner insights query in one command' {
    BeforeAll {
        $null = Connect-Emulator
    }

    AfterAll {
        Disconnect-PartnerCenter
    }

    It 'turns a query into typed rows and leaves no query or report behind' {
        $rows = Invoke-PartnerInsightsQuery -Query $SeatsQuery -PollIntervalSec 0.2 -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
        $rows.Count | Should -BeGreaterThan 0
        $rows[0].TotalSoldSeats | Should -BeOfType ([long])
        $rows[0].CustomerName | Should -BeOfType ([string])
        Get-Leftover | Should -BeNullOrEmpty
    }

    It 'removes the query and report it created when it is stopped (Ctrl+C)' {
        $ps = [powershell]::Create()
        try {
            # A first pause of a minute: the run is stopped while it waits between polls, its report still Pending.
            $null = $ps.AddScript("Import-Module '$ModuleManifest'; Invoke-PartnerInsightsQuery -Query `"$SeatsQuery`" -PollIntervalSec 60")
            $null = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Get-PartnerInsightsReport | Where-Object ReportName -like 'PCL-*') -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 100
            }

            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            $ps.Dispose()
        }

        Get-Leftover | Should -BeNullOrEmpty
    }

    It 'shows the secure link as host and path only, in every stream and form' {
        $streams = Invoke-PartnerInsightsQuery -Query $SeatsQuery -PollIntervalSec 0.2 -KeepReport -Verbose -Debug -WarningAction Continue *>&1 | Out-String -Width 500
        $report = Get-PartnerInsightsReport | Where-Object ReportName -like 'PCL-*'
        $execution = $report | Get-PartnerInsightsReportExecution -Latest
        try {
            $execution.ExecutionStatus | Should -Be 'Completed'
            $forms = ($execution | Format-Table | Out-String -Width 200) + ($execution | Format-List * | Out-String -Width 500) +
                ($execution | ConvertTo-Json -Depth 4) + ($execution | ConvertTo-Csv) + "$execution" + $execution.ReportAccessSecureLink
            $streams + $forms | Should -Not -Match 'sig='
            $execution.ReportAccessSecureLink.ToString() | Should -Match '^https://[^?]+\.csv$'
        }
        finally {
            $report | Remove-PartnerInsightsReport -Confirm:$false
            Get-PartnerInsightsQuery -Type UserDefined | Where-Object Name -like 'PCL-*' | Remove-PartnerInsightsQuery -Confirm:$false
        }

        Get-Leftover | Should -BeNullOrEmpty
    }

    It 'shows seat deployment per customer and product in a table that fits 80 columns' {
        $rows = Get-PartnerSeatDeployment -PollIntervalSec 0.2
        $rows.Count | Should -BeGreaterThan 0
        $rows[0] | Should -BeOfType ([PartnerCenterLicenses.Models.PartnerSeatDeployment])
        $rows | ForEach-Object { $_.DeploymentPercent | Should -BeOfType ([double]) }
        $lines = ($rows | Format-Table | Out-String -Width 80) -split "`r?`n" | Where-Object { $_ }
        $lines[0] | Should -Match 'CustomerName\s+Product\s+Sold\s+Assigned\s+Active\s+Deployed'
        $lines | ForEach-Object { $_.Length | Should -BeLessThan 80 }
        Get-Leftover | Should -BeNullOrEmpty
    }
}
