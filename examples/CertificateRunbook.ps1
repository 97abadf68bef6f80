<#
.SYNOPSIS
    Azure Automation runbook that signs the application in with a certificate instead of a client secret, renews
    and stores the refresh token, and exports license usage per service, channel and workload to CSV.

.DESCRIPTION
    The secure application model with a certificate: the application proves itself with a signed assertion, so
    no secret is stored or sent. The certificate (with its private key) comes from one of two places:

      - the Automation account's certificate asset (Get-AutomationCertificate), the default: upload the PFX to
        the Automation account as an exportable certificate;
      - with -CertificateThumbprint, the certificate store of the machine the runbook runs on (a Hybrid Runbook
        Worker, a server with a scheduled task): Cert:\CurrentUser\My, then Cert:\LocalMachine\My.

    Then, as LicenseReportRunbook.ps1 does with a secret: the refresh token is renewed with the certificate and
    written back with Set-AutomationVariable, Connect-PartnerCenter opens the session with the new token and the
    certificate, and Get-PartnerLicenseUsage is written to a CSV file (one row per service, channel and workload;
    the usage share as a fraction, numbers and times in the invariant culture). Every step stops the runbook on
    failure; a certificate that is missing, expired, has no private key or is not the one the application is
    registered with ends the job with the module's error (PartnerCenter.CertificateNotFound, ...Expired,
    ...WithoutPrivateKey, or Entra ID's refusal) before the stored token is touched.

    The job's output is one object: the CSV's path and its number of rows.

    Automation assets it expects (names can be changed with the parameters):
      PartnerCenterCertificate   certificate: the application's certificate with its private key (not needed
                                 with -CertificateThumbprint)
      PartnerCenterApplicationId variable (string): the application (client) id
      PartnerCenterTenant        variable (string): the partner tenant's id or domain
      PartnerCenterRefreshToken  variable (string, created as encrypted): the refresh token; replaced by the
                                 renewed one
    Outside Azure Automation, define Get-AutomationCertificate, Get-AutomationVariable and Set-AutomationVariable as
    functions reading your own store (tests/Examples.Tests.ps1 does).

.PARAMETER CertificateName
    Name of the certificate asset. Ignored with -CertificateThumbprint.

.PARAMETER CertificateThumbprint
    Use the certificate with this thumbprint from the local certificate store instead of the certificate asset.

.PARAMETER ApplicationIdVariableName
    Name of the variable asset holding the application (client) id.

.PARAMETER TenantVariableName
    Name of the variable asset holding the partner tenant's id or domain.

.PARAMETER RefreshTokenVariableName
    Name of the encrypted variable asset holding the refresh token; the renewed token is written back to it.

.PARAMETER Environment
    The Partner Center cloud: AzureCloud (default), AzureChinaCloud, AzureUSGovernment, or a custom environment.

.PARAMETER OutputPath
    The CSV file to write (replaced if it exists). Default: partner-license-usage.csv in the temporary folder.

.EXAMPLE
    .\CertificateRunbook.ps1

    In Azure Automation, with the certificate asset PartnerCenterCertificate.

.EXAMPLE
    .\CertificateRunbook.ps1 -CertificateThumbprint 3F2A9C0D5E7B1A4C8D6E2F0A9B3C5D7E1F4A6B8C -OutputPath D:\Reports\usage.csv

    On a Hybrid Runbook Worker whose certificate store has the application's certificate.

.NOTES
    Requires PartnerCenterLicenses 0.1.0 or later. Runs in PowerShell 7 and Windows PowerShell 5.1 runbooks.
#>
#Requires -Modules PartnerCenterLicenses

[CmdletBinding(DefaultParameterSetName = 'Asset')]
param(
    [Parameter(ParameterSetName = 'Asset')]
    [string] $CertificateName = 'PartnerCenterCertificate',
    [Parameter(Mandatory, ParameterSetName = 'Thumbprint')]
    [string] $CertificateThumbprint,
    [string] $ApplicationIdVariableName = 'PartnerCenterApplicationId',
    [string] $TenantVariableName = 'PartnerCenterTenant',
    [string] $RefreshTokenVariableName = 'PartnerCenterRefreshToken',
    [string] $Environment = 'AzureCloud',
    [string] $OutputPath = (Join-Path ([System.IO.Path]::GetTempPath()) 'partner-license-usage.csv')
)

$ErrorActionPreference = 'Stop'
$invariant = [System.Globalization.CultureInfo]::InvariantCulture

# How the application proves itself, the same for renewing and for connecting.
if ($PSCmdlet.ParameterSetName -eq 'Thumbprint') {
    $applicationCertificate = @{ CertificateThumbprint = $CertificateThumbprint }
}
else {
    $applicationCertificate = @{ Certificate = Get-AutomationCertificate -Name $CertificateName -ErrorAction Stop }
}

$applicationId = Get-AutomationVariable -Name $ApplicationIdVariableName -ErrorAction Stop
$tenant = Get-AutomationVariable -Name $TenantVariableName -ErrorAction Stop
$storedToken = Get-AutomationVariable -Name $RefreshTokenVariableName -ErrorAction Stop

# Renew the refresh token with the certificate and store the new one (an Automation variable holds a string).
$token = New-PartnerCenterRefreshToken -RefreshToken $storedToken -ApplicationId $applicationId @applicationCertificate `
    -Tenant $tenant -Environment $Environment -ErrorAction Stop
Set-AutomationVariable -Name $RefreshTokenVariableName `
    -Value ([pscredential]::new('refresh token', $token.RefreshToken).GetNetworkCredential().Password) -ErrorAction Stop

try {
    $null = $token | Connect-PartnerCenter @applicationCertificate -ErrorAction Stop

    $rows = @(Get-PartnerLicenseUsage -ErrorAction Stop |
            Select-Object ServiceName, Channel, WorkloadName,
            @{ Name = 'ProratedLicensesUsagePercent'; Expression = { $_.ProratedLicensesUsagePercent.ToString($invariant) } },
            @{ Name = 'ProcessedDateTime'; Expression = { $_.ProcessedDateTime.ToString('o', $invariant) } })
}
finally {
    Disconnect-PartnerCenter
}

$rows | Export-Csv -LiteralPath $OutputPath -NoTypeInformation -Encoding UTF8 -ErrorAction Stop

[pscustomobject]@{
    Path = $OutputPath
    Rows = $rows.Count
}
