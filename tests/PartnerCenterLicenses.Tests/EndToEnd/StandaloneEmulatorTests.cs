using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Issue 21: the standalone emulator's switches for latency, page size, throttling and faults, driven
    /// through the same parsing and mapping onto <see cref="EmulatorState"/> the program uses, and seen
    /// through the module or a plain HttpClient as a user trying them would see them.
    /// </summary>
    [Collection(ReportsEmulatorCollection.Name)]
    public sealed class StandaloneEmulatorSwitchTests
    {
        private const string Connect = "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n";
        private const string CustomersPath = "/v1/customers";
        private const string DeploymentPath = "/v1/analytics/licenses/deployment";
        private const string CommercialDeploymentPath = "/partner/v1/analytics/commercial/deployment/license";
        private readonly EmulatorFixture _emulator;

        public StandaloneEmulatorSwitchTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private void Apply(params string[] args)
        {
            EmulatorCommandLine commandLine = EmulatorCommandLine.Parse(args, out string error);
            Assert.True(commandLine != null, error);
            commandLine.ApplyTo(_emulator.State);
        }

        private IEnumerable<RecordedRequest> Requests(string path) =>
            _emulator.State.Requests.Where(r => r.Path == path && r.ReceivedAt >= _emulator.ResetAt);

        [Theory]
        [InlineData("--latency", "soon")]
        [InlineData("--page-size", "0")]
        [InlineData("--throttle-every", "-1")]
        [InlineData("--retry-after", "1h")]
        [InlineData("--fault", "200")]
        [InlineData("--fault", "503:0")]
        [InlineData("--nonsense", "1")]
        public void A_switch_with_a_value_it_cannot_take_is_refused_naming_it(string name, string value)
        {
            Assert.Null(EmulatorCommandLine.Parse(new[] { name, value }, out string error));
            Assert.Contains(name, error);
            Assert.Contains("--help", error);
        }

        [Theory]
        [InlineData("500ms", 500)]
        [InlineData("2s", 2000)]
        [InlineData("1m", 60000)]
        [InlineData("250", 250)]
        public void Latency_takes_milliseconds_seconds_or_minutes_and_becomes_the_Partner_Center_latency(string value, int milliseconds)
        {
            Apply("--latency=" + value);

            Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), _emulator.State.PartnerCenterLatency);
        }

        [Fact]
        public async Task Latency_holds_the_module_request_until_Ctrl_C_stops_it()
        {
            Apply("--latency", "10m");

            var result = await _emulator.RunAsync(
                Connect + "Get-PartnerLicenseDeployment",
                _emulator.WithRefreshToken(),
                stopWhen: _emulator.Seen(r => r.Path == DeploymentPath));

            Assert.True(result.Stopped);
            Assert.Empty(result.Output);
            Assert.Single(Requests(DeploymentPath));
        }

        [Fact]
        public async Task Page_size_pages_the_customer_list_and_the_commercial_analytics_one_item_a_page()
        {
            _emulator.State.AddCustomers(2);
            _emulator.State.SetCommercialRows("deployment", 3);
            Apply("--page-size", "1");

            var result = await _emulator.RunAsync(
                Connect + "@(Get-PartnerCustomer).Count\n@(Get-PartnerCommercialLicenseDeployment).Count",
                _emulator.WithRefreshToken());

            Assert.Null(result.TerminatingError);
            Assert.Equal(new[] { "3", "3" }, result.Output.Select(o => o.Text));
            Assert.Equal(3, Requests(CustomersPath).Count());
            Assert.Equal(3, Requests(CommercialDeploymentPath).Count());
        }

        [Fact]
        public async Task Throttle_every_answers_each_Nth_request_429_with_the_Retry_After_given()
        {
            Apply("--throttle-every", "2", "--retry-after", "7");
            using HttpClient client = _emulator.NewTrustingHttpClient();

            var answers = new List<HttpResponseMessage>();
            for (int i = 0; i < 4; i++)
            {
                answers.Add(await client.GetAsync(CustomersPath));
            }

            // No token: the requests the throttle lets through are refused by the API itself.
            Assert.Equal(
                new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests },
                answers.Select(a => a.StatusCode));
            Assert.All(answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests), a => Assert.Equal(TimeSpan.FromSeconds(7), a.Headers.RetryAfter.Delta));
            answers.ForEach(a => a.Dispose());
        }

        [Fact]
        public async Task A_throttled_module_run_waits_as_told_and_still_returns_every_row()
        {
            Apply("--throttle-every", "2", "--retry-after", "1");

            var result = await _emulator.RunAsync(
                Connect + "@(Get-PartnerLicenseDeployment).Count\n@(Get-PartnerLicenseDeployment).Count",
                _emulator.WithRefreshToken());

            Assert.Null(result.TerminatingError);
            Assert.Equal(2, result.Output.Count);
            Assert.Equal(result.Output[0].Text, result.Output[1].Text);
            Assert.Equal(new[] { 200, 429, 200 }, Requests(DeploymentPath).Select(r => r.StatusCode));
        }

        [Fact]
        public async Task Fault_answers_the_next_requests_with_the_status_then_a_reset_in_the_order_given()
        {
            Apply("--fault", "503:2", "--fault", "reset");
            using HttpClient client = _emulator.NewTrustingHttpClient();

            using HttpResponseMessage first = await client.GetAsync(CustomersPath);
            using HttpResponseMessage second = await client.GetAsync(CustomersPath);
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(CustomersPath));
            using HttpResponseMessage fourth = await client.GetAsync(CustomersPath);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, fourth.StatusCode);
        }

        [Fact]
        public async Task A_module_run_meeting_a_fault_retries_and_returns_the_rows()
        {
            Apply("--fault", "503");

            var result = await _emulator.RunAsync(Connect + "@(Get-PartnerLicenseDeployment).Count", _emulator.WithRefreshToken());

            Assert.Null(result.TerminatingError);
            Assert.NotEqual("0", Assert.Single(result.Output).Text);
            Assert.Equal(new[] { 503, 200 }, Requests(DeploymentPath).Select(r => r.StatusCode));
        }
    }

    /// <summary>
    /// Issue 21: the standalone emulator as a process, as a user starts it: <c>--help</c> lists every switch
    /// and, like the banner, fits an 80-column terminal, so nothing wraps in the middle of a word.
    /// </summary>
    public sealed class StandaloneEmulatorProcessTests
    {
        // Generous: on a machine whose load is many times its cores, starting dotnet and the emulator took over a minute.
        private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

        private static void AssertFits80Columns(string text)
        {
            string[] tooLong = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 80).ToArray();
            Assert.True(tooLong.Length == 0, "Lines over 80 columns:\n" + string.Join("\n", tooLong));
        }

        [Fact]
        public async Task Help_lists_every_switch_within_80_columns()
        {
            using var emulator = new SupervisedProcess(SupervisedProcess.Dotnet, new[] { RepositoryPaths.StandaloneEmulator, "--help" }) { Name = "the emulator" }.Start();

            Assert.Equal(0, await emulator.WaitForExitAsync(Limit));
            foreach (string name in new[] { "--port", "--info-file", "--auto-approve-device-codes", "--latency", "--page-size", "--throttle-every", "--retry-after", "--fault", "--help" })
            {
                Assert.Contains(name, emulator.Error);
            }

            AssertFits80Columns(emulator.Error);
        }

        [Fact]
        public async Task An_unknown_switch_fails_with_exit_code_2_and_the_help()
        {
            using var emulator = new SupervisedProcess(SupervisedProcess.Dotnet, new[] { RepositoryPaths.StandaloneEmulator, "--latency", "soon" }) { Name = "the emulator" }.Start();

            Assert.Equal(2, await emulator.WaitForExitAsync(Limit));
            Assert.Contains("Invalid --latency 'soon'", emulator.Error);
            Assert.Contains("--throttle-every", emulator.Error);
        }

        [Fact]
        public async Task Banner_fits_80_columns_and_says_what_the_switches_simulate()
        {
            var bannerDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var emulator = new SupervisedProcess(
                SupervisedProcess.Dotnet,
                new[] { RepositoryPaths.StandaloneEmulator, "--latency", "2s", "--page-size", "1", "--throttle-every", "3", "--retry-after", "5", "--fault", "503:2", "--auto-approve-device-codes" })
            {
                Name = "the emulator",
                OutputLineHandler = line =>
                {
                    if (line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
                    {
                        bannerDone.TrySetResult();
                    }

                    return false;
                },
            }.Start();

            Task<int> exited = emulator.WaitForExitAsync(Limit);
            if (await Task.WhenAny(bannerDone.Task, exited) != bannerDone.Task)
            {
                // A timeout throws here, with what the emulator wrote; an exit is a failure of its own.
                Assert.Fail($"The emulator exited (code {await exited}) before its banner:\n" + emulator.Transcript);
            }

            string banner = emulator.Output;
            AssertFits80Columns(banner);
            Assert.Contains("latency 2000 ms", banner);
            Assert.Contains("pages of 1", banner);
            Assert.Contains("429 every 3 (Retry-After 5 s)", banner);
            Assert.Contains("2 faults queued", banner);
            Assert.Contains("connect.ps1", banner);
        }
    }
}
