<#
    The default views come with the manifest's FormatsToProcess, as in every Gallery module with views.
    Here, in fresh PowerShell processes, what a user sees of them: Get-FormatData and Export-FormatData
    give exactly the file's views right after Import-Module, the default views apply where Out-Default
    was resolved before the import (`pwsh -File`, `pwsh -Command`, a command that autoloads the module)
    and through Format-Table's alias, and Remove-Module takes them away while a new import brings them back.
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
