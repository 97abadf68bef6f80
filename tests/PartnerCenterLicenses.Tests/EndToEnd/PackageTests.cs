using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using System.Xml.Linq;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// The PowerShell Gallery package: what it holds, what its nuspec says, and the module installed
    /// from it, imported by name in a fresh pwsh, running the seed scenario (see <see cref="PackageFixture"/>).
    /// </summary>
    public sealed class PackageTests : IClassFixture<PackageFixture>
    {
        // The parts of a .nupkg that are NuGet's, not the module's: Install-PSResource deletes them.
        private static readonly string[] PackageParts = { "[Content_Types].xml", "_rels/", "package/", PackageFixture.ModuleName + ".nuspec" };

        private readonly PackageFixture _package;
        private readonly ITestOutputHelper _output;

        public PackageTests(PackageFixture package, ITestOutputHelper output)
        {
            _package = package;
            _output = output;
        }

        private JsonElement Report
        {
            get
            {
                Assert.True(_package.Report.HasValue, "The installed module reported nothing. " + _package.Describe());
                return _package.Report.Value;
            }
        }

        private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToArray();

        private string NuspecValue(string name) =>
            _package.Nuspec.Root.Descendants().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        // The cmdlets and their aliases as the assembly declares them, independent of the manifest and of Test-ModuleManifest.
        private static readonly Type[] CmdletTypes = typeof(PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.GetCustomAttribute<CmdletAttribute>() != null)
            .ToArray();

        private static IEnumerable<string> DeclaredCmdlets =>
            CmdletTypes.Select(t => t.GetCustomAttribute<CmdletAttribute>()).Select(a => a.VerbName + "-" + a.NounName);

        private static IEnumerable<string> DeclaredAliases =>
            CmdletTypes.SelectMany(t => t.GetCustomAttribute<AliasAttribute>()?.AliasNames ?? Array.Empty<string>());

        [Fact]
        public void Installed_from_the_package_the_module_imports_by_name_and_runs_the_seed_scenario()
        {
            _output.WriteLine($"dotnet pack: {_package.PackTime.TotalSeconds:0.0} s; install run in pwsh: {_package.PwshTime.TotalSeconds:0.0} s");
            Assert.True(_package.PwshExitCode == 0, _package.Describe());
            JsonElement report = Report;

            // Imported by name from the Gallery-shaped folder, nowhere else.
            Assert.Equal(_package.InstalledFolder, report.GetProperty("ModuleBase").GetString());
            Assert.Equal(_package.InstallVersion, report.GetProperty("ModuleVersion").GetString());
            Assert.Equal(_package.InstallVersion, report.GetProperty("ManifestVersion").GetString());
            Assert.Equal(
                Strings(report.GetProperty("ManifestCmdlets")).Concat(Strings(report.GetProperty("ManifestAliases"))).OrderBy(n => n, StringComparer.OrdinalIgnoreCase),
                Strings(report.GetProperty("ImportedCommands")).OrderBy(n => n, StringComparer.OrdinalIgnoreCase));

            // The seed scenario: the secure application model, then the documented example as typed objects.
            Assert.Equal(EmulatorState.DefaultUserPrincipalName, report.GetProperty("ContextAccount").GetString());
            JsonElement[] rows = report.GetProperty("Rows").EnumerateArray().ToArray();
            Assert.Equal(2, rows.Length);
            Assert.All(rows, r => Assert.Equal("PartnerCenterLicenses.Models.PartnerLicensesDeploymentInsights", r.GetProperty("Type").GetString()));
            Assert.Equal(
                new[] { ("crm", "reseller", 343L, 0d, "2017-03-10T00:00:00.0000000+00:00"), ("o365", "reseller", 4464L, 1d, "2017-03-14T03:25:16.3600000+00:00") },
                rows.Select(r => (
                    r.GetProperty("ServiceName").GetString(),
                    r.GetProperty("Channel").GetString(),
                    r.GetProperty("LicensesSold").GetInt64(),
                    r.GetProperty("ProratedDeploymentPercent").GetDouble(),
                    r.GetProperty("ProcessedDateTime").GetString())));
        }

        [Fact]
        public void The_package_holds_exactly_the_built_module_folder_and_the_license_at_its_root()
        {
            List<string> moduleFiles = PackageFixture.FilesUnder(RepositoryPaths.ModuleFolder);
            List<string> expected = moduleFiles.Union(new[] { "LICENSE", "README.md" }).OrderBy(f => f, StringComparer.Ordinal).ToList();

            List<string> content = _package.PackageEntries
                .Where(e => !PackageParts.Any(p => p.EndsWith('/') ? e.StartsWith(p, StringComparison.Ordinal) : e == p))
                .OrderBy(e => e, StringComparer.Ordinal)
                .ToList();
            Assert.Equal(expected, content);

            // Every NuGet part named above is one NuGet really writes, so the filter hides nothing else.
            Assert.All(PackageParts, p => Assert.Contains(_package.PackageEntries, e => p.EndsWith('/') ? e.StartsWith(p, StringComparison.Ordinal) : e == p));

            // Installed, it is the module folder file for file and byte for byte.
            Assert.Equal(expected, PackageFixture.FilesUnder(_package.InstalledFolder));
            foreach (string file in moduleFiles)
            {
                Assert.True(
                    Hash(Path.Combine(RepositoryPaths.ModuleFolder, file)) == Hash(Path.Combine(_package.InstalledFolder, file)),
                    file + " differs between the built module folder and the installed package.");
            }

            Assert.Equal(Hash(Path.Combine(RepositoryPaths.Root, "LICENSE")), Hash(Path.Combine(_package.InstalledFolder, "LICENSE")));
            Assert.Equal(Hash(PackageReadme), Hash(Path.Combine(_package.InstalledFolder, "README.md")));
            Assert.Equal(PackageFixture.ModuleName + "." + _package.PackageVersion + ".nupkg", Path.GetFileName(_package.PackagePath));
        }

        private static string PackageReadme => Path.Combine(RepositoryPaths.Root, "src", "PartnerCenterLicenses.Package", "README.md");

        /// <summary>
        /// Issue 21: README's steps for installing by hand, taken from README as written (the powershell block
        /// that starts with "# Install by hand") and run in a fresh tools/pwsh whose home is a scratch folder,
        /// lay out the same folder as Install-PSResource's way (<see cref="PackageFixture"/>), and pwsh then
        /// finds the module by name.
        /// </summary>
        [Fact]
        public async Task README_steps_to_install_by_hand_lay_out_the_folder_Install_PSResource_does()
        {
            string readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
            string steps = Regex.Matches(readme, "```powershell\r?\n(.*?)```", RegexOptions.Singleline)
                .Select(m => m.Groups[1].Value)
                .Single(b => b.StartsWith("# Install by hand", StringComparison.Ordinal));
            string version = Regex.Match(steps, "\\$version = '([^']+)'").Groups[1].Value;
            Assert.True(version == _package.InstallVersion, $"README installs version '{version}' by hand; the package is {_package.InstallVersion}: update README.");

            using var scratch = new ScratchFolder("pcl-by-hand");
            Directory.CreateDirectory(Path.Combine(scratch.Path, "out"));
            File.Copy(_package.PackagePath, Path.Combine(scratch.Path, "out", Path.GetFileName(_package.PackagePath)));
            string script = Path.Combine(scratch.Path, "by-hand.ps1");
            File.WriteAllText(script, "$ErrorActionPreference = 'Stop'\n" + steps + "\n'INSTALLED ' + (Get-Module PartnerCenterLicenses -ListAvailable).ModuleBase\n");

            // Home is the scratch folder, so the first PSModulePath entry, the user's, is inside it.
            string home = Path.Combine(scratch.Path, "home");
            using var pwsh = new SupervisedProcess(SupervisedProcess.Dotnet, new[] { RepositoryPaths.Pwsh, "-NoLogo", "-NoProfile", "-NonInteractive", "-File", script })
            {
                Name = "the README's install steps",
                WorkingDirectory = scratch.Path,
                OfflinePowerShell = true,
                Environment = new Dictionary<string, string>
                {
                    ["HOME"] = home,
                    ["USERPROFILE"] = home,
                    ["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share"),
                    ["PSModulePath"] = null,
                },
            }.Start();

            Assert.True(await pwsh.WaitForExitAsync(TimeSpan.FromMinutes(2)) == 0, pwsh.Transcript);
            string moduleBase = pwsh.Output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith("INSTALLED ", StringComparison.Ordinal)).Substring("INSTALLED ".Length);
            Assert.StartsWith(home, moduleBase);
            Assert.Equal(Path.Combine(PackageFixture.ModuleName, version), Path.GetRelativePath(Path.GetDirectoryName(Path.GetDirectoryName(moduleBase)), moduleBase));
            Assert.Equal(PackageFixture.FilesUnder(_package.InstalledFolder), PackageFixture.FilesUnder(moduleBase));
        }

        [Fact]
        public void The_nuspec_carries_the_manifests_id_version_metadata_and_the_tags_PowerShellGet_writes()
        {
            JsonElement report = Report;
            Assert.Equal(PackageFixture.ModuleName, NuspecValue("id"));
            string prerelease = report.GetProperty("Prerelease").GetString();
            Assert.Equal(
                report.GetProperty("ManifestVersion").GetString() + (string.IsNullOrEmpty(prerelease) ? string.Empty : "-" + prerelease.TrimStart('-')),
                NuspecValue("version"));
            Assert.Equal(report.GetProperty("Description").GetString(), NuspecValue("description"));
            Assert.Equal(report.GetProperty("Author").GetString(), NuspecValue("authors"));
            Assert.Equal(report.GetProperty("ProjectUri").GetString(), NuspecValue("projectUrl"));
            Assert.Equal(report.GetProperty("ReleaseNotes").GetString(), NuspecValue("releaseNotes"));
            Assert.False(string.IsNullOrWhiteSpace(NuspecValue("releaseNotes")));

            XElement license = _package.Nuspec.Root.Descendants().Single(e => e.Name.LocalName == "license");
            Assert.Equal("expression", license.Attribute("type")?.Value);
            Assert.Equal("MIT", license.Value);
            Assert.StartsWith("MIT License", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "LICENSE")).TrimStart());

            // The package page's readme (without one, pack says the package is missing a readme).
            Assert.Equal("README.md", NuspecValue("readme"));
            Assert.Contains("README.md", _package.PackageEntries);

            string[] tags = NuspecValue("tags").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(tags.Length, tags.Distinct(StringComparer.OrdinalIgnoreCase).Count());
            var expected = new List<string> { "PSModule", "PSEdition_Desktop", "PSEdition_Core", "PSIncludes_Cmdlet" };
            expected.AddRange(Strings(report.GetProperty("Tags")));

            // Every cmdlet the assembly declares is exported, and tagged as PowerShellGet's Publish-Module tags it.
            string[] cmdlets = DeclaredCmdlets.OrderBy(n => n, StringComparer.Ordinal).ToArray();
            Assert.NotEmpty(cmdlets);
            Assert.Equal(cmdlets, Strings(report.GetProperty("ManifestCmdlets")).OrderBy(n => n, StringComparer.Ordinal));
            expected.AddRange(cmdlets.Select(c => "PSCmdlet_" + c));
            expected.AddRange(cmdlets.Select(c => "PSCommand_" + c));

            // The archived module's names are exported aliases: PSCommand_ tags, as Find-Module -Command finds them.
            string[] aliases = DeclaredAliases.OrderBy(n => n, StringComparer.Ordinal).ToArray();
            Assert.NotEmpty(aliases);
            Assert.Equal(aliases, Strings(report.GetProperty("ManifestAliases")).OrderBy(n => n, StringComparer.Ordinal));
            expected.AddRange(aliases.Select(a => "PSCommand_" + a));

            Assert.Empty(expected.Except(tags, StringComparer.Ordinal));

            // Nothing else is claimed: no command the module lacks, no function or DSC resource.
            Assert.Empty(tags.Where(t => t.StartsWith("PS", StringComparison.Ordinal) && t.Contains('_')).Except(expected, StringComparer.Ordinal));
        }

        [Fact]
        public void The_assemblies_take_their_version_from_the_manifest()
        {
            Version manifestVersion = Version.Parse(_package.InstallVersion);
            foreach (string assembly in new[] { "PartnerCenterLicenses.dll", "Dependencies/PartnerCenterLicenses.Engine.dll" })
            {
                Version built = AssemblyName.GetAssemblyName(Path.Combine(RepositoryPaths.ModuleFolder, assembly)).Version;
                Assert.True(
                    new Version(built.Major, built.Minor, Math.Max(built.Build, 0)) == new Version(manifestVersion.Major, manifestVersion.Minor, Math.Max(manifestVersion.Build, 0)),
                    $"{assembly} is version {built}, the manifest says {manifestVersion}.");
            }
        }

        private static string Hash(string path)
        {
            using FileStream stream = File.OpenRead(path);
            return Convert.ToHexString(SHA256.HashData(stream));
        }
    }
}
