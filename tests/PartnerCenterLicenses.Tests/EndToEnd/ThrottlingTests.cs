using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Issue 19, defect 1: a Retry-After longer than the call may still wait fails that call at once,
    /// saying when Partner Center takes requests again, and holds nothing else back: the next call of
    /// the session is sent, and in a fan-out every customer's throttling error comes when it is known.
    /// No test here waits for a Retry-After; each run's timeout only guards against a hang.
    /// </summary>
    [Collection(ReportsEmulatorCollection.Name)]
    public sealed class ThrottlingTests
    {
        private const string Connect = "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n";
        private const string DeploymentPath = "/v1/analytics/licenses/deployment";
        private const string Throttled = "{\"code\":429,\"description\":\"Too many requests.\"}";
        private readonly EmulatorFixture _emulator;

        public ThrottlingTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private List<RecordedRequest> Calls(string path) => _emulator.State.Requests.Where(r => r.Path == path && r.ReceivedAt >= _emulator.ResetAt).ToList();

        private static string CustomerPath(string id) => "/v1/customers/" + id + "/analytics/licenses/deployment";

        // Two calls in one session, errors written rather than ending the script: the first is throttled.
        private Task<HostedRunResult> TwoCallsAsync(EmulatorFault fault, string options = "")
        {
            _emulator.State.EnqueueFault(DeploymentPath, fault);
            return _emulator.RunAsync(
                "$ErrorActionPreference = 'Continue'\n" + Connect + options
                + "Get-PartnerLicenseDeployment | ForEach-Object ServiceName\n'---'\nGet-PartnerLicenseDeployment | ForEach-Object ServiceName",
                _emulator.WithRefreshToken(),
                timeout: TimeSpan.FromSeconds(90));
        }

        private static DateTime AcceptedAgainAt(string message)
        {
            Match time = Regex.Match(message, @"accept requests again at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC");
            Assert.True(time.Success, message);
            return DateTime.ParseExact(time.Groups[1].Value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        }

        [Theory]
        [InlineData("3600", 3600L)]
        [InlineData("99999999", 99999999L)]
        [InlineData("999999999999999999999999", 3650L * 86400)]
        public async Task A_retry_after_past_the_budget_fails_the_call_at_once_saying_when_and_the_next_call_is_sent(string retryAfter, long seconds)
        {
            var result = await TwoCallsAsync(EmulatorFault.Status(429, Throttled).WithHeader("Retry-After", retryAfter));

            Assert.Null(result.TerminatingError);
            var error = Assert.Single(result.Errors);
            Assert.StartsWith("PartnerCenter.Throttled,", error.FullyQualifiedErrorId);
            Assert.Equal("LimitsExceeded", error.Category);
            Assert.Contains("later than this call could still wait", error.Message);
            Assert.Contains("-MaximumRetryWaitSec", error.Message);

            // The time is the first answer's arrival plus the Retry-After, give or take a loaded machine.
            var calls = Calls(DeploymentPath);
            DateTime expected = calls[0].ReceivedAt.UtcDateTime.AddSeconds(seconds);
            DateTime said = AcceptedAgainAt(error.Message);
            Assert.InRange(said, expected.AddSeconds(-2), expected.AddSeconds(60));
            Assert.Contains(said.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC", error.RecommendedAction);

            // Not retried, and the session's next call is sent and answered.
            Assert.Equal(new[] { 429, 200 }, calls.Select(c => c.StatusCode));
            Assert.Equal(new[] { "---", "crm", "o365" }, result.Output.Select(o => o.Text));
        }

        [Fact]
        public async Task A_retry_after_date_hours_away_fails_the_call_at_once_and_the_next_call_is_sent()
        {
            var result = await TwoCallsAsync(EmulatorFault.Status(429, Throttled).WithRetryAfterDateIn(TimeSpan.FromHours(2)));

            var error = Assert.Single(result.Errors);
            Assert.StartsWith("PartnerCenter.Throttled,", error.FullyQualifiedErrorId);
            DateTime expected = Calls(DeploymentPath)[0].ReceivedAt.UtcDateTime.AddHours(2);
            Assert.InRange(AcceptedAgainAt(error.Message), expected.AddSeconds(-2), expected.AddSeconds(60));
            Assert.Equal(new[] { 429, 200 }, Calls(DeploymentPath).Select(c => c.StatusCode));
            Assert.Equal(new[] { "---", "crm", "o365" }, result.Output.Select(o => o.Text));
        }

        [Theory]
        [InlineData("soon")]
        [InlineData("-5")]
        [InlineData("Thu, 01 Jan 1970 00:00:00 GMT")]
        public async Task A_retry_after_in_the_past_or_unreadable_is_retried_like_any_throttling(string retryAfter)
        {
            var result = await TwoCallsAsync(
                EmulatorFault.Status(429, Throttled).WithHeader("Retry-After", retryAfter),
                "Set-PartnerCenterRequestOption -RetryIntervalSec 0.05\n");

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(new[] { "crm", "o365", "---", "crm", "o365" }, result.Output.Select(o => o.Text));
            Assert.Equal(new[] { 429, 200, 200 }, Calls(DeploymentPath).Select(c => c.StatusCode));
        }

        [Fact]
        public async Task Twelve_customers_all_throttled_for_an_hour_end_with_twelve_throttling_errors_one_request_each()
        {
            var ids = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid().ToString()).ToList();
            foreach (string id in ids)
            {
                _emulator.State.AddCustomer(id, "Customer " + id);
                _emulator.State.EnqueueFault(CustomerPath(id), EmulatorFault.Status(429, Throttled).WithRetryAfter(TimeSpan.FromHours(1)));
            }

            var result = await _emulator.RunAsync(
                "$ErrorActionPreference = 'Continue'\n" + Connect + "Get-PartnerLicenseDeployment -CustomerId " + string.Join(",", ids.Select(i => "'" + i + "'")),
                _emulator.WithRefreshToken(),
                timeout: TimeSpan.FromSeconds(90));

            Assert.Null(result.TerminatingError);
            Assert.Empty(result.Output);
            Assert.Equal(12, result.Errors.Count);
            Assert.All(result.Errors, e =>
            {
                Assert.StartsWith("PartnerCenter.Throttled,", e.FullyQualifiedErrorId);
                Assert.Contains("accept requests again at", e.Message);
            });
            Assert.Equal(ids.OrderBy(i => i), result.Errors.Select(e => e.TargetName).OrderBy(i => i));
            Assert.All(ids, id => Assert.Single(Calls(CustomerPath(id))));
        }
    }
}
