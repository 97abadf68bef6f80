<#
    The default views come with the manifest's FormatsToProcess, as in every Gallery module with views.
    Here, in fresh PowerShell processes, what a user sees of them: Get-FormatData and Export-FormatData
    give exactly the file's views right after Import-Module, the default views apply where Out-Default
    was resolved before the import (`pwsh -File`, `pwsh -Command`, a command that autoloads the module)
    and through Format-Table's alias, and Remove-Module takes them away while a new import brings them back.
    Then every table and list view of every type the module's assembly declares in PartnerCenterLicenses.Models,
    rendered with Microsoft's documented values as a console of 80 and of 120 columns lays them out: no line
    too wide, no row wrapped, nothing cut by PowerShell, headers on one line with every column, and one format
    for each kind of value (tests/PartnerCenterLicenses.Tests/Console checks the same in a real terminal).
    See tests/TestSetup.ps1 for what the suite needs.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ModuleFolder = Split-Path -Parent $ModuleManifest
    $FormatFile = Join-Path $ModuleFolder 'PartnerCenterLicenses.format.ps1xml'
    # The types the file gives a view, read from the file itself, so a new resource's view is counted too.
    $ViewTypeCount = @(([xml](Get-Content -LiteralPath $FormatFile -Raw)).Configuration.ViewDefinitions.View.ViewSelectedBy.TypeName | Sort-Object -Unique).Count
    $ViewTypeCount | Should -BeGreaterThan 10
    $Scratch = Join-Path ([IO.Path]::GetTempPath()) ("pcl-views-" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $Scratch

    # This same PowerShell, started anew: powershell.exe or pwsh as they are, or, for the project's
    # tools/pwsh, the dotnet host with the pwsh it runs. Plain text, as a runbook's output is:
    # NO_COLOR keeps escape sequences out of what is compared.
    $PwshHost = (Get-Process -Id $PID).Path
    $PwshEntry = @()
    if ([IO.Path]::GetFileNameWithoutExtension($PwshHost) -eq 'dotnet') {
        $PwshEntry = @([Reflection.Assembly]::GetEntryAssembly().Location)
    }
    $NoColorBefore = $env:NO_COLOR
    $env:NO_COLOR = '1'

    # Runs a script file in a fresh pwsh, as `pwsh -File` does, and returns what it printed.
    function Invoke-FreshPwsh([string] $name, [string] $script, [string[]] $arguments = @()) {
        $path = Join-Path $Scratch "$name.ps1"
        Set-Content -LiteralPath $path -Value $script -Encoding utf8
        $output = & $PwshHost $PwshEntry -NoLogo -NoProfile -NonInteractive -File $path @arguments 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $output -join "`n"
    }
}

AfterAll {
    $env:NO_COLOR = $NoColorBefore
    Remove-Item -LiteralPath $Scratch -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The default views, loaded by the manifest' {
    It 'lists the format file in FormatsToProcess, and ships it beside the manifest' {
        (Import-PowerShellDataFile $ModuleManifest).FormatsToProcess | Should -Be @('PartnerCenterLicenses.format.ps1xml')
        Test-Path -LiteralPath $FormatFile | Should -BeTrue
    }

    It 'lists in Get-FormatData right after Import-Module exactly the views the format file defines' {
        # The file alone, loaded into a PowerShell that has no module at all.
        $expected = Join-Path $Scratch 'expected.ps1xml'
        $null = Invoke-FreshPwsh 'expected' @"
Update-FormatData -AppendPath '$FormatFile'
Get-FormatData -TypeName 'PartnerCenterLicenses.Models.*' | Sort-Object TypeNames | Export-FormatData -LiteralPath '$expected' -IncludeScriptBlock
"@
        # The module imported, nothing of it run: the first thing asked of it is Get-FormatData.
        $actual = Join-Path $Scratch 'actual.ps1xml'
        $printed = Invoke-FreshPwsh 'actual' @"
Import-Module '$ModuleManifest'
(Get-FormatData -TypeName 'PartnerCenterLicenses.Models.*').Count
Get-FormatData -TypeName 'PartnerCenterLicenses.Models.*' | Sort-Object TypeNames | Export-FormatData -LiteralPath '$actual' -IncludeScriptBlock
"@
        [int] $printed | Should -Be $ViewTypeCount
        Get-Content -LiteralPath $actual -Raw | Should -BeExactly (Get-Content -LiteralPath $expected -Raw)
    }

    It 'shows an object of the module with its default view where Out-Default came before the import (pwsh -File)' {
        # Nothing of the module has run: the object is made by hand and written by the script itself.
        $printed = Invoke-FreshPwsh 'file' @"
Import-Module '$ModuleManifest'
[PartnerCenterLicenses.Models.PartnerCenterRequestOptions]::new([timespan]'0:1:40', 3, [timespan]'0:0:30', [timespan]'0:0:1')
"@
        $printed | Should -Match 'Timeout\s+MaxRetryCount\s+MaxRetryWait\s+RetryBaseDelay\s+MaxFieldLength'
        $printed | Should -Match '100 s\s+3\s+30 s\s+1 s\s+1,048,576'
    }

    It 'shows the first output of a command that autoloads the module with its view (pwsh -Command)' {
        $printed = & $PwshHost $PwshEntry -NoLogo -NoProfile -NonInteractive -Command @"
`$env:PSModulePath = '$(Split-Path -Parent $ModuleFolder)' + [IO.Path]::PathSeparator + `$env:PSModulePath
Get-PartnerCenterEnvironment -Name AzureCloud
"@ 2>&1
        $LASTEXITCODE | Should -Be 0
        $text = $printed -join "`n"
        # The view groups by IsBuiltIn and shows the endpoints as host names, not as Uri objects.
        $text | Should -Match 'IsBuiltIn: True'
        $text | Should -Match 'Name\s+ActiveDirectoryAuthority\s+PartnerCenterEndpoint'
        $text | Should -Match 'AzureCloud\s+login\.microsoftonline\.com\s+api\.partnercenter\.microsoft\.com'
    }

    It 'applies the views through Format-Table''s alias, and Remove-Module takes them away until the next import' {
        $printed = Invoke-FreshPwsh 'lifetime' @"
Import-Module '$ModuleManifest'
`$options = [PartnerCenterLicenses.Models.PartnerCenterRequestOptions]::new([timespan]'0:0:5', 1, [timespan]'0:0:9', [timespan]'0:0:1')
`$options | ft | Out-String -Width 120
'views ' + (Get-FormatData -TypeName 'PartnerCenterLicenses.Models.*').Count
Remove-Module PartnerCenterLicenses
'after remove ' + @(Get-FormatData -TypeName 'PartnerCenterLicenses.Models.*').Count
Import-Module '$ModuleManifest'
'after import ' + @(Get-FormatData -TypeName 'PartnerCenterLicenses.Models.*').Count
"@
        $printed | Should -Match '5 s\s+1\s+9 s\s+1 s'
        $printed | Should -Match "views $ViewTypeCount"
        $printed | Should -Match 'after remove 0'
        $printed | Should -Match "after import $ViewTypeCount"
    }
}

Describe 'Server text in the default views' {
    It 'reaches the console without control characters in every view, while the properties keep them' {
        # Every type the format file gives a view, built with a hostile string for each text parameter
        # (an OSC 52 clipboard write, a colour change, a bell, a backspace, a lone carriage return, a
        # C1 control), then shown through each of its views as a console would get them.
        $printed = Invoke-FreshPwsh 'server-text' @"
Import-Module '$ModuleManifest'
`$hostile = "A`e]52;c;SGk=`a`e[31mB`bC`rD$([char]0x9B)E"
`$views = ([xml](Get-Content -LiteralPath '$FormatFile' -Raw)).Configuration.ViewDefinitions.View
`$types = `$views.ViewSelectedBy.TypeName | Sort-Object -Unique
foreach (`$name in `$types) {
    `$type = [type]`$name
    `$constructor = `$type.GetConstructors() | Sort-Object { `$_.GetParameters().Count } -Descending | Select-Object -First 1
    `$arguments = foreach (`$parameter in `$constructor.GetParameters()) {
        switch (`$parameter.ParameterType) {
            ([string]) { `$hostile }
            ([uri]) { [uri]'https://example.test/' }
            ([datetimeoffset]) { [datetimeoffset]'2017-03-10T00:00:00Z' }
            ([Nullable[datetimeoffset]]) { [datetimeoffset]'2017-03-10T00:00:00Z' }
            ([timespan]) { [timespan]'0:0:5' }
            ([bool]) { `$true }
            ([securestring]) { `$secret = [securestring]::new(); `$secret.AppendChar('x'); `$secret }
            default { if (`$parameter.ParameterType.IsPrimitive) { [Convert]::ChangeType(1, `$parameter.ParameterType) } elseif (`$parameter.ParameterType.IsValueType) { [Activator]::CreateInstance(`$parameter.ParameterType) } else { `$null } }
        }
    }
    `$item = `$constructor.Invoke([object[]]@(`$arguments))
    `$kept = @(`$item.PSObject.Properties | Where-Object { `$_.Value -is [string] -and `$_.Value -eq `$hostile }).Count
    "type `$name kept `$kept"
    # The default view, then the other view the file gives the type (Format-List without a list view of
    # ours shows every property as it is, which is what the properties are for).
    `$item | Out-String -Width 200
    if (@(`$views | Where-Object { `$_.ViewSelectedBy.TypeName -eq `$name -and `$_.ListControl }).Count -gt 0) { `$item | Format-List | Out-String -Width 200 }
    if (@(`$views | Where-Object { `$_.ViewSelectedBy.TypeName -eq `$name -and `$_.TableControl }).Count -gt 0) { `$item | Format-Table | Out-String -Width 200 }
}
"@
        $printed | Should -Match 'type PartnerCenterLicenses\.Models\.CustomerLicensesDeploymentInsights kept [1-9]'
        $printed | Should -Match 'type PartnerCenterLicenses\.Models\.PartnerCustomer kept [1-9]'
        # Whatever a view shows of the hostile text is cleaned: no control character but line feeds and
        # the carriage returns of line ends.
        $controls = @($printed.ToCharArray() | Where-Object { ([int]$_ -lt 32 -and $_ -ne "`n" -and $_ -ne "`r" -and $_ -ne "`t") -or ([int]$_ -ge 0x7F -and [int]$_ -le 0x9F) })
        $controls.Count | Should -Be 0 -Because ('control characters reached the output: ' + (($controls | ForEach-Object { '0x{0:X2}' -f [int]$_ }) -join ' '))
        $printed | Should -Match 'A\?\]52;c;SGk='
    }
}

Describe 'Every view of every output type, at 80 and 120 columns, with the documented values' {
    BeforeAll {
        # The types the module writes: every public class of PartnerCenterLicenses.Models, read from the
        # assembly, so a new output type without views (or without samples here) fails the first test.
        $ModelTypes = @([PartnerCenterLicenses.Models.PartnerCenterContext].Assembly.GetExportedTypes() |
                Where-Object { $_.Namespace -eq 'PartnerCenterLicenses.Models' -and $_.IsClass -and -not $_.IsAbstract } |
                Sort-Object Name)
        $Views = ([xml](Get-Content -LiteralPath $FormatFile -Raw)).Configuration.ViewDefinitions.View

        # Microsoft's documented values (/work/shared/seed, the insights samples, the Partner Center REST
        # pages the emulator follows) and the long ones issue 21 met at 80 columns: Microsoft Dynamics CRM,
        # DT DEMO CSP CUSTOMER 005, OFFICE 365 BUSINESS ESSENTIALS, Skype For Business, DOMESTIC AND
        # INTERNATIONAL CALLING PLAN, the China cloud's endpoints, LicensesSold 2147483649.
        $At = [datetimeoffset]'2017-03-14T03:25:16.36+00:00'
        $Customer = '4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04'
        $Samples = @{
            PartnerLicensesDeploymentInsights  = {
                [PartnerCenterLicenses.Models.PartnerLicensesDeploymentInsights]::new('o365', 'reseller', 4464, 0.8743, $At)
                [PartnerCenterLicenses.Models.PartnerLicensesDeploymentInsights]::new('crm', 'reseller', 343, 0, [datetimeoffset]'2017-03-10T00:00:00+00:00')
                [PartnerCenterLicenses.Models.PartnerLicensesDeploymentInsights]::new('intune', 'reseller', 2147483649, 1.125, [datetimeoffset]'2024-05-02T04:00:00+05:30')
            }
            PartnerLicensesUsageInsights       = {
                [PartnerCenterLicenses.Models.PartnerLicensesUsageInsights]::new('crm', 'reseller', 'Microsoft Dynamics CRM', 0, [datetimeoffset]'2017-03-10T00:00:00+00:00')
                [PartnerCenterLicenses.Models.PartnerLicensesUsageInsights]::new('o365', 'reseller', 'Skype For Business', 0.125, $At)
            }
            CustomerLicensesDeploymentInsights = {
                [PartnerCenterLicenses.Models.CustomerLicensesDeploymentInsights]::new($Customer, 'DT DEMO CSP CUSTOMER 005', 'OFFICE 365 BUSINESS ESSENTIALS', 'o365', 'Microsoft Office 365', 'reseller', 0, 1, 0, $At)
                [PartnerCenterLicenses.Models.CustomerLicensesDeploymentInsights]::new($Customer, 'DT DEMO CSP CUSTOMER 005', 'EXCHANGE ONLINE ARCHIVING FOR EXCHANGE ONLINE', 'o365', 'Microsoft Office 365', 'reseller', 9999999, 9999999, 1, $At)
            }
            CustomerLicensesUsageInsights      = {
                [PartnerCenterLicenses.Models.CustomerLicensesUsageInsights]::new($Customer, 'DT DEMO CSP CUSTOMER 005', 'OFFICE 365 BUSINESS ESSENTIALS', 'o365', 'Microsoft Office 365', 'reseller', 'SFB', 'Skype For Business', 0, 1, 0, $At)
                [PartnerCenterLicenses.Models.CustomerLicensesUsageInsights]::new($Customer, 'DT DEMO CSP CUSTOMER 005', 'EXCHANGE ONLINE (PLAN 1)', 'o365', 'Microsoft Office 365', 'reseller', 'EXO', 'Exchange', 4, 5, 0.8, $At)
            }
            CommercialLicenseDeployment        = {
                [PartnerCenterLicenses.Models.CommercialLicenseDeployment]::new([datetimeoffset]'2018-10-14T00:00:00Z', 'o365', 'Microsoft Office 365', 'reseller', '0112A436-B14E-4888-967B-CA4BB2CF1234', 'TEST COMPANY', 'D3B4FE1F-9992-4930-8ACB-CA6EC609365E', 'DOMESTIC AND INTERNATIONAL CALLING PLAN', 0, 5)
                # A -GroupBy total: the fields not grouped by are empty, the counts add up across customers.
                [PartnerCenterLicenses.Models.CommercialLicenseDeployment]::new($null, 'o365', $null, $null, $null, $null, $null, $null, 2147483649, 2147483649)
            }
            CommercialLicenseUsage             = {
                [PartnerCenterLicenses.Models.CommercialLicenseUsage]::new([datetimeoffset]'2018-10-14T00:00:00Z', 'o365', 'Microsoft Office 365', 'reseller', $Customer, 'DT DEMO CSP CUSTOMER 005', 'D3B4FE1F-9992-4930-8ACB-CA6EC609365E', 'DOMESTIC AND INTERNATIONAL CALLING PLAN', 'SFB', 'Skype For Business', 0, 5)
                [PartnerCenterLicenses.Models.CommercialLicenseUsage]::new($null, 'o365', $null, $null, $null, $null, $null, $null, $null, $null, 2147483649, 2147483649)
            }
            PartnerCenterContext               = {
                [PartnerCenterLicenses.Models.PartnerCenterContext]::new('admin@dtdemocspcustomer005.onmicrosoft.com', '6b1f3c2e-8d4a-4f7b-9c5e-2a1d0e3f4b58', '9a3c5e71-2b4d-4f68-8e1a-7c0b3d5f2a94', 'AzureUSGovernment', 'RefreshToken', $At, $true)
            }
            PartnerCenterEnvironment           = {
                Get-PartnerCenterEnvironment | Where-Object IsBuiltIn
                [PartnerCenterLicenses.Models.PartnerCenterEnvironment]::new('Contoso proxy', [uri]'https://login.example.net', [uri]'https://pc-proxy.example.net:8443/partner', 'https://api.partnercenter.microsoft.com', $false)
            }
            PartnerCenterRefreshToken          = {
                $token = [securestring]::new(); $token.AppendChar('x')
                [PartnerCenterLicenses.Models.PartnerCenterRefreshToken]::new($token, '9a3c5e71-2b4d-4f68-8e1a-7c0b3d5f2a94', '6b1f3c2e-8d4a-4f7b-9c5e-2a1d0e3f4b58', 'admin@dtdemocspcustomer005.onmicrosoft.com', 'AzureChinaCloud', $At)
            }
            PartnerCenterRequestOptions        = {
                [PartnerCenterLicenses.Models.PartnerCenterRequestOptions]::Default
                [PartnerCenterLicenses.Models.PartnerCenterRequestOptions]::new([timespan]'1:00:00', 2147483647, [timespan]'0:0:0.25', [timespan]'0:0:1', 2147483647, 2147483647)
            }
            PartnerCustomer                    = {
                [PartnerCenterLicenses.Models.PartnerCustomer]::new($Customer, 'DT DEMO CSP CUSTOMER 005', 'dtdemocspcustomer005.onmicrosoft.com', $Customer, 'reseller')
            }
            PartnerInsightsDataset             = {
                [PartnerCenterLicenses.Models.PartnerInsightsDataset]::new('DynamicsUsage', 'Usage of Dynamics 365 workloads by the partner''s customers, per month', [string[]]('PGAMpnId', 'SubscriptionId', 'SubscriptionStartDate', 'SubscriptionEndDate', 'SubscriptionStatus', 'Month', 'RevSumDivisionName', 'RevSumCategoryName', 'SKU', 'CustomerName', 'CustomerTenantId'), [string[]]('AvailableSeats', 'AssignedSeats', 'ActiveSeats'), [string[]]('LAST_MONTH', 'LAST_3_MONTHS', 'LAST_6_MONTHS', 'LAST_1_YEAR'), 24)
            }
            PartnerInsightsQuery               = {
                [PartnerCenterLicenses.Models.PartnerInsightsQuery]::new('ec8366a4-d96e-4194-8c37-d5dbc0639033', 'Top10_CustomersReport', 'Top 10 customers by revenue for last month', 'SELECT CustomerName, Product, BilledRevenueUSD FROM CustomersAndTenants ORDER BY BilledRevenueUSD LIMIT 10 TIMESPAN LAST_MONTH', 'userDefined', 'GAUser@PITEST2.ccsctp.net', [datetimeoffset]'2021-03-30T13:11:58Z')
            }
            PartnerInsightsReport              = {
                [PartnerCenterLicenses.Models.PartnerInsightsReport]::new('d9548477-16d4-492a-bf9c-0cf91a9f69bf', 'Top10_CustomersReport', 'Top 10 customers by revenue for last month', 'ec8366a4-d96e-4194-8c37-d5dbc0639033', 'SELECT CustomerName, Product, BilledRevenueUSD FROM CustomersAndTenants ORDER BY BilledRevenueUSD LIMIT 10 TIMESPAN LAST_MONTH', 'GAUser@PITEST2.ccsctp.net', [datetimeoffset]'2021-03-30T13:11:58Z', $null, [datetimeoffset]'2021-03-31T18:41:00Z', 'Active', 24, 100, 'csv', 'https://contoso.example/callback', 'GET', $false)
            }
            PartnerInsightsReportExecution     = {
                $link = [PartnerCenterLicenses.Boundary.InsightsReportLink]::Parse('https://pcinsights.blob.core.windows.net/reports/906931dc-4f2f-4195-bbb2-d7295c7550d3/Top10_CustomersReport.csv?sv=2020-08-04&sig=c2VjcmV0')
                [PartnerCenterLicenses.Models.PartnerInsightsReportExecution]::new('906931dc-4f2f-4195-bbb2-d7295c7550d3', 'd9548477-16d4-492a-bf9c-0cf91a9f69bf', 24, 100, $null, $null, 'csv', 'Completed', $link, [datetimeoffset]'2021-04-01T18:41:00Z', [datetimeoffset]'2021-03-31T18:41:00Z')
            }
            PartnerLicenseReportSummary        = {
                [PartnerCenterLicenses.Models.PartnerLicenseReportSummary]::new('/home/runbook/reports/weekly-licenses.html', 5000, 20, 100000, 2147483649, 1874321000, 273162649, 87.3, [datetimeoffset]'2017-03-10T00:00:00Z', [datetimeoffset]'2017-03-10T00:00:00Z', 'en-US')
                [PartnerCenterLicenses.Models.PartnerLicenseReportSummary]::new('/tmp/empty.html', 0, 0, 0, 0, 0, 0, $null, $null, [datetimeoffset]'2017-03-10T00:00:00Z', '')
            }
            PartnerSeatDeployment              = {
                [PartnerCenterLicenses.Models.PartnerSeatDeployment]::new($Customer, 'DT DEMO CSP CUSTOMER 005', 'DOMESTIC AND INTERNATIONAL CALLING PLAN', 5, 4, $null, 'LAST_MONTH')
                [PartnerCenterLicenses.Models.PartnerSeatDeployment]::new($Customer, 'DT DEMO CSP CUSTOMER 005', 'OFFICE 365 BUSINESS ESSENTIALS', 1000000, 874321, 12345, 'LAST_MONTH')
            }
        }

        # What a view of the objects prints in a console of the width, as lines without the line ends. The
        # console keeps its last column free (a character there would wrap the line), so it lays out in one
        # column less than it has; Out-String -Width uses every column it is given.
        function Get-ViewLines([object[]] $objects, [string] $kind, [int] $width) {
            $text = if ($kind -eq 'Table') { $objects | Format-Table | Out-String -Width ($width - 1) } else { $objects | Format-List | Out-String -Width ($width - 1) }
            @($text -split '\r?\n')
        }

        # The value formats every view shares: counts grouped in threes, percents with one decimal and a
        # space, times in UTC to the minute saying so. Nothing cut by PowerShell (its '…'), no '#' of a
        # number too long for its column, no line wider than the console's usable width.
        function Assert-SharedFormats([string[]] $lines, [int] $width, [string] $what) {
            # The offending pieces are gathered first and asserted once: Should on every line is slow.
            $text = $lines -join "`n"
            @($lines | Where-Object { $_.Length -ge $width }) | Should -BeNullOrEmpty -Because "no line of $what may be wider than $($width - 1) columns`n$text"
            $text | Should -Not -Match '…' -Because "PowerShell cut a value in $what`n$text"
            $text | Should -Not -Match '##' -Because "a number does not fit its column in $what`n$text"
            $text | Should -Not -Match '\d%|\d,\d %|\d\.\d\d+ %' -Because "every percent is 12.5 % in $what`n$text"
            @([regex]::Matches($text, '\S+ %') | ForEach-Object Value | Where-Object { $_ -notmatch '^\d+\.\d %$' }) |
                Should -BeNullOrEmpty -Because "every percent is 12.5 % in $what`n$text"
            $text | Should -Not -Match '\d\d?/\d\d?/\d{4}|\d\d:\d\d:\d\d|[+-]\d\d:\d\d' -Because "every time is 2017-03-10 00:00 UTC in $what`n$text"
            @([regex]::Matches($text, '\d{4}-\d\d-\d\d.{0,10}') | ForEach-Object Value | Where-Object { $_ -notmatch '^\d{4}-\d\d-\d\d \d\d:\d\d UTC' }) |
                Should -BeNullOrEmpty -Because "every time is 2017-03-10 00:00 UTC in $what`n$text"
        }
    }

    It 'gives every public type of PartnerCenterLicenses.Models a table view and a list view, and these tests samples of it' {
        $ModelTypes.Count | Should -BeGreaterThan 10
        foreach ($type in $ModelTypes) {
            $mine = @($Views | Where-Object { $_.ViewSelectedBy.TypeName -eq $type.FullName })
            @($mine | Where-Object { $_.TableControl }).Count | Should -Be 1 -Because "$($type.Name) needs one table view"
            @($mine | Where-Object { $_.ListControl }).Count | Should -Be 1 -Because "$($type.Name) needs one list view"
            $Samples.ContainsKey($type.Name) | Should -BeTrue -Because "$($type.Name) needs documented samples in this test"
            # Every table's widths add up to at most 79 columns with the separators, and each header fits its width.
            $table = $mine | Where-Object { $_.TableControl }
            $headers = @($table.TableControl.TableHeaders.TableColumnHeader)
            $headers | ForEach-Object { $_.Width | Should -Not -BeNullOrEmpty -Because "$($type.Name)'s column $($_.Label) needs a width"; $_.Label.Length | Should -Not -BeGreaterThan ([int]$_.Width) }
            (($headers | ForEach-Object { [int]$_.Width } | Measure-Object -Sum).Sum + $headers.Count - 1) | Should -Not -BeGreaterThan 79 -Because "$($type.Name)'s table must fit 80 columns"
        }
    }

    It 'shows <Kind> views at <Width> columns on whole lines: no wrap, nothing cut, the header on one line with every column' -ForEach @(
        @{ Kind = 'Table'; Width = 80 }, @{ Kind = 'Table'; Width = 120 }, @{ Kind = 'List'; Width = 80 }, @{ Kind = 'List'; Width = 120 }
    ) {
        foreach ($type in $ModelTypes) {
            $objects = @(& $Samples[$type.Name])
            $lines = Get-ViewLines $objects $Kind $Width
            $what = "the $Kind view of $($type.Name) at $Width columns"
            Assert-SharedFormats $lines $Width $what
            $view = $Views | Where-Object { $_.ViewSelectedBy.TypeName -eq $type.FullName -and $(if ($Kind -eq 'Table') { $_.TableControl } else { $_.ListControl }) }
            if ($Kind -eq 'Table') {
                # The header: every label of the view, in order, on one line (none dropped, none wrapped).
                $labels = @($view.TableControl.TableHeaders.TableColumnHeader.Label)
                $pattern = '^\s*' + (($labels | ForEach-Object { [regex]::Escape($_) }) -join '\s+') + '\s*$'
                $headerLines = @($lines | Where-Object { $_ -match $pattern })
                $headerLines.Count | Should -BeGreaterThan 0 -Because "$what has no header line with all of $($labels -join ', ')`n$($lines -join "`n")"
                # One line per object: a wrapped cell would add a line.
                $rows = @($lines | Where-Object { $_.Trim() -and $_ -notmatch $pattern -and $_ -notmatch '^[\s-]+$' -and $_ -notmatch '^\s*IsBuiltIn: ' })
                $rows.Count | Should -Be $objects.Count -Because "$what wraps a row`n$($lines -join "`n")"
            }
            else {
                # Every label, and no value broken by PowerShell: it breaks a long list value at the last usable
                # column, mid-word, where the views break theirs between words, short of it.
                $labels = @($view.ListControl.ListEntries.ListEntry.ListItems.ListItem.Label)
                @($labels | Where-Object { @($lines -match "^$([regex]::Escape($_))\s+: ").Count -ne $objects.Count }) |
                    Should -BeNullOrEmpty -Because "$what shows every label once an object`n$($lines -join "`n")"
                $broken = for ($i = 1; $i -lt $lines.Count; $i++) {
                    if ($lines[$i] -match '^\s+\S' -and $lines[$i - 1].Length -ge $Width - 1) { $lines[$i - 1] + "`n" + $lines[$i] }
                }
                @($broken) | Should -BeNullOrEmpty -Because "$what continues a word on the next line"
            }
        }
    }

    It 'shows the documented long values whole where the columns were sized for them, and 2,147,483,649 uncut' {
        $deployment = (Get-ViewLines @(& $Samples.PartnerLicensesDeploymentInsights) Table 80) -join "`n"
        $deployment | Should -Match '(?m)^intune +reseller +2,147,483,649 +112\.5 % 2024-05-01 22:30 UTC$'
        $deployment | Should -Match '(?m)^o365 +reseller +4,464 +87\.4 % 2017-03-14 03:25 UTC$'
        (Get-ViewLines @(& $Samples.PartnerLicensesUsageInsights) Table 80) -join "`n" | Should -Match '(?m)^crm +reseller +Microsoft Dynamics CRM +0\.0 % 2017-03-10 00:00 UTC$'
        (Get-ViewLines @(& $Samples.CustomerLicensesDeploymentInsights) Table 80) -join "`n" | Should -Match '(?m)^DT DEMO CSP CUSTOMER 005 +OFFICE 365 BUSINESS ESS\.\.\. +0 +1 +0\.0 %$'
        (Get-ViewLines @(& $Samples.CustomerLicensesUsageInsights) Table 80) -join "`n" | Should -Match '(?m) Skype For Business +0 +1 +0\.0 %$'
        (Get-ViewLines @(& $Samples.CommercialLicenseDeployment) Table 80) -join "`n" | Should -Match '(?m)^ +o365 +2,147,483,649 +2,147,483,649$'
        (Get-ViewLines @(& $Samples.CommercialLicenseDeployment) List 80) -join "`n" | Should -Match 'ProductName +: DOMESTIC AND INTERNATIONAL CALLING PLAN\n'
        $environments = (Get-ViewLines @(& $Samples.PartnerCenterEnvironment) Table 80) -join "`n"
        $environments | Should -Match '(?m)^AzureChinaCloud +login\.chinacloudapi\.cn +\.\.\.microsoftonline\.cn$'
        $environments | Should -Match '(?m)^Contoso proxy +login\.example\.net +pc-proxy\.example\.net:8443/partner$'
        (Get-ViewLines @(& $Samples.PartnerCenterEnvironment) List 80) -join "`n" | Should -Match 'PartnerCenterEndpoint +: https://partner\.partnercenterapi\.microsoftonline\.cn\n'
    }

    It 'gives Format-Table of the context the tenant last, whole, at 80 columns, as README says' {
        $context = & $Samples.PartnerCenterContext
        $table = (Get-ViewLines @($context) Table 80) -join "`n"
        $table | Should -Match '(?m)^Account +Environment +Tenant$'
        $table | Should -Match ('(?m) ' + [regex]::Escape($context.Tenant) + '$')
        $list = (Get-ViewLines @($context) List 80) -join "`n"
        $list | Should -Match 'TokenExpiresOn +: 2017-03-14 03:25 UTC'
    }

    It 'shows a refresh token without the token, the ids whole in the list and the same time format as everywhere' {
        $token = & $Samples.PartnerCenterRefreshToken
        $list = (Get-ViewLines @($token) List 80) -join "`n"
        $list | Should -Not -Match 'RefreshToken|SecureString'
        $list | Should -Match ('ApplicationId +: ' + $token.ApplicationId)
        $list | Should -Match ('Tenant +: ' + $token.Tenant)
        $list | Should -Match 'Environment +: AzureChinaCloud'
        $list | Should -Match 'IssuedOn +: 2017-03-14 03:25 UTC'
        # The default view is the list: what a bare token prints.
        ($token | Out-String -Width 80) | Should -Match 'ApplicationId +: '
        (Get-ViewLines @($token) Table 80) -join "`n" | Should -Match '(?m)^admin@dtdemocspcustomer005\.\.\. +AzureChinaCloud +2017-03-14 03:25 UTC$'
    }
}
