using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Answers that are well-formed HTTP but not what the contract promises, as a script sees them
    /// through the module: each ends in PartnerCenter.InvalidResponse (never a raw .NET exception),
    /// the objects written before the fault stay written, and a string is what was sent.
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class MalformedAnswerTests
    {
        private const string DeploymentPath = "/v1/analytics/licenses/deployment";
        private const string GetCommand = ",PartnerCenterLicenses.Commands.GetPartnerLicenseDeploymentCommand";
        private const string ConnectCommand = ",PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand";
        private readonly EmulatorFixture _emulator;

        public MalformedAnswerTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private static string SeedBody => EmulatorState.DefaultDeploymentInsightsJson;

        private Task<HostedRunResult> ConnectedAsync(string script, bool freshProcess = false)
        {
            return _emulator.RunAsync(
                "Set-PartnerCenterRequestOption -MaximumRetryCount 0\n$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n" + script,
                new Dictionary<string, string> { ["PCL_REFRESH_TOKEN"] = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId) },
                timeout: TimeSpan.FromSeconds(90),
                freshProcess: freshProcess);
        }

        private void Answer(string body)
        {
            _emulator.State.EnqueueFault(DeploymentPath, EmulatorFault.Status(200, body));
        }

        [Fact]
        public async Task A_channel_that_looks_like_a_date_is_the_string_sent_and_a_total_count_beyond_int64_is_an_invalid_response_after_the_items()
        {
            Answer(SeedBody.Replace("\"channel\": \"reseller\"", "\"channel\": \"2025-12-31T23:59:59+01:00\""));
            // The items first, then a count no Int64 holds.
            string withoutCount = SeedBody.Replace("\"totalCount\": 2,", string.Empty).TrimEnd();
            Answer(withoutCount.Substring(0, withoutCount.Length - 1) + ", \"totalCount\": 99999999999999999999999}");

            var result = await ConnectedAsync(
                "Get-PartnerLicenseDeployment | ForEach-Object { 'channel ' + $_.Channel }\n"
                + "Get-PartnerLicenseDeployment | ForEach-Object { 'item ' + $_.ServiceName }");

            Assert.Equal(
                new[] { "channel 2025-12-31T23:59:59+01:00", "channel 2025-12-31T23:59:59+01:00", "item crm", "item o365" },
                result.Output.Select(o => o.Text));
            Assert.True("PartnerCenter.InvalidResponse" + GetCommand == result.TerminatingError?.FullyQualifiedErrorId, result.Describe());
            Assert.Equal("InvalidData", result.TerminatingError.Category);
            Assert.Contains("'totalCount' out of range", result.TerminatingError.Message);
        }

        [Fact]
        public async Task A_50_megabyte_field_is_an_invalid_response_without_the_process_holding_it()
        {
            // A warm-up call first, so loading the JSON and HTTP code is not counted as the field's cost.
            Answer(SeedBody);
            string firstItem = SeedBody.Substring(0, SeedBody.IndexOf("}, {", StringComparison.Ordinal) + 3);
            // The second item is complete and well typed: only its length can be what is refused.
            Answer(firstItem + "{\"serviceName\": \"" + new string('a', 50 * 1024 * 1024) + "\", \"channel\": \"x\", \"licensesSold\": 1, \"proratedDeploymentPercent\": 0, \"processedDateTime\": \"2017-03-10T00:00:00Z\"}]}");

            var result = await ConnectedAsync(@"
$null = Get-PartnerLicenseDeployment
[GC]::Collect()
$before = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
try { Get-PartnerLicenseDeployment | ForEach-Object { 'item ' + $_.ServiceName } }
catch { 'error ' + $_.FullyQualifiedErrorId + ' ' + $_.CategoryInfo.Category; 'message ' + $_.Exception.Message }
'peak grew by MB ' + [math]::Round(([Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 - $before) / 1MB)",

                // The peak working set is the process's: in a process shared with earlier runs, one of
                // them may have set a peak this run's buffering would hide under.
                freshProcess: true);

            var lines = result.Output.Select(o => o.Text).ToList();
            Assert.True(result.TerminatingError == null && lines.Count == 4, result.Describe());
            Assert.Equal("item crm", lines[0]);
            Assert.Equal("error PartnerCenter.InvalidResponse" + GetCommand + " InvalidData", lines[1]);
            Assert.Contains("Item 1 of Partner Center's response has a field longer than 1048576 characters", lines[2]);
            // Buffering the field whole took the peak up by about 300 MB; refused at 1 MB it grows by a few.
            int grewBy = int.Parse(lines[3].Substring("peak grew by MB ".Length), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(grewBy < 40, lines[3]);
        }

        [Fact]
        public async Task An_access_token_whose_exp_is_beyond_year_9999_is_an_invalid_response_from_connect()
        {
            static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            string token = Part("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Part("{\"upn\":\"someone@contoso.onmicrosoft.com\",\"tid\":\""
                + EmulatorState.DefaultTenantId + "\",\"scp\":\"user_impersonation\",\"exp\":253402300800}") + ".c2lnbmF0dXJl";

            var result = await _emulator.RunAsync(
                "Connect-PartnerCenter -Environment Emulator -AccessToken $env:PCL_ACCESS_TOKEN",
                new Dictionary<string, string> { ["PCL_ACCESS_TOKEN"] = token });

            Assert.True("PartnerCenter.InvalidResponse" + ConnectCommand == result.TerminatingError?.FullyQualifiedErrorId, result.Describe());
            Assert.Equal("InvalidData", result.TerminatingError.Category);
            Assert.Contains("exp claim", result.TerminatingError.Message);
            Assert.Contains("-AccessToken", result.TerminatingError.RecommendedAction);
        }
    }
}
