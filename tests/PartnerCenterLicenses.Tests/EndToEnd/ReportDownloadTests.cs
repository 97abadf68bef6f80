using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenter.Emulator.State;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Receive-PartnerInsightsReport through the built module against the emulator's download origin (another
    /// origin than Partner Center's, as blob storage is): typed rows as they arrive, -Path, the custody of the
    /// secure link (what reaches its host, what any stream shows), redirects, retries, expiry, timeouts and Ctrl+C.
    /// </summary>
    [Collection(ReportsEmulatorCollection.Name)]
    public sealed class ReportDownloadTests
    {
        private const string Connect = "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n";
        private const string ExecutionPath = "/insights/v1/mpn/ScheduledReport/execution/rep1";
        private const string Command = ",PartnerCenterLicenses.Commands.ReceivePartnerInsightsReportCommand";

        // The execution a Get-PartnerInsightsReportExecution would write, pointing at the link in $env:PCL_LINK (the
        // link reaches the script through the environment, so only the module could put it into a stream).
        private const string Execution =
            "$execution = [PartnerCenterLicenses.Models.PartnerInsightsReportExecution]::new('exec1', 'rep1', 24, 1, $null, $null, $env:PCL_FORMAT, "
            + "$env:PCL_STATUS, [PartnerCenterLicenses.Boundary.InsightsReportLink]::Parse($env:PCL_LINK), $null, $null)\n";

        // A UTF-8 byte order mark, a quoted name with a comma and a line break, a doubled quote, typed columns.
        private const string SeatsCsv =
            "\uFEFFCustomerTenantId,CustomerName,Month,TotalSoldSeats,TotalAssignedSeats,BilledRevenueUSD\r\n"
            + "11111111-1111-1111-1111-111111111111,\"Contoso, Ltd\nEurope\",2026-11-01,25,20,1234.5\r\n"
            + "22222222-2222-2222-2222-222222222222,\"Fabrikam \"\"Labs\"\"\",2026-11-01,10,10,99\r\n";

        private readonly EmulatorFixture _emulator;

        public ReportDownloadTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private DownloadStore Downloads => _emulator.State.Downloads;

        private static Func<Stream> Bytes(string text) => () => new MemoryStream(Encoding.UTF8.GetBytes(text));

        private Uri Publish(string text, string fileName = "seats.csv") =>
            Downloads.Publish(fileName, Bytes(text), DateTimeOffset.UtcNow.AddHours(1));

        private static string Signature(Uri link) => link.Query.Split('&').Single(p => p.StartsWith("sig=", StringComparison.Ordinal) || p.StartsWith("?sig=", StringComparison.Ordinal)).Split('=')[1];

        private Dictionary<string, string> With(Uri link, string status = "Completed", string format = "csv", IDictionary<string, string> extra = null)
        {
            var variables = new Dictionary<string, string> { ["PCL_LINK"] = link.ToString(), ["PCL_STATUS"] = status, ["PCL_FORMAT"] = format };
            foreach (var pair in extra ?? new Dictionary<string, string>())
            {
                variables[pair.Key] = pair.Value;
            }

            return _emulator.WithRefreshToken(variables);
        }

        private static void AssertSignatureNowhere(HostedRunResult result, params Uri[] links)
        {
            foreach (Uri link in links)
            {
                string signature = Signature(link);
                foreach (string text in EmulatorFixture.EverythingVisible(result).Where(t => t != null))
                {
                    Assert.DoesNotContain(signature, text, StringComparison.OrdinalIgnoreCase);
                    Assert.DoesNotContain("sig=", text, StringComparison.OrdinalIgnoreCase);
                }
            }
        }

        [Fact]
        public async Task Rows_are_objects_with_the_files_columns_in_order_and_values_typed_per_column()
        {
            Uri link = Publish(SeatsCsv);
            var result = await _emulator.RunAsync(
                Connect + Execution
                + "$rows = @($execution | Receive-PartnerInsightsReport)\n"
                + "$rows.Count\n"
                + "$rows[0].PSObject.Properties.Name -join ','\n"
                + "$rows[0].CustomerName\n"
                + "$rows[1].CustomerName\n"
                + "$rows[0].TotalSoldSeats.GetType().Name + ' ' + $rows[0].TotalSoldSeats\n"
                + "$rows[0].BilledRevenueUSD.GetType().Name + ' ' + $rows[0].BilledRevenueUSD.ToString([cultureinfo]::InvariantCulture)\n"
                + "$rows[0].Month.GetType().Name + ' ' + $rows[0].Month.ToString('o')\n"
                + "$rows[0].CustomerTenantId.GetType().Name",
                With(link));

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0 && result.Warning.Count == 0, result.Describe());
            Assert.Equal(
                new[]
                {
                    "2", "CustomerTenantId,CustomerName,Month,TotalSoldSeats,TotalAssignedSeats,BilledRevenueUSD", "Contoso, Ltd\nEurope", "Fabrikam \"Labs\"",
                    "Int64 25", "Double 1234.5", "DateTimeOffset 2026-11-01T00:00:00.0000000+00:00", "String",
                },
                result.Output.Select(o => o.Text));

            // The CSV reader is one of the engine's dependencies: loaded from the module's Dependencies folder into its own context.
            HostedAssembly reader = Assert.Single(result.LoadedAssemblies, a => a.Name == "Sylvan.Data.Csv");
            Assert.Equal("PartnerCenterLicenses", reader.LoadContext);
            Assert.StartsWith(Path.Combine(RepositoryPaths.ModuleFolder, "Dependencies"), reader.Location);
        }

        [Fact]
        public async Task The_links_host_gets_no_authorization_or_partner_center_header_and_no_stream_shows_the_signature()
        {
            Uri link = Publish(SeatsCsv);
            var result = await _emulator.RunAsync(
                Connect + Execution
                + "foreach ($p in $execution.PSObject.Properties) { $p.Name + '=' + $p.Value }\n"
                + "foreach ($p in $execution.ReportAccessSecureLink.PSObject.Properties) { $p.Name + '=' + $p.Value }\n"
                + "\"$execution\"\n"
                + "$execution | Receive-PartnerInsightsReport -Verbose -Debug",
                With(link));

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            RecordedRequest download = Assert.Single(Downloads.Requests);
            Assert.Equal("GET", download.Method);
            Assert.Equal(link.AbsolutePath, download.Path);
            Assert.NotEqual(_emulator.Url.Authority, link.Authority);
            Assert.False(download.Headers.ContainsKey("Authorization"), string.Join("; ", download.Headers.Keys));
            Assert.DoesNotContain(download.Headers.Keys, name => name.StartsWith("MS-", StringComparison.OrdinalIgnoreCase) || name.Equals("X-Locale", StringComparison.OrdinalIgnoreCase));
            Assert.Contains(result.Verbose, line => line.Contains(link.GetLeftPart(UriPartial.Path), StringComparison.Ordinal));
            Assert.Contains(result.Debug, line => line.StartsWith("Request headers:", StringComparison.Ordinal));
            AssertSignatureNowhere(result, link);
        }

        [Fact]
        public async Task A_redirect_to_plain_http_is_refused_and_nothing_is_sent_there()
        {
            Uri link = Publish(SeatsCsv);
            Downloads.EnqueueFault(EmulatorFault.Status(302).WithHeader("Location", "http://127.0.0.1:9/reports/elsewhere.csv?sig=0123456789abcdef"));
            var result = await _emulator.RunAsync(Connect + Execution + "$execution | Receive-PartnerInsightsReport -Verbose -Debug", With(link));

            Assert.NotNull(result.TerminatingError);
            Assert.Equal("PartnerCenter.InsecureRedirectRefused" + Command, result.TerminatingError.FullyQualifiedErrorId);
            Assert.Equal("SecurityError", result.TerminatingError.Category);
            Assert.Contains("http://127.0.0.1:9/reports/elsewhere.csv", result.TerminatingError.Message);
            Assert.Contains("not HTTPS", result.TerminatingError.Message);
            Assert.Single(Downloads.Requests);
            AssertSignatureNowhere(result, link);
            Assert.DoesNotContain(EmulatorFixture.EverythingVisible(result).Where(t => t != null), t => t.Contains("0123456789abcdef", StringComparison.Ordinal));
        }

        [Fact]
        public async Task A_redirect_to_another_https_host_is_refused_too()
        {
            Uri link = Publish(SeatsCsv);
            Downloads.EnqueueFault(EmulatorFault.Status(307).WithHeader("Location", _emulator.Url + "reports/copy.csv"));
            var result = await _emulator.RunAsync(Connect + Execution + "$execution | Receive-PartnerInsightsReport", With(link));

            Assert.Equal("PartnerCenter.InsecureRedirectRefused" + Command, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Single(Downloads.Requests);
            Assert.DoesNotContain(_emulator.State.Requests, r => r.Path == "/reports/copy.csv");
        }

        [Fact]
        public async Task A_503_with_retry_after_is_retried_within_the_budget()
        {
            Uri link = Publish(SeatsCsv);
            Downloads.EnqueueFault(EmulatorFault.Status(503).WithRetryAfter(TimeSpan.FromSeconds(1)));
            var result = await _emulator.RunAsync(Connect + Execution + "@($execution | Receive-PartnerInsightsReport -Verbose).Count", With(link));

            Assert.True(result.TerminatingError == null, result.Describe());
            Assert.Equal("2", Assert.Single(result.Output).Text);
            Assert.Equal(new[] { 503, 200 }, Downloads.Requests.Select(r => r.StatusCode));
            Assert.Contains(result.Verbose, line => line.StartsWith("The report file's host answered 503", StringComparison.Ordinal));
        }

        [Fact]
        public async Task An_expired_link_is_fetched_again_from_the_execution_once()
        {
            Uri expired = Publish(SeatsCsv);
            Downloads.ExpireAll();
            Uri fresh = Publish(SeatsCsv);
            _emulator.State.EnqueueResponse(ExecutionPath, 200, ExecutionJson(fresh));
            var result = await _emulator.RunAsync(Connect + Execution + "@($execution | Receive-PartnerInsightsReport).Count", With(expired));

            Assert.True(result.TerminatingError == null, result.Describe());
            Assert.Equal("2", Assert.Single(result.Output).Text);
            Assert.Equal(new[] { 403, 200 }, Downloads.Requests.Select(r => r.StatusCode));
            RecordedRequest again = Assert.Single(_emulator.State.Requests, r => r.Path == ExecutionPath);
            Assert.Equal("?executionId=exec1", again.QueryString);
            AssertSignatureNowhere(result, expired, fresh);
        }

        [Fact]
        public async Task A_link_still_refused_after_fetching_it_again_is_a_clear_error()
        {
            Uri expired = Publish(SeatsCsv);
            Downloads.ExpireAll();
            _emulator.State.EnqueueResponse(ExecutionPath, 200, ExecutionJson(expired));
            var result = await _emulator.RunAsync(Connect + Execution + "$execution | Receive-PartnerInsightsReport", With(expired));

            Assert.Equal("PartnerCenter.ReportLinkExpired" + Command, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Contains("403", result.TerminatingError.Message);
            Assert.Contains("AuthenticationFailed", result.TerminatingError.Message);
            Assert.Contains("Get-PartnerInsightsReportExecution", result.TerminatingError.RecommendedAction);
            Assert.Equal(2, Downloads.Requests.Count);
            AssertSignatureNowhere(result, expired);
        }

        [Theory]
        [InlineData("Running", "PartnerCenter.ReportNotReady", "Invoke-PartnerInsightsQuery")]
        [InlineData("Pending", "PartnerCenter.ReportNotReady", "Invoke-PartnerInsightsQuery")]
        [InlineData("Paused", "PartnerCenter.ReportNotReady", "Resume-PartnerInsightsReport")]
        [InlineData("Failed", "PartnerCenter.ReportFailed", "Get-PartnerInsightsQuery")]
        public async Task An_execution_that_is_not_completed_is_refused_before_anything_is_sent(string status, string errorId, string advice)
        {
            Uri link = Publish(SeatsCsv);
            var result = await _emulator.RunAsync(Connect + Execution + "$execution | Receive-PartnerInsightsReport", With(link, status));

            Assert.Equal(errorId + Command, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Contains(status, result.TerminatingError.Message);
            Assert.Contains(advice, result.TerminatingError.RecommendedAction);
            Assert.Empty(Downloads.Requests);
        }

        [Fact]
        public async Task Path_saves_the_file_and_replaces_one_only_with_force()
        {
            Uri link = Publish(SeatsCsv);
            string folder = Path.Combine(Path.GetTempPath(), "pcl-report-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                string target = Path.Combine(folder, "seats.csv");
                var result = await _emulator.RunAsync(
                    "$ErrorActionPreference = 'Continue'\n" + Connect + Execution
                    + "($execution | Receive-PartnerInsightsReport -Path $env:PCL_TARGET).Length\n"
                    + "$execution | Receive-PartnerInsightsReport -Path $env:PCL_TARGET\n"
                    + "'second: ' + ($execution | Receive-PartnerInsightsReport -Path $env:PCL_TARGET -Force).Name",
                    With(link, extra: new Dictionary<string, string> { ["PCL_TARGET"] = target }));

                Assert.Equal(Encoding.UTF8.GetByteCount(SeatsCsv).ToString(), result.Output[0].Text);
                Assert.Equal("PartnerCenter.FileExists" + Command, (result.TerminatingError ?? result.Errors.Single()).FullyQualifiedErrorId);
                Assert.Equal(Encoding.UTF8.GetBytes(SeatsCsv), File.ReadAllBytes(target));
                Assert.Equal(new[] { "seats.csv" }, Directory.GetFiles(folder).Select(Path.GetFileName));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Fact]
        public async Task A_connection_reset_mid_body_ends_with_an_error_after_the_rows_already_read()
        {
            Uri link = Publish(SeatsCsv);
            string body = SeatsCsv + string.Concat(Enumerable.Repeat("33333333-3333-3333-3333-333333333333,Tailspin,2026-11-01,1,1,1\r\n", 200));
            Downloads.EnqueueFault(EmulatorFault.TruncatedBody(200, body, bytesBeforeAbort: body.Length - 100).WithHeader("Content-Type", "text/csv"));
            var result = await _emulator.RunAsync(
                Connect + Execution + "$script:count = 0\ntry { $execution | Receive-PartnerInsightsReport | ForEach-Object { $script:count++ } } finally { $script:count }",
                With(link));

            Assert.Equal("PartnerCenter.ServiceUnreachable" + Command, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Contains("broke off after", result.TerminatingError.Message);
            Assert.True(int.Parse(result.Output.Single().Text) > 2, result.Describe());
            AssertSignatureNowhere(result, link);
        }

        [Fact]
        public async Task The_first_row_is_written_while_the_rest_of_the_file_has_not_arrived()
        {
            string firstRow = SeatsCsv.Substring(0, SeatsCsv.IndexOf("22222222", StringComparison.Ordinal));
            Uri link = Publish(SeatsCsv);
            DownloadStall stall = Downloads.StallAfter(Encoding.UTF8.GetByteCount(firstRow) + 5);
            string mark = Path.Combine(Path.GetTempPath(), "pcl-first-row-" + Guid.NewGuid().ToString("N"));
            try
            {
                Task<HostedRunResult> run = _emulator.RunAsync(
                    Connect + Execution
                    + "$execution | Receive-PartnerInsightsReport | ForEach-Object -Begin { $n = 0 } -Process { $n++; if ($n -eq 1) { [IO.File]::WriteAllText($env:PCL_MARK + '.part', $_.CustomerTenantId); [IO.File]::Move($env:PCL_MARK + '.part', $env:PCL_MARK) }; $_.CustomerTenantId }",
                    With(link, extra: new Dictionary<string, string> { ["PCL_MARK"] = mark }));

                await stall.Reached.WaitAsync(TimeSpan.FromSeconds(60));

                // The mark is written beside and moved into place, so it is never seen empty.
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                while (!File.Exists(mark) && !run.IsCompleted)
                {
                    await Task.Delay(20, deadline.Token);
                }

                if (run.IsCompleted)
                {
                    Assert.Fail("The run ended before the rest of the file was sent: " + (await run).Describe());
                }

                Assert.Equal("11111111-1111-1111-1111-111111111111", File.ReadAllText(mark));
                stall.Release();
                HostedRunResult result = await run;
                Assert.True(result.TerminatingError == null, result.Describe());
                Assert.Equal(2, result.Output.Count);
            }
            finally
            {
                stall.Release();
                File.Delete(mark);
                File.Delete(mark + ".part");
            }
        }

        [Fact]
        public async Task A_body_that_stops_arriving_ends_with_a_timeout_after_the_rows_already_read()
        {
            Uri link = Publish(SeatsCsv);
            string firstRow = SeatsCsv.Substring(0, SeatsCsv.IndexOf("22222222", StringComparison.Ordinal));
            DownloadStall stall = Downloads.StallAfter(Encoding.UTF8.GetByteCount(firstRow) + 5);
            try
            {
                var result = await _emulator.RunAsync(
                    Connect + Execution
                    + "Set-PartnerCenterRequestOption -TimeoutSec 1 -Confirm:$false\n"
                    + "try { $execution | Receive-PartnerInsightsReport | ForEach-Object { $_.CustomerTenantId } } finally { Set-PartnerCenterRequestOption -Default -Confirm:$false }",
                    With(link));

                Assert.Equal("PartnerCenter.Timeout" + Command, result.TerminatingError?.FullyQualifiedErrorId);
                Assert.Contains("after 1 row(s)", result.TerminatingError.Message);
                Assert.Equal("11111111-1111-1111-1111-111111111111", Assert.Single(result.Output).Text);
                AssertSignatureNowhere(result, link);
            }
            finally
            {
                stall.Release();
            }
        }

        [Fact]
        public async Task Ctrl_C_while_the_body_stalls_stops_the_command_at_once()
        {
            Uri link = Publish(SeatsCsv);
            DownloadStall stall = Downloads.StallAfter(10);
            try
            {
                var result = await _emulator.RunAsync(
                    Connect + Execution + "$execution | Receive-PartnerInsightsReport",
                    With(link),
                    stopWhen: async cancellation => await stall.Reached.WaitAsync(cancellation));

                Assert.True(result.Stopped, result.Describe());
                Assert.Null(result.TerminatingError);
                Assert.Empty(result.Output);
            }
            finally
            {
                stall.Release();
            }
        }

        private static string ExecutionJson(Uri link) =>
            "{\"value\":[{\"executionId\":\"exec1\",\"reportId\":\"rep1\",\"recurrenceInterval\":24,\"recurrenceCount\":1,\"callbackUrl\":null,"
            + "\"format\":\"csv\",\"executionStatus\":\"Completed\",\"reportAccessSecureLink\":\"" + link + "\","
            + "\"reportExpiryTime\":\"" + DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ") + "\",\"reportGeneratedTime\":\"2026-12-01T00:00:00Z\"}],"
            + "\"nextLink\":null,\"totalCount\":1,\"message\":null,\"statusCode\":200,\"dataRedacted\":false}";
    }
}
