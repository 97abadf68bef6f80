<#
    The runbooks in examples/ run here as a user copies them, against the emulator, with Azure Automation's
    cmdlets (Get-AutomationVariable, Get-AutomationPSCredential, Get-AutomationCertificate, Set-AutomationVariable)
    and the storage cmdlets of the upload (Connect-AzAccount, New-AzStorageContext, Set-AzStorageBlobContent)
    stubbed as functions over an in-memory Automation account, so none of the examples rots.
    See tests/TestSetup.ps1 for what the suite needs.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $Examples = Join-Path (Split-Path -Parent $PSScriptRoot) 'examples'

    # The Automation account: its assets, and what the runbook wrote to them. The stubs run in the example's
    # scope ($script: would be the example's), so they reach this one hashtable by name and only change its contents.
    $Automation = @{}
    function Reset-AutomationAccount {
        $Automation.Variables = @{
            PartnerCenterApplicationId = $env:PCL_CLIENT_ID
            PartnerCenterTenant        = $env:PCL_TENANT
            PartnerCenterRefreshToken  = $env:PCL_REFRESH_TOKEN
        }
        $Automation.Credentials = @{ PartnerCenterApp = New-AppCredential }
        $Automation.Certificates = @{ PartnerCenterCertificate = Get-PfxCertificate -FilePath $env:PCL_CERTIFICATE_PATH }
        $Automation.VariablesSet = [System.Collections.Generic.List[object]]::new()
        $Automation.Uploads = [System.Collections.Generic.List[object]]::new()
        $Automation.Mails = [System.Collections.Generic.List[object]]::new()
    }

    # Like Azure Automation's: an asset that does not exist is an error.
    function Get-AutomationVariable([Parameter(Mandatory)] [string] $Name) {
        if (-not $Automation.Variables.ContainsKey($Name)) { throw "Variable asset '$Name' not found." }
        $Automation.Variables[$Name]
    }

    function Set-AutomationVariable([Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [object] $Value) {
        if (-not $Automation.Variables.ContainsKey($Name)) { throw "Variable asset '$Name' not found." }
        $Automation.VariablesSet.Add([pscustomobject]@{ Name = $Name; Value = $Value })
        $Automation.Variables[$Name] = $Value
    }

    function Get-AutomationPSCredential([Parameter(Mandatory)] [string] $Name) {
        if (-not $Automation.Credentials.ContainsKey($Name)) { throw "Credential asset '$Name' not found." }
        $Automation.Credentials[$Name]
    }

    function Get-AutomationCertificate([Parameter(Mandatory)] [string] $Name) {
        if (-not $Automation.Certificates.ContainsKey($Name)) { throw "Certificate asset '$Name' not found." }
        $Automation.Certificates[$Name]
    }

    # Az.Accounts and Az.Storage, as far as the upload uses them: the blob's content is the file's at upload time.
    function Connect-AzAccount([switch] $Identity) {
        $Automation.Uploads.Add([pscustomobject]@{ Step = 'Connect-AzAccount'; Identity = [bool] $Identity })
    }

    function New-AzStorageContext([string] $StorageAccountName, [switch] $UseConnectedAccount) {
        [pscustomobject]@{ StorageAccountName = $StorageAccountName; UseConnectedAccount = [bool] $UseConnectedAccount }
    }

    function Set-AzStorageBlobContent([string] $File, [string] $Container, [string] $Blob, [object] $Context, [switch] $Force) {
        $Automation.Uploads.Add([pscustomobject]@{
                Step      = 'Set-AzStorageBlobContent'
                Account   = $Context.StorageAccountName
                Container = $Container
                Blob      = $Blob
                Content   = [System.IO.File]::ReadAllText($File)
            })
    }

    # Microsoft Graph, as far as the weekly report's mail uses it: the message as sent.
    function Connect-MgGraph([switch] $Identity, [switch] $NoWelcome) {
        $Automation.Mails.Add([pscustomobject]@{ Step = 'Connect-MgGraph'; Identity = [bool] $Identity })
    }

    function Send-MgUserMail([string] $UserId, [hashtable] $BodyParameter) {
        $Automation.Mails.Add([pscustomobject]@{ Step = 'Send-MgUserMail'; UserId = $UserId; Body = $BodyParameter })
    }

    function Get-Secrets {
        @($env:PCL_CLIENT_SECRET, $env:PCL_REFRESH_TOKEN) + @($Automation.VariablesSet.Value)
    }

    function Assert-NoSecretIn([string] $Text) {
        # Asserted without the secret in the assertion's message, so a failure does not print it either.
        $found = @(Get-Secrets | Where-Object { $Text.Contains($_) }).Count
        $found | Should -Be 0 -Because 'no secret (client secret, old or renewed refresh token) may be written'
    }

    # The rotated token is one the emulator issued: a new session starts from it.
    function Assert-TokenSignsIn([string] $RefreshToken) {
        try {
            $context = Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential (New-AppCredential) `
                -RefreshToken $RefreshToken -Tenant $env:PCL_TENANT -ErrorAction Stop
            $context.Account | Should -BeExactly 'admin@contoso.onmicrosoft.com'
            @(Get-PartnerLicenseDeployment).Count | Should -BeGreaterThan 0
        }
        finally {
            Disconnect-PartnerCenter
        }
    }
}

Describe 'examples/LicenseReportRunbook.ps1' {
    BeforeEach {
        Reset-AutomationAccount
    }

    AfterEach {
        Disconnect-PartnerCenter
    }

    It 'writes the documented deployment rows to the CSV and stores a renewed refresh token that signs in' {
        $csv = Join-Path $TestDrive 'deployment.csv'
        $result = & (Join-Path $Examples 'LicenseReportRunbook.ps1') -Environment Emulator -OutputPath $csv

        $result.Path | Should -Be $csv
        $result.Rows | Should -Be 2
        $result.Blob | Should -BeNullOrEmpty
        $rows = @(Import-Csv -LiteralPath $csv)
        ($rows[0].PSObject.Properties.Name -join ',') | Should -BeExactly 'ServiceName,Channel,LicensesSold,ProratedDeploymentPercent,ProcessedDateTime'
        $rows.Count | Should -Be 2
        $rows[0].ServiceName, $rows[0].Channel, $rows[0].LicensesSold, $rows[0].ProratedDeploymentPercent | Should -Be @('crm', 'reseller', '343', '0')
        $rows[1].ServiceName, $rows[1].Channel, $rows[1].LicensesSold, $rows[1].ProratedDeploymentPercent | Should -Be @('o365', 'reseller', '4464', '1')
        [DateTimeOffset]::Parse($rows[1].ProcessedDateTime, [cultureinfo]::InvariantCulture) | Should -Be ([DateTimeOffset]::new(2017, 3, 14, 3, 25, 16, 360, [TimeSpan]::Zero))

        $Automation.VariablesSet.Count | Should -Be 1
        $Automation.VariablesSet[0].Name | Should -BeExactly 'PartnerCenterRefreshToken'
        $Automation.VariablesSet[0].Value | Should -BeOfType ([string])
        $Automation.VariablesSet[0].Value | Should -Not -BeNullOrEmpty
        $Automation.VariablesSet[0].Value | Should -Not -Be $env:PCL_REFRESH_TOKEN
        Get-PartnerCenterContext | Should -BeNullOrEmpty
        Assert-TokenSignsIn $Automation.VariablesSet[0].Value
    }

    It 'runs again the next day from the token it stored, and stores another' {
        $null = & (Join-Path $Examples 'LicenseReportRunbook.ps1') -Environment Emulator -OutputPath (Join-Path $TestDrive 'first.csv')
        $null = & (Join-Path $Examples 'LicenseReportRunbook.ps1') -Environment Emulator -OutputPath (Join-Path $TestDrive 'second.csv')

        $Automation.VariablesSet.Count | Should -Be 2
        $Automation.VariablesSet[1].Value | Should -Not -Be $Automation.VariablesSet[0].Value
        $Automation.VariablesSet[1].Value | Should -Not -Be $env:PCL_REFRESH_TOKEN
        @(Import-Csv -LiteralPath (Join-Path $TestDrive 'second.csv')).Count | Should -Be 2
    }

    It 'uploads the CSV it wrote to the blob, signed in with the managed identity' {
        $csv = Join-Path $TestDrive 'upload.csv'
        $result = & (Join-Path $Examples 'LicenseReportRunbook.ps1') -Environment Emulator -OutputPath $csv `
            -StorageAccountName contosoreports -BlobName 'license-deployment/test.csv'

        $result.Blob | Should -BeExactly 'contosoreports/license-reports/license-deployment/test.csv'
        $Automation.Uploads.Step | Should -Be @('Connect-AzAccount', 'Set-AzStorageBlobContent')
        $Automation.Uploads[0].Identity | Should -BeTrue
        $Automation.Uploads[1].Account | Should -BeExactly 'contosoreports'
        $Automation.Uploads[1].Container | Should -BeExactly 'license-reports'
        $Automation.Uploads[1].Blob | Should -BeExactly 'license-deployment/test.csv'
        $Automation.Uploads[1].Content | Should -BeExactly ([System.IO.File]::ReadAllText($csv))
        $Automation.Uploads[1].Content | Should -Match '"o365","reseller","4464","1"'
    }

    It 'names the blob after the day in UTC by default' {
        $result = & (Join-Path $Examples 'LicenseReportRunbook.ps1') -Environment Emulator -OutputPath (Join-Path $TestDrive 'dated.csv') `
            -StorageAccountName contosoreports

        $Automation.Uploads[1].Blob | Should -Match '^license-deployment/\d{4}-\d{2}-\d{2}\.csv$'
        $result.Blob | Should -BeExactly ('contosoreports/license-reports/' + $Automation.Uploads[1].Blob)
    }

    It 'stops with the module''s error, writes no CSV and keeps the stored token when the token is refused' {
        $Automation.Variables.PartnerCenterRefreshToken = 'not-a-token-the-emulator-issued'
        $csv = Join-Path $TestDrive 'refused.csv'

        $failure = $null
        try {
            $null = & (Join-Path $Examples 'LicenseReportRunbook.ps1') -Environment Emulator -OutputPath $csv
        }
        catch {
            $failure = $_
        }

        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'PartnerCenter.*,PartnerCenterLicenses.Commands.NewPartnerCenterRefreshTokenCommand'
        $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
        Test-Path -LiteralPath $csv | Should -BeFalse
        $Automation.VariablesSet.Count | Should -Be 0
        $Automation.Variables.PartnerCenterRefreshToken | Should -BeExactly 'not-a-token-the-emulator-issued'
    }

    It 'stops before signing in when an asset is missing' {
        $Automation.Credentials.Clear()

        { & (Join-Path $Examples 'LicenseReportRunbook.ps1') -Environment Emulator -OutputPath (Join-Path $TestDrive 'x.csv') } |
            Should -Throw "Credential asset 'PartnerCenterApp' not found."
        $Automation.VariablesSet.Count | Should -Be 0
    }

    It 'writes no secret to its output, the CSV or any stream' {
        $csv = Join-Path $TestDrive 'quiet.csv'
        $streams = & (Join-Path $Examples 'LicenseReportRunbook.ps1') -Environment Emulator -OutputPath $csv -Verbose *>&1 | Out-String

        $streams | Should -Not -BeNullOrEmpty
        Assert-NoSecretIn $streams
        Assert-NoSecretIn ([System.IO.File]::ReadAllText($csv))
    }
}

Describe 'examples/UnderDeploymentReport.ps1' {
    BeforeAll {
        # Two more customers besides the emulator's default one, created as a partner would; each serves the
        # documented customer deployment rows: 0 of 1, 0 of 5 and 0 of 2 licenses deployed.
        $null = Connect-Emulator
        $Customers = @(
            [pscustomobject]@{ id = '4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04'; name = 'DT DEMO CSP CUSTOMER 005' }
            foreach ($company in 'Examples Fabrikam', 'Examples Northwind') {
                $created = Invoke-PartnerCenterRequest -Method POST -Path /v1/customers -Body @{
                    companyProfile = @{ domain = ($company -replace ' ', '').ToLowerInvariant() + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.onmicrosoft.com' }
                    billingProfile = @{ companyName = $company; email = 'admin@example.com'; culture = 'en-US'; language = 'en' }
                }
                [pscustomobject]@{ id = $created.id; name = $company }
            })
        $AllCustomerIds = @(Invoke-PartnerCenterRequest -Path /v1/customers -All).id
        Disconnect-PartnerCenter
        $documentedProducts = 'EXCHANGE ONLINE (PLAN 1) (0/5); EXCHANGE ONLINE ARCHIVING FOR EXCHANGE ONLINE (0/2); OFFICE 365 BUSINESS ESSENTIALS (0/1)'
    }

    BeforeEach {
        Reset-AutomationAccount
    }

    AfterEach {
        Disconnect-PartnerCenter
    }

    It 'reports every customer below the threshold from the customer list and their analytics, one row each' {
        $csv = Join-Path $TestDrive 'customers.csv'
        $result = & (Join-Path $Examples 'UnderDeploymentReport.ps1') -Environment Emulator -Threshold 0.5 -ThrottleLimit 4 -OutputPath $csv

        $result.CustomersRead | Should -Be $AllCustomerIds.Count
        $result.FailedCustomers | Should -Be 0
        $result.Customers | Should -Be $AllCustomerIds.Count
        $rows = @(Import-Csv -LiteralPath $csv)
        ($rows[0].PSObject.Properties.Name -join ',') | Should -BeExactly 'CustomerId,CustomerName,LicensesSold,LicensesDeployed,DeploymentPercent,UnderDeployedProducts'
        @($rows.CustomerId | Sort-Object) | Should -Be @($AllCustomerIds | Sort-Object)
        foreach ($customer in $Customers) {
            $row = $rows | Where-Object CustomerId -EQ $customer.id
            $row.CustomerName | Should -BeExactly $customer.name
            $row.LicensesSold, $row.LicensesDeployed, $row.DeploymentPercent | Should -Be @('8', '0', '0')
            $row.UnderDeployedProducts | Should -BeExactly $documentedProducts
        }
        $Automation.VariablesSet.Count | Should -Be 1
        Assert-TokenSignsIn $Automation.VariablesSet[0].Value
    }

    It 'writes only the header when no customer is below the threshold' {
        $csv = Join-Path $TestDrive 'none.csv'
        $result = & (Join-Path $Examples 'UnderDeploymentReport.ps1') -Environment Emulator -Threshold 0 -OutputPath $csv

        $result.Customers | Should -Be 0
        $result.CustomersRead | Should -Be $AllCustomerIds.Count
        @(Get-Content -LiteralPath $csv) | Should -Be @('"CustomerId","CustomerName","LicensesSold","LicensesDeployed","DeploymentPercent","UnderDeployedProducts"')
        @(Import-Csv -LiteralPath $csv).Count | Should -Be 0
    }

    It 'reports the commercial analytics rows summed per customer' {
        $csv = Join-Path $TestDrive 'commercial.csv'
        $result = & (Join-Path $Examples 'UnderDeploymentReport.ps1') -Environment Emulator -Source Commercial -OutputPath $csv

        $result.Customers | Should -Be 1
        $result.CustomersRead | Should -Be 1
        $rows = @(Import-Csv -LiteralPath $csv)
        $rows.Count | Should -Be 1
        $rows[0].CustomerId | Should -Be '0112A436-B14E-4888-967B-CA4BB2CF1234'
        $rows[0].CustomerName | Should -BeExactly 'TEST COMPANY'
        $rows[0].LicensesSold, $rows[0].LicensesDeployed, $rows[0].DeploymentPercent | Should -Be @('14', '0', '0')
        $rows[0].UnderDeployedProducts | Should -BeExactly 'DOMESTIC AND INTERNATIONAL CALLING PLAN (0/5); DYNAMICS AX TASK (0/9)'
    }

    It 'passes -Filter to the commercial analytics API' {
        $csv = Join-Path $TestDrive 'o365.csv'
        $result = & (Join-Path $Examples 'UnderDeploymentReport.ps1') -Environment Emulator -Source Commercial -Filter "serviceCode eq 'o365'" -OutputPath $csv

        $result.Customers | Should -Be 1
        (Import-Csv -LiteralPath $csv).UnderDeployedProducts | Should -BeExactly 'DOMESTIC AND INTERNATIONAL CALLING PLAN (0/5)'
    }
}

Describe 'examples/CertificateRunbook.ps1' {
    BeforeEach {
        Reset-AutomationAccount
        # No secret in this Automation account: the runbook must not need one.
        $Automation.Credentials.Clear()
    }

    AfterEach {
        Disconnect-PartnerCenter
    }

    It 'signs in with the certificate asset, stores a renewed token and writes the documented usage rows' {
        $csv = Join-Path $TestDrive 'usage.csv'
        $result = & (Join-Path $Examples 'CertificateRunbook.ps1') -Environment Emulator -OutputPath $csv

        $result.Rows | Should -Be 5
        $rows = @(Import-Csv -LiteralPath $csv)
        ($rows[0].PSObject.Properties.Name -join ',') | Should -BeExactly 'ServiceName,Channel,WorkloadName,ProratedLicensesUsagePercent,ProcessedDateTime'
        @($rows | ForEach-Object { $_.ServiceName + '/' + $_.WorkloadName }) |
            Should -Be @('crm/Microsoft Dynamics CRM', 'crm/SharePoint', 'o365/Exchange', 'o365/SharePoint', 'o365/Skype For Business')
        $rows.ProratedLicensesUsagePercent | Should -Be @('0', '0', '0', '0', '0')

        $Automation.VariablesSet.Count | Should -Be 1
        $Automation.VariablesSet[0].Name | Should -BeExactly 'PartnerCenterRefreshToken'
        $Automation.VariablesSet[0].Value | Should -Not -BeNullOrEmpty
        $Automation.VariablesSet[0].Value | Should -Not -Be $env:PCL_REFRESH_TOKEN
        Assert-TokenSignsIn $Automation.VariablesSet[0].Value
    }

    It 'is refused with a certificate the application is not registered with, and keeps the stored token' {
        $key = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
            'CN=Not the application''s certificate', $key, [System.Security.Cryptography.HashAlgorithmName]::SHA256,
            [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $Automation.Certificates.PartnerCenterCertificate = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(1))
        $csv = Join-Path $TestDrive 'stranger.csv'

        $failure = $null
        try {
            $null = & (Join-Path $Examples 'CertificateRunbook.ps1') -Environment Emulator -OutputPath $csv
        }
        catch {
            $failure = $_
        }

        $failure.FullyQualifiedErrorId | Should -BeLike 'PartnerCenter.*,PartnerCenterLicenses.Commands.NewPartnerCenterRefreshTokenCommand'
        $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
        Test-Path -LiteralPath $csv | Should -BeFalse
        $Automation.VariablesSet.Count | Should -Be 0
    }

    It 'stops with PartnerCenter.CertificateNotFound for a thumbprint that is in no store' {
        $failure = $null
        try {
            $null = & (Join-Path $Examples 'CertificateRunbook.ps1') -Environment Emulator -OutputPath (Join-Path $TestDrive 'x.csv') `
                -CertificateThumbprint 00112233445566778899AABBCCDDEEFF00112233
        }
        catch {
            $failure = $_
        }

        $failure.FullyQualifiedErrorId | Should -BeExactly 'PartnerCenter.CertificateNotFound,PartnerCenterLicenses.Commands.NewPartnerCenterRefreshTokenCommand'
        $failure.Exception.Message | Should -Match '00112233445566778899AABBCCDDEEFF00112233'
        $Automation.VariablesSet.Count | Should -Be 0
    }
}

Describe 'examples/SeatDeploymentRunbook.ps1' {
    BeforeEach {
        Reset-AutomationAccount
    }

    AfterEach {
        Disconnect-PartnerCenter
    }

    It 'writes seat deployment per customer and product from Partner insights and leaves no query or report behind' {
        $csv = Join-Path $TestDrive 'seats.csv'
        $result = & (Join-Path $Examples 'SeatDeploymentRunbook.ps1') -Environment Emulator -OutputPath $csv -PollIntervalSec 0.2

        $rows = @(Import-Csv -LiteralPath $csv)
        $result.Rows | Should -Be $rows.Count
        $rows.Count | Should -BeGreaterThan 0
        $result.Customers | Should -Be @($rows.CustomerTenantId | Sort-Object -Unique).Count
        ($rows[0].PSObject.Properties.Name -join ',') |
            Should -BeExactly 'CustomerTenantId,CustomerName,Product,SoldSeats,AssignedSeats,ActiveSeats,UnassignedSeats,DeploymentPercent,TimeSpan'
        foreach ($row in $rows) {
            [long] $row.UnassignedSeats | Should -Be ([long] $row.SoldSeats - [long] $row.AssignedSeats)
            $row.TimeSpan | Should -Be 'LAST_MONTH'
        }

        $Automation.VariablesSet.Count | Should -Be 1
        $Automation.VariablesSet[0].Name | Should -BeExactly 'PartnerCenterRefreshToken'
        Assert-TokenSignsIn $Automation.VariablesSet[0].Value
        $null = Connect-Emulator
        @(Get-PartnerInsightsReport | Where-Object ReportName -like 'PCL-*') | Should -BeNullOrEmpty
    }
}

Describe 'examples/WeeklyLicenseReportRunbook.ps1' {
    BeforeEach {
        Reset-AutomationAccount
    }

    AfterEach {
        Disconnect-PartnerCenter
    }

    It 'writes the report of the commercial analytics, stores it in a blob and mails it with the headline in the subject' {
        $html = Join-Path $TestDrive 'weekly.html'
        $result = & (Join-Path $Examples 'WeeklyLicenseReportRunbook.ps1') -Environment Emulator -OutputPath $html `
            -StorageAccountName contosoreports -MailTo 'licensing@contoso.com' -MailFrom 'reports@contoso.com'

        $result.Path | Should -Be $html
        $result.Customers | Should -BeGreaterThan 0
        $page = [System.IO.File]::ReadAllText($html)
        $page | Should -Match '<title>Weekly license report</title>'
        $page | Should -Match 'http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;'
        $page | Should -Match 'TEST COMPANY'
        $result.Blob | Should -BeExactly 'contosoreports/license-reports/weekly.html'
        $Automation.Uploads[1].Content | Should -BeExactly $page
        $Automation.Mails.Step | Should -Be @('Connect-MgGraph', 'Send-MgUserMail')
        $Automation.Mails[0].Identity | Should -BeTrue
        $mail = $Automation.Mails[1]
        $mail.UserId | Should -BeExactly 'reports@contoso.com'
        $mail.Body.message.subject | Should -BeExactly ('License report: {0} of {1} licenses not deployed at {2} customers' -f $result.LicensesNotDeployed, $result.LicensesSold, $result.Customers)
        $mail.Body.message.toRecipients[0].emailAddress.address | Should -BeExactly 'licensing@contoso.com'
        [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($mail.Body.message.attachments[0].contentBytes)) | Should -BeExactly $page
        $Automation.VariablesSet.Count | Should -Be 1
        Assert-TokenSignsIn $Automation.VariablesSet[0].Value
        Assert-NoSecretIn $page
    }

    It 'refuses -MailTo without -MailFrom before signing in' {
        { & (Join-Path $Examples 'WeeklyLicenseReportRunbook.ps1') -Environment Emulator -MailTo 'licensing@contoso.com' } |
            Should -Throw '*-MailFrom*'
        $Automation.VariablesSet.Count | Should -Be 0
    }
}

Describe 'The examples'' help' {
    It 'gives every example a synopsis, a description, a description of every parameter and two examples' -ForEach @(
        @{ Script = 'LicenseReportRunbook.ps1' }
        @{ Script = 'UnderDeploymentReport.ps1' }
        @{ Script = 'CertificateRunbook.ps1' }
        @{ Script = 'SeatDeploymentRunbook.ps1' }
        @{ Script = 'WeeklyLicenseReportRunbook.ps1' }
    ) {
        $help = Get-Help (Join-Path $Examples $Script) -Full

        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "$Script*"
        ($help.description.Text -join "`n") | Should -Match 'Automation assets it expects'
        $parameters = @((Get-Command (Join-Path $Examples $Script)).Parameters.Values | Where-Object {
                $_.Name -notin [System.Management.Automation.PSCmdlet]::CommonParameters })
        $parameters.Count | Should -BeGreaterThan 3
        foreach ($parameter in $parameters) {
            $described = $help.parameters.parameter | Where-Object name -EQ $parameter.Name
            ([string] $described.description.Text).Trim() | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) of $Script needs a description"
        }
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
    }

    It 'lists every example script in examples/README.md and in this file' {
        $scripts = @(Get-ChildItem -LiteralPath $Examples -Filter '*.ps1' -File | ForEach-Object Name)
        $scripts.Count | Should -Be 5
        $readme = Get-Content -LiteralPath (Join-Path $Examples 'README.md') -Raw
        $tests = Get-Content -LiteralPath $PSCommandPath -Raw
        foreach ($file in $scripts) {
            $readme | Should -Match ([regex]::Escape("($file)"))
            $tests | Should -Match ([regex]::Escape("'examples/$file'"))
        }
    }
}
