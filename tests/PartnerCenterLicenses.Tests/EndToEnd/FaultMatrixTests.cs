using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Every failure Partner Center can throw at a runbook, injected by the emulator, and what the
    /// module does about it, through the module in a hosted engine. Retry delays are shortened with
    /// Set-PartnerCenterRequestOption so the matrix runs in seconds; each run is bounded in time.
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class FaultMatrixTests
    {
        private const string DeploymentPath = "/v1/analytics/licenses/deployment";
        private const string GetCommand = ",PartnerCenterLicenses.Commands.GetPartnerLicenseDeploymentCommand";
        private const string QuickRetries = "Set-PartnerCenterRequestOption -MaximumRetryCount 3 -RetryIntervalSec 0.05 -TimeoutSec 10\n";
        private readonly EmulatorFixture _emulator;

        public FaultMatrixTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private Task<HostedRunResult> GetAsync(string options = QuickRetries, string get = "Get-PartnerLicenseDeployment", Func<CancellationToken, Task> stopWhen = null)
        {
            return _emulator.RunAsync(
                options + "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n" + get,
                new Dictionary<string, string> { ["PCL_REFRESH_TOKEN"] = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId) },
                timeout: TimeSpan.FromSeconds(60),
                stopWhen: stopWhen);
        }

        private void Fault(EmulatorFault fault, int times = 1)
        {
            for (int i = 0; i < times; i++)
            {
                _emulator.State.EnqueueFault(DeploymentPath, fault);
            }
        }

        private List<PartnerCenter.Emulator.RecordedRequest> Calls =>
            _emulator.State.Requests.Where(r => r.Path == DeploymentPath && r.ReceivedAt >= _emulator.ResetAt).ToList();

        private static void AssertTwoInsights(HostedRunResult result)
        {
            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(new[] { "crm", "o365" }, result.Output.Select(o => o.Property("ServiceName").Value));
        }

        [Theory]
        [InlineData(408)]
        [InlineData(429)]
        [InlineData(500)]
        [InlineData(502)]
        [InlineData(503)]
        [InlineData(504)]
        public async Task A_transient_status_is_retried_then_succeeds(int status)
        {
            Fault(EmulatorFault.Status(status, "{\"code\":" + status + ",\"description\":\"transient\"}"));

            var result = await GetAsync(get: "Get-PartnerLicenseDeployment -Verbose");

            AssertTwoInsights(result);
            Assert.Equal(2, Calls.Count);
            Assert.Contains(result.Verbose, v => v.Contains("answered " + status) && v.Contains(Calls[0].Headers["MS-RequestId"]) && v.Contains("Retrying in"));
        }

        [Fact]
        public async Task Retry_after_in_seconds_is_honoured()
        {
            Fault(EmulatorFault.Status(429, "{\"code\":429,\"description\":\"throttled\"}").WithRetryAfter(TimeSpan.FromSeconds(2)));

            var result = await GetAsync();

            AssertTwoInsights(result);
            Assert.True(Calls[1].ReceivedAt - Calls[0].ReceivedAt >= TimeSpan.FromSeconds(1.9), (Calls[1].ReceivedAt - Calls[0].ReceivedAt).ToString());
        }

        [Fact]
        public async Task Retry_after_as_an_http_date_is_honoured()
        {
            // The date is fixed when the 503 is sent, at least 3 s ahead, however long the module took to
            // ask; the quick retries' own back-off is 50 ms, so a gap of 2 s is the date's doing.
            Fault(EmulatorFault.Status(503, "{}").WithRetryAfterDateIn(TimeSpan.FromSeconds(3)));

            var result = await GetAsync();

            AssertTwoInsights(result);
            Assert.True(Calls[1].ReceivedAt - Calls[0].ReceivedAt >= TimeSpan.FromSeconds(2), (Calls[1].ReceivedAt - Calls[0].ReceivedAt).ToString());
        }

        [Fact]
        public async Task A_connection_reset_is_retried()
        {
            Fault(EmulatorFault.ConnectionReset());

            var result = await GetAsync();

            AssertTwoInsights(result);
            Assert.Equal(2, Calls.Count);
        }

        [Fact]
        public async Task A_request_that_outlives_its_timeout_is_retried()
        {
            Fault(EmulatorFault.Status(200, SeedBody) with { DelayBeforeHeaders = TimeSpan.FromSeconds(20) });

            // The retry must be answered within the timeout too, over a new TLS connection: 3 s leaves
            // a loaded machine room for that, and is still far from the 20 s the first answer would take.
            var result = await GetAsync(options: "Set-PartnerCenterRequestOption -MaximumRetryCount 2 -RetryIntervalSec 0.05 -TimeoutSec 3\n");

            AssertTwoInsights(result);
            Assert.Equal(2, Calls.Count);
        }

        [Fact]
        public async Task Persistent_server_errors_end_after_the_allowed_retries_with_a_clear_error()
        {
            Fault(EmulatorFault.Status(503, "{\"code\":\"503\",\"description\":\"Service is down for the test.\"}"), times: 3);

            var result = await GetAsync(options: "Set-PartnerCenterRequestOption -MaximumRetryCount 2 -RetryIntervalSec 0.05\n");

            Assert.Equal("PartnerCenter.ServiceError" + GetCommand, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("ResourceUnavailable", result.TerminatingError.Category);
            Assert.Contains("Gave up after 2 retries", result.TerminatingError.Message);
            Assert.Contains(Calls.Last().Headers["MS-RequestId"], result.TerminatingError.Message);
            Assert.Equal(3, Calls.Count);
        }

        [Fact]
        public async Task Persistent_throttling_ends_as_throttled()
        {
            Fault(EmulatorFault.Status(429, "{\"code\":429,\"description\":\"Too many requests.\"}"), times: 2);

            var result = await GetAsync(options: "Set-PartnerCenterRequestOption -MaximumRetryCount 1 -RetryIntervalSec 0.05\n");

            Assert.Equal("PartnerCenter.Throttled" + GetCommand, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("LimitsExceeded", result.TerminatingError.Category);
        }

        [Fact]
        public async Task A_non_transient_failure_is_not_retried()
        {
            Fault(EmulatorFault.Status(400, "{\"code\":400,\"description\":\"Bad request.\"}"));

            var result = await GetAsync();

            Assert.Equal("PartnerCenter.RequestFailed" + GetCommand, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Single(Calls);
        }

        [Fact]
        public async Task An_html_page_with_200_is_an_invalid_response()
        {
            Fault(EmulatorFault.Status(200, "<html><body>Down for maintenance</body></html>").WithHeader("Content-Type", "text/html"));

            var result = await GetAsync();

            Assert.Equal("PartnerCenter.InvalidResponse" + GetCommand, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("InvalidData", result.TerminatingError.Category);
            Assert.Contains(Calls[0].Headers["MS-RequestId"], result.TerminatingError.Message);
            Assert.Empty(result.Output);
        }

        [Fact]
        public async Task A_body_cut_off_mid_way_keeps_the_objects_already_written_and_says_the_result_is_incomplete()
        {
            int cut = SeedBody.IndexOf("\"o365\"", StringComparison.Ordinal);
            Fault(EmulatorFault.TruncatedBody(200, SeedBody, cut));

            var result = await GetAsync(get: "Get-PartnerLicenseDeployment | ForEach-Object { $_.ServiceName }");

            Assert.Equal(new[] { "crm" }, result.Output.Select(o => o.Text));
            Assert.Equal("PartnerCenter.InvalidResponse" + GetCommand, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Contains("cut short after 1 item", result.TerminatingError.Message);
            Assert.Single(Calls);
        }

        [Fact]
        public async Task A_slow_trickle_that_ends_in_time_is_read_whole()
        {
            Fault(EmulatorFault.Trickle(200, SeedBody, 128, TimeSpan.FromMilliseconds(50)));

            var result = await GetAsync();

            AssertTwoInsights(result);
        }

        [Fact]
        public async Task A_body_that_stops_for_longer_than_the_timeout_is_a_timeout_that_says_the_result_is_incomplete()
        {
            Fault(EmulatorFault.Trickle(200, SeedBody, 16, TimeSpan.FromSeconds(4)));

            var result = await GetAsync(options: "Set-PartnerCenterRequestOption -MaximumRetryCount 0 -TimeoutSec 2\n");

            Assert.Equal("PartnerCenter.Timeout" + GetCommand, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("OperationTimeout", result.TerminatingError.Category);
            Assert.Contains("sent nothing for 2 s", result.TerminatingError.Message);
            Assert.Contains("cut short", result.TerminatingError.Message);
        }

        [Fact]
        public async Task A_slow_body_that_keeps_coming_is_read_to_the_end_past_the_timeout()
        {
            // About 5 s in all (some 770 bytes, 32 at a time), with no gap near the 2 s timeout: the
            // timeout is for a stall, not for the whole body.
            Fault(EmulatorFault.Trickle(200, SeedBody, 32, TimeSpan.FromMilliseconds(200)));

            var result = await GetAsync(options: "Set-PartnerCenterRequestOption -MaximumRetryCount 0 -TimeoutSec 2\n");

            AssertTwoInsights(result);
        }

        [Fact]
        public async Task Wrong_types_in_an_item_are_an_invalid_response()
        {
            _emulator.State.DeploymentInsightsJson = SeedBody.Replace("\"licensesSold\": 343", "\"licensesSold\": \"343\"");

            var result = await GetAsync();

            Assert.Equal("PartnerCenter.InvalidResponse" + GetCommand, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Contains("licensesSold", result.TerminatingError.Message);
        }

        [Fact]
        public async Task An_empty_collection_is_not_an_error()
        {
            _emulator.State.DeploymentInsightsJson = "{\"totalCount\":0,\"items\":[],\"attributes\":{\"objectType\":\"Collection\"}}";

            var result = await GetAsync(get: "@(Get-PartnerLicenseDeployment).Count");

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal("0", Assert.Single(result.Output).Text);
        }

        [Fact]
        public async Task Ctrl_c_ends_a_back_off_wait_within_a_second()
        {
            Fault(EmulatorFault.Status(503, "{}").WithRetryAfter(TimeSpan.FromSeconds(40)));

            // The stop comes a second after the 503 went out: the module has read it and is waiting,
            // and the 40 s wait is far from over.
            var result = await GetAsync(
                options: "Set-PartnerCenterRequestOption -MaximumRetryWaitSec 100\n",
                stopWhen: _emulator.Seen(r => r.Path == DeploymentPath && r.StatusCode == 503, andThen: TimeSpan.FromSeconds(1)));

            // The second is the behaviour under test, so it keeps its bound: Stop() returns in tens of
            // milliseconds when the wait honours the cancellation, and not before the wait is over when not.
            Assert.True(result.Stopped, result.Describe());
            Assert.True(result.StopElapsed < TimeSpan.FromSeconds(1), result.StopElapsed.ToString());
            Assert.Single(Calls);
        }

        [Fact]
        public async Task Ctrl_c_ends_a_request_in_flight_within_a_second()
        {
            Fault(EmulatorFault.Status(200, SeedBody) with { DelayBeforeHeaders = TimeSpan.FromSeconds(40) });

            // Stopped once the request has reached the emulator, whose answer is 40 s away: the call is in flight.
            var result = await GetAsync(stopWhen: _emulator.Seen(r => r.Path == DeploymentPath));

            // As above: a second is the behaviour; an in-flight call that ignored the stop would take 40 s.
            Assert.True(result.Stopped, result.Describe());
            Assert.True(result.StopElapsed < TimeSpan.FromSeconds(1), result.StopElapsed.ToString());
        }

        [Fact]
        public async Task A_verbose_run_with_retries_shows_them_without_any_secret()
        {
            Fault(EmulatorFault.Status(503, "{}"));
            Fault(EmulatorFault.ConnectionReset());
            string refreshToken = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId);

            var result = await _emulator.RunAsync(
                QuickRetries + "$null = " + EmulatorFixture.ConnectWithRefreshToken + " -Verbose -Debug\nGet-PartnerLicenseDeployment -Verbose -Debug",
                new Dictionary<string, string> { ["PCL_REFRESH_TOKEN"] = refreshToken });

            AssertTwoInsights(result);
            Assert.Equal(2, result.Verbose.Count(v => v.Contains("Retrying in")));
            var secrets = new List<string> { _emulator.ClientSecret, refreshToken };
            secrets.AddRange(_emulator.State.IssuedAccessTokens);
            secrets.AddRange(_emulator.State.IssuedRefreshTokens);
            var visible = EmulatorFixture.EverythingVisible(result).Where(t => !string.IsNullOrEmpty(t)).ToList();
            foreach (string secret in secrets)
            {
                Assert.DoesNotContain(visible, t => t.Contains(secret));
            }
        }

        private static string SeedBody => EmulatorState.DefaultDeploymentInsightsJson;
    }
}
