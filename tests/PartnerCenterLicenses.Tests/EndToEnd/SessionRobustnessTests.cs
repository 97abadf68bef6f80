using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// A session under the load a runbook puts on it: a slow pipeline downstream, reconnects while
    /// other runspaces call, many calls rejected at once, and Entra ID too slow to answer.
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class SessionRobustnessTests : IDisposable
    {
        private const string DeploymentPath = "/v1/analytics/licenses/deployment";
        private const string Get = ",PartnerCenterLicenses.Commands.GetPartnerLicenseDeploymentCommand";
        private static readonly string TenantPrefix = "/" + EmulatorState.DefaultTenantId + "/oauth2/v2.0/";
        private readonly EmulatorFixture _emulator;
        private readonly ScratchFolder _folder = new ScratchFolder("pcl-robust");

        public SessionRobustnessTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        public void Dispose() => _folder.Dispose();


        // Runs a script that writes the signal file and waits until the test has done its part.
        private async Task<HostedRunResult> RunWithPauseAsync(string script, Action whilePaused, Dictionary<string, string> environment, TimeSpan? timeout = null)
        {
            string signal = Path.Combine(_folder.Path, "signal-" + Guid.NewGuid().ToString("N"));
            environment["PCL_SIGNAL"] = signal;
            Task<HostedRunResult> run = _emulator.RunAsync(script, environment, timeout);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(signal) && !run.IsCompleted && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            whilePaused();
            File.Delete(signal);
            return await run;
        }

        private const string Pause = "[IO.File]::WriteAllText($env:PCL_SIGNAL, 'go'); while ([IO.File]::Exists($env:PCL_SIGNAL)) { [Threading.Thread]::Sleep(50) }\n";

        private void ExpireEveryAccessToken()
        {
            foreach (string token in _emulator.State.IssuedAccessTokens)
            {
                _emulator.State.ExpireAccessToken(token);
            }
        }

        [Fact]
        public async Task A_slow_pipeline_downstream_is_not_a_partner_center_timeout()
        {
            // 60 rows at 100 ms of the script's own work each take 6 s, three times the timeout.
            var items = Enumerable.Range(0, 60).Select(i =>
                "{\"serviceName\":\"service" + i + "\",\"channel\":\"reseller\",\"licensesSold\":" + (100 + i)
                + ",\"proratedDeploymentPercent\":0.5,\"processedDateTime\":\"2017-03-14T03:25:16.000Z\"}");
            _emulator.State.DeploymentInsightsJson = "{\"totalCount\":60,\"items\":[" + string.Join(",", items) + "],\"attributes\":{\"objectType\":\"Collection\"}}";

            var result = await _emulator.RunAsync(
                "Set-PartnerCenterRequestOption -TimeoutSec 2\n$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n"
                + "@(Get-PartnerLicenseDeployment | ForEach-Object { [Threading.Thread]::Sleep(100); $_ }).Count",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal("60", Assert.Single(result.Output).Text);
        }

        [Fact]
        public async Task A_body_that_stalls_still_times_out()
        {
            string body = EmulatorState.DefaultDeploymentInsightsJson;
            _emulator.State.EnqueueFault(DeploymentPath, EmulatorFault.Trickle(200, body, chunkBytes: body.Length / 2, TimeSpan.FromSeconds(30)));

            var result = await _emulator.RunAsync(
                "Set-PartnerCenterRequestOption -TimeoutSec 2 -MaximumRetryCount 0\n$null = " + EmulatorFixture.ConnectWithRefreshToken + "\nGet-PartnerLicenseDeployment",
                _emulator.WithRefreshToken());

            Assert.Equal("PartnerCenter.Timeout" + Get, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Contains("sent nothing for 2 s", result.TerminatingError.Message);
        }

        [Fact]
        public async Task Reconnecting_while_six_runspaces_call_breaks_no_call_in_flight()
        {
            var result = await _emulator.RunAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n"
                + "$state = [initialsessionstate]::CreateDefault2(); $state.ImportPSModule('" + RepositoryPaths.ModuleManifest + "')\n"
                + "$pool = [runspacefactory]::CreateRunspacePool(7, 7, $state, $Host); $pool.Open()\n"
                + "$callers = foreach ($n in 1..6) {\n"
                + "  $ps = [powershell]::Create(); $ps.RunspacePool = $pool\n"
                + "  $null = $ps.AddScript({ $failed = 0; foreach ($i in 1..60) { try { $null = @(Get-PartnerLicenseDeployment -ErrorAction Stop) } catch { $failed++; [Console]::Error.WriteLine($_.Exception.GetType().Name + ': ' + $_.Exception.Message) } }; $failed })\n"
                + "  [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }\n"
                + "}\n"
                + "$reconnect = [powershell]::Create(); $reconnect.RunspacePool = $pool\n"
                + "$null = $reconnect.AddScript({ param($id, $secret, $token, $tenant) $c = [pscredential]::new($id, $secret)\n"
                + "  foreach ($i in 1..15) { $null = Connect-PartnerCenter -Environment Emulator -ApplicationId $id -Credential $c -RefreshToken $token -Tenant $tenant } })\n"
                + "$null = $reconnect.AddArgument($env:PCL_CLIENT_ID).AddArgument($credential.Password).AddArgument($env:PCL_REFRESH_TOKEN).AddArgument($env:PCL_TENANT)\n"
                + "$reconnect.Invoke(); 'reconnect errors: ' + $reconnect.Streams.Error.Count\n"
                + "$failures = 0; foreach ($caller in $callers) { $failures += $caller.PowerShell.EndInvoke($caller.Handle)[0] }\n"
                + "'failed calls: ' + $failures\n$pool.Close()",
                _emulator.WithRefreshToken(),
                timeout: TimeSpan.FromSeconds(150));

            Assert.True(result.TerminatingError == null, result.Describe());
            Assert.Equal(new[] { "reconnect errors: 0", "failed calls: 0" }, result.Output.Select(o => o.Text));
            Assert.True(_emulator.State.Requests.Count(r => r.Path == DeploymentPath) >= 360);
            Assert.True(_emulator.State.TokenRequestCount >= 16);
        }

        [Fact]
        public async Task Eight_calls_rejected_at_once_share_one_renewal()
        {
            var result = await RunWithPauseAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n"
                + "$state = [initialsessionstate]::CreateDefault2(); $state.ImportPSModule('" + RepositoryPaths.ModuleManifest + "')\n"
                + "$pool = [runspacefactory]::CreateRunspacePool(8, 8, $state, $Host); $pool.Open()\n"
                + Pause
                + "$callers = foreach ($n in 1..8) {\n"
                + "  $ps = [powershell]::Create(); $ps.RunspacePool = $pool\n"
                + "  $null = $ps.AddScript({ @(Get-PartnerLicenseDeployment -ErrorAction Stop).Count })\n"
                + "  [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }\n"
                + "}\n"
                + "foreach ($caller in $callers) { $caller.PowerShell.EndInvoke($caller.Handle); $caller.PowerShell.Streams.Error | ForEach-Object { 'error: ' + $_ } }\n"
                + "$pool.Close()",
                ExpireEveryAccessToken,
                _emulator.WithRefreshToken(),
                TimeSpan.FromSeconds(90));

            Assert.True(result.TerminatingError == null, result.Describe());
            Assert.Equal(Enumerable.Repeat("2", 8), result.Output.Select(o => o.Text));
            Assert.Equal(2, _emulator.State.TokenRequestCount);
            Assert.Contains(_emulator.State.Requests, r => r.Path == DeploymentPath && r.StatusCode == 401);
        }

        [Fact]
        public async Task Set_request_option_timeout_reaches_the_renewal_of_a_token()
        {
            var result = await RunWithPauseAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n"
                + "Set-PartnerCenterRequestOption -TimeoutSec 2 -MaximumRetryCount 0\n"
                + Pause
                + "Get-PartnerLicenseDeployment",
                () =>
                {
                    ExpireEveryAccessToken();
                    _emulator.State.EnqueueFault(TenantPrefix + "token", EmulatorFault.Status(200, "{}").WithDelay(TimeSpan.FromSeconds(40)));
                    _emulator.State.EnqueueFault(TenantPrefix + "token", EmulatorFault.Status(200, "{}").WithDelay(TimeSpan.FromSeconds(40)));
                },
                _emulator.WithRefreshToken(),
                TimeSpan.FromSeconds(30));

            Assert.Equal("PartnerCenter.Timeout" + Get, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("OperationTimeout", result.TerminatingError.Category);
            Assert.Contains("Microsoft Entra ID", result.TerminatingError.Message);
            Assert.Contains("2 s", result.TerminatingError.Message);
        }

        [Fact]
        public async Task An_entra_timeout_during_device_code_sign_in_is_a_timeout()
        {
            _emulator.State.EnqueueFault(TenantPrefix + "devicecode", EmulatorFault.Status(200, "{}").WithDelay(TimeSpan.FromSeconds(40)));
            _emulator.State.EnqueueFault(TenantPrefix + "devicecode", EmulatorFault.Status(200, "{}").WithDelay(TimeSpan.FromSeconds(40)));

            var result = await _emulator.RunAsync(
                "Set-PartnerCenterRequestOption -TimeoutSec 2\n"
                + "Connect-PartnerCenter -Environment Emulator -UseDeviceAuthentication -ApplicationId $env:PCL_PUBLIC_CLIENT_ID -Tenant $env:PCL_TENANT",
                new Dictionary<string, string> { ["PCL_PUBLIC_CLIENT_ID"] = EmulatorFixture.PublicClientId },
                TimeSpan.FromSeconds(30));

            Assert.Equal("PartnerCenter.Timeout,PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand", result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("OperationTimeout", result.TerminatingError.Category);
            Assert.Contains("did not answer within 2 s", result.TerminatingError.Message);
            Assert.DoesNotContain("unexpectedly", result.TerminatingError.Message);
        }

        [Fact]
        public async Task An_entra_timeout_while_redeeming_a_browser_sign_in_is_a_timeout()
        {
            _emulator.State.EnqueueFault(TenantPrefix + "token", EmulatorFault.Status(200, "{}").WithDelay(TimeSpan.FromSeconds(40)));
            _emulator.State.EnqueueFault(TenantPrefix + "token", EmulatorFault.Status(200, "{}").WithDelay(TimeSpan.FromSeconds(40)));

            var result = await _emulator.RunAsync(
                "Set-PartnerCenterRequestOption -TimeoutSec 2\n"
                + "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_PUBLIC_CLIENT_ID -Tenant $env:PCL_TENANT",
                new Dictionary<string, string>
                {
                    ["PCL_PUBLIC_CLIENT_ID"] = EmulatorFixture.PublicClientId,
                    ["BROWSER"] = "\"" + (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") + "\" \"" + HostedPowerShell.HostAssemblyPath + "\" --browse",
                    ["PCL_FAKE_BROWSER_LOG"] = Path.Combine(_folder.Path, "browser.log"),
                },
                TimeSpan.FromSeconds(40));

            Assert.Equal("PartnerCenter.Timeout,PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand", result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("OperationTimeout", result.TerminatingError.Category);
            Assert.Contains("did not answer within 2 s", result.TerminatingError.Message);
            Assert.Contains(_emulator.State.Requests, r => r.Path.EndsWith("/oauth2/v2.0/authorize", StringComparison.Ordinal));
        }
    }
}
