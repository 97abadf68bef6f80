<#
    Dot-sourced by every tests/*.Tests.ps1 in its BeforeAll. The Pester suite uses the module as a person or a
    runbook does, imported by path from out/ (build first), against the project's emulator of Entra ID and
    Partner Center.

    What the suite needs comes in environment variables, as a runbook's secrets come from its automation
    account, so no secret is written in a script:
      PCL_EMULATOR_URL       the emulator (one URL for both Entra ID and Partner Center)
      PCL_TENANT             the partner's tenant id
      PCL_CLIENT_ID          the application of the secure application model...
      PCL_CLIENT_SECRET      ...its client secret...
      PCL_REFRESH_TOKEN      ...and the refresh token an admin agent granted it
      PCL_CERTIFICATE_PATH   a PFX without password of a certificate the same application is registered with
      PCL_PUBLIC_CLIENT_ID   a public client for device code sign-in; the emulator approves each code when first polled
    and the emulator's TLS certificate must be trusted (SSL_CERT_FILE on Linux, the certificate store on Windows).

    The README's test command sets all of that (tests/PartnerCenterLicenses.Tests/Pester/PesterRun.cs). By hand:
    start the emulator with --info-file and --auto-approve-device-codes and set the variables from that file, as
    the Windows PowerShell job in .github/workflows/ci.yml does.
#>

$ModuleManifest = Join-Path (Split-Path -Parent $PSScriptRoot) 'out/PartnerCenterLicenses/PartnerCenterLicenses.psd1'
if (-not (Test-Path -LiteralPath $ModuleManifest)) {
    throw "The module is not built ($ModuleManifest). Run: dotnet build -c Release Module.sln"
}

# Imported once for the whole run: importing it again is a no-op.
Import-Module $ModuleManifest

$missing = @('PCL_EMULATOR_URL', 'PCL_TENANT', 'PCL_CLIENT_ID', 'PCL_CLIENT_SECRET', 'PCL_REFRESH_TOKEN', 'PCL_CERTIFICATE_PATH', 'PCL_PUBLIC_CLIENT_ID') |
    Where-Object { -not [Environment]::GetEnvironmentVariable($_) }
if ($missing) {
    throw "Not set: $($missing -join ', '). Run the suite with the README's test command, or set them as tests/TestSetup.ps1 says."
}

$EmulatorUrl = $env:PCL_EMULATOR_URL
$null = Add-PartnerCenterEnvironment -Name Emulator -ActiveDirectoryAuthority $EmulatorUrl -PartnerCenterEndpoint $EmulatorUrl

function New-AppCredential {
    [pscredential]::new($env:PCL_CLIENT_ID, (ConvertTo-SecureString $env:PCL_CLIENT_SECRET -AsPlainText -Force))
}

function Get-RefreshToken {
    ConvertTo-SecureString $env:PCL_REFRESH_TOKEN -AsPlainText -Force
}

# The runbook's sign-in: the secure application model with a client secret. -Verbose and -Debug reach
# Connect-PartnerCenter through the preference variables they set.
function Connect-Emulator {
    [CmdletBinding()]
    param()

    Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential (New-AppCredential) `
        -RefreshToken (Get-RefreshToken) -Tenant $env:PCL_TENANT
}
