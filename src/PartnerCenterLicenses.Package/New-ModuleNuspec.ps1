<#
.SYNOPSIS
    Writes the .nuspec of the PowerShell Gallery package from a built module folder.
.DESCRIPTION
    Run by PartnerCenterLicenses.Package.csproj (in tools/pwsh) just before NuGet packs; it needs nothing
    but PowerShell itself, no PowerShellGet or PSResourceGet.

    Everything comes from the module as built: id and version from the manifest (the one source of the
    version), the exported cmdlets and aliases as Test-ModuleManifest reads them (as PowerShellGet's
    Publish-Module does), and the file list from the folder, so whatever the build lays out is what
    ships. Only the license file and the package's readme (what nuget.org and the Gallery show on the
    package's page) are added, at the package root.

    The tags are the ones Publish-Module writes, so Find-Module -Command / -Includes find the module:
    the manifest's Tags, PSModule, PSIncludes_Cmdlet, one PSCmdlet_<name> per exported cmdlet, one
    PSCommand_<name> per exported command (cmdlets and aliases). PSEdition_<edition> for each of the
    manifest's CompatiblePSEditions is added too when the manifest's Tags lack it, since the Gallery
    reads editions from those tags.
#>
[CmdletBinding()]
param(
    # The built module folder, out/PartnerCenterLicenses/: its name is the module's.
    [Parameter(Mandatory)]
    [string] $ModuleFolder,

    # The license text shipped at the package root.
    [Parameter(Mandatory)]
    [string] $LicenseFile,

    # An SPDX license expression for the nuspec's <license type="expression">.
    [Parameter(Mandatory)]
    [string] $LicenseExpression,

    # The package's readme (Markdown), shipped at the package root as README.md and named by <readme>.
    [Parameter(Mandatory)]
    [string] $ReadmeFile,

    # Where to write the .nuspec.
    [Parameter(Mandatory)]
    [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$ModuleFolder = (Resolve-Path -LiteralPath $ModuleFolder).ProviderPath.TrimEnd([IO.Path]::DirectorySeparatorChar, [IO.Path]::AltDirectorySeparatorChar)
$LicenseFile = (Resolve-Path -LiteralPath $LicenseFile).ProviderPath
$ReadmeFile = (Resolve-Path -LiteralPath $ReadmeFile).ProviderPath
$name = Split-Path -Leaf $ModuleFolder
$manifestPath = Join-Path $ModuleFolder "$name.psd1"
if (-not (Test-Path -LiteralPath $manifestPath -PathType Leaf)) {
    throw "No module manifest at '$manifestPath': build the module first (dotnet build -c Release Module.sln)."
}

# Test-ModuleManifest is what Publish-Module reads the exports from; it also fails on a manifest that
# Install-Module would refuse.
$module = Test-ModuleManifest -Path $manifestPath
$data = Import-PowerShellDataFile -LiteralPath $manifestPath
$psData = $data['PrivateData']['PSData']

if ($data.ContainsKey('RequiredModules') -and @($data['RequiredModules']).Count -gt 0) {
    throw "The manifest has RequiredModules, which this packaging does not turn into nuspec dependencies yet; add that to $PSCommandPath before packing."
}

$version = $module.Version.ToString()
if ($psData.ContainsKey('Prerelease') -and $psData['Prerelease']) {
    $version = $version + '-' + ([string] $psData['Prerelease']).TrimStart('-')
}

$cmdlets = @($module.ExportedCmdlets.Keys | Sort-Object)
$commands = @($module.ExportedCommands.Keys | Sort-Object)
if ($cmdlets.Count -eq 0) {
    throw "Test-ModuleManifest found no exported cmdlets in '$manifestPath'; a package without commands is not what this build makes."
}
if (@($module.ExportedFunctions.Keys).Count -gt 0) {
    throw "The manifest exports functions; add PSIncludes_Function and PSFunction_<name> tags to $PSCommandPath before packing."
}

$tags = [System.Collections.Generic.List[string]]::new()
$seen = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
function Add-Tag([string] $tag) {
    if ($tag -match '\s' -or $tag -eq '') {
        throw "The tag '$tag' is empty or has white space; NuGet separates tags with spaces."
    }
    if ($seen.Add($tag)) {
        $tags.Add($tag)
    }
}
foreach ($tag in @($psData['Tags'])) { if ($null -ne $tag) { Add-Tag $tag } }
foreach ($edition in @($module.CompatiblePSEditions)) { Add-Tag "PSEdition_$edition" }
Add-Tag 'PSModule'
Add-Tag 'PSIncludes_Cmdlet'
foreach ($cmdlet in $cmdlets) { Add-Tag "PSCmdlet_$cmdlet" }
foreach ($command in $commands) { Add-Tag "PSCommand_$command" }

$releaseNotes = @($psData['ReleaseNotes']) -join "`n"

# The module folder, file by file: a nuspec <file> per file keeps the layout exact (no wildcard rules).
$files = Get-ChildItem -LiteralPath $ModuleFolder -Recurse -File -Force | Sort-Object FullName
$licenseName = Split-Path -Leaf $LicenseFile
$shipsOwnLicense = Test-Path -LiteralPath (Join-Path $ModuleFolder $licenseName) -PathType Leaf

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$namespace = 'http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd'
$null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent ([IO.Path]::GetFullPath($OutputPath)))
$writer = [System.Xml.XmlWriter]::Create([IO.Path]::GetFullPath($OutputPath), $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('package', $namespace)
    $writer.WriteStartElement('metadata', $namespace)
    $writer.WriteElementString('id', $namespace, $name)
    $writer.WriteElementString('version', $namespace, $version)
    $writer.WriteElementString('authors', $namespace, $module.Author)
    if ($module.CompanyName) { $writer.WriteElementString('owners', $namespace, $module.CompanyName) }
    $writer.WriteElementString('requireLicenseAcceptance', $namespace, 'false')
    $writer.WriteStartElement('license', $namespace)
    $writer.WriteAttributeString('type', 'expression')
    $writer.WriteString($LicenseExpression)
    $writer.WriteEndElement()
    if ($psData['ProjectUri']) { $writer.WriteElementString('projectUrl', $namespace, [string] $psData['ProjectUri']) }
    if ($psData['IconUri']) { $writer.WriteElementString('iconUrl', $namespace, [string] $psData['IconUri']) }
    $writer.WriteElementString('description', $namespace, $module.Description)
    if ($releaseNotes) { $writer.WriteElementString('releaseNotes', $namespace, $releaseNotes) }
    if ($module.Copyright) { $writer.WriteElementString('copyright', $namespace, $module.Copyright) }
    $writer.WriteElementString('readme', $namespace, 'README.md')
    $writer.WriteElementString('tags', $namespace, ($tags -join ' '))
    $writer.WriteEndElement()

    $writer.WriteStartElement('files', $namespace)
    # target is the file's own path in the package (same name, so NuGet takes it as a file, not a folder).
    foreach ($file in $files) {
        $writer.WriteStartElement('file', $namespace)
        $writer.WriteAttributeString('src', $file.FullName)
        $writer.WriteAttributeString('target', [IO.Path]::GetRelativePath($ModuleFolder, $file.FullName).Replace('\', '/'))
        $writer.WriteEndElement()
    }
    if (-not $shipsOwnLicense) {
        $writer.WriteStartElement('file', $namespace)
        $writer.WriteAttributeString('src', $LicenseFile)
        $writer.WriteAttributeString('target', $licenseName)
        $writer.WriteEndElement()
    }
    $writer.WriteStartElement('file', $namespace)
    $writer.WriteAttributeString('src', $ReadmeFile)
    $writer.WriteAttributeString('target', 'README.md')
    $writer.WriteEndElement()
    $writer.WriteEndElement()
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}

"$name $version`: $($files.Count + [int] (-not $shipsOwnLicense) + 1) files, $($tags.Count) tags -> $OutputPath"
