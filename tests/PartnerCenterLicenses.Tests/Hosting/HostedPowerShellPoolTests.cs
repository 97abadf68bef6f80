using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace PartnerCenterLicenses.Tests.Hosting
{
    /// <summary>
    /// The pooled host: runs share a process but nothing else a test could see (runspace, module state,
    /// environment, console output), a stop reaches the script, and a timeout or a crash costs the
    /// process, never the next run.
    /// </summary>
    /// <remarks>
    /// These runs name a trust bundle of their own (a file that is never read: nothing here uses TLS), so
    /// they have a pooled process to themselves that killing it cannot share with other test classes.
    /// </remarks>
    public sealed class HostedPowerShellPoolTests
    {
        private static readonly string OwnPool = Path.Combine(Path.GetTempPath(), "pcl-pool-tests-" + Guid.NewGuid().ToString("N") + ".pem");

        private readonly ITestOutputHelper log;

        /// <summary>Creates the test class with xunit's output sink.</summary>
        public HostedPowerShellPoolTests(ITestOutputHelper log)
        {
            this.log = log;
        }

        private async Task<HostedRunResult> RunAsync(string script, IDictionary<string, string> environment = null, TimeSpan? timeout = null)
        {
            var request = new HostedRunRequest(script)
            {
                ModulePath = RepositoryPaths.ModuleManifest,
                Environment = WithOwnPool(environment),
                Timeout = timeout ?? HostedRunRequest.DefaultTimeout,
            };
            HostedRunResult result = await HostedPowerShell.RunAsync(request);
            log.WriteLine(result.Describe());
            return result;
        }

        private static Dictionary<string, string> WithOwnPool(IDictionary<string, string> environment = null)
        {
            var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>(), StringComparer.Ordinal)
            {
                ["SSL_CERT_FILE"] = OwnPool,
            };
            return variables;
        }

        // A token the module takes as it is, with no request to anyone: enough to have a session.
        private static string AccessToken()
        {
            static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            return Part("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Part("{\"upn\":\"someone@contoso.onmicrosoft.com\",\"tid\":\"" + PartnerCenter.Emulator.EmulatorState.DefaultTenantId + "\","
                + "\"scp\":\"user_impersonation\",\"exp\":" + DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() + "}") + ".c2lnbmF0dXJl";
        }

        [Fact]
        public async Task Runs_share_a_process_but_each_gets_a_new_runspace()
        {
            HostedRunResult first = await RunAsync("$global:left = 'by the first run'; function Get-Left { 'left' }; 'first'");
            HostedRunResult second = await RunAsync("\"[$global:left]\"; [bool](Get-Command Get-Left -ErrorAction SilentlyContinue); [bool](Get-Module PartnerCenterLicenses)");

            Assert.True(first.Pooled && second.Pooled);
            Assert.Equal(first.HostProcessId, second.HostProcessId);
            Assert.Equal(new[] { "[]", "false", "true" }, second.Output.Select(o => o.Text));
        }

        [Fact]
        public async Task Each_run_starts_disconnected_with_default_options_and_only_the_built_in_environments()
        {
            HostedRunResult dirty = await RunAsync(
                "$null = Connect-PartnerCenter -AccessToken $env:PCL_ACCESS_TOKEN\n"
                + "Set-PartnerCenterRequestOption -TimeoutSec 7 -MaximumRetryCount 1\n"
                + "$null = Add-PartnerCenterEnvironment -Name LeftBehind -ActiveDirectoryAuthority https://127.0.0.1:1 -PartnerCenterEndpoint https://127.0.0.1:2\n"
                + "@(Get-PartnerCenterContext).Count; (Get-PartnerCenterRequestOption).MaxRetryCount; @(Get-PartnerCenterEnvironment).Count",
                new Dictionary<string, string> { ["PCL_ACCESS_TOKEN"] = AccessToken() });
            HostedRunResult clean = await RunAsync(
                "@(Get-PartnerCenterContext).Count; (Get-PartnerCenterRequestOption).MaxRetryCount; (Get-PartnerCenterRequestOption).Timeout.TotalSeconds\n"
                + "(@(Get-PartnerCenterEnvironment) | ForEach-Object Name) -join ','");

            Assert.True(dirty.TerminatingError == null && dirty.Errors.Count == 0, dirty.Describe());
            Assert.Equal(new[] { "1", "1", "4" }, dirty.Output.Select(o => o.Text));
            Assert.Equal(dirty.HostProcessId, clean.HostProcessId);
            Assert.Equal(new[] { "0", "4", "100", "AzureChinaCloud,AzureCloud,AzureUSGovernment" }, clean.Output.Select(o => o.Text));
        }

        [Fact]
        public async Task Environment_variables_are_set_for_the_run_and_put_back_after_it()
        {
            HostedRunResult during = await RunAsync(
                "$env:PCL_POOL_VALUE; [string]::IsNullOrEmpty($env:HOME); [Environment]::GetEnvironmentVariable('PCL_POOL_VALUE')",
                new Dictionary<string, string> { ["PCL_POOL_VALUE"] = "for this run", ["PATH_UNUSED_BY_TESTS"] = null });
            HostedRunResult after = await RunAsync("[string]::IsNullOrEmpty($env:PCL_POOL_VALUE); [string]::IsNullOrEmpty($env:HOME)");

            Assert.Equal(new[] { "for this run", "false", "for this run" }, during.Output.Select(o => o.Text));
            Assert.Equal(new[] { "true", "false" }, after.Output.Select(o => o.Text));
        }

        [Fact]
        public async Task A_variable_the_run_removes_is_back_for_the_next_run()
        {
            Assert.False(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PATH")));

            HostedRunResult during = await RunAsync("[string]::IsNullOrEmpty($env:PATH)", new Dictionary<string, string> { ["PATH"] = null });
            HostedRunResult after = await RunAsync("[string]::IsNullOrEmpty($env:PATH)");

            Assert.Equal("true", Assert.Single(during.Output).Text);
            Assert.Equal("false", Assert.Single(after.Output).Text);
        }

        [Fact]
        public async Task Console_writes_belong_to_the_run_that_made_them()
        {
            HostedRunResult writer = await RunAsync("[Console]::WriteLine('stray'); [Console]::Error.WriteLine('to standard error'); 'kept'");
            HostedRunResult quiet = await RunAsync("'quiet'");

            Assert.Equal("kept", Assert.Single(writer.Output).Text);
            Assert.Equal("stray" + Environment.NewLine, writer.ConsoleOutput);
            Assert.Contains("to standard error", writer.StandardError);
            Assert.Equal(string.Empty, quiet.ConsoleOutput);
            Assert.Equal(string.Empty, quiet.StandardError);
        }

        [Fact]
        public async Task StopWhen_stops_the_script_once_the_condition_is_met()
        {
            using var folder = new EndToEnd.ScratchFolder("pcl-pool-stop");
            string signal = Path.Combine(folder.Path, "running");
            var request = new HostedRunRequest("'started'; [IO.File]::WriteAllText($env:PCL_SIGNAL, 'x'); while ($true) { }")
            {
                ModulePath = RepositoryPaths.ModuleManifest,
                Environment = WithOwnPool(new Dictionary<string, string> { ["PCL_SIGNAL"] = signal }),
                StopWhen = async cancellation =>
                {
                    while (!File.Exists(signal))
                    {
                        await Task.Delay(20, cancellation);
                    }
                },
                Timeout = TimeSpan.FromSeconds(60),
            };

            HostedRunResult result = await HostedPowerShell.RunAsync(request);

            Assert.True(result.Stopped, result.Describe());
            Assert.Null(result.TerminatingError);
            Assert.Equal("started", Assert.Single(result.Output).Text);
            Assert.NotNull(result.StopElapsed);
        }

        [Fact]
        public async Task StopAfter_stops_a_pooled_script_and_the_process_serves_the_next_run()
        {
            var request = new HostedRunRequest("'started'; while ($true) { }")
            {
                ModulePath = RepositoryPaths.ModuleManifest,
                Environment = WithOwnPool(),
                StopAfter = TimeSpan.FromSeconds(2),
                Timeout = TimeSpan.FromSeconds(60),
            };

            HostedRunResult stopped = await HostedPowerShell.RunAsync(request);
            HostedRunResult next = await RunAsync("'next'");

            Assert.True(stopped.Stopped, stopped.Describe());
            Assert.Equal("started", Assert.Single(stopped.Output).Text);
            Assert.Equal("next", Assert.Single(next.Output).Text);
            Assert.Equal(stopped.HostProcessId, next.HostProcessId);
        }

        [Fact]
        public async Task A_run_past_its_timeout_kills_the_pooled_process_and_the_next_run_gets_a_new_one()
        {
            HostedRunResult before = await RunAsync("'before'");

            TimeoutException timeout = await Assert.ThrowsAsync<TimeoutException>(() => RunAsync("while ($true) { }", timeout: TimeSpan.FromSeconds(3)));
            HostedRunResult after = await RunAsync("'after'");

            Assert.Contains("did not finish within 3 s", timeout.Message);
            Assert.Equal("after", Assert.Single(after.Output).Text);
            Assert.NotEqual(before.HostProcessId, after.HostProcessId);
        }

        [Fact]
        public async Task A_pooled_process_that_dies_fails_its_run_and_the_next_run_gets_a_new_one()
        {
            HostedRunResult before = await RunAsync("'before'");

            HostedPowerShellException died = await Assert.ThrowsAsync<HostedPowerShellException>(() => RunAsync("[Environment]::Exit(7)"));
            HostedRunResult after = await RunAsync("'after'");

            Assert.Contains("died during the run", died.Message);
            Assert.Equal("after", Assert.Single(after.Output).Text);
            Assert.NotEqual(before.HostProcessId, after.HostProcessId);
        }

        [Fact]
        public void Runs_that_need_what_only_a_new_process_gives_get_a_process_of_their_own()
        {
            HostedRunRequest Pooled(Action<Dictionary<string, string>> environment = null)
            {
                var variables = WithOwnPool();
                environment?.Invoke(variables);
                return new HostedRunRequest("1") { ModulePath = RepositoryPaths.ModuleManifest, Environment = variables };
            }

            Assert.Null(HostedPowerShell.WhyAProcessOfItsOwn(Pooled()));
            Assert.NotNull(HostedPowerShell.WhyAProcessOfItsOwn(new HostedRunRequest("1") { ModulePath = RepositoryPaths.ModuleManifest, FreshProcess = true }));
            Assert.NotNull(HostedPowerShell.WhyAProcessOfItsOwn(new HostedRunRequest("1")));
            Assert.NotNull(HostedPowerShell.WhyAProcessOfItsOwn(new HostedRunRequest("1") { ModulePath = Path.Combine(Path.GetTempPath(), "Other", "PartnerCenterLicenses.psd1") }));
            Assert.NotNull(HostedPowerShell.WhyAProcessOfItsOwn(new HostedRunRequest("1") { ModulePath = RepositoryPaths.ModuleManifest, ImportModuleInScript = true }));
            Assert.NotNull(HostedPowerShell.WhyAProcessOfItsOwn(new HostedRunRequest("1") { ModulePath = RepositoryPaths.ModuleManifest, PreloadAssemblies = new[] { "x.dll" } }));
            Assert.NotNull(HostedPowerShell.WhyAProcessOfItsOwn(Pooled(v => v["HOME"] = "/tmp")));
            Assert.NotNull(HostedPowerShell.WhyAProcessOfItsOwn(Pooled(v => v["DOTNET_gcServer"] = "1")));
        }

        [Fact]
        public async Task A_run_in_a_process_of_its_own_says_so_and_StopWhen_is_refused_there()
        {
            HostedRunResult fresh = await HostedPowerShell.RunAsync(new HostedRunRequest("'alone'") { ModulePath = RepositoryPaths.ModuleManifest, FreshProcess = true });
            var stopWhen = new HostedRunRequest("1") { FreshProcess = true, StopWhen = _ => Task.CompletedTask };

            Assert.False(fresh.Pooled);
            Assert.Equal("alone", Assert.Single(fresh.Output).Text);
            await Assert.ThrowsAsync<ArgumentException>(() => HostedPowerShell.RunAsync(stopWhen));
        }
    }
}
