<#
    Customer-level analytics as a runbook author meets them in real pwsh: typed objects, pipeline
    input, the archived module's names, and the progress a fan-out over customers shows.
    See tests/TestSetup.ps1 for what the suite needs.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $customer = '4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04'

    # The progress records of one command, run in a runspace of its own whose PowerShell object keeps
    # them; the Partner Center session belongs to the process, so that runspace is signed in too.
    function Get-ProgressOf([string] $command) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleManifest'; `$null = $command").Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            @($ps.Streams.Progress)
        }
        finally {
            $ps.Dispose()
        }
    }
}

Describe 'Customer-level license analytics' {
    BeforeAll {
        $null = Connect-Emulator
    }

    AfterAll {
        Disconnect-PartnerCenter
    }

    It 'lists the customers with Get-PartnerCustomer and pipes them into the customer-level analytics' {
        $customers = @(Get-PartnerCustomer)
        $customers.Count | Should -BeGreaterThan 0
        $customers[0] | Should -BeOfType ([PartnerCenterLicenses.Models.PartnerCustomer])
        $customers.CustomerId | Should -Contain $customer
        ($customers | Where-Object CustomerId -eq $customer).Name | Should -BeExactly 'DT DEMO CSP CUSTOMER 005'

        $rows = @(Get-PartnerCustomer | Where-Object CustomerId -eq $customer | Get-PartnerLicenseDeployment)
        $rows.Count | Should -BeGreaterThan 0
        $rows.CustomerId | Select-Object -Unique | Should -Be $customer
        ($customers | Format-Table | Out-String -Width 80) | Should -Match 'DT DEMO CSP CUSTOMER 005 +dtdemocspcusto'
    }

    It 'writes CustomerLicensesDeploymentInsights for a customer id from the pipeline' {
        $insights = @($customer | Get-PartnerLicenseDeployment)
        $insights.Count | Should -BeGreaterThan 0
        foreach ($insight in $insights) {
            $insight | Should -BeOfType ([PartnerCenterLicenses.Models.CustomerLicensesDeploymentInsights])
            $insight.CustomerId | Should -Be $customer
            $insight.LicensesDeployed | Should -BeOfType ([long])
            $insight.DeploymentPercent | Should -BeOfType ([double])
        }
    }

    It 'writes CustomerLicensesUsageInsights through the archived module''s name' {
        $usage = @(Get-PartnerCustomerLicenseUsageInfo -CustomerId $customer)
        $usage.Count | Should -BeGreaterThan 0
        $usage[0] | Should -BeOfType ([PartnerCenterLicenses.Models.CustomerLicensesUsageInsights])
        (Get-Alias Get-PartnerCustomerLicenseUsageInfo).ResolvedCommandName | Should -Be 'Get-PartnerLicenseUsage'
    }

    It 'exports the archived module''s four names as aliases' {
        # Their names are the archived module's; that nothing else is exported is the manifest's test (HelpAndCompletion.Tests.ps1).
        $aliases = @((Get-Module PartnerCenterLicenses).ExportedAliases.Keys)
        foreach ($name in 'Get-PartnerCustomerLicenseDeploymentInfo', 'Get-PartnerCustomerLicenseUsageInfo', 'Get-PartnerLicenseDeploymentInfo', 'Get-PartnerLicenseUsageInfo') {
            $aliases | Should -Contain $name
        }
    }

    It 'refuses a customer id that is not a GUID as a parameter error' {
        { Get-PartnerLicenseDeployment -CustomerId 'contoso.onmicrosoft.com' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,PartnerCenterLicenses.Commands.GetPartnerLicenseDeploymentCommand'
    }

    It 'shows customers done out of the total for ids given as arguments, and completes' {
        $progress = Get-ProgressOf "Get-PartnerLicenseDeployment -CustomerId '$customer', '$customer', '$customer'"
        $progress.Count | Should -BeGreaterThan 1
        $progress[-2].StatusDescription | Should -Be '3 of 3 customers'
        $progress[-2].PercentComplete | Should -Be 100
        $progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'shows customers done so far for ids from the pipeline, and completes' {
        $progress = Get-ProgressOf "'$customer', '$customer' | Get-PartnerLicenseUsage"
        $progress.StatusDescription | Should -Contain '2 customers so far'
        $progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'shows no progress for a single customer' {
        Get-ProgressOf "Get-PartnerLicenseDeployment -CustomerId '$customer'" | Should -BeNullOrEmpty
    }
}
