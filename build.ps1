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
      Package  dotnet pack -c Release Module.sln: the PowerShell Gallery package,
               out/PartnerCenterLicenses.<ModuleVersion>.nupkg, made without PowerShellGet
               (src/PartnerCenterLicenses.Package). Publishing it is a maintainer's step: CONTRIBUTING.md.
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
        # The same command as the README's: src/PartnerCenterLicenses.Package, the solution's only packable
        # project, builds the module, writes the nuspec from it and packs.
        Invoke-Dotnet pack -c $Configuration $solution
        $data = Import-PowerShellDataFile -LiteralPath (Join-Path $PSScriptRoot 'PartnerCenterLicenses.psd1')
        $version = [version] $data.ModuleVersion
        # NuGet names the file with the normalized version: three parts, a fourth only when it is not 0.
        $packageVersion = '{0}.{1}.{2}' -f $version.Major, $version.Minor, [Math]::Max($version.Build, 0)
        if ($version.Revision -gt 0) { $packageVersion += ".$($version.Revision)" }
        if ($data.PrivateData.PSData['Prerelease']) { $packageVersion += '-' + $data.PrivateData.PSData.Prerelease.TrimStart('-') }
        $package = Join-Path $PSScriptRoot "out/PartnerCenterLicenses.$packageVersion.nupkg"
        if (-not (Test-Path -LiteralPath $package)) {
            throw "dotnet pack succeeded but $package is not there."
        }
        Write-Host "Package ready: $package"
    }
}
