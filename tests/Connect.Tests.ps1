<#
    Every way to connect that needs no person at a browser, as a runbook or a server script does it, and
    what happens without a session. See tests/TestSetup.ps1 for what the suite needs.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')

    function Assert-SignedInAsThePartnerUser($Context, [string] $AuthenticationType, [string] $ApplicationId) {
        $Context.Account | Should -BeExactly 'admin@contoso.onmicrosoft.com'
        $Context.Tenant | Should -Be $env:PCL_TENANT
        $Context.ApplicationId | Should -Be $ApplicationId
        $Context.AuthenticationType | Should -Be $AuthenticationType
        @(Get-PartnerLicenseDeployment).ServiceName | Should -Be @('crm', 'o365')
    }
}

Describe 'Connect-PartnerCenter without a person at the keyboard' {
    AfterEach {
        Disconnect-PartnerCenter
    }

    It 'signs in with a client secret and a refresh token (the secure application model)' {
        $context = Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential (New-AppCredential) `
            -RefreshToken (Get-RefreshToken) -Tenant $env:PCL_TENANT

        Assert-SignedInAsThePartnerUser $context -AuthenticationType RefreshToken -ApplicationId $env:PCL_CLIENT_ID
    }

    It 'takes the refresh token as a plain string, as runbooks written for the archived module pass it' {
        $context = Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential (New-AppCredential) `
            -RefreshToken $env:PCL_REFRESH_TOKEN -Tenant $env:PCL_TENANT

        Assert-SignedInAsThePartnerUser $context -AuthenticationType RefreshToken -ApplicationId $env:PCL_CLIENT_ID
    }

    It 'signs in with the certificate the application is registered with, instead of a secret' {
        $certificate = Get-PfxCertificate -FilePath $env:PCL_CERTIFICATE_PATH
        $certificate.HasPrivateKey | Should -BeTrue

        $context = Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Certificate $certificate `
            -RefreshToken (Get-RefreshToken) -Tenant $env:PCL_TENANT

        Assert-SignedInAsThePartnerUser $context -AuthenticationType RefreshToken -ApplicationId $env:PCL_CLIENT_ID
    }

    It 'is refused with a certificate the application is not registered with' {
        $key = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
            'CN=Not the application''s certificate', $key, [System.Security.Cryptography.HashAlgorithmName]::SHA256,
            [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $stranger = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(1))

        $failure = $null
        try {
            Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Certificate $stranger `
                -RefreshToken (Get-RefreshToken) -Tenant $env:PCL_TENANT -ErrorAction Stop
        }
        catch {
            $failure = $_
        }

        $failure.FullyQualifiedErrorId | Should -BeExactly 'PartnerCenter.InvalidClientCredential,PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand'
        $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
        Get-PartnerCenterContext | Should -BeNullOrEmpty
    }

    It 'uses an access token obtained elsewhere, and says until when' {
        if ($PSVersionTable.PSEdition -eq 'Desktop') {
            [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
        }

        # As a script that runs its own OAuth request would get one.
        $answer = Invoke-RestMethod -Method Post -Uri "$env:PCL_EMULATOR_URL/$env:PCL_TENANT/oauth2/v2.0/token" -Body @{
            grant_type    = 'refresh_token'
            client_id     = $env:PCL_CLIENT_ID
            client_secret = $env:PCL_CLIENT_SECRET
            refresh_token = $env:PCL_REFRESH_TOKEN
            scope         = 'https://api.partnercenter.microsoft.com/user_impersonation'
        }
        $expected = [DateTimeOffset]::UtcNow.AddSeconds($answer.expires_in)

        $context = Connect-PartnerCenter -Environment Emulator -AccessToken $answer.access_token

        Assert-SignedInAsThePartnerUser $context -AuthenticationType AccessToken -ApplicationId $env:PCL_CLIENT_ID
        ($context.TokenExpiresOn - $expected).Duration() | Should -BeLessThan ([TimeSpan]::FromMinutes(2))
    }

    It 'signs in with a device code, shown on the warning stream' {
        $context = Connect-PartnerCenter -Environment Emulator -UseDeviceAuthentication -ApplicationId $env:PCL_PUBLIC_CLIENT_ID `
            -Tenant $env:PCL_TENANT -WarningVariable signInMessage -WarningAction SilentlyContinue

        @($signInMessage).Count | Should -Be 1
        $message = [string] $signInMessage[0]
        $message | Should -Match ([regex]::Escape("$env:PCL_EMULATOR_URL/devicelogin"))
        $message | Should -Match 'enter the code (?<code>[A-Z0-9]{8,9})\b'
        Assert-SignedInAsThePartnerUser $context -AuthenticationType DeviceCode -ApplicationId $env:PCL_PUBLIC_CLIENT_ID
    }
}

Describe 'Without a session' {
    It 'Get-PartnerLicenseDeployment fails with PartnerCenter.NotConnected and says what to run' {
        $null = Connect-Emulator
        Disconnect-PartnerCenter
        Get-PartnerCenterContext | Should -BeNullOrEmpty

        $failure = $null
        try {
            Get-PartnerLicenseDeployment -ErrorAction Stop
        }
        catch {
            $failure = $_
        }

        $failure.FullyQualifiedErrorId | Should -BeExactly 'PartnerCenter.NotConnected,PartnerCenterLicenses.Commands.GetPartnerLicenseDeploymentCommand'
        $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failure.Exception.Message | Should -Match 'Connect-PartnerCenter'
        $failure.ErrorDetails.RecommendedAction | Should -Match 'Connect-PartnerCenter -ApplicationId'
    }

    It 'Disconnect-PartnerCenter is harmless when there is nothing to disconnect' {
        Disconnect-PartnerCenter
        { Disconnect-PartnerCenter -ErrorAction Stop } | Should -Not -Throw
        Get-PartnerCenterContext | Should -BeNullOrEmpty
    }
}
