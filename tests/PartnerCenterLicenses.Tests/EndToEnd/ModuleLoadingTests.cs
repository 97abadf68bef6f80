using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// The module as PowerShell loads it: its manifest, what importing it costs, and how its
    /// dependencies coexist with other versions of them in the same process.
    /// </summary>
    [Collection(ReportsEmulatorCollection.Name)]
    public sealed class ModuleLoadingTests
    {
        private readonly EmulatorFixture _emulator;

        public ModuleLoadingTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private static string DependencyFolder => Path.Combine(RepositoryPaths.ModuleFolder, "Dependencies");

        private static string Package(string id, string version, string framework, string file)
        {
            string root = typeof(ModuleLoadingTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "NuGetPackageRoot").Value;
            string path = Path.Combine(root, id.ToLowerInvariant(), version, "lib", framework, file);
            Assert.True(File.Exists(path), "Missing " + path + "; the tests project downloads it at restore.");
            return path;
        }

        /// <summary>MSAL 4.61.3 (with the abstractions it was built against), as an older Az.Accounts or Graph module loads it.</summary>
        private static readonly Lazy<string[]> OlderMsal = new Lazy<string[]>(() => new[]
        {
            Package("Microsoft.IdentityModel.Abstractions", "6.35.0", "net6.0", "Microsoft.IdentityModel.Abstractions.dll"),
            Package("Microsoft.Identity.Client", "4.61.3", "net6.0", "Microsoft.Identity.Client.dll"),
        });

        private static string OlderNewtonsoft => Package("Newtonsoft.Json", "12.0.3", "netstandard2.0", "Newtonsoft.Json.dll");

        [Fact]
        public async Task The_built_manifest_is_valid_and_exports_exactly_the_modules_cmdlets()
        {
            var result = await HostedPowerShell.RunAsync(new HostedRunRequest
            {
                // The import under test must be the first of the process, as a user's is.
                FreshProcess = true,

                // No Sort-Object among the hosted engine's core cmdlets: sort with .NET.
                Script = "function Join-Sorted([string[]] $names) { [Array]::Sort($names, [StringComparer]::Ordinal); $names -join ',' }\n"
                    + "$m = Test-ModuleManifest -Path '" + RepositoryPaths.ModuleManifest + "'\n"
                    + "$m.Version.ToString(); $m.Guid.ToString(); ($m.CompatiblePSEditions -join ','); $m.PowerShellVersion.ToString()\n"
                    + "Join-Sorted $m.ExportedCmdlets.Keys\n"
                    + "Import-Module '" + RepositoryPaths.ModuleManifest + "'\n"
                    + "$loaded = Get-Module PartnerCenterLicenses\n"
                    + "Join-Sorted (Get-Command -Module PartnerCenterLicenses -CommandType Cmdlet | ForEach-Object Name)\n"
                    + "$loaded.ExportedFunctions.Count; Join-Sorted $loaded.ExportedAliases.Keys; $loaded.ExportedVariables.Count\n"
                    + "$loaded.PrivateData.PSData.Tags -contains 'PartnerCenter'",
            });

            // What the repository's manifest lists, sorted as Join-Sorted sorts.
            string cmdlets = string.Join(",", SourceManifest.Cmdlets.OrderBy(n => n, StringComparer.Ordinal));
            string aliases = string.Join(",", SourceManifest.Aliases.OrderBy(n => n, StringComparer.Ordinal));
            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(
                new[] { SourceManifest.ModuleVersion, "5b8f6c2e-3f4a-4d0b-9e27-8a1c6d4e2b71", "Desktop,Core", "5.1", cmdlets,
                        cmdlets, "0", aliases, "0", "true" },
                result.Output.Select(o => o.Text));
        }

        [Fact]
        public async Task Every_cmdlet_declares_its_output_type()
        {
            var result = await HostedPowerShell.RunAsync(new HostedRunRequest
            {
                ModulePath = RepositoryPaths.ModuleManifest,
                Script = "Get-Command -Module PartnerCenterLicenses | ForEach-Object { $_.Name + '=' + (($_.OutputType | ForEach-Object Name) -join ';') }",
            });

            Assert.True(result.TerminatingError == null, result.Describe());
            var outputTypes = result.Output.Select(o => o.Text.Split('=')).ToDictionary(p => p[0], p => p[1]);
            Assert.All(SourceManifest.Cmdlets, name => Assert.True(outputTypes.TryGetValue(name, out string types) && types.Length > 0, name + " declares no output type."));
            Assert.Equal(
                "PartnerCenterLicenses.Models.PartnerLicensesDeploymentInsights;PartnerCenterLicenses.Models.CustomerLicensesDeploymentInsights",
                outputTypes["Get-PartnerLicenseDeployment"]);
            Assert.Equal(
                "PartnerCenterLicenses.Models.PartnerLicensesUsageInsights;PartnerCenterLicenses.Models.CustomerLicensesUsageInsights",
                outputTypes["Get-PartnerLicenseUsage"]);
            Assert.Equal("System.Management.Automation.PSObject", outputTypes["Invoke-PartnerCenterRequest"]);
            Assert.Equal("PartnerCenterLicenses.Models.PartnerCenterContext", outputTypes["Connect-PartnerCenter"]);
            Assert.Equal("PartnerCenterLicenses.Models.PartnerCenterEnvironment", outputTypes["Get-PartnerCenterEnvironment"]);
            Assert.Equal("PartnerCenterLicenses.Models.CommercialLicenseDeployment", outputTypes["Get-PartnerCommercialLicenseDeployment"]);
            Assert.Equal("PartnerCenterLicenses.Models.CommercialLicenseUsage", outputTypes["Get-PartnerCommercialLicenseUsage"]);
        }

        [Fact]
        public async Task Importing_the_module_loads_neither_msal_nor_newtonsoft_from_it()
        {
            var result = await HostedPowerShell.RunAsync(new HostedRunRequest
            {
                // What the import loads can only be seen in a process where nothing has used the engine yet.
                FreshProcess = true,
                ModulePath = RepositoryPaths.ModuleManifest,
                Script = "@(Get-Command -Module PartnerCenterLicenses -CommandType Cmdlet).Count\nGet-PartnerCenterEnvironment AzureCloud | ForEach-Object Name\n@(Get-PartnerCenterContext).Count\nDisconnect-PartnerCenter",
            });

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(new[] { SourceManifest.Cmdlets.Count.ToString(), "AzureCloud", "0" }, result.Output.Select(o => o.Text));
            Assert.NotNull(result.FindLoadedAssembly("PartnerCenterLicenses"));
            Assert.Null(result.FindLoadedAssembly("Microsoft.Identity.Client"));
            Assert.Null(result.FindLoadedAssembly("PartnerCenterLicenses.Engine"));
            Assert.DoesNotContain(result.LoadedAssemblies, a => a.Location.StartsWith(DependencyFolder, StringComparison.Ordinal));
        }

        [Fact]
        public async Task On_first_use_the_dependencies_load_into_the_modules_own_context()
        {
            string refreshToken = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId);
            // "On first use": the engine must load in this run, not in an earlier one of a shared process.
            var result = await _emulator.RunAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n(Get-PartnerLicenseDeployment).Count",
                new Dictionary<string, string> { ["PCL_REFRESH_TOKEN"] = refreshToken },
                freshProcess: true);

            Assert.True(result.TerminatingError == null, result.Describe());
            Assert.Equal("2", Assert.Single(result.Output).Text);
            foreach (string name in new[] { "PartnerCenterLicenses.Engine", "Microsoft.Identity.Client", "Microsoft.IdentityModel.Abstractions" })
            {
                var assembly = result.LoadedAssemblies.Single(a => a.Name == name);
                Assert.Equal("PartnerCenterLicenses", assembly.LoadContext);
                Assert.StartsWith(DependencyFolder, assembly.Location);
            }

            // The engine holds its own Newtonsoft.Json beside the one PowerShell itself loaded.
            var newtonsofts = result.LoadedAssemblies.Where(a => a.Name == "Newtonsoft.Json").ToList();
            Assert.Contains(newtonsofts, a => a.LoadContext == "PartnerCenterLicenses" && a.Location.StartsWith(DependencyFolder, StringComparison.Ordinal));
            Assert.Contains(newtonsofts, a => a.LoadContext == "Default");

            // The cmdlet assembly, the boundary both sides share, exists once, in the default context.
            var boundary = Assert.Single(result.LoadedAssemblies, a => a.Name == "PartnerCenterLicenses");
            Assert.Equal("Default", boundary.LoadContext);
        }

        [Fact]
        public async Task The_module_works_when_an_older_msal_and_newtonsoft_were_loaded_first()
        {
            string refreshToken = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId);
            var preload = OlderMsal.Value.Concat(new[] { OlderNewtonsoft }).ToArray();

            var result = await HostedPowerShell.RunAsync(new HostedRunRequest
            {
                // The older versions must be in the default context before the engine ever loads.
                FreshProcess = true,
                PreloadAssemblies = preload,
                ModulePath = RepositoryPaths.ModuleManifest,
                Environment = _emulator.EnvironmentFor(new Dictionary<string, string> { ["PCL_REFRESH_TOKEN"] = refreshToken }),
                Script = EmulatorFixture.Prelude
                    + "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n(Get-PartnerLicenseDeployment).Count\n"
                    + "[Microsoft.Identity.Client.PublicClientApplicationBuilder].Assembly.GetName().Version.ToString()",
            });

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(new[] { "2", "4.61.3.0" }, result.Output.Select(o => o.Text));
            var msals = result.LoadedAssemblies.Where(a => a.Name == "Microsoft.Identity.Client").ToList();
            Assert.Equal(2, msals.Count);
            Assert.Contains(msals, a => a.LoadContext == "Default" && a.FullName.Contains("4.61.3"));
            Assert.Contains(msals, a => a.LoadContext == "PartnerCenterLicenses" && a.FullName.Contains("4.92"));
        }

        [Fact]
        public async Task An_older_msal_loaded_after_the_module_still_works_for_the_script_that_loads_it()
        {
            string refreshToken = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId);
            string[] older = OlderMsal.Value;

            var result = await _emulator.RunAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n(Get-PartnerLicenseDeployment).Count\n"
                + "$null = [Reflection.Assembly]::LoadFrom('" + older[0] + "')\n"
                + "$msal = [Reflection.Assembly]::LoadFrom('" + older[1] + "')\n"
                + "$msal.GetName().Version.ToString()\n"
                + "$builder = $msal.GetType('Microsoft.Identity.Client.PublicClientApplicationBuilder', $true)\n"
                + "$builder::Create('11111111-2222-3333-4444-555555555555').WithAuthority('https://login.microsoftonline.com/organizations').Build().AppConfig.ClientId\n"
                + "(Get-PartnerLicenseDeployment).Count",
                new Dictionary<string, string> { ["PCL_REFRESH_TOKEN"] = refreshToken },

                // It leaves an older MSAL in the default context for good, which no later run should inherit.
                freshProcess: true);

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(new[] { "2", "4.61.3.0", "11111111-2222-3333-4444-555555555555", "2" }, result.Output.Select(o => o.Text));
        }
    }
}
