<#
.SYNOPSIS
    Azure Automation runbook that writes last month's seat deployment per customer and product (sold, assigned and
    active seats, deployment percent) from Partner insights to CSV.

.DESCRIPTION
    Partner insights programmatic access is what Microsoft builds partner analytics on now; Get-PartnerSeatDeployment
    hides its steps (a saved query, a run-now report, the wait for its execution, the file behind a secure link) and
    removes what it created however the job ends.

    As LicenseReportRunbook.ps1 does: the refresh token is renewed with the application's secret and written back with
    Set-AutomationVariable before anything else can fail, and Connect-PartnerCenter opens the session with the new
    token. Then Get-PartnerSeatDeployment -TimeSpan is written to a CSV file, one row per customer and product, with
    the unassigned seats and the deployment percent (numbers in the invariant culture; ActiveSeats is empty for
    products whose usage Partner insights counts per workload, such as Office 365). Every step stops the runbook on
    failure with the module's error record; a user without the Executive Report Viewer role ends it with
    PartnerCenter.Forbidden, a report still running after -TimeoutSec with PartnerCenter.ReportTimeout.

    The job's output is one object: the CSV's path, its number of rows and its number of customers.

    Automation assets it expects (names can be changed with the parameters):
      PartnerCenterApp           credential: user name = application (client) id, password = client secret
      PartnerCenterTenant        variable (string): the partner tenant's id or domain
      PartnerCenterRefreshToken  variable (string, created as encrypted): the refresh token of a user with the
                                 Executive Report Viewer role; replaced by the renewed one
    Outside Azure Automation, define Get-AutomationPSCredential, Get-AutomationVariable and Set-AutomationVariable as
    functions reading your own store (tests/Examples.Tests.ps1 does).

.PARAMETER CredentialName
    Name of the credential asset holding the application id and client secret.

.PARAMETER TenantVariableName
    Name of the variable asset holding the partner tenant's id or domain.

.PARAMETER RefreshTokenVariableName
    Name of the encrypted variable asset holding the refresh token; the renewed token is written back to it.

.PARAMETER Environment
    The Partner Center cloud: AzureCloud (default), AzureChinaCloud, AzureUSGovernment, or a custom environment.

.PARAMETER TimeSpan
    The period of the figures: LAST_MONTH (default), LAST_3_MONTHS, LAST_6_MONTHS, LAST_1_YEAR or LIFETIME.

.PARAMETER TimeoutSec
    How long to wait for each Partner insights report run, in seconds (default: 7200, within a job's fair-share time).

.PARAMETER PollIntervalSec
    The first pause between two polls of a report run, in seconds (default: 10); each next pause doubles, up to a
    minute.

.PARAMETER OutputPath
    The CSV file to write (replaced if it exists). Default: partner-seat-deployment.csv in the temporary folder.

.EXAMPLE
    .\SeatDeploymentRunbook.ps1

    As a monthly scheduled runbook: last month's seats per customer and product.

.EXAMPLE
    .\SeatDeploymentRunbook.ps1 -TimeSpan LAST_3_MONTHS -OutputPath D:\Reports\seats.csv

    The last three months, to a file of your choice (on a Hybrid Runbook Worker).

.NOTES
    Requires PartnerCenterLicenses 0.2.0 or later. Runs in PowerShell 7 and Windows PowerShell 5.1 runbooks.
#>
#Requires -Modules PartnerCenterLicenses

[CmdletBinding()]
param(
    [string] $CredentialName = 'PartnerCenterApp',
    [string] $TenantVariableName = 'PartnerCenterTenant',
    [string] $RefreshTokenVariableName = 'PartnerCenterRefreshToken',
    [string] $Environment = 'AzureCloud',
    [ValidateSet('LAST_MONTH', 'LAST_3_MONTHS', 'LAST_6_MONTHS', 'LAST_1_YEAR', 'LIFETIME')]
    [string] $TimeSpan = 'LAST_MONTH',
    [ValidateRange(1, 86400)]
    [int] $TimeoutSec = 7200,
    [ValidateRange(0.01, 60)]
    [double] $PollIntervalSec = 10,
    [string] $OutputPath = (Join-Path ([System.IO.Path]::GetTempPath()) 'partner-seat-deployment.csv')
)

$ErrorActionPreference = 'Stop'
$invariant = [System.Globalization.CultureInfo]::InvariantCulture

$app = Get-AutomationPSCredential -Name $CredentialName -ErrorAction Stop
$tenant = Get-AutomationVariable -Name $TenantVariableName -ErrorAction Stop
$storedToken = Get-AutomationVariable -Name $RefreshTokenVariableName -ErrorAction Stop

# Renew the refresh token and store the new one before anything else can fail.
$token = New-PartnerCenterRefreshToken -RefreshToken $storedToken -ApplicationId $app.UserName -Credential $app `
    -Tenant $tenant -Environment $Environment -ErrorAction Stop
Set-AutomationVariable -Name $RefreshTokenVariableName `
    -Value ([pscredential]::new('refresh token', $token.RefreshToken).GetNetworkCredential().Password) -ErrorAction Stop

try {
    $null = $token | Connect-PartnerCenter -Credential $app -ErrorAction Stop

    $rows = @(Get-PartnerSeatDeployment -TimeSpan $TimeSpan -Timeout $TimeoutSec -PollIntervalSec $PollIntervalSec -ErrorAction Stop |
            Select-Object CustomerTenantId, CustomerName, Product,
            @{ Name = 'SoldSeats'; Expression = { $_.SoldSeats.ToString($invariant) } },
            @{ Name = 'AssignedSeats'; Expression = { $_.AssignedSeats.ToString($invariant) } },
            @{ Name = 'ActiveSeats'; Expression = { if ($null -ne $_.ActiveSeats) { $_.ActiveSeats.ToString($invariant) } } },
            @{ Name = 'UnassignedSeats'; Expression = { $_.UnassignedSeats.ToString($invariant) } },
            @{ Name = 'DeploymentPercent'; Expression = { $_.DeploymentPercent.ToString($invariant) } },
            TimeSpan)
}
finally {
    Disconnect-PartnerCenter
}

$rows | Export-Csv -LiteralPath $OutputPath -NoTypeInformation -Encoding UTF8 -ErrorAction Stop

[pscustomobject]@{
    Path      = $OutputPath
    Rows      = $rows.Count
    Customers = @($rows | Select-Object -ExpandProperty CustomerTenantId -Unique).Count
}
