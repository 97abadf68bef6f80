<#
    Invoke-PartnerCenterRequest as a runbook uses it in real pwsh: customers as PSCustomObjects that the
    usual cmdlets (ConvertTo-Json, Select-Object, the module's own) take, and a path that is not one refused.
    See tests/TestSetup.ps1 for what the suite needs.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}

Describe 'Invoke-PartnerCenterRequest' {
    BeforeAll {
        $null = Connect-Emulator
        $customers = @(Invoke-PartnerCenterRequest -Path /v1/customers -All)
    }

    AfterAll {
        Disconnect-PartnerCenter
    }

    It 'writes each customer as a PSCustomObject with its nested profile' {
        $customers.Count | Should -BeGreaterThan 0
        $customers[0] | Should -BeOfType ([System.Management.Automation.PSCustomObject])
        $customers[0].companyProfile.tenantId | Should -BeExactly $customers[0].id
    }

    It 'writes objects that survive a ConvertTo-Json round trip unchanged' {
        $copy = $customers[0] | ConvertTo-Json -Depth 10 | ConvertFrom-Json
        $copy.id | Should -BeExactly $customers[0].id
        $copy.companyProfile.domain | Should -BeExactly $customers[0].companyProfile.domain
        ($copy.PSObject.Properties.Name -join ',') | Should -BeExactly ($customers[0].PSObject.Properties.Name -join ',')
    }

    It 'pipes its customers into Get-PartnerLicenseDeployment' {
        $insights = @($customers | Get-PartnerLicenseDeployment)
        $insights.Count | Should -BeGreaterThan 0
        @($insights.CustomerId | Sort-Object -Unique) | Should -Be @($customers.id | Sort-Object -Unique)
    }

    It 'refuses a URL as -Path with PartnerCenter.InvalidArgument' {
        { Invoke-PartnerCenterRequest -Path 'https://evil.example/v1/customers' } |
            Should -Throw -ErrorId 'PartnerCenter.InvalidArgument,PartnerCenterLicenses.Commands.InvokePartnerCenterRequestCommand'
    }
}
