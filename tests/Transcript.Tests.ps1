<#
    A transcript of a run with every diagnostic stream on, as someone would record one to send for support:
    it shows what happened and holds no secret. See tests/TestSetup.ps1 for what the suite needs.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}

Describe 'Start-Transcript around a -Verbose -Debug run' {
    BeforeAll {
        $diagnostics = @{ Verbose = $true }
        if ($PSVersionTable.PSEdition -eq 'Core') {
            $diagnostics.Debug = $true
        }
        else {
            # Windows PowerShell asks before each debug message under -Debug (see the README).
            $DebugPreference = 'Continue'
        }

        $transcript = Join-Path $TestDrive 'transcript.txt'
        $null = Start-Transcript -LiteralPath $transcript
        try {
            Connect-Emulator @diagnostics | Format-List | Out-Host
            Get-PartnerLicenseDeployment @diagnostics | Format-Table | Out-Host
            Get-PartnerCenterContext | Format-List | Out-Host
            try {
                Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -RefreshToken (Get-RefreshToken) `
                    -Credential ([pscredential]::new($env:PCL_CLIENT_ID, (ConvertTo-SecureString 'not-the-secret' -AsPlainText -Force))) `
                    -Tenant $env:PCL_TENANT -ErrorAction Stop @diagnostics
            }
            catch {
                $_ | Out-Host
            }
        }
        finally {
            $null = Stop-Transcript
        }

        $text = Get-Content -LiteralPath $transcript -Raw
    }

    AfterAll {
        Disconnect-PartnerCenter
    }

    It 'records the sign-in, the request, its answer and the refused sign-in' {
        $text | Should -Match 'VERBOSE: Redeeming the refresh token'
        $text | Should -Match 'GET https://\S+/v1/analytics/licenses/deployment'
        $text | Should -Match 'DEBUG: Request headers: Authorization: Bearer <redacted>'
        $text | Should -Match 'o365'
        $text | Should -Match "rejected the application's credentials"
    }

    It 'holds neither the client secret nor the refresh token' {
        $text | Should -Not -Match ([regex]::Escape($env:PCL_CLIENT_SECRET))
        $text | Should -Not -Match ([regex]::Escape($env:PCL_REFRESH_TOKEN))
    }

    It 'holds no access token' {
        # Entra's access tokens are JWTs: base64url of '{"' twice, dot-separated.
        $text | Should -Not -Match 'eyJ[\w-]*\.eyJ'
    }
}
