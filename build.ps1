<#
.SYNOPSIS
    Builds or tests the PartnerCenterLicenses module.
.DESCRIPTION
    A thin wrapper over dotnet for people who work in pwsh. It runs in any PowerShell 7, including the one the
    build itself makes (dotnet tools/pwsh/bin/Release/net10.0/pwsh.dll ./build.ps1 -Task Test).
      Build    dotnet build -c Release Module.sln, which lays the importable module out in out/PartnerCenterLicenses/,
               then Test-ModuleManifest on it.
      Test     dotnet test -c Release Module.sln, the README's test command: unit tests, end-to-end tests against
               the emulator, and the Pester suite (tests/*.Tests.ps1) in tools/pwsh.
      Package  Not yet: packaging for the PowerShell Gallery comes with dotnet pack. It fails saying so.
.EXAMPLE
    dotnet tools/pwsh/bin/Release/net10.0/pwsh.dll ./build.ps1 -Task Test
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
$solution = Join-Path $PSScriptRoot 'Module.sln'
$manifest = Join-Path $PSScriptRoot 'out/PartnerCenterLicenses/PartnerCenterLicenses.psd1'

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE."
    }
}

switch ($Task) {
    'Build' {
        Invoke-Dotnet build -c $Configuration $solution
        $null = Test-ModuleManifest -Path $manifest
        Write-Host "Module ready in $(Split-Path -Parent $manifest)"
    }
    'Test' {
        # Builds as well; the Pester suite runs inside it (tests/PartnerCenterLicenses.Tests/Pester).
        Invoke-Dotnet test -c $Configuration $solution
    }
    'Package' {
        # The pwsh this repository builds has no PowerShellGet or PSResourceGet, and a package made by
        # whatever happens to be installed would differ from machine to machine.
        throw 'Packaging is not part of this build yet: the .nupkg for the PowerShell Gallery will come from dotnet pack (a later issue). ' +
            "Until then, ./build.ps1 -Task Build lays the importable module out in $(Split-Path -Parent $manifest)."
    }
}
