using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace PartnerCenterLicenses.Tests.Hosting
{
    /// <summary>
    /// Proves the hosted-PowerShell harness itself, independently of the module: typed output,
    /// streams, errors, stopping, time limits, environment and module import.
    /// </summary>
    /// <remarks>
    /// The runs about the host's life (stopping, time limits, environment, module import, load
    /// contexts) ask for a process of their own, because these are the tests of the one-shot host (one
    /// process, one request); <see cref="HostedPowerShellPoolTests"/> covers the pooled host. The runs
    /// about the result document (types, properties, streams, errors) go to the pooled host: both hosts
    /// write it with the same code, and a fresh engine per check cost the suite seconds each.
    /// The engine comes from the System.Management.Automation package, which has only the core
    /// cmdlets: Write-Verbose, Write-Error, Start-Sleep and the rest of Microsoft.PowerShell.Utility
    /// do not exist, so scripts here write to streams through $PSCmdlet and spin instead of sleeping.
    /// </remarks>
    public sealed class HostedPowerShellSmokeTests
    {
        private readonly ITestOutputHelper log;

        /// <summary>Creates the test class with xunit's output sink.</summary>
        public HostedPowerShellSmokeTests(ITestOutputHelper log)
        {
            this.log = log;
        }

        [Fact]
        public async Task Output_objects_come_back_with_their_types_and_invariant_text()
        {
            HostedRunResult result = await RunPooledAsync("1; 'a'; [datetimeoffset]'2017-03-14T03:25:16.36+00:00'");

            Assert.Null(result.TerminatingError);
            Assert.Equal(new[] { "System.Int32", "System.String", "System.DateTimeOffset" }, result.Output.Select(o => o.BaseTypeFullName));
            Assert.Equal(new[] { "1", "a", "2017-03-14T03:25:16.3600000+00:00" }, result.Output.Select(o => o.Text));

            HostedObject moment = result.Output[2];
            Assert.Equal("System.DateTimeOffset", moment.TypeNames[0]);
            Assert.Equal(("System.DateTime", "2017-03-14T03:25:16.3600000Z"), moment.Property("UtcDateTime"));
            Assert.Equal(("System.TimeSpan", "00:00:00"), moment.Property("offset"));
            Assert.Equal(string.Empty, result.StandardError);
            Assert.Equal(string.Empty, result.ConsoleOutput);
        }

        [Fact]
        public async Task Custom_object_properties_keep_types_nulls_and_getter_failures()
        {
            HostedRunResult result = await RunPooledAsync(@"
                $item = [pscustomobject]@{
                    Name   = 'n'
                    Absent = $null
                    When   = [datetime]::new(2020, 1, 2, 3, 4, 5, [DateTimeKind]::Utc)
                    Ratio  = 0.1
                    Flag   = $true
                    Nested = [pscustomobject]@{ A = 1 }
                }
                $item.PSObject.Properties.Add([psscriptproperty]::new('Computed', { $this.Name + '!' }))
                $item.PSObject.Properties.Add([psscriptproperty]::new('Broken', { throw 'getter failure' }))
                $item");

            HostedObject item = Assert.Single(result.Output);
            Assert.Equal("System.Management.Automation.PSCustomObject", item.BaseTypeFullName);
            Assert.Equal(("System.String", "n"), item.Property("name"));
            Assert.Equal(((string)null, (string)null), item.Property("Absent"));
            Assert.Equal(("System.DateTime", "2020-01-02T03:04:05.0000000Z"), item.Property("When"));
            Assert.Equal(("System.Double", "0.1"), item.Property("Ratio"));
            Assert.Equal(("System.Boolean", "true"), item.Property("Flag"));
            Assert.Equal(("System.Management.Automation.PSCustomObject", "@{A=1}"), item.Property("Nested"));
            Assert.Equal(("System.String", "n!"), item.Property("Computed"));
            Assert.StartsWith("<getter threw: ", item.Property("Broken").Value);
            Assert.False(item.HasProperty("NoSuchProperty"));
            Assert.Throws<System.Collections.Generic.KeyNotFoundException>(() => item.Property("NoSuchProperty"));
        }

        [Fact]
        public async Task Stream_records_land_in_their_streams_in_order()
        {
            HostedRunResult result = await RunPooledAsync(@"
                function Invoke-Smoke {
                    [CmdletBinding()]
                    param()
                    $PSCmdlet.WriteVerbose('v')
                    $PSCmdlet.WriteWarning('w')
                    $PSCmdlet.WriteDebug('d')
                    $PSCmdlet.WriteInformation('i', [string[]] @())
                    $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                        [System.InvalidOperationException]::new('e'), 'Smoke.Failure', 'InvalidOperation', 'smoke-target'))
                    'done'
                }
                # Not -Debug: on a cmdlet it also makes warnings ask for confirmation, which fails with no interactive host.
                $DebugPreference = 'Continue'
                Invoke-Smoke -Verbose");

            Assert.Null(result.TerminatingError);
            Assert.Equal("done", Assert.Single(result.Output).Text);
            Assert.Equal(new[] { "v" }, result.Verbose);
            Assert.Equal(new[] { "w" }, result.Warning);
            Assert.Equal(new[] { "d" }, result.Debug);
            Assert.Equal(new[] { "i" }, result.Information);
            Assert.Equal(
                new[] { "Verbose: v", "Warning: w", "Debug: d", "Information: i", "Error: e" },
                result.Streams.Select(record => record.ToString()));

            HostedError error = Assert.Single(result.Errors);
            Assert.Equal("Smoke.Failure,Invoke-Smoke", error.FullyQualifiedErrorId);
            Assert.Equal("InvalidOperation", error.Category);
            Assert.Equal("smoke-target", error.TargetName);
            Assert.Equal("System.InvalidOperationException", error.ExceptionType);
            Assert.Equal("e", error.Message);
            Assert.True(result.HadErrors);
        }

        [Fact]
        public async Task Throw_becomes_the_terminating_error_and_earlier_output_is_kept()
        {
            HostedRunResult result = await RunPooledAsync("'before'; throw 'boom'; 'after'");

            Assert.Equal("before", Assert.Single(result.Output).Text);
            Assert.NotNull(result.TerminatingError);
            Assert.Equal("boom", result.TerminatingError.Message);
            Assert.Equal("boom", result.TerminatingError.FullyQualifiedErrorId);
            Assert.Contains("line 1", result.TerminatingError.ScriptStackTrace);
            Assert.True(result.HadErrors);
        }

        [Fact]
        public async Task Core_cmdlets_are_available()
        {
            HostedRunResult result = await RunAsync("Get-Command Import-Module");

            Assert.Null(result.TerminatingError);
            HostedObject command = Assert.Single(result.Output);
            Assert.Equal("System.Management.Automation.CmdletInfo", command.BaseTypeFullName);
            Assert.Equal("Import-Module", command.Property("Name").Value);
        }

        [Fact]
        public async Task Prompting_fails_instead_of_waiting_because_there_is_no_interactive_host()
        {
            HostedRunResult result = await RunAsync(@"
                function Get-Thing { param([Parameter(Mandatory)] [string] $Name) $Name }
                Get-Thing
                'continued'");

            Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("MissingMandatoryParameter", StringComparison.Ordinal));
            Assert.Equal("continued", Assert.Single(result.Output).Text);
        }

        [Fact]
        public async Task Stop_interrupts_a_running_script_promptly()
        {
            // The stop comes well after the first statement, even on a loaded two-core machine.
            HostedRunResult result = await HostedPowerShell.RunAsync(new HostedRunRequest("'started'; while ($true) { }")
            {
                FreshProcess = true,
                StopAfter = TimeSpan.FromSeconds(3),
                Timeout = TimeSpan.FromSeconds(30),
            });
            Log(result);

            Assert.True(result.Stopped, result.Describe());
            Assert.Null(result.TerminatingError);
            Assert.Equal("started", Assert.Single(result.Output).Text);
            Assert.NotNull(result.StopElapsed);
            Assert.True(result.StopElapsed < TimeSpan.FromSeconds(5), $"Stop took {result.StopElapsed}.");
        }

        [Fact]
        public async Task A_run_past_its_timeout_is_killed_and_reported()
        {
            var request = new HostedRunRequest("while ($true) { }") { Timeout = TimeSpan.FromSeconds(3), FreshProcess = true };

            TimeoutException timeout = await Assert.ThrowsAsync<TimeoutException>(() => HostedPowerShell.RunAsync(request));

            Assert.Contains("did not finish within 3 s", timeout.Message);
        }

        [Fact]
        public async Task Environment_variables_reach_the_child_and_can_be_removed()
        {
            Environment.SetEnvironmentVariable("PCL_SMOKE_INHERITED", "from-test-process");
            var request = new HostedRunRequest("$env:PCL_SMOKE_VALUE; [string]::IsNullOrEmpty($env:PCL_SMOKE_INHERITED)")
            {
                FreshProcess = true,
                Environment =
                {
                    ["PCL_SMOKE_VALUE"] = "hello from the harness",
                    ["PCL_SMOKE_INHERITED"] = null,
                },
            };

            try
            {
                HostedRunResult result = await HostedPowerShell.RunAsync(request);

                Assert.Equal(new[] { "hello from the harness", "true" }, result.Output.Select(o => o.Text));
            }
            finally
            {
                Environment.SetEnvironmentVariable("PCL_SMOKE_INHERITED", null);
            }
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task A_module_is_imported_before_the_script(bool importModuleInScript)
        {
            string folder = CreateScriptModule();
            try
            {
                HostedRunResult result = await HostedPowerShell.RunAsync(new HostedRunRequest("Get-Smoke; (Get-Module Smoke).Version.ToString()")
                {
                    FreshProcess = true,
                    ModulePath = Path.Combine(folder, "Smoke.psd1"),
                    ImportModuleInScript = importModuleInScript,
                });
                Log(result);

                Assert.Null(result.TerminatingError);
                Assert.Equal(new[] { "smoke", "1.2.3" }, result.Output.Select(o => o.Text));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task A_module_that_cannot_be_imported_stops_the_run(bool importModuleInScript)
        {
            string missing = Path.Combine(Path.GetTempPath(), "pcl-no-such-module-" + Guid.NewGuid().ToString("N"), "Missing.psd1");

            HostedRunResult result = await HostedPowerShell.RunAsync(new HostedRunRequest("'script ran'")
            {
                FreshProcess = true,
                ModulePath = missing,
                ImportModuleInScript = importModuleInScript,
            });

            Assert.Empty(result.Output);
            Assert.NotNull(result.TerminatingError);
            Assert.StartsWith("Modules_ModuleNotFound", result.TerminatingError.FullyQualifiedErrorId);
        }

        [Fact]
        public async Task Direct_console_writes_are_captured_apart_from_the_result()
        {
            HostedRunResult result = await RunAsync("[Console]::WriteLine('stray'); 'kept'");

            Assert.Equal("kept", Assert.Single(result.Output).Text);
            Assert.Equal("stray" + Environment.NewLine, result.ConsoleOutput);
        }

        [Fact]
        public async Task Loaded_assemblies_report_their_load_context()
        {
            HostedRunResult result = await RunAsync("1");

            HostedAssembly engine = result.FindLoadedAssembly("System.Management.Automation");
            Assert.NotNull(engine);
            Assert.Equal("Default", engine.LoadContext);
            Assert.EndsWith("System.Management.Automation.dll", engine.Location);
            Assert.StartsWith(Path.GetDirectoryName(HostedPowerShell.HostAssemblyPath), engine.Location);
        }

        [Fact]
        public void Repository_paths_are_found_from_the_test_output()
        {
            Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "Module.sln")));
            Assert.Equal(Path.Combine(RepositoryPaths.Root, "out", "PartnerCenterLicenses"), RepositoryPaths.ModuleFolder);
            Assert.Equal(Path.Combine(RepositoryPaths.ModuleFolder, "PartnerCenterLicenses.psd1"), RepositoryPaths.ModuleManifest);
        }

        private async Task<HostedRunResult> RunPooledAsync(string script)
        {
            HostedRunResult result = await HostedPowerShell.RunAsync(new HostedRunRequest(script));
            Log(result);
            return result;
        }

        private async Task<HostedRunResult> RunAsync(string script)
        {
            HostedRunResult result = await HostedPowerShell.RunAsync(new HostedRunRequest(script) { FreshProcess = true });
            Log(result);
            return result;
        }

        private void Log(HostedRunResult result)
        {
            log.WriteLine(result.Describe());
            log.WriteLine("Child timings (ms): " + string.Join(", ", result.Timings.Select(t => $"{t.Key}={t.Value:0}")));
        }

        private static string CreateScriptModule()
        {
            string folder = Path.Combine(Path.GetTempPath(), "pcl-smoke-module-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "Smoke.psm1"), "function Get-Smoke { 'smoke' }\n");
            File.WriteAllText(
                Path.Combine(folder, "Smoke.psd1"),
                "@{ RootModule = 'Smoke.psm1'; ModuleVersion = '1.2.3'; GUID = '6f1f4c4e-8a59-4c51-9d43-2d0f3b7c9a10'; FunctionsToExport = @('Get-Smoke') }\n");
            return folder;
        }
    }
}
