<#
    What a person finds at the prompt: Get-Help for every command, the about_PartnerCenterLicenses topic, and tab
    completion of environment names.
    See tests/TestSetup.ps1 for what the suite needs.
#>

BeforeDiscovery {
    $manifest = Join-Path (Split-Path -Parent $PSScriptRoot) 'out/PartnerCenterLicenses/PartnerCenterLicenses.psd1'
    $exportedCommands = @((Import-PowerShellDataFile -LiteralPath $manifest).CmdletsToExport)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}

Describe 'Get-Help' {
    It 'the module exports the commands its manifest lists, and nothing else' {
        $manifest = Import-PowerShellDataFile -LiteralPath $ModuleManifest
        $listed = @($manifest.CmdletsToExport) + @($manifest.AliasesToExport) | Sort-Object
        @((Get-Command -Module PartnerCenterLicenses).Name | Sort-Object) | Should -Be $listed
        @(Get-Command -Module PartnerCenterLicenses -CommandType Cmdlet).Name | Sort-Object | Should -Be (@($manifest.CmdletsToExport) | Sort-Object)
        @(Get-Command -Module PartnerCenterLicenses -CommandType Alias).Name | Sort-Object | Should -Be (@($manifest.AliasesToExport) | Sort-Object)
        (Get-Command -Module PartnerCenterLicenses).CommandType | Sort-Object -Unique | Should -Be @('Alias', 'Cmdlet')
    }

    It '<_> has a synopsis, a description and examples' -ForEach $exportedCommands {
        $help = Get-Help -Name $_ -Full

        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without a help file, Get-Help makes the synopsis up from the syntax.
        $help.Synopsis.Trim() | Should -Not -BeLike "$_*"
        (@($help.description) | ForEach-Object Text) -join ' ' | Should -Not -BeNullOrEmpty
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.code | Should -Match ([regex]::Escape($_))
        }
        # A runbook example: credentials from automation assets, and failures that end the runbook.
        @($examples | Where-Object { $_.code -match 'Get-Automation(PSCredential|Variable)' -and $_.code -match "\`$ErrorActionPreference = 'Stop'|-ErrorAction Stop" }).Count |
            Should -BeGreaterThan 0
        @($help.relatedLinks.navigationLink)[0].uri | Should -BeExactly (Get-Command $_).HelpUri
        @($help.relatedLinks.navigationLink).linkText | Should -Contain 'about_PartnerCenterLicenses'
    }
}

Describe 'about_PartnerCenterLicenses' {
    BeforeAll {
        $source = Join-Path (Split-Path -Parent $PSScriptRoot) 'src/PartnerCenterLicenses/en-US/about_PartnerCenterLicenses.help.txt'
        $sourceLines = Get-Content -LiteralPath $source
    }

    It 'Get-Help about_PartnerCenterLicenses shows the topic' {
        $text = (Get-Help about_PartnerCenterLicenses | Out-String) -replace "`r", ''

        $text | Should -Match '(?m)^TOPIC\s*\n\s+about_PartnerCenterLicenses'
        foreach ($section in 'SHORT DESCRIPTION', 'LONG DESCRIPTION', 'THE SECURE APPLICATION MODEL: FROM CONSENT TO RUNBOOK', 'ERRORS', 'COEXISTENCE WITH OTHER MODULES') {
            $text | Should -Match ('(?m)^' + [regex]::Escape($section) + '\s*$')
        }
        $text | Should -Match 'New-PartnerCenterRefreshToken -RefreshToken'
        $text | Should -Match 'PartnerCenter\.RefreshTokenExpired \(AuthenticationError\)'
    }

    It 'is listed among the help topics, with its short description as synopsis' {
        $topic = @(Get-Help -Name 'about_PartnerCenter*' | Where-Object Name -EQ 'about_PartnerCenterLicenses')

        $topic.Count | Should -Be 1
        $topic[0].Category | Should -Be 'HelpFile'
        $shortDescription = $sourceLines[[array]::IndexOf($sourceLines, 'SHORT DESCRIPTION') + 1].Trim()
        $topic[0].Synopsis | Should -BeExactly $shortDescription
    }

    It 'is in the built module, next to the cmdlets'' help' {
        $module = Get-Module PartnerCenterLicenses
        $shipped = Join-Path $module.ModuleBase 'en-US/about_PartnerCenterLicenses.help.txt'

        Test-Path -LiteralPath $shipped | Should -BeTrue
        Test-Path -LiteralPath (Join-Path $module.ModuleBase 'en-US/PartnerCenterLicenses.dll-Help.xml') | Should -BeTrue
        Get-Content -LiteralPath $shipped | Should -Be $sourceLines
    }
}

Describe 'Tab completion of -Environment' {
    BeforeAll {
        $null = Add-PartnerCenterEnvironment -Name 'My Cloud' -ActiveDirectoryAuthority $EmulatorUrl -PartnerCenterEndpoint $EmulatorUrl

        function Get-Completion([string] $Line) {
            TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
        }
    }

    It 'offers the built-in and the added environments' {
        $texts = (Get-Completion 'Connect-PartnerCenter -Environment ').CompletionMatches.CompletionText

        $texts | Should -Contain 'AzureCloud'
        $texts | Should -Contain 'AzureChinaCloud'
        $texts | Should -Contain 'AzureUSGovernment'
        $texts | Should -Contain 'Emulator'
    }

    It 'quotes a name with a space, so the completed line runs' {
        $line = 'Get-PartnerCenterEnvironment -Name My'
        $completion = Get-Completion $line
        $match = @($completion.CompletionMatches)

        $match.Count | Should -Be 1
        $match[0].CompletionText | Should -BeExactly "'My Cloud'"
        $match[0].ListItemText | Should -BeExactly 'My Cloud'
        $completed = $line.Remove($completion.ReplacementIndex) + $match[0].CompletionText
        $completed | Should -BeExactly "Get-PartnerCenterEnvironment -Name 'My Cloud'"
        (& ([scriptblock]::Create($completed))).Name | Should -BeExactly 'My Cloud'
    }

    It 'completes within the quote the user opened' {
        $match = @((Get-Completion 'Connect-PartnerCenter -Environment "My C').CompletionMatches)

        $match.CompletionText | Should -Be @('"My Cloud"')
    }

    It 'leaves a plain name bare' {
        (Get-Completion 'Connect-PartnerCenter -Environment Emu').CompletionMatches.CompletionText | Should -Be @('Emulator')
    }
}

Describe 'Import-Module -Cmdlet *' {
    # Issue 21. README offers `Import-Module PartnerCenterLicenses -Cmdlet *` to leave the four ...Info aliases to the
    # archived module. The aliases come from the cmdlets' [Alias] attributes, which PowerShell imports only when the
    # alias filter lets them; what it still does with AliasesToExport (ExportedAliases, auto-loading) is its own.
    BeforeAll {
        $aliases = @((Import-PowerShellDataFile -LiteralPath $ModuleManifest).AliasesToExport)
        # A session of its own, so the suite's import (with the aliases) is not what is looked at.
        function Invoke-InFreshSession([scriptblock] $Script) {
            $session = [powershell]::Create([initialsessionstate]::CreateDefault2())
            try {
                $null = $session.AddScript($Script).AddArgument($ModuleManifest).AddArgument($aliases)
                $output = $session.Invoke()
                $session.Streams.Error | Should -BeNullOrEmpty
                $output
            }
            finally {
                $session.Dispose()
            }
        }
    }

    It 'defines none of the four aliases, while the module still lists them as exported' {
        $result = Invoke-InFreshSession {
            param($manifest, $aliases)
            Import-Module $manifest -Cmdlet *
            [pscustomobject]@{
                Defined  = @($aliases | Where-Object { Get-Alias $_ -ErrorAction Ignore })
                Listed   = @((Get-Module PartnerCenterLicenses).ExportedAliases.Keys | Sort-Object)
                Cmdlets  = @(Get-Command -Module PartnerCenterLicenses -CommandType Cmdlet).Count
                Manifest = @((Import-PowerShellDataFile -LiteralPath $manifest).CmdletsToExport).Count
            }
        }
        $result.Defined | Should -BeNullOrEmpty
        $result.Listed | Should -Be ($aliases | Sort-Object)
        $result.Cmdlets | Should -Be $result.Manifest
    }

    It 'leaves an ...Info name to another module''s command of that name, as README says' {
        $result = Invoke-InFreshSession {
            param($manifest, $aliases)
            # A stand-in for the archived module's cmdlet of the same name.
            function global:Get-PartnerLicenseDeploymentInfo { 'archived module' }
            Import-Module $manifest -Cmdlet *
            (Get-Command Get-PartnerLicenseDeploymentInfo).CommandType.ToString()
            Get-PartnerLicenseDeploymentInfo
        }
        $result | Should -Be @('Function', 'archived module')
    }

    It 'still auto-loads the aliases when an ...Info name is typed that no other command has' {
        $result = Invoke-InFreshSession {
            param($manifest, $aliases)
            # The module on the module path, as when installed: auto-loading reads AliasesToExport from the manifest.
            $saved = $env:PSModulePath
            $env:PSModulePath = (Split-Path -Parent (Split-Path -Parent $manifest)) + [IO.Path]::PathSeparator + $saved
            try {
                Import-Module $manifest -Cmdlet *
                [bool](Get-Alias Get-PartnerLicenseUsageInfo -ErrorAction Ignore)
                (Get-Command Get-PartnerLicenseUsageInfo).CommandType.ToString()
                [bool](Get-Alias Get-PartnerLicenseUsageInfo -ErrorAction Ignore)
            }
            finally {
                $env:PSModulePath = $saved
            }
        }
        $result | Should -Be @($false, 'Alias', $true)
    }
}
