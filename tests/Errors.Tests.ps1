<#
    Failures as a script sees them: error records with a stable id, a category and the object they are
    about, caught with try/catch, or, in a script without one, in -ErrorVariable, $Error and $?.
    See tests/TestSetup.ps1 for what the suite needs.
#>

BeforeDiscovery {
    function ConvertTo-Base64Url([string] $Text) {
        [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Text)).TrimEnd('=').Replace('+', '-').Replace('/', '_')
    }

    # A token that expired an hour ago; the module reads its expiry, not its signature.
    $expiredAt = [DateTimeOffset]::UtcNow.AddHours(-1).ToUnixTimeSeconds()
    $expiredToken = (ConvertTo-Base64Url '{"alg":"RS256","typ":"JWT"}') + '.' +
        (ConvertTo-Base64Url "{""aud"":""https://api.partnercenter.microsoft.com"",""exp"":$expiredAt}") + '.c2lnbmF0dXJl'

    # Each case changes the secure application model's sign-in (or, with -AccessToken, replaces it).
    $wrongSecret = [pscredential]::new($env:PCL_CLIENT_ID, (ConvertTo-SecureString 'not-the-secret' -AsPlainText -Force))
    $failures = @(
        @{ Case = 'a wrong client secret'; Id = 'PartnerCenter.InvalidClientCredential'; Category = 'AuthenticationError'; Target = $null
            Parameters = @{ Credential = $wrongSecret } }
        @{ Case = 'a refresh token the authority does not know'; Id = 'PartnerCenter.RefreshTokenExpired'; Category = 'AuthenticationError'; Target = $null
            Parameters = @{ RefreshToken = 'not-a-refresh-token' } }
        @{ Case = 'an environment nobody added'; Id = 'PartnerCenter.UnknownEnvironment'; Category = 'InvalidArgument'; Target = 'Nowhere'
            Parameters = @{ Environment = 'Nowhere' } }
        @{ Case = 'a tenant that is not a tenant'; Id = 'PartnerCenter.InvalidArgument'; Category = 'InvalidArgument'; Target = 'contoso.onmicrosoft.com/oauth2'
            Parameters = @{ Tenant = 'contoso.onmicrosoft.com/oauth2' } }
        @{ Case = 'an access token that has expired'; Id = 'PartnerCenter.AccessTokenExpired'; Category = 'AuthenticationError'; Target = $null
            Parameters = @{ AccessToken = $expiredToken } }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}

Describe 'Connect-PartnerCenter failures, caught with try/catch and -ErrorAction Stop' {
    AfterEach {
        Disconnect-PartnerCenter
    }

    It 'refuses <Case> with <Id> (<Category>)' -ForEach $failures {
        $arguments = @{ Environment = 'Emulator' }
        if (-not $Parameters.ContainsKey('AccessToken')) {
            $arguments += @{ ApplicationId = $env:PCL_CLIENT_ID; Credential = New-AppCredential; RefreshToken = Get-RefreshToken; Tenant = $env:PCL_TENANT }
        }

        foreach ($name in $Parameters.Keys) {
            $arguments[$name] = $Parameters[$name]
        }

        $failure = $null
        try {
            Connect-PartnerCenter @arguments -ErrorAction Stop
        }
        catch {
            $failure = $_
        }

        $failure | Should -Not -BeNullOrEmpty -Because 'the connect must fail'
        $failure.FullyQualifiedErrorId | Should -BeExactly "$Id,PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand"
        $failure.CategoryInfo.Category | Should -Be $Category
        $failure.TargetObject | Should -Be $Target
        $failure.Exception.Message | Should -Not -BeNullOrEmpty
        "$failure" | Should -Not -Match ([regex]::Escape($env:PCL_CLIENT_SECRET))
        "$failure" | Should -Not -Match ([regex]::Escape($env:PCL_REFRESH_TOKEN))
        Get-PartnerCenterContext | Should -BeNullOrEmpty
    }

    It 'leaves the session it had when a new connect is refused' {
        $before = Connect-Emulator
        try {
            Connect-PartnerCenter -Environment Nowhere -AccessToken 'unused' -ErrorAction Stop
        }
        catch {
            $_.FullyQualifiedErrorId | Should -Match '^PartnerCenter\.UnknownEnvironment,'
        }

        (Get-PartnerCenterContext).AuthenticationType | Should -Be $before.AuthenticationType
        @(Get-PartnerLicenseDeployment).Count | Should -Be 2
    }
}

Describe 'A failure in a script without try/catch' {
    BeforeAll {
        # A runbook's top level: no try/catch around it (Pester's own would catch the error), default preferences.
        $runbook = [powershell]::Create()
        $null = $runbook.AddScript({
                param($Manifest)
                Import-Module $Manifest
                Disconnect-PartnerCenter
                Get-PartnerLicenseDeployment -ErrorVariable failure
                [pscustomobject]@{ Succeeded = $?; Failure = @($failure); LastError = $Error[0]; WentOn = $true }
            }.ToString()).AddArgument($ModuleManifest)
        $result = @($runbook.Invoke())
        $errorStream = @($runbook.Streams.Error)
        $runbook.Dispose()
    }

    It 'sets $? to false and goes on with the next statement' {
        $result.Count | Should -Be 1
        $result[0].Succeeded | Should -BeFalse
        $result[0].WentOn | Should -BeTrue
    }

    It 'puts the error record in -ErrorVariable, $Error and the error stream' {
        $expected = 'PartnerCenter.NotConnected,PartnerCenterLicenses.Commands.GetPartnerLicenseDeploymentCommand'
        @($result[0].Failure).Count | Should -Be 1
        # For an error that ends the command, -ErrorVariable holds the exception that carries the record.
        $recorded = $result[0].Failure[0]
        if ($recorded -isnot [System.Management.Automation.ErrorRecord]) {
            $recorded = $recorded.ErrorRecord
        }

        $recorded.FullyQualifiedErrorId | Should -BeExactly $expected
        $recorded.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $result[0].LastError.FullyQualifiedErrorId | Should -BeExactly $expected
        $errorStream.Count | Should -Be 1
        $errorStream[0].FullyQualifiedErrorId | Should -BeExactly $expected
    }
}
