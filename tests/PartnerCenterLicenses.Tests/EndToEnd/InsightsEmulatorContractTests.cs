using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// The emulator keeps the documented contract of Partner insights programmatic access (datasets, report
    /// queries, a query's first rows) in the documented envelope, talking to it directly.
    /// </summary>
    [Collection(ReportsEmulatorCollection.Name)]
    public sealed class InsightsEmulatorContractTests : IDisposable
    {
        private const string Root = "insights/v1/mpn/";

        private static readonly string[] EnvelopeFields = { "value", "nextLink", "totalCount", "message", "statusCode", "dataRedacted" };

        private readonly EmulatorFixture _emulator;
        private readonly HttpClient _http;
        private string _accessToken;

        public InsightsEmulatorContractTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
            _http = _emulator.NewTrustingHttpClient();
        }

        public void Dispose() => _http.Dispose();

        [Fact]
        public async Task Datasets_come_in_the_envelope_shaped_like_the_documented_DynamicsUsage_sample()
        {
            (HttpStatusCode status, JsonElement body) = await SendAsync(HttpMethod.Get, Root + "ScheduledDataset");

            Assert.Equal(HttpStatusCode.OK, status);
            AssertEnvelope(body, 200);
            string[] names = body.GetProperty("value").EnumerateArray().Select(d => d.GetProperty("datasetName").GetString()).ToArray();
            Assert.Equal(new[] { "SeatsSubscriptionsAndRevenue", "OfficeUsage", "DynamicsUsage", "EMSUsage", "PowerBIUsage", "CustomersAndTenants" }, names);
            Assert.Equal(names.Length, body.GetProperty("totalCount").GetInt32());
            JsonElement dynamics = body.GetProperty("value").EnumerateArray().Single(d => d.GetProperty("datasetName").GetString() == "DynamicsUsage");
            Assert.Contains("TotalSoldSeats", dynamics.GetProperty("availableMetrics").EnumerateArray().Select(m => m.GetString()));
            Assert.Contains("ActiveUsagePercent", dynamics.GetProperty("selectableColumns").EnumerateArray().Select(m => m.GetString()));
            Assert.Equal(new[] { "LAST_MONTH", "LAST_3_MONTHS", "LAST_6_MONTHS", "LAST_1_YEAR", "LIFETIME" }, dynamics.GetProperty("availableDateRanges").EnumerateArray().Select(m => m.GetString()));
            Assert.Equal(24, dynamics.GetProperty("minimumRecurrenceInterval").GetInt32());

            (_, JsonElement one) = await SendAsync(HttpMethod.Get, Root + "ScheduledDataset?datasetName=officeusage");
            Assert.Equal("OfficeUsage", Assert.Single(one.GetProperty("value").EnumerateArray()).GetProperty("datasetName").GetString());
        }

        [Fact]
        public async Task A_query_is_created_listed_with_the_system_queries_tried_and_deleted()
        {
            const string Text = "SELECT CustomerTenantId, CustomerName, Product, TotalSoldSeats, TotalAssignedSeats FROM SeatsSubscriptionsAndRevenue TIMESPAN LAST_MONTH";
            (HttpStatusCode created, JsonElement body) = await SendAsync(HttpMethod.Post, Root + "ScheduledQueries", new { Name = "Seats", Description = "Sold and assigned", Query = Text });

            Assert.Equal(HttpStatusCode.OK, created);
            AssertEnvelope(body, 200);
            JsonElement query = Assert.Single(body.GetProperty("value").EnumerateArray());
            string id = query.GetProperty("queryId").GetString();
            Assert.True(Guid.TryParse(id, out _));
            Assert.Equal("userDefined", query.GetProperty("type").GetString());
            Assert.Equal(Text, query.GetProperty("query").GetString());
            Assert.EndsWith("Z", query.GetProperty("createdTime").GetString());

            (_, JsonElement all) = await SendAsync(HttpMethod.Get, Root + "ScheduledQueries");
            var types = all.GetProperty("value").EnumerateArray().Select(q => (Id: q.GetProperty("queryId").GetString(), Type: q.GetProperty("type").GetString())).ToArray();
            Assert.Contains((id, "userDefined"), types);
            Assert.Contains(("c9fc1c79-4408-49ff-97f9-e1aa3f155804", "system"), types);
            (_, JsonElement userOnly) = await SendAsync(HttpMethod.Get, Root + "ScheduledQueries?includeSystemQueries=false");
            Assert.Equal(id, Assert.Single(userOnly.GetProperty("value").EnumerateArray()).GetProperty("queryId").GetString());

            (HttpStatusCode tried, JsonElement rows) = await SendAsync(HttpMethod.Get, Root + "ScheduledQueries/testQueryResult?queryId=" + id);
            Assert.Equal(HttpStatusCode.OK, tried);
            JsonElement first = rows.GetProperty("value").EnumerateArray().First();
            Assert.Equal(new[] { "CustomerTenantId", "CustomerName", "Product", "TotalSoldSeats", "TotalAssignedSeats" }, first.EnumerateObject().Select(p => p.Name));
            Assert.Equal(JsonValueKind.Number, first.GetProperty("TotalSoldSeats").ValueKind);

            (HttpStatusCode deleted, JsonElement gone) = await SendAsync(HttpMethod.Delete, Root + "ScheduledQueries/" + id);
            Assert.Equal(HttpStatusCode.OK, deleted);
            Assert.Equal(id, Assert.Single(gone.GetProperty("value").EnumerateArray()).GetProperty("queryId").GetString());
            Assert.Empty(_emulator.State.InsightsQueryIds);
            (HttpStatusCode again, _) = await SendAsync(HttpMethod.Delete, Root + "ScheduledQueries/" + id);
            Assert.Equal(HttpStatusCode.NotFound, again);
        }

        [Theory]
        [InlineData("SELECT Nonsense FROM OfficeUsage", "Nonsense")]
        [InlineData("SELECT CustomerTenantId FROM OfficeUsage WHERE TotalBogus > 3", "TotalBogus")]
        [InlineData("SELECT * FROM OfficeUsage", "SELECT *")]
        [InlineData("SELECT CustomerTenantId FROM NoSuchDataset", "NoSuchDataset")]
        [InlineData("SELECT CustomerTenantId OfficeUsage", "FROM")]
        [InlineData("SELECT CustomerTenantId FROM OfficeUsage TIMESPAN LAST_2_WEEKS", "LAST_2_WEEKS")]
        [InlineData("SELECT CustomerTenantId FROM OfficeUsage LIMIT 0", "LIMIT")]
        public async Task A_query_outside_the_dataset_or_the_grammar_is_a_400_envelope_naming_the_problem(string text, string named)
        {
            (HttpStatusCode created, JsonElement body) = await SendAsync(HttpMethod.Post, Root + "ScheduledQueries", new { Name = "Bad", Description = "x", Query = text });
            (HttpStatusCode tried, JsonElement testBody) = await SendAsync(HttpMethod.Get, Root + "ScheduledQueries/testQueryResult?exportQuery=" + Uri.EscapeDataString(text));

            foreach ((HttpStatusCode status, JsonElement answer) in new[] { (created, body), (tried, testBody) })
            {
                Assert.Equal(HttpStatusCode.BadRequest, status);
                AssertEnvelope(answer, 400);
                Assert.Empty(answer.GetProperty("value").EnumerateArray());
                Assert.Contains(named, answer.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
            }

            Assert.Empty(_emulator.State.InsightsQueryIds);
        }

        [Fact]
        public async Task Test_rows_apply_where_order_and_limit_over_rows_that_agree_with_commercial_deployment()
        {
            string text = "select CustomerName, TotalSoldSeats, TotalAssignedSeats from SeatsSubscriptionsAndRevenue where TotalSoldSeats >= 1 order by TotalSoldSeats asc limit 2 timespan last_month";
            (HttpStatusCode status, JsonElement body) = await SendAsync(HttpMethod.Get, Root + "ScheduledQueries/testQueryResult?exportQuery=" + Uri.EscapeDataString(text));

            Assert.Equal(HttpStatusCode.OK, status);
            JsonElement[] rows = body.GetProperty("value").EnumerateArray().ToArray();
            Assert.InRange(rows.Length, 1, 2);
            Assert.True(rows.Length < 2 || rows[0].GetProperty("TotalSoldSeats").GetInt64() <= rows[1].GetProperty("TotalSoldSeats").GetInt64());
            foreach (JsonElement row in rows)
            {
                Assert.True(row.GetProperty("TotalAssignedSeats").GetInt64() <= row.GetProperty("TotalSoldSeats").GetInt64());
            }
        }

        [Fact]
        public async Task Without_the_Executive_Report_Viewer_role_every_insights_call_is_a_403_envelope_and_without_a_token_a_401()
        {
            _emulator.State.ExecutiveReportViewer = false;
            (HttpStatusCode status, JsonElement body) = await SendAsync(HttpMethod.Get, Root + "ScheduledDataset");
            Assert.Equal(HttpStatusCode.Forbidden, status);
            AssertEnvelope(body, 403);
            Assert.Contains("Executive Report Viewer", body.GetProperty("message").GetString(), StringComparison.Ordinal);

            HttpResponseMessage anonymous = await _http.GetAsync(Root + "ScheduledQueries");
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        private static void AssertEnvelope(JsonElement body, int statusCode)
        {
            Assert.Equal(EnvelopeFields, body.EnumerateObject().Select(p => p.Name));
            Assert.Equal(statusCode, body.GetProperty("statusCode").GetInt32());
            Assert.False(body.GetProperty("dataRedacted").GetBoolean());
        }

        private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string pathAndQuery, object json = null)
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

            var request = new HttpRequestMessage(method, pathAndQuery)
            {
                Content = json == null ? null : new StringContent(JsonSerializer.Serialize(json), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _accessToken);
            HttpResponseMessage response = await _http.SendAsync(request);
            byte[] bytes = await response.Content.ReadAsByteArrayAsync();
            int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            return (response.StatusCode, JsonDocument.Parse(bytes.AsMemory(start)).RootElement.Clone());
        }
    }
}
