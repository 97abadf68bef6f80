using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// The emulator keeps the documented contracts of the license analytics APIs beyond the partner-level
    /// deployment insights: partner usage, customer-level analytics, the commercial API with its paging, the
    /// customer list and creating a customer, and how every Partner Center answer is delivered (byte order
    /// mark, latency, concurrency record). These talk to it directly, trusting its certificate as a custom root.
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class AnalyticsEmulatorContractTests : IDisposable
    {
        private const string CommercialDeployment = "partner/v1/analytics/commercial/deployment/license";
        private const string CommercialUsage = "partner/v1/analytics/commercial/usage/license";

        private readonly EmulatorFixture _emulator;
        private readonly HttpClient _http;
        private string _accessToken;

        public AnalyticsEmulatorContractTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
            _http = _emulator.NewTrustingHttpClient();
        }

        public void Dispose() => _http.Dispose();

        [Fact]
        public async Task Partner_usage_serves_the_documented_example_after_a_byte_order_mark()
        {
            var (response, bytes) = await GetAsync("v1/analytics/licenses/usage");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType.ToString());
            AssertByteOrderMark(bytes);
            Assert.Equal(EmulatorState.DefaultLicenseUsageJson, Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
            JsonElement body = Json(bytes);
            Assert.Equal(5, body.GetProperty("totalCount").GetInt32());
            Assert.Equal("Collection", body.GetProperty("attributes").GetProperty("objectType").GetString());
            foreach (JsonElement item in body.GetProperty("items").EnumerateArray())
            {
                Assert.Equal("PartnerLicensesUsageInsights", item.GetProperty("attributes").GetProperty("objectType").GetString());
                Assert.Equal(JsonValueKind.Number, item.GetProperty("proratedLicensesUsagePercent").ValueKind);
                foreach (string field in new[] { "serviceName", "channel", "workloadName", "processedDateTime" })
                {
                    Assert.Equal(JsonValueKind.String, item.GetProperty(field).ValueKind);
                }
            }
        }

        [Fact]
        public async Task Every_partner_center_body_starts_with_a_byte_order_mark_unless_it_is_switched_off()
        {
            var (_, deployment) = await GetAsync("v1/analytics/licenses/deployment");
            var unauthorized = await _http.GetAsync("v1/analytics/licenses/deployment");
            byte[] error = await unauthorized.Content.ReadAsByteArrayAsync();
            _emulator.State.EnqueueResponse("/v1/analytics/licenses/usage", 429, "{\"code\":429,\"description\":\"Too many requests\",\"data\":[],\"source\":\"PartnerFD\"}");
            var (_, scripted) = await GetAsync("v1/analytics/licenses/usage");
            var discovery = await _http.GetByteArrayAsync("organizations/v2.0/.well-known/openid-configuration");
            _emulator.State.ByteOrderMark = false;
            var (_, plain) = await GetAsync("v1/analytics/licenses/deployment");

            AssertByteOrderMark(deployment);
            Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
            AssertByteOrderMark(error);
            AssertByteOrderMark(scripted);
            Assert.Equal((byte)'{', discovery[0]);
            Assert.Equal(Encoding.UTF8.GetBytes(EmulatorState.DefaultDeploymentInsightsJson), plain);
        }

        [Theory]
        [InlineData("deployment", "CustomerLicensesDeploymentInsights", 3)]
        [InlineData("usage", "CustomerLicensesUsageInsights", 5)]
        public async Task Customer_analytics_serve_the_documented_rows_with_the_customer_id_and_service_code(string resource, string objectType, int rows)
        {
            var (response, bytes) = await GetAsync($"v1/customers/{EmulatorState.DefaultCustomerId}/analytics/licenses/{resource}");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertByteOrderMark(bytes);
            JsonElement body = Json(bytes);
            Assert.Equal(rows, body.GetProperty("totalCount").GetInt32());
            Assert.Equal("Collection", body.GetProperty("attributes").GetProperty("objectType").GetString());
            JsonElement[] items = body.GetProperty("items").EnumerateArray().ToArray();
            Assert.Equal(rows, items.Length);
            foreach (JsonElement item in items)
            {
                Assert.Equal(EmulatorState.DefaultCustomerId, item.GetProperty("customerId").GetString());
                Assert.Equal(EmulatorState.DefaultCustomerName, item.GetProperty("customerName").GetString());
                Assert.Equal("o365", item.GetProperty("serviceCode").GetString());
                Assert.Equal("o365", item.GetProperty("serviceName").GetString());
                Assert.Equal("reseller", item.GetProperty("channel").GetString());
                Assert.Equal(objectType, item.GetProperty("attributes").GetProperty("objectType").GetString());
                Assert.True(DateTimeOffset.TryParse(item.GetProperty("processedDateTime").GetString(), out _));
                string[] numbers = resource == "deployment"
                    ? new[] { "licensesDeployed", "licensesSold", "deploymentPercent" }
                    : new[] { "licensesActive", "licensesQualified", "usagePercent" };
                foreach (string field in numbers)
                {
                    Assert.Equal(JsonValueKind.Number, item.GetProperty(field).ValueKind);
                }
            }

            Assert.Equal("OFFICE 365 BUSINESS ESSENTIALS", items[0].GetProperty("productName").GetString());
            if (resource == "usage")
            {
                Assert.Equal(new[] { "EXO", "SPO", "SFB", "EXO", "EXO" }, items.Select(i => i.GetProperty("workloadCode").GetString()));
                Assert.Equal(new long[] { 1, 1, 1, 5, 2 }, items.Select(i => i.GetProperty("licensesQualified").GetInt64()));
            }
            else
            {
                Assert.Equal(new long[] { 1, 5, 2 }, items.Select(i => i.GetProperty("licensesSold").GetInt64()));
            }
        }

        [Fact]
        public async Task An_added_customer_gets_its_own_rows_and_a_raw_body_replaces_them()
        {
            const string fabrikam = "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
            _emulator.State.AddCustomer(fabrikam, "Fabrikam");
            _emulator.State.SetCustomerAnalyticsJson(fabrikam, "usage", "{\"totalCount\":0,\"items\":[]}");

            var (_, deployment) = await GetAsync($"v1/customers/{fabrikam.ToUpperInvariant()}/analytics/licenses/deployment");
            var (_, usage) = await GetAsync($"v1/customers/{fabrikam}/analytics/licenses/usage");

            JsonElement first = Json(deployment).GetProperty("items")[0];
            Assert.Equal(fabrikam, first.GetProperty("customerId").GetString());
            Assert.Equal("Fabrikam", first.GetProperty("customerName").GetString());
            Assert.Equal("{\"totalCount\":0,\"items\":[]}", Encoding.UTF8.GetString(usage, 3, usage.Length - 3));
        }

        [Theory]
        [InlineData("0f0e0d0c-0b0a-4909-8807-060504030201", "deployment")]
        [InlineData("not-a-guid", "usage")]
        [InlineData("{4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04}", "deployment")]
        [InlineData("4d3cf48770f44e1e9ff1b2bfce8d9f04", "usage")]
        public async Task A_customer_without_a_relationship_is_403_with_code_20002(string customerId, string resource)
        {
            var (response, bytes) = await GetAsync($"v1/customers/{Uri.EscapeDataString(customerId)}/analytics/licenses/{resource}");

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            AssertByteOrderMark(bytes);
            JsonElement body = Json(bytes);
            Assert.Equal(20002, body.GetProperty("code").GetInt32());
            Assert.Contains("no relationship", body.GetProperty("description").GetString());
            Assert.Equal(0, body.GetProperty("data").GetArrayLength());
            Assert.Equal("PartnerFD", body.GetProperty("source").GetString());
        }

        [Theory]
        [InlineData(CommercialDeployment, "licensesSold")]
        [InlineData(CommercialUsage, "licensesActive")]
        [InlineData(CommercialUsage + "/", "licensesQualified")]
        public async Task Commercial_api_serves_the_documented_rows_with_TotalCount_after_Value(string path, string metric)
        {
            var (response, bytes) = await GetAsync(path);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertByteOrderMark(bytes);
            JsonElement body = Json(bytes);
            Assert.Equal(new[] { "Value", "@nextLink", "TotalCount" }, body.EnumerateObject().Select(p => p.Name));
            Assert.Equal(JsonValueKind.Null, body.GetProperty("@nextLink").ValueKind);
            Assert.Equal(2, body.GetProperty("TotalCount").GetInt32());
            JsonElement row = body.GetProperty("Value")[0];
            Assert.Equal("2018-10-14T00:00:00", row.GetProperty("processedDateTime").GetString());
            Assert.Equal("0112A436-B14E-4888-967B-CA4BB2CF1234", row.GetProperty("customerTenantId").GetString());
            Assert.Equal("TEST COMPANY", row.GetProperty("customerName").GetString());
            Assert.Equal(JsonValueKind.Number, row.GetProperty(metric).ValueKind);
            Assert.False(row.TryGetProperty("licenseActive", out _));
        }

        [Fact]
        public async Task Commercial_paging_follows_absolute_next_links_to_the_last_row()
        {
            _emulator.State.SetCommercialRows("deployment", 25);
            var tenants = new List<string>();
            var links = new List<string>();
            string next = CommercialDeployment + "?top=10";

            while (next != null)
            {
                var (response, bytes) = await GetAsync(next);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                JsonElement body = Json(bytes);
                Assert.Equal(25, body.GetProperty("TotalCount").GetInt32());
                tenants.AddRange(body.GetProperty("Value").EnumerateArray().Select(r => r.GetProperty("customerTenantId").GetString()));
                next = body.GetProperty("@nextLink").GetString();
                if (next != null)
                {
                    links.Add(next);
                }
            }

            string origin = _emulator.Url.GetLeftPart(UriPartial.Authority);
            Assert.Equal(new[] { origin + "/" + CommercialDeployment + "?top=10&skip=10", origin + "/" + CommercialDeployment + "?top=10&skip=20" }, links);
            Assert.Equal(Enumerable.Range(1, 25).Select(i => $"{i:x8}-c0de-4000-8000-{i:x12}"), tenants);
        }

        [Fact]
        public async Task A_relative_next_link_keeps_the_encoded_filter_groupby_and_date()
        {
            _emulator.State.SetCommercialRows("usage", 30);
            _emulator.State.CommercialRelativeNextLink = true;
            string query = "?top=2&skip=4&filter=" + Uri.EscapeDataString("channel eq 'reseller'")
                + "&groupby=customerName&processedDateTime=2022-03-25";

            var (_, bytes) = await GetAsync(CommercialUsage + query);

            JsonElement body = Json(bytes);
            Assert.Equal(
                "/" + CommercialUsage + "?top=2&skip=6&filter=channel%20eq%20%27reseller%27&groupby=customerName&processedDateTime=2022-03-25",
                body.GetProperty("@nextLink").GetString());
            Assert.Equal(30, body.GetProperty("TotalCount").GetInt32());
            Assert.Equal("GENERATED CUSTOMER 000005", body.GetProperty("Value")[0].GetProperty("customerName").GetString());
            Assert.Contains(_emulator.State.Requests, r => r.QueryString.Contains("filter=channel%20eq%20%27reseller%27", StringComparison.Ordinal));
        }

        [Fact]
        public async Task A_page_size_of_the_emulator_overrides_top_and_the_link_keeps_the_clients_top()
        {
            _emulator.State.SetCommercialRows("deployment", 10);
            _emulator.State.CommercialPageSize = 7;

            var (_, first) = await GetAsync(CommercialDeployment + "?top=3");
            var (_, last) = await GetAsync(CommercialDeployment + "?top=3&skip=7");

            Assert.Equal(7, Json(first).GetProperty("Value").GetArrayLength());
            Assert.EndsWith("?top=3&skip=7", Json(first).GetProperty("@nextLink").GetString());
            Assert.Equal(3, Json(last).GetProperty("Value").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, Json(last).GetProperty("@nextLink").ValueKind);
        }

        [Fact]
        public async Task Two_hundred_thousand_generated_rows_come_in_two_streamed_pages_of_a_hundred_thousand()
        {
            _emulator.State.SetCommercialRows("usage", 200_000);
            _emulator.State.CommercialPageSize = 100_000;

            var (first, firstBytes) = await GetAsync(CommercialUsage);
            JsonElement firstPage = Json(firstBytes);
            var (_, secondBytes) = await GetAsync(firstPage.GetProperty("@nextLink").GetString());
            JsonElement secondPage = Json(secondBytes);

            Assert.True(first.Headers.TransferEncodingChunked);
            Assert.Equal(100_000, firstPage.GetProperty("Value").GetArrayLength());
            Assert.Equal(200_000, firstPage.GetProperty("TotalCount").GetInt32());
            Assert.EndsWith("?top=10000&skip=100000", firstPage.GetProperty("@nextLink").GetString());
            Assert.Equal(100_000, secondPage.GetProperty("Value").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, secondPage.GetProperty("@nextLink").ValueKind);
            Assert.Equal("00030d40-c0de-4000-8000-000000030d40", secondPage.GetProperty("Value")[99_999].GetProperty("customerTenantId").GetString());
        }

        [Fact]
        public async Task Groupby_sums_the_metrics_of_all_rows_per_group_and_keeps_only_the_group_fields()
        {
            _emulator.State.SetCommercialRows("deployment", 100);
            var (_, all) = await GetAsync(CommercialDeployment);
            var (_, grouped) = await GetAsync(CommercialDeployment + "?groupby=serviceCode,channel&top=1");
            var (_, secondGroup) = await GetAsync(CommercialDeployment + "?groupby=serviceCode,channel&top=1&skip=1");

            JsonElement[] rows = Json(all).GetProperty("Value").EnumerateArray().ToArray();
            JsonElement[] groups = { Json(grouped).GetProperty("Value")[0], Json(secondGroup).GetProperty("Value")[0] };
            Assert.Equal(100, rows.Length);
            Assert.Equal(2, Json(grouped).GetProperty("TotalCount").GetInt32());
            foreach (JsonElement group in groups)
            {
                Assert.Equal(new[] { "serviceCode", "channel", "licensesDeployed", "licensesSold" }, group.EnumerateObject().Select(p => p.Name));
                string service = group.GetProperty("serviceCode").GetString();
                JsonElement[] members = rows.Where(r => r.GetProperty("serviceCode").GetString() == service).ToArray();
                Assert.Equal(members.Sum(r => r.GetProperty("licensesSold").GetInt64()), group.GetProperty("licensesSold").GetInt64());
                Assert.Equal(members.Sum(r => r.GetProperty("licensesDeployed").GetInt64()), group.GetProperty("licensesDeployed").GetInt64());
            }

            Assert.NotEqual(groups[0].GetProperty("serviceCode").GetString(), groups[1].GetProperty("serviceCode").GetString());
        }

        [Theory]
        [InlineData(CommercialDeployment + "?top=10001")]
        [InlineData(CommercialDeployment + "?top=ten")]
        [InlineData(CommercialDeployment + "?top=0")]
        [InlineData(CommercialDeployment + "?skip=-1")]
        [InlineData(CommercialDeployment + "?groupby=workloadCode")]
        [InlineData(CommercialUsage + "?groupby=customerName,licensesSold")]
        public async Task A_bad_commercial_query_is_400_with_a_partner_center_error_body(string pathAndQuery)
        {
            var (response, bytes) = await GetAsync(pathAndQuery);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            JsonElement body = Json(bytes);
            foreach (string field in new[] { "code", "description", "data", "source" })
            {
                Assert.True(body.TryGetProperty(field, out _), field);
            }
        }

        [Fact]
        public async Task The_documented_usage_example_can_be_served_raw_with_its_own_spelling()
        {
            _emulator.State.SetCommercialJson("usage", EmulatorState.DocumentedCommercialUsageExampleJson);

            var (_, bytes) = await GetAsync(CommercialUsage + "?top=5");

            JsonElement row = Json(bytes).GetProperty("Value")[0];
            Assert.Equal(0, row.GetProperty("licenseActive").GetInt32());
            Assert.False(row.TryGetProperty("licensesActive", out _));
        }

        [Fact]
        public async Task Customers_page_with_a_continuation_token_in_the_next_link()
        {
            _emulator.State.AddCustomers(5);

            var (_, firstBytes) = await GetAsync("v1/customers?size=4");
            JsonElement first = Json(firstBytes);
            JsonElement next = first.GetProperty("links").GetProperty("next");
            JsonElement header = next.GetProperty("headers")[0];
            var (_, secondBytes) = await GetAsync("v1" + next.GetProperty("uri").GetString(), (header.GetProperty("key").GetString(), header.GetProperty("value").GetString()));
            JsonElement second = Json(secondBytes);

            Assert.Equal(4, first.GetProperty("totalCount").GetInt32());
            Assert.Equal("/customers?size=4&seekOperation=Next", next.GetProperty("uri").GetString());
            Assert.Equal("GET", next.GetProperty("method").GetString());
            Assert.Equal("MS-ContinuationToken", header.GetProperty("key").GetString());
            JsonElement customer = first.GetProperty("items")[0];
            Assert.Equal(EmulatorState.DefaultCustomerId, customer.GetProperty("id").GetString());
            Assert.Equal(EmulatorState.DefaultCustomerId, customer.GetProperty("companyProfile").GetProperty("tenantId").GetString());
            Assert.Equal(EmulatorState.DefaultCustomerName, customer.GetProperty("companyProfile").GetProperty("companyName").GetString());
            Assert.Equal(EmulatorState.DefaultCustomerDomain, customer.GetProperty("companyProfile").GetProperty("domain").GetString());
            Assert.Equal("reseller", customer.GetProperty("relationshipToPartner").GetString());
            Assert.Equal("Customer", customer.GetProperty("attributes").GetProperty("objectType").GetString());
            Assert.Equal(2, second.GetProperty("items").GetArrayLength());
            Assert.False(second.GetProperty("links").TryGetProperty("next", out _));
            string[] ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
                .Select(c => c.GetProperty("id").GetString()).ToArray();
            Assert.Equal(6, ids.Distinct().Count());
        }

        [Theory]
        [InlineData(null)]
        [InlineData("not-a-token-the-emulator-issued")]
        public async Task The_next_customer_page_without_a_known_token_is_400(string token)
        {
            var (response, bytes) = token == null
                ? await GetAsync("v1/customers?size=4&seekOperation=Next")
                : await GetAsync("v1/customers?size=4&seekOperation=Next", ("MS-ContinuationToken", token));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True(Json(bytes).TryGetProperty("code", out _));
        }

        [Fact]
        public async Task Creating_a_customer_answers_201_and_registers_it_for_analytics()
        {
            // As the .NET SDK sends it: PascalCase, and with the trailing commas of a documented example.
            const string request = """
                { "CompanyProfile": { "Domain": "wingtiptoys.onmicrosoft.com", },
                  "BillingProfile": { "Email": "gena@wingtiptoys.com", "Culture": "EN-US", "Language": "en", "CompanyName": "Wingtip Toys", } }
                """;

            var created = await SendAsync(HttpMethod.Post, "v1/customers", new StringContent(request, Encoding.UTF8, "application/json"));
            JsonElement customer = Json(await created.Content.ReadAsByteArrayAsync());
            string id = customer.GetProperty("id").GetString();
            var (analytics, _) = await GetAsync($"v1/customers/{id}/analytics/licenses/usage");
            var invalid = await SendAsync(HttpMethod.Post, "v1/customers", new StringContent("{ not json", Encoding.UTF8, "application/json"));

            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.True(Guid.TryParseExact(id, "D", out _));
            Assert.Equal(id, customer.GetProperty("companyProfile").GetProperty("tenantId").GetString());
            Assert.Equal("wingtiptoys.onmicrosoft.com", customer.GetProperty("companyProfile").GetProperty("domain").GetString());
            Assert.Equal("Wingtip Toys", customer.GetProperty("companyProfile").GetProperty("companyName").GetString());
            Assert.Equal("Customer", customer.GetProperty("attributes").GetProperty("objectType").GetString());
            Assert.Equal(HttpStatusCode.OK, analytics.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        }

        [Fact]
        public async Task Partner_center_latency_delays_every_answer()
        {
            await AccessTokenAsync();
            _emulator.State.PartnerCenterLatency = TimeSpan.FromMilliseconds(200);

            var clock = Stopwatch.StartNew();
            var (response, _) = await GetAsync("v1/analytics/licenses/usage");
            clock.Stop();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(190), $"answered after {clock.Elapsed.TotalMilliseconds:0} ms");
        }

        [Fact]
        public async Task Peak_concurrency_counts_partner_center_requests_in_flight_together_and_resets()
        {
            await AccessTokenAsync();
            // Long enough that all five are surely in flight together however slow the machine; they are
            // cancelled as soon as the emulator has seen them, so the test does not wait it out.
            _emulator.State.PartnerCenterLatency = TimeSpan.FromSeconds(30);
            _emulator.State.ClearRecords();
            using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            Task[] requests = Enumerable.Range(0, 5)
                .Select(_ => GetAsync("v1/analytics/licenses/deployment", cancellation: cancellation.Token))
                .ToArray<Task>();

            while (_emulator.State.Requests.Count < 5 && !cancellation.IsCancellationRequested)
            {
                await Task.Delay(20);
            }

            int peak = _emulator.State.PeakConcurrentRequests;
            cancellation.Cancel();
            await Task.WhenAll(requests.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
            int afterReset = await PeakAfterRequestsDrainAsync();
            _emulator.State.PartnerCenterLatency = TimeSpan.Zero;
            string refreshToken = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId);
            await TokenAsync(refreshToken);

            Assert.Equal(5, peak);
            Assert.Equal(0, afterReset);
            Assert.Equal(0, _emulator.State.PeakConcurrentRequests);
        }

        /// <summary>The cancelled requests leave the server's pipeline a moment after the client gives up on them.</summary>
        private async Task<int> PeakAfterRequestsDrainAsync()
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                _emulator.State.ClearRecords();
                int peak = _emulator.State.PeakConcurrentRequests;
                if (peak == 0 || deadline.Elapsed > TimeSpan.FromSeconds(10))
                {
                    return peak;
                }

                await Task.Delay(20);
            }
        }

        private static void AssertByteOrderMark(byte[] bytes)
        {
            Assert.True(bytes.Length >= 3, "the body is too short to start with a byte order mark");
            Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes.Take(3));
        }

        /// <summary>Parses a body with or without the byte order mark.</summary>
        private static JsonElement Json(byte[] bytes)
        {
            int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            return JsonDocument.Parse(bytes.AsMemory(start)).RootElement.Clone();
        }

        private async Task<string> AccessTokenAsync()
        {
            if (_accessToken == null)
            {
                JsonElement token = await TokenAsync(_emulator.State.IssueRefreshToken(EmulatorFixture.ClientId));
                _accessToken = token.GetProperty("access_token").GetString();
            }

            return _accessToken;
        }

        private async Task<JsonElement> TokenAsync(string refreshToken)
        {
            var response = await _http.PostAsync(EmulatorState.DefaultTenantId + "/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token", ["client_id"] = EmulatorFixture.ClientId, ["client_secret"] = _emulator.ClientSecret,
                ["refresh_token"] = refreshToken, ["scope"] = "https://api.partnercenter.microsoft.com/user_impersonation offline_access",
            }));
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }

        private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent content = null, (string Name, string Value)? header = null, CancellationToken cancellation = default)
        {
            var request = new HttpRequestMessage(method, pathAndQuery) { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await AccessTokenAsync());
            if (header is { } extra)
            {
                request.Headers.Add(extra.Name, extra.Value);
            }

            return await _http.SendAsync(request, cancellation);
        }

        private async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(string pathAndQuery, (string Name, string Value)? header = null, CancellationToken cancellation = default)
        {
            HttpResponseMessage response = await SendAsync(HttpMethod.Get, pathAndQuery, header: header, cancellation: cancellation);
            return (response, await response.Content.ReadAsByteArrayAsync(cancellation));
        }
    }
}
