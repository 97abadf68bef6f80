using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.EndToEnd;
using Xunit;
using Xunit.Abstractions;

namespace PartnerCenterLicenses.Tests.RealConsole
{
    /// <summary>
    /// Sign-in and Ctrl+C as they happen in the real pwsh console: what the terminal shows, how fast
    /// pwsh reacts to the terminal's interrupt character.
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class ConsoleSessionTests
    {
        private const string DeploymentPath = "/v1/analytics/licenses/deployment";

        // PowerShell's own default for $PSStyle.Formatting.Warning: bold yellow.
        private const string Yellow = "\u001b[33;1m";

        private readonly EmulatorFixture _emulator;
        private readonly ITestOutputHelper _output;

        public ConsoleSessionTests(EmulatorFixture emulator, ITestOutputHelper output)
        {
            _emulator = emulator;
            _output = output;
            _emulator.Reset();
        }

        [Fact]
        public async Task A_noninteractive_console_refuses_browser_sign_in_at_once_and_shows_a_device_code_as_a_yellow_warning()
        {
            _emulator.State.DeviceCodePollInterval = TimeSpan.FromSeconds(1);
            const string script = ConsoleScripts.Prelude + @"
$ErrorActionPreference = 'Continue'
$ErrorView = 'NormalView'
Write-Host 'BROWSER SIGN-IN'
Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_PUBLIC_CLIENT_ID -Tenant $env:PCL_TENANT
Write-Host 'DEVICE CODE SIGN-IN'
Connect-PartnerCenter -Environment Emulator -UseDeviceAuthentication -ApplicationId $env:PCL_PUBLIC_CLIENT_ID -Tenant $env:PCL_TENANT | Out-Default
Write-Host 'DONE'
";

            // A desktop seems to be there (DISPLAY), so only -NonInteractive can be what refuses the
            // browser; no BROWSER command is named.
            var environment = ConsoleScripts.Environment(_emulator, new Dictionary<string, string>
            {
                ["BROWSER"] = null,
                ["DISPLAY"] = ":99",
                ["WAYLAND_DISPLAY"] = null,
            });
            await using var pwsh = TerminalPwsh.RunFile(80, script, environment, "-NonInteractive");

            // The person at the other device: approves the code once it has been issued.
            using var stop = new CancellationTokenSource();
            var approved = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var approver = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var pending = _emulator.State.PendingDeviceCodes.FirstOrDefault();
                    if (pending != null && _emulator.State.ApproveDeviceCode(pending.UserCode))
                    {
                        approved.TrySetResult(pending.UserCode);
                        return;
                    }

                    await Task.Delay(100);
                }
            });

            try
            {
                var browser = await pwsh.WaitForAsync("BROWSER SIGN-IN", TimeSpan.FromSeconds(30));
                var refused = await pwsh.WaitForAsync("PartnerCenter.InteractiveNotAvailable", TimeSpan.FromSeconds(30), browser.End);
                Assert.Equal(0, await pwsh.WaitForExitAsync(TimeSpan.FromSeconds(60)));

                // "At once": the first use of the module loads its engine and MSAL, which takes a moment
                // on a busy machine; a browser sign-in that waited would wait minutes for nobody.
                TimeSpan refusal = refused.At - browser.At;
                _output.WriteLine($"browser sign-in refused {refusal.TotalMilliseconds:0} ms after it was asked for");
                Assert.True(refusal < TimeSpan.FromSeconds(5), $"refused after {refusal.TotalMilliseconds:0} ms. {pwsh.Describe()}");
                Assert.DoesNotContain(_emulator.State.Requests, r => r.Path.Contains("/oauth2/v2.0/authorize", StringComparison.Ordinal));

                string screen = pwsh.Text;
                string refusalText = Between(screen, "BROWSER SIGN-IN", "DEVICE CODE SIGN-IN");
                Assert.Contains("Interactive sign-in needs a browser and a person", refusalText);
                Assert.Contains("FullyQualifiedErrorId : PartnerCenter.InteractiveNotAvailable,", refusalText);

                // The device code, on the console's warning stream: "WARNING:" in the warning colour.
                string code = await approved.Task.WaitAsync(TimeSpan.FromSeconds(5));
                string deviceText = Between(screen, "DEVICE CODE SIGN-IN", "DONE");
                string warning = Regex.Match(deviceText, @"WARNING: To sign in[\s\S]*?to authenticate\.").Value;
                Assert.True(warning.Length > 0, pwsh.Describe());
                Assert.Contains(code, warning.Replace("\n", string.Empty, StringComparison.Ordinal));
                Assert.Contains("/devicelogin", warning.Replace("\n", string.Empty, StringComparison.Ordinal));
                Assert.Contains(Yellow + "WARNING: To sign in", pwsh.Raw);
                Assert.Contains("AuthenticationType : DeviceCode\n", deviceText);
                Assert.Contains("Account            : " + EmulatorState.DefaultUserPrincipalName + "\n", deviceText);
            }
            finally
            {
                stop.Cancel();
                await approver;
            }
        }

        [Fact]
        public async Task Ctrl_c_in_the_console_stops_a_slow_get_within_a_second_and_returns_to_the_prompt()
        {
            _emulator.State.EnqueueFault(
                DeploymentPath,
                EmulatorFault.Status(200, EmulatorState.DefaultDeploymentInsightsJson).WithDelay(TimeSpan.FromSeconds(60)));

            // -NoExit: after the script, the interactive prompt (PSReadLine) a user would get back.
            // The finally block stamps the moment the module gave the pipeline back, on the wall clock
            // this test reads too; it writes to the console directly, as output of a stopping pipeline
            // is discarded.
            const string script = ConsoleScripts.Prelude + @"
function global:prompt { 'PCL-PROMPT> ' }
$null = " + ConsoleScripts.Connect + @"
Write-Host 'CALLING'
try {
    Get-PartnerLicenseDeployment
    Write-Host 'NOT STOPPED'
}
finally {
    [Console]::Out.WriteLine('STOPPED AT ' + [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds())
}
";
            await using var pwsh = TerminalPwsh.RunFile(80, script, ConsoleScripts.Environment(_emulator), "-NoExit");

            var calling = await pwsh.WaitForAsync("CALLING", TimeSpan.FromSeconds(30));
            await WaitUntilAsync(() => _emulator.State.Requests.Any(r => r.Path == DeploymentPath), TimeSpan.FromSeconds(30), pwsh);

            long signalled = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            TimeSpan signalledAt = pwsh.Elapsed;
            await pwsh.SendAsync(TerminalPwsh.InterruptCharacter);

            var stopped = await pwsh.WaitForAsync("STOPPED AT ", TimeSpan.FromSeconds(10), calling.End);
            var prompt = await pwsh.WaitForAsync("PCL-PROMPT> ", TimeSpan.FromSeconds(20), stopped.End);
            long stoppedAt = long.Parse(Regex.Match(pwsh.Text, @"STOPPED AT (\d+)").Groups[1].Value);

            // The module's own reaction, from the keystroke to the pipeline given back: under a second.
            // The prompt follows once PowerShell has unwound the script and PSReadLine has loaded, which
            // on a loaded two-core machine can take a few seconds more; that bound is generous and only
            // says that nothing waited for the 60 s response.
            long reaction = stoppedAt - signalled;
            TimeSpan toPrompt = prompt.At - signalledAt;
            _output.WriteLine($"Ctrl+C: pipeline stopped after {reaction} ms, prompt back after {toPrompt.TotalMilliseconds:0} ms");
            Assert.True(reaction < 1000, $"the pipeline stopped {reaction} ms after Ctrl+C. {pwsh.Describe()}");
            Assert.True(toPrompt < TimeSpan.FromSeconds(5), $"the prompt came back {toPrompt.TotalMilliseconds:0} ms after Ctrl+C. {pwsh.Describe()}");
            Assert.DoesNotContain("NOT STOPPED", pwsh.Text);

            await pwsh.SendAsync("exit\r");
            Assert.Equal(0, await pwsh.WaitForExitAsync(TimeSpan.FromSeconds(20)));
            Assert.Single(_emulator.State.Requests, r => r.Path == DeploymentPath);
        }

        private static string Between(string text, string start, string end)
        {
            int from = text.IndexOf(start, StringComparison.Ordinal);
            int to = text.IndexOf(end, from + start.Length, StringComparison.Ordinal);
            Assert.True(from >= 0 && to > from, $"'{start}' ... '{end}' not found in:\n{text}");
            return text.Substring(from + start.Length, to - from - start.Length);
        }

        private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, TerminalPwsh pwsh)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!condition())
            {
                Assert.True(DateTime.UtcNow < deadline, "The request never reached the emulator. " + pwsh.Describe());
                await Task.Delay(20);
            }
        }
    }
}
