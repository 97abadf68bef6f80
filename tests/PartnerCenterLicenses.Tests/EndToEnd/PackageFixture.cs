using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Makes the PowerShell Gallery package once per test run, installs it the way Install-PSResource
    /// does, and runs the installed module in a fresh tools/pwsh against an emulator of its own.
    /// </summary>
    /// <remarks>
    /// The package comes from the packaging project with <c>dotnet pack --no-build</c>, into a folder of
    /// this run (out/ is left alone): the same nuspec generation and NuGet pack as
    /// <c>dotnet pack -c Release Module.sln</c>, over the module folder this test run already built.
    /// <c>--no-build</c> matters: a build would lay out/PartnerCenterLicenses/ out again under the other
    /// tests' feet. The install is Install-PSResource's: every entry of the .nupkg extracted into
    /// Modules/&lt;id&gt;/&lt;version&gt;/, then the package's own parts deleted ([Content_Types].xml, _rels/,
    /// package/ and &lt;id&gt;.nuspec). Its PSGetModuleInfo.xml (what was installed from where, for
    /// Get-InstalledPSResource) is not written: PowerShell never reads it to import.
    /// </remarks>
    public sealed class PackageFixture : IAsyncLifetime
    {
        public const string ModuleName = "PartnerCenterLicenses";
        private static readonly TimeSpan ProcessLimit = TimeSpan.FromMinutes(3);

        private readonly string _secret = "package~" + Guid.NewGuid().ToString("N");
        private EmulatorServer _emulator;
        private ScratchFolder _scratch;

        /// <summary>The .nupkg as dotnet pack wrote it.</summary>
        public string PackagePath { get; private set; }

        /// <summary>Every entry of the .nupkg, with '/' separators, as NuGet wrote them.</summary>
        public IReadOnlyList<string> PackageEntries { get; private set; }

        /// <summary>The package's nuspec, as NuGet wrote it into the .nupkg.</summary>
        public System.Xml.Linq.XDocument Nuspec { get; private set; }

        /// <summary>The version the nuspec gives (with the manifest's Prerelease, if any).</summary>
        public string PackageVersion { get; private set; }

        /// <summary>The version without a prerelease part, which names the install folder as Install-PSResource names it.</summary>
        public string InstallVersion => PackageVersion.Split('-')[0];

        /// <summary>&lt;temp&gt;/Modules, the folder put on PSModulePath.</summary>
        public string ModulesFolder { get; private set; }

        /// <summary>&lt;temp&gt;/Modules/PartnerCenterLicenses/&lt;version&gt;: the module as installed.</summary>
        public string InstalledFolder { get; private set; }

        /// <summary>What the pwsh run reported (see <see cref="InstalledRun"/>), or null if it reported nothing.</summary>
        public JsonElement? Report { get; private set; }

        /// <summary>Everything the pwsh run printed, for assertion messages.</summary>
        public string PwshOutput { get; private set; }

        public int PwshExitCode { get; private set; }

        public TimeSpan PackTime { get; private set; }

        public TimeSpan PwshTime { get; private set; }

        private static string Configuration =>
            typeof(PackageFixture).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

        private static string PackagingProject =>
            Path.Combine(RepositoryPaths.Root, "src", "PartnerCenterLicenses.Package", "PartnerCenterLicenses.Package.csproj");

        public async Task InitializeAsync()
        {
            _scratch = new ScratchFolder("pcl-package");
            string feed = Path.Combine(_scratch.Path, "feed");

            Stopwatch clock = Stopwatch.StartNew();
            (int packExit, string packOutput) = await RunDotnetAsync(
                new[]
                {
                    "pack", PackagingProject, "--no-build", "--no-restore", "-c", Configuration, "-o", feed,
                    "-nodeReuse:false", "-p:UseSharedCompilation=false",
                },
                new Dictionary<string, string>());
            PackTime = clock.Elapsed;
            if (packExit != 0)
            {
                throw new InvalidOperationException($"dotnet pack of the Gallery package failed (exit code {packExit}):{Environment.NewLine}{packOutput}");
            }

            string[] packages = Directory.GetFiles(feed, "*.nupkg");
            if (packages.Length != 1)
            {
                throw new InvalidOperationException($"dotnet pack wrote {packages.Length} packages to {feed}, expected one:{Environment.NewLine}{packOutput}");
            }

            PackagePath = packages[0];
            using (ZipArchive archive = ZipFile.OpenRead(PackagePath))
            {
                PackageEntries = archive.Entries.Select(e => e.FullName).ToList();
                ZipArchiveEntry nuspec = archive.GetEntry(ModuleName + ".nuspec")
                    ?? throw new InvalidOperationException($"{PackagePath} has no {ModuleName}.nuspec at its root.");
                using Stream stream = nuspec.Open();
                Nuspec = System.Xml.Linq.XDocument.Load(stream);
            }

            PackageVersion = Nuspec.Root.Descendants().Single(e => e.Name.LocalName == "version").Value;
            ModulesFolder = Path.Combine(_scratch.Path, "Modules");
            InstalledFolder = Path.Combine(ModulesFolder, ModuleName, InstallVersion);
            InstallLikeInstallPSResource(PackagePath, InstalledFolder);

            _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Quiet = true });
            string clientId = Guid.NewGuid().ToString();
            _emulator.State.RegisterConfidentialClient(clientId, _secret);

            // The module path holds only the installed package: out/ is nowhere on it.
            var environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["PSModulePath"] = ModulesFolder,
                ["SSL_CERT_FILE"] = _emulator.WriteTrustBundle(Path.Combine(_scratch.Path, "ca-bundle.pem")),
                ["PCL_EMULATOR_URL"] = _emulator.BaseUri.ToString().TrimEnd('/'),
                ["PCL_TENANT"] = EmulatorState.DefaultTenantId,
                ["PCL_CLIENT_ID"] = clientId,
                ["PCL_CLIENT_SECRET"] = _secret,
                ["PCL_REFRESH_TOKEN"] = _emulator.State.IssueRefreshToken(clientId),
            };

            clock.Restart();
            (PwshExitCode, PwshOutput) = await RunDotnetAsync(
                new[]
                {
                    RepositoryPaths.Pwsh, "-NoLogo", "-NoProfile", "-NonInteractive",
                    "-File", WriteScript(Path.Combine(_scratch.Path, "installed-run.ps1")),
                },
                environment);
            PwshTime = clock.Elapsed;

            const string marker = "PACKAGE-REPORT ";
            string line = PwshOutput.Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.StartsWith(marker, StringComparison.Ordinal));
            if (line != null)
            {
                Report = JsonDocument.Parse(line.Substring(marker.Length)).RootElement.Clone();
            }
        }

        /// <summary>
        /// The run in the fresh pwsh: the module by name from PSModulePath, Test-ModuleManifest on the installed
        /// manifest, then the seed scenario (the secure application model against the emulator, and
        /// Get-PartnerLicenseDeployment). One JSON line reports what the tests check. Secrets come from the
        /// environment, never from the script's text.
        /// </summary>
        private const string InstalledRun = @"
$ErrorActionPreference = 'Stop'
Import-Module PartnerCenterLicenses
$module = Get-Module PartnerCenterLicenses
$manifestPath = Join-Path $module.ModuleBase 'PartnerCenterLicenses.psd1'
$manifest = Test-ModuleManifest -Path $manifestPath
$psData = (Import-PowerShellDataFile -LiteralPath $manifestPath).PrivateData.PSData

$credential = [pscredential]::new($env:PCL_CLIENT_ID, (ConvertTo-SecureString $env:PCL_CLIENT_SECRET -AsPlainText -Force))
$null = Add-PartnerCenterEnvironment -Name Emulator -ActiveDirectoryAuthority $env:PCL_EMULATOR_URL -PartnerCenterEndpoint $env:PCL_EMULATOR_URL
$context = Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential `
    -RefreshToken (ConvertTo-SecureString $env:PCL_REFRESH_TOKEN -AsPlainText -Force) -Tenant $env:PCL_TENANT
$rows = @(Get-PartnerLicenseDeployment)

$report = [ordered]@{
    ModuleBase          = $module.ModuleBase
    ModuleVersion       = $module.Version.ToString()
    ManifestVersion     = $manifest.Version.ToString()
    ManifestCmdlets     = @($manifest.ExportedCmdlets.Keys | Sort-Object)
    ManifestAliases     = @($manifest.ExportedAliases.Keys | Sort-Object)
    ImportedCommands    = @($module.ExportedCommands.Keys | Sort-Object)
    Description         = $manifest.Description
    Author              = $manifest.Author
    Tags                = @($psData.Tags)
    ProjectUri          = [string] $psData.ProjectUri
    Prerelease          = [string] $psData.Prerelease
    ReleaseNotes        = @($psData.ReleaseNotes) -join ""`n""
    ContextAccount      = $context.Account
    Rows                = @($rows | ForEach-Object {
        [ordered]@{
            Type                      = $_.GetType().FullName
            ServiceName               = $_.ServiceName
            Channel                   = $_.Channel
            LicensesSold              = $_.LicensesSold
            ProratedDeploymentPercent = $_.ProratedDeploymentPercent
            ProcessedDateTime         = $_.ProcessedDateTime.ToString('o')
        }
    })
}
'PACKAGE-REPORT ' + ($report | ConvertTo-Json -Depth 4 -Compress)
";

        private static string WriteScript(string path)
        {
            File.WriteAllText(path, InstalledRun);
            return path;
        }

        public async Task DisposeAsync()
        {
            if (_emulator != null)
            {
                await _emulator.DisposeAsync();
            }

            _scratch?.Dispose();
        }

        /// <summary>What a test says when the pwsh run did not go as it should.</summary>
        public string Describe() =>
            $"pwsh exited with {PwshExitCode} after {PwshTime.TotalSeconds:0.0} s (pack took {PackTime.TotalSeconds:0.0} s). Its output:{Environment.NewLine}{PwshOutput}";

        /// <summary>
        /// The files of a folder as paths relative to it, with '/' separators, in ordinal order.
        /// </summary>
        public static List<string> FilesUnder(string folder)
        {
            return Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();
        }

        // What Install-PSResource does with a downloaded .nupkg (PSResourceGet's InstallHelper): extracts
        // every entry into the version folder (refusing any that would land outside it), then deletes the
        // nupkg's own parts.
        private static void InstallLikeInstallPSResource(string package, string versionFolder)
        {
            string root = Path.GetFullPath(versionFolder) + Path.DirectorySeparatorChar;
            Directory.CreateDirectory(root);
            using (ZipArchive archive = ZipFile.OpenRead(package))
            {
                foreach (ZipArchiveEntry entry in archive.Entries.Where(e => e.CompressedLength > 0))
                {
                    string destination = Path.GetFullPath(Path.Combine(root, entry.FullName));
                    if (!destination.StartsWith(root, StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException($"The package entry '{entry.FullName}' would be extracted outside {root}.");
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(destination));
                    entry.ExtractToFile(destination, overwrite: true);
                }
            }

            File.Delete(Path.Combine(root, ModuleName + ".nuspec"));
            File.Delete(Path.Combine(root, "[Content_Types].xml"));
            foreach (string folder in new[] { "_rels", "package" })
            {
                if (Directory.Exists(Path.Combine(root, folder)))
                {
                    Directory.Delete(Path.Combine(root, folder), recursive: true);
                }
            }
        }

        // Both streams in the order they were written, for the failure messages.
        private static async Task<(int ExitCode, string Output)> RunDotnetAsync(IReadOnlyList<string> arguments, IDictionary<string, string> environment)
        {
            using var dotnet = new SupervisedProcess(SupervisedProcess.Dotnet, arguments)
            {
                Name = "'dotnet " + string.Join(" ", arguments) + "'",
                Environment = environment,
                WorkingDirectory = RepositoryPaths.Root,
                OfflinePowerShell = true,
            };
            int exitCode = await dotnet.Start().WaitForExitAsync(ProcessLimit);
            return (exitCode, dotnet.Transcript);
        }
    }
}
