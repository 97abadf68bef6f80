<#
.SYNOPSIS
    Azure Automation runbook: renews the Partner Center refresh token, writes the weekly license report (one HTML
    file with charts), and stores it in a storage blob and/or mails it.

.DESCRIPTION
    Signs in with the secure application model and a client secret, the way the README's runbook quick start does:

      1. reads the application's credential, the partner tenant and the refresh token from the Automation account's
         assets;
      2. renews the refresh token (New-PartnerCenterRefreshToken) and writes the new one back to its variable with
         Set-AutomationVariable before anything else can fail;
      3. connects with the new token and runs Export-PartnerLicenseReport: every customer's commercial license
         deployment and usage, as one self-contained HTML file (it opens offline, from a mail attachment too);
      4. with -StorageAccountName, uploads the file to a blob with Az.Storage, signed in with the Automation
         account's managed identity;
      5. with -MailTo, mails it as an attachment through Microsoft Graph (Send-MgUserMail, signed in with the
         managed identity, which needs the Mail.Send application permission), the headline in the subject.

    Every step stops the runbook on failure ($ErrorActionPreference = 'Stop'), so the job ends as Failed with the
    module's error record instead of sending a partial report. No secret is written to any stream or file.

    The job's output is one object: the report's path, its headline figures, the blob it was uploaded to and the
    addresses it was mailed to (if any).

    Automation assets it expects (names can be changed with the parameters):
      PartnerCenterApp           credential: user name = application (client) id, password = client secret
      PartnerCenterTenant        variable (string): the partner tenant's id or domain, e.g. contoso.onmicrosoft.com
      PartnerCenterRefreshToken  variable (string, created as encrypted): the refresh token an admin agent got with
                                 New-PartnerCenterRefreshToken; this runbook replaces it with the renewed one
    Modules it needs in the Automation account: PartnerCenterLicenses; for the upload, Az.Accounts and Az.Storage;
    for the mail, Microsoft.Graph.Authentication and Microsoft.Graph.Users.Actions.

    Schedule it weekly. Outside Azure Automation, define Get-AutomationPSCredential, Get-AutomationVariable and
    Set-AutomationVariable as functions reading your own store: the project's tests do (tests/Examples.Tests.ps1).

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
    The HTML file to write (replaced if it exists). Default: license-report-<yyyy-MM-dd>.html (the date in UTC) in
    the temporary folder, which is where an Azure Automation sandbox may write.

.PARAMETER Culture
    The culture the report's numbers and dates are written in, for example en-GB or de-DE. Default: en-US (a
    runbook's own culture is whatever the sandbox has).

.PARAMETER StorageAccountName
    If given, the report is uploaded to this storage account with Set-AzStorageBlobContent.

.PARAMETER ContainerName
    The blob container for the upload. Default: license-reports.

.PARAMETER MailTo
    If given, the report is mailed to these addresses through Microsoft Graph.

.PARAMETER MailFrom
    The mailbox (user id or user principal name) the mail is sent from; needed with -MailTo.

.EXAMPLE
    .\WeeklyLicenseReportRunbook.ps1 -StorageAccountName contosoreports

    Writes the report and uploads it to https://contosoreports.blob.core.windows.net/license-reports/<file name>.

.EXAMPLE
    .\WeeklyLicenseReportRunbook.ps1 -MailTo 'licensing@contoso.com' -MailFrom 'reports@contoso.com' -Culture en-GB

    Writes the report in British number and date format and mails it from the reports mailbox.

.NOTES
    Requires PartnerCenterLicenses with Export-PartnerLicenseReport. Runs in PowerShell 7 and Windows PowerShell 5.1
    runbooks.
#>
#Requires -Modules PartnerCenterLicenses

[CmdletBinding()]
param(
    [string] $CredentialName = 'PartnerCenterApp',
    [string] $TenantVariableName = 'PartnerCenterTenant',
    [string] $RefreshTokenVariableName = 'PartnerCenterRefreshToken',
    [string] $Environment = 'AzureCloud',
    [string] $OutputPath = (Join-Path ([System.IO.Path]::GetTempPath()) ('license-report-{0:yyyy-MM-dd}.html' -f [DateTime]::UtcNow)),
    [string] $Culture = 'en-US',
    [string] $StorageAccountName,
    [string] $ContainerName = 'license-reports',
    [string[]] $MailTo,
    [string] $MailFrom
)

$ErrorActionPreference = 'Stop'
if ($MailTo -and -not $MailFrom) {
    throw 'Give -MailFrom, the mailbox the report is sent from, with -MailTo.'
}

# 1. The assets.
$app = Get-AutomationPSCredential -Name $CredentialName -ErrorAction Stop
$tenant = Get-AutomationVariable -Name $TenantVariableName -ErrorAction Stop
$storedToken = Get-AutomationVariable -Name $RefreshTokenVariableName -ErrorAction Stop

# 2. Renew the refresh token and store the new one before anything else can fail.
$token = New-PartnerCenterRefreshToken -RefreshToken $storedToken -ApplicationId $app.UserName -Credential $app `
    -Tenant $tenant -Environment $Environment -ErrorAction Stop
Set-AutomationVariable -Name $RefreshTokenVariableName `
    -Value ([pscredential]::new('refresh token', $token.RefreshToken).GetNetworkCredential().Password) -ErrorAction Stop

# 3. Connect with the new token and write the report: every customer's commercial deployment and usage.
try {
    $null = $token | Connect-PartnerCenter -Credential $app -ErrorAction Stop
    $summary = Export-PartnerLicenseReport -Path $OutputPath -Culture $Culture -Title 'Weekly license report' -Force -PassThru -ErrorAction Stop
}
finally {
    Disconnect-PartnerCenter
}

$headline = '{0} of {1} licenses not deployed at {2} customers' -f $summary.LicensesNotDeployed, $summary.LicensesSold, $summary.Customers

# 4. Optionally, store it.
$blob = $null
if ($StorageAccountName) {
    $null = Connect-AzAccount -Identity -ErrorAction Stop
    $storage = New-AzStorageContext -StorageAccountName $StorageAccountName -UseConnectedAccount -ErrorAction Stop
    $name = Split-Path -Leaf $OutputPath
    $null = Set-AzStorageBlobContent -File $OutputPath -Container $ContainerName -Blob $name -Context $storage -Force -ErrorAction Stop
    $blob = "$StorageAccountName/$ContainerName/$name"
}

# 5. Optionally, mail it (Microsoft Graph's sendMail, https://learn.microsoft.com/en-us/graph/api/user-sendmail; the
#    attachment is the file's bytes, base64, inline in the request, which Graph limits in size: for thousands of
#    customers, store the report and mail its link instead).
if ($MailTo) {
    $null = Connect-MgGraph -Identity -NoWelcome -ErrorAction Stop
    $message = @{
        subject      = "License report: $headline"
        body         = @{ contentType = 'Text'; content = "The weekly license report is attached ($headline). It opens in any browser, offline." }
        toRecipients = @($MailTo | ForEach-Object { @{ emailAddress = @{ address = $_ } } })
        attachments  = @(@{
                '@odata.type' = '#microsoft.graph.fileAttachment'
                name          = Split-Path -Leaf $OutputPath
                contentType   = 'text/html'
                contentBytes  = [Convert]::ToBase64String([System.IO.File]::ReadAllBytes($OutputPath))
            })
    }
    Send-MgUserMail -UserId $MailFrom -BodyParameter @{ message = $message; saveToSentItems = $false } -ErrorAction Stop
}

[pscustomobject]@{
    Path                = $OutputPath
    LicensesSold        = $summary.LicensesSold
    LicensesNotDeployed = $summary.LicensesNotDeployed
    Customers           = $summary.Customers
    Blob                = $blob
    MailedTo            = $MailTo
}
