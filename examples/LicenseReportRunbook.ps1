<#
.SYNOPSIS
    Azure Automation runbook: renews the Partner Center refresh token, stores the new one, and exports license
    deployment per service and channel to CSV, optionally uploading it to a storage blob.

.DESCRIPTION
    Signs in with the secure application model and a client secret, the way the README's runbook quick start does:

      1. reads the application's credential, the partner tenant and the refresh token from the Automation account's
         assets;
      2. renews the refresh token (New-PartnerCenterRefreshToken) and writes the new one back to its variable with
         Set-AutomationVariable, so a runbook that runs at least once every 90 days never needs a person again (the
         old token stays valid until it expires, so a run that fails after this step still leaves a usable one);
      3. connects with the new token and writes Get-PartnerLicenseDeployment to a CSV file: one row per service and
         channel, the percent as a fraction (0.874 is 87.4 %), numbers and times in the invariant culture;
      4. with -StorageAccountName, uploads the file to a blob with Az.Storage, signed in with the Automation
         account's managed identity.

    Every step stops the runbook on failure ($ErrorActionPreference = 'Stop' and -ErrorAction Stop), so the job
    ends as Failed with the module's error record (PartnerCenter.RefreshTokenExpired names the command that gets a
    new token) instead of writing a partial report. No secret is written to any stream or file.

    The job's output is one object: the CSV's path, its number of rows, and the blob it was uploaded to (if any).

    Automation assets it expects (names can be changed with the parameters):
      PartnerCenterApp           credential: user name = application (client) id, password = client secret
      PartnerCenterTenant        variable (string): the partner tenant's id or domain, e.g. contoso.onmicrosoft.com
      PartnerCenterRefreshToken  variable (string, created as encrypted): the refresh token an admin agent got with
                                 New-PartnerCenterRefreshToken; this runbook replaces it with the renewed one
    Modules it needs in the Automation account: PartnerCenterLicenses; for the upload, Az.Accounts and Az.Storage,
    and the managed identity needs "Storage Blob Data Contributor" on the container.

    Outside Azure Automation (a test, a scheduled task), define Get-AutomationPSCredential, Get-AutomationVariable
    and Set-AutomationVariable as functions reading your own store before running it: the project's tests do
    exactly that (tests/Examples.Tests.ps1).

.PARAMETER CredentialName
    Name of the credential asset holding the application id (user name) and client secret (password).

.PARAMETER TenantVariableName
    Name of the variable asset holding the partner tenant's id or domain.

.PARAMETER RefreshTokenVariableName
    Name of the encrypted variable asset holding the refresh token; the renewed token is written back to it.

.PARAMETER Environment
    The Partner Center cloud: AzureCloud (default), AzureChinaCloud, AzureUSGovernment, or a custom environment
    added with Add-PartnerCenterEnvironment.

.PARAMETER OutputPath
    The CSV file to write (replaced if it exists). Default: partner-license-deployment.csv in the temporary folder,
    which is where an Azure Automation sandbox may write.

.PARAMETER StorageAccountName
    If given, the CSV is also uploaded to this storage account with Set-AzStorageBlobContent.

.PARAMETER ContainerName
    The blob container for the upload. Default: license-reports.

.PARAMETER BlobName
    The blob's name. Default: license-deployment/<yyyy-MM-dd>.csv, the date in UTC.

.EXAMPLE
    .\LicenseReportRunbook.ps1 -StorageAccountName contosoreports

    As a scheduled runbook: renews the token, writes the CSV, and uploads it to
    https://contosoreports.blob.core.windows.net/license-reports/license-deployment/<date>.csv.

.EXAMPLE
    .\LicenseReportRunbook.ps1 -OutputPath .\deployment.csv -CredentialName 'PC App (prod)'

    Writes the CSV only, reading the application's credential from another asset.

.NOTES
    Requires PartnerCenterLicenses 0.1.0 or later. Runs in PowerShell 7 and Windows PowerShell 5.1 runbooks.
#>
#Requires -Modules PartnerCenterLicenses

[CmdletBinding()]
param(
    [string] $CredentialName = 'PartnerCenterApp',
    [string] $TenantVariableName = 'PartnerCenterTenant',
    [string] $RefreshTokenVariableName = 'PartnerCenterRefreshToken',
    [string] $Environment = 'AzureCloud',
    [string] $OutputPath = (Join-Path ([System.IO.Path]::GetTempPath()) 'partner-license-deployment.csv'),
    [string] $StorageAccountName,
    [string] $ContainerName = 'license-reports',
    [string] $BlobName = ('license-deployment/{0:yyyy-MM-dd}.csv' -f [DateTime]::UtcNow)
)

$ErrorActionPreference = 'Stop'
$invariant = [System.Globalization.CultureInfo]::InvariantCulture

# 1. The assets.
$app = Get-AutomationPSCredential -Name $CredentialName -ErrorAction Stop
$tenant = Get-AutomationVariable -Name $TenantVariableName -ErrorAction Stop
$storedToken = Get-AutomationVariable -Name $RefreshTokenVariableName -ErrorAction Stop

# 2. Renew the refresh token and store the new one before anything else can fail. Automation variables hold
#    strings, not SecureStrings: the text exists only for this call, and the encrypted variable keeps it
#    encrypted at rest.
$token = New-PartnerCenterRefreshToken -RefreshToken $storedToken -ApplicationId $app.UserName -Credential $app `
    -Tenant $tenant -Environment $Environment -ErrorAction Stop
Set-AutomationVariable -Name $RefreshTokenVariableName `
    -Value ([pscredential]::new('refresh token', $token.RefreshToken).GetNetworkCredential().Password) -ErrorAction Stop

# 3. Connect with the new token (its application id, tenant and environment come with it) and write the report.
try {
    $null = $token | Connect-PartnerCenter -Credential $app -ErrorAction Stop

    $rows = @(Get-PartnerLicenseDeployment -ErrorAction Stop |
            Select-Object ServiceName, Channel,
            @{ Name = 'LicensesSold'; Expression = { $_.LicensesSold.ToString($invariant) } },
            @{ Name = 'ProratedDeploymentPercent'; Expression = { $_.ProratedDeploymentPercent.ToString($invariant) } },
            @{ Name = 'ProcessedDateTime'; Expression = { $_.ProcessedDateTime.ToString('o', $invariant) } })
}
finally {
    Disconnect-PartnerCenter
}

$rows | Export-Csv -LiteralPath $OutputPath -NoTypeInformation -Encoding UTF8 -ErrorAction Stop

# 4. Optionally, the upload. Replace this block with your own storage if you use another one.
$blob = $null
if ($StorageAccountName) {
    $null = Connect-AzAccount -Identity -ErrorAction Stop
    $storage = New-AzStorageContext -StorageAccountName $StorageAccountName -UseConnectedAccount -ErrorAction Stop
    $null = Set-AzStorageBlobContent -File $OutputPath -Container $ContainerName -Blob $BlobName -Context $storage `
        -Force -ErrorAction Stop
    $blob = "$StorageAccountName/$ContainerName/$BlobName"
}

[pscustomobject]@{
    Path = $OutputPath
    Rows = $rows.Count
    Blob = $blob
}
