<#
    Partner insights scheduled reports as a runbook author meets them in real pwsh: a run-now report of a
    system query, its execution piped from the report, pausing it, -WhatIf, an id that is not a GUID, and
    removing the report again. The completed file and its download are the downloads tests' part.
    See tests/TestSetup.ps1 for what the suite needs.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    # The SeatsSubscriptionsAndRevenue system query ("List of system queries").
    $SeatsQueryId = 'c9fc1c79-4408-49ff-97f9-e1aa3f155804'
}

Describe 'Partner insights scheduled reports' {
    BeforeAll {
        $null = Connect-Emulator
    }

    AfterAll {
        Disconnect-PartnerCenter
    }

    It 'makes a run-now report from a query object, whose execution pipes from it, pauses it and removes it' {
        $report = [pscustomobject]@{ QueryId = $SeatsQueryId } | New-PartnerInsightsReport -ReportName 'Seats now' -ExecuteNow
        $report | Should -BeOfType ([PartnerCenterLicenses.Models.PartnerInsightsReport])
        $report.ReportStatus | Should -Be 'Active'

        $run = $report | Get-PartnerInsightsReportExecution -Latest
        $run | Should -BeOfType ([PartnerCenterLicenses.Models.PartnerInsightsReportExecution])
        $run.ReportId | Should -Be $report.ReportId
        $run.ExecutionStatus | Should -BeIn @('Pending', 'Running', 'Completed')

        ($report | Suspend-PartnerInsightsReport).ReportStatus | Should -Be 'Paused'
        ($report | Resume-PartnerInsightsReport).ReportStatus | Should -Be 'Active'
        $report | Remove-PartnerInsightsReport
        Get-PartnerInsightsReport -ReportId $report.ReportId -ErrorAction SilentlyContinue -ErrorVariable missing | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'PartnerCenter.NotFound,*'
    }

    It 'writes nothing and says why for a scheduled report that has not run yet' {
        $report = New-PartnerInsightsReport -QueryId $SeatsQueryId -ReportName Daily -StartTime (Get-Date).AddDays(1) -RecurrenceInterval 24
        $verbose = $report | Get-PartnerInsightsReportExecution -Verbose 4>&1
        @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*has no execution yet*' }).Count | Should -Be 1
        @($verbose | Where-Object { $_ -is [PartnerCenterLicenses.Models.PartnerInsightsReportExecution] }).Count | Should -Be 0
        $report | Remove-PartnerInsightsReport
    }

    It 'creates nothing with -WhatIf and refuses an id that is not a GUID before sending' {
        $before = @(Get-PartnerInsightsReport).Count
        New-PartnerInsightsReport -QueryId $SeatsQueryId -ReportName 'What if' -ExecuteNow -WhatIf | Should -BeNullOrEmpty
        @(Get-PartnerInsightsReport | Where-Object ReportName -eq 'What if').Count | Should -Be 0
        @(Get-PartnerInsightsReport).Count | Should -Be $before
        { Get-PartnerInsightsReportExecution -ReportId '../../v1/customers' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PartnerCenterLicenses.Commands.GetPartnerInsightsReportExecutionCommand'
    }
}
