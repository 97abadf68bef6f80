<#
    The default views load when a runspace first needs them instead of at import (issue 13: the import
    no longer rebuilds the whole format table). Here, in fresh pwsh processes, that nothing a user
    sees has changed: Get-FormatData, Export-FormatData, Format-Table and the default views behave as
    they did with FormatsToProcess, including where Out-Default was resolved before the import
    (`pwsh -File`, `pwsh -Command`, a command that autoloads the module), and Remove-Module removes
    the views as it did.
    See tests/TestSetup.ps1 for what the suite needs.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ModuleFolder = Split-Path -Parent $ModuleManifest
    $FormatFile = Join-Path $ModuleFolder 'PartnerCenterLicenses.format.ps1xml'
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

Describe 'The default views, loaded when first needed' {
    It 'leaves FormatsToProcess out of the manifest, and ships the format file beside it' {
        (Import-PowerShellDataFile $ModuleManifest).ContainsKey('FormatsToProcess') | Should -BeFalse
        Test-Path -LiteralPath $FormatFile | Should -BeTrue
    }

    It 'lists in Get-FormatData right after Import-Module exactly the views the format file defines' {
        # What FormatsToProcess gave: the file loaded into a pwsh that has no module at all.
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
        [int] $printed | Should -Be 10
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

    It 'loads the views for Format-Table reached through an alias, and Remove-Module takes them away again' {
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
        $printed | Should -Match 'views 10'
        $printed | Should -Match 'after remove 0'
        $printed | Should -Match 'after import 10'
    }

    It 'keeps a PostCommandLookupAction the user had, and calls it while the views wait' {
        $printed = Invoke-FreshPwsh 'chain' @"
`$global:seen = [System.Collections.Generic.List[string]]::new()
`$ExecutionContext.InvokeCommand.PostCommandLookupAction = { param(`$name, `$e) `$global:seen.Add(`$name) }
Import-Module '$ModuleManifest'
`$null = Get-Date
`$null = Get-FormatData -TypeName 'PartnerCenterLicenses.Models.*'
`$null = Get-Random
'seen ' + ((`$global:seen | Where-Object { `$_ -in 'Get-Date', 'Get-FormatData', 'Get-Random' } | Select-Object -Unique) -join ',')
'views ' + (Get-FormatData -TypeName 'PartnerCenterLicenses.Models.*').Count
"@
        $printed | Should -Match 'seen Get-Date,Get-FormatData,Get-Random'
        $printed | Should -Match 'views 10'
    }
}
