<#
.SYNOPSIS
    Azure Automation runbook: every customer whose licenses are deployed below a threshold, one CSV row per
    customer, from the customer-level analytics over all customers or from the commercial analytics API.

.DESCRIPTION
    Signs in as LicenseReportRunbook.ps1 does (secure application model with a client secret, the refresh token
    renewed and written back to its Automation variable), then builds the report from one of two sources:

      CustomerAnalytics (default)
          Invoke-PartnerCenterRequest -Path /v1/customers -All lists every customer, page after page, and pipes
          them into Get-PartnerLicenseDeployment, which reads -ThrottleLimit customers at a time. A customer that
          fails (no relationship any more, retries used up) writes one error to the job's error stream and the
          others go on; the output's FailedCustomers counts them.
      Commercial
          Get-PartnerCommercialLicenseDeployment, the commercial analytics API that supersedes the per-customer
          calls, grouped by Partner Center per customer and product (-GroupBy), with an optional -Filter in
          Partner Center's syntax. One request per page of up to 10,000 rows instead of one per customer.

    Either way the rows are summed per customer, and a customer is reported when it has licenses sold and its
    deployed share (deployed / sold) is below -Threshold. Each CSV row has the customer's id and name, licenses
    sold and deployed, the deployed share as a fraction (0.25 is 25 %), and the products below the threshold as
    "NAME (deployed/sold)", separated by "; ". Rows are sorted by that share, lowest first. The CSV always has its
    header, also when no customer is below the threshold. Numbers are written in the invariant culture.

    The job's output is one object: the CSV's path, the number of customers reported, the number of customers
    read, and the number of customers that failed.

    Automation assets it expects (names can be changed with the parameters):
      PartnerCenterApp           credential: user name = application (client) id, password = client secret
      PartnerCenterTenant        variable (string): the partner tenant's id or domain
      PartnerCenterRefreshToken  variable (string, created as encrypted): the refresh token; replaced by the
                                 renewed one
    Outside Azure Automation, define Get-AutomationPSCredential, Get-AutomationVariable and Set-AutomationVariable
    as functions reading your own store (tests/Examples.Tests.ps1 does).

.PARAMETER Threshold
    A customer is reported when its deployed share is below this fraction, 0 to 1. Default 0.8 (80 %).

.PARAMETER Source
    CustomerAnalytics (the customer list and each customer's license deployment) or Commercial (the commercial
    analytics API).

.PARAMETER ThrottleLimit
    CustomerAnalytics only: how many customers are read at once (1 to 64, default 8). Partner Center throttles per
    partner tenant; a throttled request pauses all of them until Partner Center's Retry-After has passed.

.PARAMETER Filter
    Commercial only: a filter in Partner Center's syntax, e.g. "serviceCode eq 'O365'".

.PARAMETER CredentialName
    Name of the credential asset holding the application id (user name) and client secret (password).

.PARAMETER TenantVariableName
    Name of the variable asset holding the partner tenant's id or domain.

.PARAMETER RefreshTokenVariableName
    Name of the encrypted variable asset holding the refresh token; the renewed token is written back to it.

.PARAMETER Environment
    The Partner Center cloud: AzureCloud (default), AzureChinaCloud, AzureUSGovernment, or a custom environment.

.PARAMETER OutputPath
    The CSV file to write (replaced if it exists). Default: under-deployed-customers.csv in the temporary folder.

.EXAMPLE
    .\UnderDeploymentReport.ps1 -Threshold 0.5 -ThrottleLimit 16

    Customers with less than half of their licenses deployed, reading 16 customers at a time.

.EXAMPLE
    .\UnderDeploymentReport.ps1 -Source Commercial -Filter "serviceCode eq 'O365'" -OutputPath .\o365.csv

    The same from the commercial analytics API, Office 365 only.

.NOTES
    Requires PartnerCenterLicenses 0.1.0 or later. Runs in PowerShell 7 and Windows PowerShell 5.1 runbooks.
#>
#Requires -Modules PartnerCenterLicenses

[CmdletBinding()]
param(
    [ValidateRange(0.0, 1.0)]
    [double] $Threshold = 0.8,
    [ValidateSet('CustomerAnalytics', 'Commercial')]
    [string] $Source = 'CustomerAnalytics',
    [ValidateRange(1, 64)]
    [int] $ThrottleLimit = 8,
    [string] $Filter,
    [string] $CredentialName = 'PartnerCenterApp',
    [string] $TenantVariableName = 'PartnerCenterTenant',
    [string] $RefreshTokenVariableName = 'PartnerCenterRefreshToken',
    [string] $Environment = 'AzureCloud',
    [string] $OutputPath = (Join-Path ([System.IO.Path]::GetTempPath()) 'under-deployed-customers.csv')
)

$ErrorActionPreference = 'Stop'
$invariant = [System.Globalization.CultureInfo]::InvariantCulture
$columns = 'CustomerId', 'CustomerName', 'LicensesSold', 'LicensesDeployed', 'DeploymentPercent', 'UnderDeployedProducts'

# Sign in: the assets, the renewed token written back, then the session (see LicenseReportRunbook.ps1).
$app = Get-AutomationPSCredential -Name $CredentialName -ErrorAction Stop
$tenant = Get-AutomationVariable -Name $TenantVariableName -ErrorAction Stop
$token = New-PartnerCenterRefreshToken -RefreshToken (Get-AutomationVariable -Name $RefreshTokenVariableName -ErrorAction Stop) `
    -ApplicationId $app.UserName -Credential $app -Tenant $tenant -Environment $Environment -ErrorAction Stop
Set-AutomationVariable -Name $RefreshTokenVariableName `
    -Value ([pscredential]::new('refresh token', $token.RefreshToken).GetNetworkCredential().Password) -ErrorAction Stop

# One row per customer and product, whichever the source: CustomerId, CustomerName, ProductName, Deployed, Sold.
$failed = @()
$customersRead = 0
try {
    $null = $token | Connect-PartnerCenter -Credential $app -ErrorAction Stop

    if ($Source -eq 'CustomerAnalytics') {
        $products = @(Invoke-PartnerCenterRequest -Path /v1/customers -Query @{ size = 500 } -All -ErrorAction Stop |
                ForEach-Object { $customersRead++; $_ } |
                Get-PartnerLicenseDeployment -ThrottleLimit $ThrottleLimit -ErrorAction Continue -ErrorVariable +failed |
                Select-Object CustomerId, CustomerName, ProductName,
                @{ Name = 'Deployed'; Expression = { $_.LicensesDeployed } },
                @{ Name = 'Sold'; Expression = { $_.LicensesSold } })
    }
    else {
        $commercial = @{ GroupBy = 'customerTenantId', 'customerName', 'productName'; ErrorAction = 'Stop' }
        if ($Filter) {
            $commercial.Filter = $Filter
        }

        $products = @(Get-PartnerCommercialLicenseDeployment @commercial |
                Select-Object @{ Name = 'CustomerId'; Expression = { $_.CustomerTenantId } }, CustomerName, ProductName,
                @{ Name = 'Deployed'; Expression = { $_.LicensesDeployed } },
                @{ Name = 'Sold'; Expression = { $_.LicensesSold } })
        $customersRead = @($products | Select-Object -ExpandProperty CustomerId -Unique).Count
    }
}
finally {
    Disconnect-PartnerCenter
}

$report = @(foreach ($customer in ($products | Group-Object CustomerId)) {
        $sold = [long] ($customer.Group | Measure-Object Sold -Sum).Sum
        $deployed = [long] ($customer.Group | Measure-Object Deployed -Sum).Sum
        if ($sold -le 0 -or $deployed / $sold -ge $Threshold) {
            continue
        }

        $under = $customer.Group |
            Where-Object { $_.Sold -gt 0 -and $_.Deployed / $_.Sold -lt $Threshold } |
            Sort-Object ProductName |
            ForEach-Object { '{0} ({1}/{2})' -f $_.ProductName, $_.Deployed, $_.Sold }
        [pscustomobject]@{
            CustomerId            = $customer.Name
            CustomerName          = $customer.Group[0].CustomerName
            LicensesSold          = $sold
            LicensesDeployed      = $deployed
            DeploymentPercent     = [Math]::Round($deployed / $sold, 4)
            UnderDeployedProducts = @($under) -join '; '
        }
    })

$rows = $report | Sort-Object DeploymentPercent, CustomerName | Select-Object CustomerId, CustomerName,
    @{ Name = 'LicensesSold'; Expression = { $_.LicensesSold.ToString($invariant) } },
    @{ Name = 'LicensesDeployed'; Expression = { $_.LicensesDeployed.ToString($invariant) } },
    @{ Name = 'DeploymentPercent'; Expression = { $_.DeploymentPercent.ToString($invariant) } },
    UnderDeployedProducts
if ($report.Count -gt 0) {
    $rows | Export-Csv -LiteralPath $OutputPath -NoTypeInformation -Encoding UTF8 -ErrorAction Stop
}
else {
    # Export-Csv writes no file for no rows; a consumer of the report still finds the header.
    Set-Content -LiteralPath $OutputPath -Value ('"' + ($columns -join '","') + '"') -Encoding UTF8 -ErrorAction Stop
}

[pscustomobject]@{
    Path            = $OutputPath
    Customers       = $report.Count
    CustomersRead   = $customersRead
    FailedCustomers = $failed.Count
}
