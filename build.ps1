<#
.SYNOPSIS
    Builds, tests or packages the PartnerCenterLicenses module.
.DESCRIPTION
    A thin wrapper over dotnet for people who have pwsh:
      Build    dotnet build -c Release Module.sln, which lays the importable module out in out/PartnerCenterLicenses/.
      Test     dotnet test -c Release Module.sln (xunit: unit tests and end-to-end tests against the emulator),
               then the Pester tests in tests/*.Tests.ps1 where Pester 5 is installed.
      Package  Build, check the manifest, and write a .nupkg for the PowerShell Gallery to out/packages/.
.EXAMPLE
    ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$moduleFolder = Join-Path $root 'out/PartnerCenterLicenses'

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    Invoke-Dotnet build -c $Configuration (Join-Path $root 'Module.sln')
    $null = Test-ModuleManifest -Path (Join-Path $moduleFolder 'PartnerCenterLicenses.psd1')
    Write-Host "Module ready in $moduleFolder"
}

switch ($Task) {
    'Build' {
        Invoke-Build
    }
    'Test' {
        Invoke-Dotnet test -c $Configuration (Join-Path $root 'Module.sln')
        $pester = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version]'5.0' } | Sort-Object Version -Descending | Select-Object -First 1
        if (-not $pester) {
            Write-Warning 'Pester 5 is not installed (Install-Module Pester -MinimumVersion 5.0); the Pester tests were skipped. The xunit tests above cover the same behaviour.'
            return
        }
        Import-Module $pester
        $configuration = New-PesterConfiguration
        $configuration.Run.Path = Join-Path $root 'tests'
        $configuration.Run.Exit = $false
        $configuration.Run.PassThru = $true
        $configuration.Output.Verbosity = 'Detailed'
        $result = Invoke-Pester -Configuration $configuration
        if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester test(s) failed." }
    }
    'Package' {
        Invoke-Build
        $packages = Join-Path $root 'out/packages'
        $null = New-Item -ItemType Directory -Force -Path $packages
        $repository = 'PartnerCenterLicensesLocal'
        if (Get-PSRepository -Name $repository -ErrorAction SilentlyContinue) { Unregister-PSRepository -Name $repository }
        Register-PSRepository -Name $repository -SourceLocation $packages -PublishLocation $packages -InstallationPolicy Trusted
        try {
            Publish-Module -Path $moduleFolder -Repository $repository
            Get-ChildItem $packages -Filter *.nupkg | ForEach-Object { Write-Host "Package: $($_.FullName)" }
        }
        finally {
            Unregister-PSRepository -Name $repository
        }
    }
}
