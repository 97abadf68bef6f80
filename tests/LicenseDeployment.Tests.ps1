<#
    Get-PartnerLicenseDeployment as a runbook uses it: the documented example as typed objects, and the
    objects in the pipelines people write around it. See tests/TestSetup.ps1 for what the suite needs.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}

Describe 'The documented example, signed in with the secure application model' {
    BeforeAll {
        $context = Connect-Emulator
        $insights = @(Get-PartnerLicenseDeployment)
    }

    AfterAll {
        Disconnect-PartnerCenter
    }

    It 'signs in as the partner user, for the application, in the partner tenant' {
        $context.Account | Should -BeExactly 'admin@contoso.onmicrosoft.com'
        $context.Tenant | Should -Be $env:PCL_TENANT
        $context.ApplicationId | Should -Be $env:PCL_CLIENT_ID
        $context.Environment | Should -BeExactly 'Emulator'
        $context.AuthenticationType | Should -Be 'RefreshToken'
        $context.TokenExpiresOn | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
        (Get-PartnerCenterContext).Account | Should -BeExactly $context.Account
    }

    It 'emits one PartnerLicensesDeploymentInsights per service and channel' {
        $insights.Count | Should -Be 2
        foreach ($insight in $insights) {
            $insight | Should -BeOfType ([PartnerCenterLicenses.Models.PartnerLicensesDeploymentInsights])
        }
    }

    It 'has the values of the documented example' {
        $crm, $o365 = $insights
        $crm.ServiceName | Should -BeExactly 'crm'
        $crm.Channel | Should -BeExactly 'reseller'
        $crm.LicensesSold | Should -Be 343
        $crm.ProratedDeploymentPercent | Should -Be 0
        $crm.ProcessedDateTime | Should -Be ([DateTimeOffset]::new(2017, 3, 10, 0, 0, 0, [TimeSpan]::Zero))
        $o365.ServiceName | Should -BeExactly 'o365'
        $o365.Channel | Should -BeExactly 'reseller'
        $o365.LicensesSold | Should -Be 4464
        $o365.ProratedDeploymentPercent | Should -Be 1
        $o365.ProcessedDateTime | Should -Be ([DateTimeOffset]::new(2017, 3, 14, 3, 25, 16, 360, [TimeSpan]::Zero))
    }

    It 'gives every property a real type: string, long, double, DateTimeOffset' {
        foreach ($insight in $insights) {
            $insight.ServiceName | Should -BeOfType ([string])
            $insight.LicensesSold | Should -BeOfType ([long])
            $insight.ProratedDeploymentPercent | Should -BeOfType ([double])
            $insight.ProcessedDateTime | Should -BeOfType ([DateTimeOffset])
        }
    }
}

Describe 'Get-PartnerLicenseDeployment in a pipeline' {
    BeforeAll {
        $null = Connect-Emulator
    }

    AfterAll {
        Disconnect-PartnerCenter
    }

    It 'filters with Where-Object on the deployed fraction' {
        $underDeployed = @(Get-PartnerLicenseDeployment | Where-Object ProratedDeploymentPercent -lt 0.8)
        $underDeployed.ServiceName | Should -Be @('crm')
    }

    It 'sorts with Sort-Object by licenses sold' {
        (Get-PartnerLicenseDeployment | Sort-Object LicensesSold -Descending).ServiceName | Should -Be @('o365', 'crm')
    }

    It 'groups with Group-Object by channel' {
        $groups = @(Get-PartnerLicenseDeployment | Group-Object Channel)
        $groups.Count | Should -Be 1
        $groups[0].Name | Should -BeExactly 'reseller'
        $groups[0].Group.ServiceName | Should -Be @('crm', 'o365')
    }

    It 'adds up the licenses sold with Measure-Object -Sum' {
        $measure = Get-PartnerLicenseDeployment | Measure-Object LicensesSold -Sum
        $measure.Count | Should -Be 2
        $measure.Sum | Should -Be 4807
    }

    It 'stops reading the answer once Select-Object -First 1 has its object' {
        # The verbose line that counts what was read comes only after the whole answer was read.
        $stopped = Join-Path $TestDrive 'first.txt'
        $first = @(Get-PartnerLicenseDeployment -Verbose 4> $stopped | Select-Object -First 1)
        $complete = Join-Path $TestDrive 'all.txt'
        Get-PartnerLicenseDeployment -Verbose 4> $complete | Out-Null

        $first.Count | Should -Be 1
        $first[0].ServiceName | Should -BeExactly 'crm'
        Get-Content -LiteralPath $stopped -Raw | Should -Match 'GET https://'
        Get-Content -LiteralPath $stopped -Raw | Should -Not -Match 'Read \d+ license deployment insight'
        Get-Content -LiteralPath $complete -Raw | Should -Match 'Read 2 license deployment insight'
        # The stopped call let go of its request: the session goes on working.
        @(Get-PartnerLicenseDeployment).Count | Should -Be 2
    }

    It 'round-trips through Export-Csv and Import-Csv' {
        $file = Join-Path $TestDrive 'deployment.csv'
        $original = @(Get-PartnerLicenseDeployment)
        $original | Export-Csv -LiteralPath $file -NoTypeInformation
        $rows = @(Import-Csv -LiteralPath $file)

        (Get-Content -LiteralPath $file -TotalCount 1) | Should -BeExactly '"ServiceName","Channel","LicensesSold","ProratedDeploymentPercent","ProcessedDateTime"'
        $rows.Count | Should -Be 2
        for ($i = 0; $i -lt 2; $i++) {
            $rows[$i].ServiceName | Should -BeExactly $original[$i].ServiceName
            $rows[$i].Channel | Should -BeExactly $original[$i].Channel
            [long] $rows[$i].LicensesSold | Should -Be $original[$i].LicensesSold
            [double] $rows[$i].ProratedDeploymentPercent | Should -Be $original[$i].ProratedDeploymentPercent
            # CSV holds the date as text in the current culture, to the second, with its offset.
            $processed = [DateTimeOffset]::Parse($rows[$i].ProcessedDateTime)
            $processed.Offset | Should -Be $original[$i].ProcessedDateTime.Offset
            $processed | Should -Be $original[$i].ProcessedDateTime.AddTicks(-($original[$i].ProcessedDateTime.Ticks % [TimeSpan]::TicksPerSecond))
        }
    }

    # ConvertFrom-Json -DateKind came with PowerShell 7.5.
    It 'keeps ProcessedDateTime a date with its offset through ConvertTo-Json' -Skip:($PSVersionTable.PSVersion -lt [version]'7.5') {
        $original = @(Get-PartnerLicenseDeployment)
        $json = $original | ConvertTo-Json

        $json | Should -Match '"ProcessedDateTime":\s*"2017-03-14T03:25:16\.36\+00:00"'
        $json | Should -Match '"LicensesSold":\s*4464\b'
        $back = @($json | ConvertFrom-Json -DateKind Offset)
        $back[1].ProcessedDateTime | Should -BeOfType ([DateTimeOffset])
        $back[1].ProcessedDateTime | Should -Be $original[1].ProcessedDateTime
        $back[1].ProcessedDateTime.Offset | Should -Be ([TimeSpan]::Zero)
    }
}
