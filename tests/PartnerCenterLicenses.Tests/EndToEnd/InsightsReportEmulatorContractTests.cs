using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenter.Emulator.State;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// The emulator keeps the documented contract of Partner insights scheduled reports and their executions,
    /// talking to it directly: the report fields of the documented answers, the create-report checks, an
    /// execution that answers 404 until it exists and then moves on, pause and resume, and the completed
    /// execution's file (the report's query over the insights rows, as CSV or TSV) behind its secure link.
    /// </summary>
    [Collection(ReportsEmulatorCollection.Name)]
    public sealed class InsightsReportEmulatorContractTests : IDisposable
    {
        private const string Root = "insights/v1/mpn/";
        private const string SeatsSystemQuery = "c9fc1c79-4408-49ff-97f9-e1aa3f155804";

        private static readonly string[] ReportFields =
        {
            "reportId", "reportName", "description", "queryId", "query", "user", "createdTime", "modifiedTime", "executeNow", "startTime",
            "reportStatus", "recurrenceInterval", "recurrenceCount", "callbackUrl", "callbackMethod", "format",
        };

        private static readonly string[] ExecutionFields =
        {
            "executionId", "reportId", "recurrenceInterval", "recurrenceCount", "callbackUrl", "callbackMethod", "format", "executionStatus",
            "reportLocation", "reportAccessSecureLink", "reportExpiryTime", "reportGeneratedTime",
        };

        private readonly EmulatorFixture _emulator;
        private readonly HttpClient _http;
        private string _accessToken;

        public InsightsReportEmulatorContractTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
            _http = _emulator.NewTrustingHttpClient();
        }

        public void Dispose() => _http.Dispose();

        [Fact]
        public async Task A_report_is_created_with_the_documented_fields_listed_updated_paused_resumed_and_deleted()
        {
            var created = await SendAsync(HttpMethod.Post, Root + "ScheduledReport", new
            {
                ReportName = "Daily", Description = "Seats", QueryId = SeatsSystemQuery, StartTime = "2030-04-01T18:41:00Z", ExecuteNow = false,
                QueryStartTime = (string)null, QueryEndTime = (string)null, RecurrenceInterval = 48, RecurrenceCount = 20, Format = "CSV",
                CallbackUrl = "https://contoso.example/done", CallbackMethod = "GET",
            });

            Assert.Equal(HttpStatusCode.OK, created.Status);
            Assert.Equal("Report created successfully", created.Body.GetProperty("message").GetString());
            JsonElement report = Assert.Single(created.Body.GetProperty("value").EnumerateArray());
            Assert.Equal(ReportFields, report.EnumerateObject().Select(p => p.Name));
            string id = report.GetProperty("reportId").GetString();
            Assert.True(Guid.TryParse(id, out _));
            Assert.Equal("Active", report.GetProperty("reportStatus").GetString());
            Assert.Equal("2030-04-01T18:41:00Z", report.GetProperty("startTime").GetString());
            Assert.Equal("csv", report.GetProperty("format").GetString());
            Assert.Equal(JsonValueKind.Null, report.GetProperty("modifiedTime").ValueKind);
            Assert.StartsWith("SELECT ", report.GetProperty("query").GetString());

            var listed = await SendAsync(HttpMethod.Get, Root + "ScheduledReport?reportId=" + id);
            Assert.Equal(id, Assert.Single(listed.Body.GetProperty("value").EnumerateArray()).GetProperty("reportId").GetString());
            Assert.Empty((await SendAsync(HttpMethod.Get, Root + "ScheduledReport?reportId=" + Guid.NewGuid())).Body.GetProperty("value").EnumerateArray());

            var updated = await SendAsync(HttpMethod.Put, Root + "ScheduledReport/" + id, new { ReportName = "Weekly", StartTime = "2030-04-02T00:00:00Z", RecurrenceInterval = 168, Format = "TSV" });
            JsonElement changed = Assert.Single(updated.Body.GetProperty("value").EnumerateArray());
            Assert.Equal(("Weekly", 168, "tsv", "Seats"), (changed.GetProperty("reportName").GetString(), changed.GetProperty("recurrenceInterval").GetInt32(), changed.GetProperty("format").GetString(), changed.GetProperty("description").GetString()));
            Assert.Equal(JsonValueKind.String, changed.GetProperty("modifiedTime").ValueKind);

            Assert.Equal("Paused", Assert.Single((await SendAsync(HttpMethod.Put, Root + "ScheduledReport/pause/" + id)).Body.GetProperty("value").EnumerateArray()).GetProperty("reportStatus").GetString());
            Assert.Equal("Active", Assert.Single((await SendAsync(HttpMethod.Put, Root + "ScheduledReport/resume/" + id)).Body.GetProperty("value").EnumerateArray()).GetProperty("reportStatus").GetString());
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Delete, Root + "ScheduledReport/" + id)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, Root + "ScheduledReport/" + id)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Put, Root + "ScheduledReport/pause/" + id)).Status);
        }

        [Theory]
        [InlineData("{\"ReportName\":\"R\",\"QueryId\":\"00000000-0000-0000-0000-000000000001\",\"ExecuteNow\":true}", "Invalid QueryId")]
        [InlineData("{\"ReportName\":\"R\",\"QueryId\":\"" + SeatsSystemQuery + "\",\"ExecuteNow\":false}", "StartTime is required")]
        [InlineData("{\"ReportName\":\"R\",\"QueryId\":\"" + SeatsSystemQuery + "\",\"StartTime\":\"soon\"}", "Invalid StartTime")]
        [InlineData("{\"ReportName\":\"R\",\"QueryId\":\"" + SeatsSystemQuery + "\",\"StartTime\":\"2030-01-01T00:00:00Z\",\"RecurrenceInterval\":4}", "minimum for dataset SeatsSubscriptionsAndRevenue is 24")]
        [InlineData("{\"ReportName\":\"R\",\"QueryId\":\"" + SeatsSystemQuery + "\",\"ExecuteNow\":true,\"Format\":\"xlsx\"}", "Invalid Format")]
        [InlineData("{\"ReportName\":\"R\",\"QueryId\":\"" + SeatsSystemQuery + "\",\"ExecuteNow\":true,\"CallbackUrl\":\"http://contoso.example/\"}", "https")]
        [InlineData("{\"QueryId\":\"" + SeatsSystemQuery + "\",\"ExecuteNow\":true}", "ReportName and QueryId are required")]
        public async Task Create_report_refuses_what_the_documentation_does_not_allow_with_400_and_a_message(string body, string message)
        {
            var answer = await SendAsync(HttpMethod.Post, Root + "ScheduledReport", body);

            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Equal(400, answer.Body.GetProperty("statusCode").GetInt32());
            Assert.Contains(message, answer.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Empty(_emulator.State.InsightsReportIds);
        }

        [Fact]
        public async Task An_execution_answers_404_until_its_start_time_then_moves_on_by_the_insights_clock()
        {
            _emulator.State.InsightsExecutionPendingTime = TimeSpan.FromMinutes(10);
            _emulator.State.InsightsExecutionRunningTime = TimeSpan.FromMinutes(10);
            string start = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ");
            var created = await SendAsync(HttpMethod.Post, Root + "ScheduledReport", new { ReportName = "R", QueryId = SeatsSystemQuery, StartTime = start, RecurrenceInterval = 24, RecurrenceCount = 2 });
            string id = created.Body.GetProperty("value")[0].GetProperty("reportId").GetString();
            string path = Root + "ScheduledReport/execution/" + id;

            var before = await SendAsync(HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.NotFound, before.Status);
            Assert.Equal(404, before.Body.GetProperty("statusCode").GetInt32());
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, Root + "ScheduledReport/execution/" + Guid.NewGuid())).Status);

            _emulator.State.AdvanceInsightsClock(TimeSpan.FromHours(1));
            JsonElement pending = Assert.Single((await SendAsync(HttpMethod.Get, path)).Body.GetProperty("value").EnumerateArray());
            Assert.Equal(ExecutionFields, pending.EnumerateObject().Select(p => p.Name));
            Assert.Equal("Pending", pending.GetProperty("executionStatus").GetString());
            Assert.Equal(JsonValueKind.Null, pending.GetProperty("reportAccessSecureLink").ValueKind);

            _emulator.State.AdvanceInsightsClock(TimeSpan.FromMinutes(10));
            Assert.Equal("Running", (await SendAsync(HttpMethod.Get, path)).Body.GetProperty("value")[0].GetProperty("executionStatus").GetString());
            _emulator.State.AdvanceInsightsClock(TimeSpan.FromMinutes(10));
            JsonElement completed = (await SendAsync(HttpMethod.Get, path)).Body.GetProperty("value")[0];
            Assert.Equal("Completed", completed.GetProperty("executionStatus").GetString());
            Assert.StartsWith(new Uri(_emulator.State.Downloads.BaseUri, "/reports/").ToString(), completed.GetProperty("reportAccessSecureLink").GetString());

            // A day later the second recurrence is due: the latest is it, every run is listed with getLatestExecution=false.
            _emulator.State.AdvanceInsightsClock(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(20));
            Assert.Equal("Pending", Assert.Single((await SendAsync(HttpMethod.Get, path)).Body.GetProperty("value").EnumerateArray()).GetProperty("executionStatus").GetString());
            var all = await SendAsync(HttpMethod.Get, path + "?getLatestExecution=false");
            Assert.Equal(new[] { "Completed", "Pending" }, all.Body.GetProperty("value").EnumerateArray().Select(e => e.GetProperty("executionStatus").GetString()));
            var completedOnly = await SendAsync(HttpMethod.Get, path + "?getLatestExecution=false&executionStatus=completed");
            Assert.Single(completedOnly.Body.GetProperty("value").EnumerateArray());
            Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Get, path + "?executionStatus=Done")).Status);
        }

        [Fact]
        public async Task A_paused_report_answers_Paused_and_its_run_goes_on_after_resume_and_tests_can_fail_it()
        {
            _emulator.State.InsightsExecutionPendingPolls = 1;
            _emulator.State.InsightsExecutionRunningPolls = 1;
            var created = await SendAsync(HttpMethod.Post, Root + "ScheduledReport", new { ReportName = "R", QueryId = SeatsSystemQuery, ExecuteNow = true });
            string id = created.Body.GetProperty("value")[0].GetProperty("reportId").GetString();
            string path = Root + "ScheduledReport/execution/" + id;

            Assert.Equal("Pending", await StatusAsync(path));
            await SendAsync(HttpMethod.Put, Root + "ScheduledReport/pause/" + id);
            Assert.Equal("Paused", await StatusAsync(path));
            Assert.Equal("Paused", await StatusAsync(path));
            await SendAsync(HttpMethod.Put, Root + "ScheduledReport/resume/" + id);
            Assert.Equal("Running", await StatusAsync(path));

            Assert.True(_emulator.State.FailInsightsExecutions(id));
            Assert.Equal("Failed", await StatusAsync(path));
            Assert.False(_emulator.State.FailInsightsExecutions(Guid.NewGuid().ToString()));
        }

        [Fact]
        public async Task Unfinished_execution_answers_carry_the_Retry_After_a_test_asks_for()
        {
            _emulator.State.InsightsExecutionPendingPolls = 1;
            _emulator.State.InsightsExecutionRetryAfter = TimeSpan.FromSeconds(7);
            var created = await SendAsync(HttpMethod.Post, Root + "ScheduledReport", new { ReportName = "R", QueryId = SeatsSystemQuery, ExecuteNow = true });
            string path = Root + "ScheduledReport/execution/" + created.Body.GetProperty("value")[0].GetProperty("reportId").GetString();

            var pending = await SendAsync(HttpMethod.Get, path);
            Assert.Equal(TimeSpan.FromSeconds(7), pending.Headers.RetryAfter?.Delta);
            var completed = await SendAsync(HttpMethod.Get, path);
            Assert.Equal("Completed", completed.Body.GetProperty("value")[0].GetProperty("executionStatus").GetString());
            Assert.Null(completed.Headers.RetryAfter);
        }

        [Theory]
        [InlineData("CSV", ',')]
        [InlineData("TSV", '\t')]
        public async Task A_completed_execution_publishes_the_query_result_as_a_file_behind_a_link_that_expires(string format, char separator)
        {
            _emulator.State.InsightsExecutionPendingPolls = 0;
            _emulator.State.InsightsReportLinkLifetime = TimeSpan.FromMinutes(30);
            _emulator.State.SetCommercialRows("deployment", 3);
            _emulator.State.InsightsReportTextSuffix = ", \"q\"\r\nnext" + separator + "end";
            var query = await SendAsync(HttpMethod.Post, Root + "ScheduledQueries", new
            {
                Name = "Seats", Query = "SELECT CustomerName, Product, TotalSoldSeats, TotalAssignedSeats FROM SeatsSubscriptionsAndRevenue TIMESPAN LAST_MONTH",
            });
            string queryId = query.Body.GetProperty("value")[0].GetProperty("queryId").GetString();
            var created = await SendAsync(HttpMethod.Post, Root + "ScheduledReport", new { ReportName = "R", QueryId = queryId, ExecuteNow = true, Format = format });
            string id = created.Body.GetProperty("value")[0].GetProperty("reportId").GetString();

            JsonElement execution = (await SendAsync(HttpMethod.Get, Root + "ScheduledReport/execution/" + id)).Body.GetProperty("value")[0];
            var link = new Uri(execution.GetProperty("reportAccessSecureLink").GetString());
            DateTimeOffset expiry = DateTimeOffset.Parse(execution.GetProperty("reportExpiryTime").GetString());
            Assert.InRange(expiry - _emulator.State.InsightsNow, TimeSpan.FromMinutes(28), TimeSpan.FromMinutes(30));
            Assert.EndsWith("." + format.ToLowerInvariant(), link.AbsolutePath);

            string signature = link.Query.TrimStart('?').Split('&').Single(p => p.StartsWith("sig=", StringComparison.Ordinal)).Substring(4);
            DownloadLookup found = _emulator.State.Downloads.Find(link.AbsolutePath, signature, DateTimeOffset.UtcNow);
            Assert.Equal(DownloadRefusal.None, found.Refusal);
            using var reader = new StreamReader(found.Open(), Encoding.UTF8);
            string text = reader.ReadToEnd();
            string[] lines = text.Split("\r\n");
            Assert.Equal("CustomerName" + separator + "Product" + separator + "TotalSoldSeats" + separator + "TotalAssignedSeats", lines[0]);

            // RFC 4180: a field with the separator, a quote or a line break is quoted and its quotes doubled.
            string expected = "\"GENERATED CUSTOMER 000001, \"\"q\"\"\r\nnext" + separator + "end\"" + separator;
            Assert.StartsWith(expected, text.Substring(lines[0].Length + 2));
            Assert.EndsWith("\r\n", text);
            Assert.Equal(1 + 3 * 3 + 1, lines.Length);
            Assert.Equal(DownloadRefusal.Expired, _emulator.State.Downloads.Find(link.AbsolutePath, signature, expiry).Refusal);
        }

        private async Task<string> StatusAsync(string path) =>
            (await SendAsync(HttpMethod.Get, path)).Body.GetProperty("value")[0].GetProperty("executionStatus").GetString();

        private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseHeaders Headers)> SendAsync(HttpMethod method, string pathAndQuery, object json = null)
        {
            if (_accessToken == null)
            {
                var token = await _http.PostAsync(EmulatorState.DefaultTenantId + "/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "refresh_token", ["client_id"] = EmulatorFixture.ClientId, ["client_secret"] = _emulator.ClientSecret,
                    ["refresh_token"] = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId),
                    ["scope"] = "https://api.partnercenter.microsoft.com/user_impersonation offline_access",
                }));
                _accessToken = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();
            }

            string text = json as string ?? (json == null ? null : JsonSerializer.Serialize(json));
            var request = new HttpRequestMessage(method, pathAndQuery)
            {
                Content = text == null ? null : new StringContent(text, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _accessToken);
            HttpResponseMessage response = await _http.SendAsync(request);
            byte[] bytes = await response.Content.ReadAsByteArrayAsync();
            int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            return (response.StatusCode, JsonDocument.Parse(bytes.AsMemory(start)).RootElement.Clone(), response.Headers);
        }
    }
}
