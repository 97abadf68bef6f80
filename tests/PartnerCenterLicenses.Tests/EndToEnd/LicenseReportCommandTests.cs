using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Browser;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Export-PartnerLicenseReport through the built module against the emulator: the commercial analytics read when
    /// nothing is piped (the README's example), the module's own objects piped in, the summary -PassThru writes, an
    /// existing file, input it cannot use, and -Open where no person is behind the host. The file it writes is opened
    /// in headless Chromium and its figures compared with the rows the emulator served.
    /// </summary>
    [Collection(ReportsEmulatorCollection.Name)]
    public sealed class LicenseReportCommandTests : IClassFixture<HeadlessChromium>
    {
        private const string Command = ",PartnerCenterLicenses.Commands.ExportPartnerLicenseReportCommand";
        private const string SummaryType = "PartnerCenterLicenses.Models.PartnerLicenseReportSummary";
        private readonly EmulatorFixture _emulator;
        private readonly HeadlessChromium _browser;
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "pcl-report-cmdlet-" + Guid.NewGuid().ToString("N"));

        public LicenseReportCommandTests(EmulatorFixture emulator, HeadlessChromium browser)
        {
            _emulator = emulator;
            _emulator.Reset();
            _browser = browser;
            Directory.CreateDirectory(_folder);
        }

        private Task<HostedRunResult> RunAsync(string command) =>
            _emulator.RunAsync("$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n" + command, _emulator.WithRefreshToken());

        private static string Quoted(string path) => "'" + path.Replace("'", "''") + "'";

        private int Requests(string path) => _emulator.State.Requests.Count(r => r.Path == path);

        [Fact]
        public async Task Without_input_it_reports_every_customers_commercial_deployment_and_usage_and_the_page_shows_the_served_figures()
        {
            _emulator.State.SetCommercialRows("deployment", 40);
            _emulator.State.SetCommercialRows("usage", 40);
            string path = Path.Combine(_folder, "licenses.html");

            var result = await RunAsync(
                "Export-PartnerLicenseReport -Path " + Quoted(path) + " -Culture en-US -PassThru\n"
                + "Get-PartnerCommercialLicenseDeployment");

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(2, Requests("/partner/v1/analytics/commercial/deployment/license"));
            Assert.Equal(1, Requests("/partner/v1/analytics/commercial/usage/license"));
            var summary = result.Output[0];
            Assert.Equal(SummaryType, summary.TypeNames[0]);
            var rows = result.Output.Skip(1).ToList();
            Assert.Equal(40, rows.Count);
            long sold = rows.Sum(r => long.Parse(r.Property("LicensesSold").Value, CultureInfo.InvariantCulture));
            long deployed = rows.Sum(r => long.Parse(r.Property("LicensesDeployed").Value, CultureInfo.InvariantCulture));
            long undeployed = rows.Sum(r => Math.Max(0, long.Parse(r.Property("LicensesSold").Value, CultureInfo.InvariantCulture) - long.Parse(r.Property("LicensesDeployed").Value, CultureInfo.InvariantCulture)));
            Assert.Equal(("System.Int64", sold.ToString(CultureInfo.InvariantCulture)), summary.Property("LicensesSold"));
            Assert.Equal(("System.Int64", undeployed.ToString(CultureInfo.InvariantCulture)), summary.Property("LicensesNotDeployed"));
            Assert.Equal(("System.Int32", "40"), summary.Property("Customers"));
            Assert.Equal(("System.Int32", "80"), summary.Property("Rows"));
            Assert.Equal(path, summary.Property("Path").Value);
            Assert.Equal("en-US", summary.Property("Culture").Value);

            await _browser.OpenAsync(path);
            Assert.DoesNotContain(_browser.Events, e => e.Method == "Runtime.exceptionThrown" || (e.Method == "Log.entryAdded" && (string)e.Params["entry"]["level"] == "error"));
            Assert.Single(_browser.Events, e => e.Method == "Network.requestWillBeSent");
            JsonNode figures = await _browser.EvaluateAsync("(() => { const f = {}; document.querySelectorAll('[data-figure]').forEach(d => f[d.dataset.figure] = d.textContent); return f; })()");
            var english = CultureInfo.GetCultureInfo("en-US");
            Assert.Equal(sold.ToString("N0", english), (string)figures["sold"]);
            Assert.Equal(deployed.ToString("N0", english), (string)figures["deployed"]);
            Assert.Equal(undeployed.ToString("N0", english), (string)figures["undeployed"]);
            Assert.Equal("40", (string)figures["customers"]);
            string top = rows.OrderByDescending(r => long.Parse(r.Property("LicensesSold").Value, CultureInfo.InvariantCulture) - long.Parse(r.Property("LicensesDeployed").Value, CultureInfo.InvariantCulture))
                .ThenBy(r => r.Property("CustomerName").Value, StringComparer.Ordinal).First().Property("CustomerName").Value;
            Assert.Equal(top, (string)await _browser.EvaluateAsync("document.querySelector('#customers-table tbody th').textContent"));
            Assert.True((int)await _browser.EvaluateAsync("document.querySelectorAll('#workloads-table tbody tr').length") > 0);
        }

        [Fact]
        public async Task Piped_customer_level_deployment_is_reported_and_an_object_it_cannot_use_is_one_error_while_the_rest_is_written()
        {
            string path = Path.Combine(_folder, "customer.html");
            var result = await RunAsync(
                "@(Get-PartnerLicenseDeployment -CustomerId '" + EmulatorState.DefaultCustomerId + "') + @('not a license row') + @(Get-PartnerLicenseDeployment) |\n"
                + "    Export-PartnerLicenseReport -Path " + Quoted(path) + " -PassThru -ErrorAction Continue");

            Assert.Null(result.TerminatingError);
            var error = Assert.Single(result.Errors);
            Assert.Equal("PartnerCenter.ReportInputNotSupported" + Command, error.FullyQualifiedErrorId);
            Assert.Equal("InvalidArgument", error.Category);
            Assert.Contains("System.String", error.Message);
            var summary = Assert.Single(result.Output);
            Assert.Equal("1", summary.Property("Customers").Value);
            Assert.True(File.Exists(path));
            string html = File.ReadAllText(path);
            Assert.Contains("partner-deployment-table", html);
            Assert.Contains("customers-table", html);
        }

        [Fact]
        public async Task An_existing_file_is_kept_and_nothing_is_read_without_Force_and_replaced_with_it()
        {
            string path = Path.Combine(_folder, "existing.html");
            File.WriteAllText(path, "an older report");

            var refused = await RunAsync("Export-PartnerLicenseReport -Path " + Quoted(path));

            Assert.Equal("PartnerCenter.FileExists" + Command, refused.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("InvalidArgument", refused.TerminatingError.Category);
            Assert.Equal("an older report", File.ReadAllText(path));
            Assert.Equal(0, Requests("/partner/v1/analytics/commercial/deployment/license"));

            var replaced = await RunAsync("Export-PartnerLicenseReport -Path " + Quoted(path) + " -Force");

            Assert.True(replaced.TerminatingError == null && replaced.Errors.Count == 0, replaced.Describe());
            Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(path));
            Assert.Empty(Directory.GetFiles(_folder, "*.partial"));
        }

        [Fact]
        public async Task An_empty_pipeline_writes_the_no_data_page_without_a_call_and_Open_is_refused_with_a_warning_where_nobody_is_behind_the_host()
        {
            string path = Path.Combine(_folder, "empty.html");

            var result = await RunAsync("@() | Export-PartnerLicenseReport -Path " + Quoted(path) + " -Open");

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(0, Requests("/partner/v1/analytics/commercial/deployment/license"));
            Assert.Contains("No license data", File.ReadAllText(path));
            var warning = Assert.Single(result.Warning);
            Assert.Contains("not opened", warning);
        }

        [Fact]
        public async Task A_report_that_cannot_be_written_is_ReportNotWritten_and_leaves_no_partial_file()
        {
            string path = Path.Combine(_folder, "no-such-folder", "report.html");

            var result = await RunAsync("@() | Export-PartnerLicenseReport -Path " + Quoted(path));

            Assert.Equal("PartnerCenter.ReportNotWritten" + Command, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("InvalidArgument", result.TerminatingError.Category);
            Assert.Contains("report.html", result.TerminatingError.Message);
            Assert.Contains("-Path", result.TerminatingError.RecommendedAction);
            Assert.False(File.Exists(path));
            Assert.Empty(Directory.GetFiles(_folder, "*", SearchOption.AllDirectories));
        }

        [Fact]
        public async Task With_verbose_and_debug_no_secret_reaches_a_stream_the_report_or_an_error()
        {
            _emulator.State.SetCommercialRows("deployment", 3);
            _emulator.State.SetCommercialRows("usage", 3);
            string path = Path.Combine(_folder, "secrets.html");
            string wrongSecret = "not-the-secret~" + Guid.NewGuid().ToString("N");

            // -Debug alone makes a warning ask for confirmation (PowerShell's rule), which a host without a console cannot.
            var result = await RunAsync(
                "$VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $ErrorActionPreference = 'Continue'\n"
                + "Export-PartnerLicenseReport -Path " + Quoted(path) + " -PassThru -Verbose -Debug -WarningAction Continue\n"
                + "Get-PartnerSeatDeployment -PollIntervalSec 0.01 -Verbose -Debug -WarningAction Continue | Export-PartnerLicenseReport -Path " + Quoted(path) + " -Force -Verbose -Debug -WarningAction Continue\n"
                + "$wrong = [pscredential]::new($env:PCL_CLIENT_ID, (ConvertTo-Secure '" + wrongSecret + "'))\n"
                + "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $wrong -RefreshToken (ConvertTo-Secure $env:PCL_REFRESH_TOKEN) -Tenant $env:PCL_TENANT -Verbose -Debug -WarningAction Continue\n"
                + "$Error | ForEach-Object { $_.ToString(); $_.Exception.ToString(); $_.ErrorDetails.RecommendedAction; $_.TargetObject }");

            Assert.NotEmpty(result.Verbose);
            Assert.NotEmpty(result.Debug);
            Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("PartnerCenter.InvalidClientCredential,", StringComparison.Ordinal));
            Assert.NotEmpty(_emulator.State.IssuedAccessTokens);
            var secrets = new List<string> { _emulator.ClientSecret, wrongSecret, _emulator.WithRefreshToken()["PCL_REFRESH_TOKEN"] };
            secrets.AddRange(_emulator.State.IssuedAccessTokens);
            secrets.AddRange(_emulator.State.IssuedRefreshTokens);
            var visible = EmulatorFixture.EverythingVisible(result).Where(t => !string.IsNullOrEmpty(t)).Append(File.ReadAllText(path)).ToList();
            foreach (string secret in secrets)
            {
                Assert.DoesNotContain(visible, t => t.Contains(secret, StringComparison.Ordinal));
            }
        }
    }
}
