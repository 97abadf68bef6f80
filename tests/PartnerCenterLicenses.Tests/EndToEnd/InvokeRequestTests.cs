using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Invoke-PartnerCenterRequest through the built module against the emulator: any path under the
    /// connected endpoint with the session's token, paging, bodies, retries, errors and Ctrl+C, and
    /// nothing sent anywhere else.
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class InvokeRequestTests
    {
        private const string Connect = "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n";
        private const string CustomersPath = "/v1/customers";
        private readonly EmulatorFixture _emulator;

        public InvokeRequestTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        // The module's own Partner Center requests carry a correlation id; MSAL's sign-in requests do not.
        private IEnumerable<RecordedRequest> PartnerCenterRequests => _emulator.State.Requests.Where(r => r.Headers.ContainsKey("MS-CorrelationId"));

        private static void AssertSucceeded(HostedRunResult result)
        {
            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
        }

        private static string[] Lines(HostedRunResult result) => result.Output.Select(o => o.Text).ToArray();

        [Fact]
        public async Task All_reads_every_page_of_the_customer_list_with_the_continuation_token_and_writes_each_customer_as_an_object()
        {
            _emulator.State.AddCustomers(4);
            var result = await _emulator.RunAsync(
                Connect
                + "$all = @(Invoke-PartnerCenterRequest -Path /v1/customers -Query @{ size = 2 } -All)\n"
                + "$all.Count\n$all[0].GetType().FullName\n$all[0].companyProfile.GetType().FullName\n$all[0].companyProfile.tenantId\n"
                + "($all | ForEach-Object { $_.id }) -join ','",
                _emulator.WithRefreshToken());

            AssertSucceeded(result);
            string[] lines = Lines(result);
            Assert.Equal("5", lines[0]);
            Assert.Equal("System.Management.Automation.PSCustomObject", lines[1]);
            Assert.Equal("System.Management.Automation.PSCustomObject", lines[2]);
            Assert.Equal(EmulatorState.DefaultCustomerId, lines[3]);
            Assert.Equal(5, lines[4].Split(',').Distinct().Count());

            var pages = _emulator.State.Requests.Where(r => r.Path == CustomersPath).ToList();
            Assert.Equal(3, pages.Count);
            Assert.DoesNotContain("MS-ContinuationToken", pages[0].Headers.Keys, StringComparer.OrdinalIgnoreCase);
            Assert.All(pages.Skip(1), page =>
            {
                Assert.Contains("seekOperation=Next", page.QueryString);
                Assert.False(string.IsNullOrEmpty(page.Headers["MS-ContinuationToken"]));
                Assert.Equal(200, page.StatusCode);
            });
            Assert.Single(pages.Select(p => p.Headers["MS-CorrelationId"]).Distinct());
        }

        [Fact]
        public async Task Without_All_only_the_first_page_is_read_and_a_verbose_message_says_more_pages_exist()
        {
            _emulator.State.AddCustomers(4);
            var result = await _emulator.RunAsync(
                Connect + "@(Invoke-PartnerCenterRequest -Path v1/customers -Query @{ size = 2 } -Verbose).Count",
                _emulator.WithRefreshToken());

            AssertSucceeded(result);
            Assert.Equal("2", Assert.Single(result.Output).Text);
            Assert.Single(_emulator.State.Requests, r => r.Path == CustomersPath);
            Assert.Contains(result.Verbose, v => v.Contains("more pages") && v.Contains("-All"));
        }

        [Fact]
        public async Task All_follows_a_rooted_and_then_an_absolute_nextLink_on_the_endpoint_to_the_end()
        {
            const string path = "/v1/things";
            string absolute = _emulator.Url.ToString().TrimEnd('/') + path + "?page=3";
            _emulator.State.EnqueueResponse(path, 200, """{"Value":[{"n":1},{"n":2}],"@nextLink":"/v1/things?page=2","TotalCount":5}""");
            _emulator.State.EnqueueResponse(path, 200, "{\"Value\":[{\"n\":3},{\"n\":4}],\"@nextLink\":\"" + absolute + "\"}");
            _emulator.State.EnqueueResponse(path, 200, """{"Value":[{"n":5,"tags":["a","b"],"inner":{"deep":{"x":true}}}],"@nextLink":null}""");
            var result = await _emulator.RunAsync(
                Connect + "$all = @(Invoke-PartnerCenterRequest -Path /v1/things -All)\n($all | ForEach-Object { $_.n }) -join ','\n"
                + "$all[4].tags.GetType().FullName\n$all[4].tags -join '+'\n[string] $all[4].inner.deep.x",
                _emulator.WithRefreshToken());

            AssertSucceeded(result);
            Assert.Equal(new[] { "1,2,3,4,5", "System.Object[]", "a+b", "True" }, Lines(result));
            Assert.Equal(new[] { string.Empty, "?page=2", "?page=3" }, _emulator.State.Requests.Where(r => r.Path == path).Select(r => r.QueryString));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task A_next_link_to_another_host_is_refused_and_nothing_is_sent_there(bool linksNext)
        {
            const string path = "/v1/things";
            string elsewhere = _emulator.Other.BaseUri.ToString().TrimEnd('/') + path + "?page=2";
            string body = linksNext
                ? "{\"totalCount\":2,\"items\":[{\"n\":1},{\"n\":2}],\"links\":{\"next\":{\"uri\":\"" + elsewhere + "\",\"method\":\"GET\",\"headers\":[{\"key\":\"MS-ContinuationToken\",\"value\":\"abc\"}]}}}"
                : "{\"Value\":[{\"n\":1},{\"n\":2}],\"@nextLink\":\"" + elsewhere + "\"}";
            _emulator.State.EnqueueResponse(path, 200, body);
            var result = await _emulator.RunAsync(
                Connect + "Invoke-PartnerCenterRequest -Path /v1/things -All | ForEach-Object { $_.n }",
                _emulator.WithRefreshToken());

            Assert.Equal(new[] { "1", "2" }, Lines(result));
            var error = result.TerminatingError;
            Assert.NotNull(error);
            Assert.StartsWith("PartnerCenter.InvalidResponse,", error.FullyQualifiedErrorId);
            Assert.Equal("InvalidData", error.Category);
            Assert.Contains("nothing was sent there", error.Message);
            Assert.Empty(_emulator.Other.State.Requests);
            Assert.Single(_emulator.State.Requests, r => r.Path == path);
        }

        [Fact]
        public async Task A_next_link_back_to_the_same_page_ends_the_paging_with_an_error_instead_of_a_loop()
        {
            const string path = "/v1/things";
            _emulator.State.EnqueueResponse(path, 200, """{"Value":[{"n":1}],"@nextLink":"/v1/things"}""");
            var result = await _emulator.RunAsync(
                Connect + "Invoke-PartnerCenterRequest -Path /v1/things -All | ForEach-Object { $_.n }",
                _emulator.WithRefreshToken());

            Assert.Equal(new[] { "1" }, Lines(result));
            Assert.StartsWith("PartnerCenter.InvalidResponse,", result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Single(_emulator.State.Requests, r => r.Path == path);
        }

        [Theory]
        [InlineData("https://evil.example/v1/customers")]
        [InlineData("//evil.example/v1/customers")]
        [InlineData("/v1/../v1/customers")]
        [InlineData("/v1/%2e%2e/customers")]
        [InlineData("\\v1\\customers")]
        [InlineData("/v1/customers?size=1")]
        [InlineData("/v1/customers#top")]
        public async Task A_path_that_is_not_a_plain_path_under_the_endpoint_is_refused_before_anything_is_sent(string path)
        {
            var result = await _emulator.RunAsync(
                Connect + "Invoke-PartnerCenterRequest -Path $env:PCL_PATH",
                _emulator.WithRefreshToken(new Dictionary<string, string> { ["PCL_PATH"] = path }));

            var error = result.TerminatingError;
            Assert.NotNull(error);
            Assert.Equal("PartnerCenter.InvalidArgument,PartnerCenterLicenses.Commands.InvokePartnerCenterRequestCommand", error.FullyQualifiedErrorId);
            Assert.Equal("InvalidArgument", error.Category);
            Assert.Contains("Nothing was sent", error.Message);
            Assert.Empty(PartnerCenterRequests);
            Assert.Empty(_emulator.Other.State.Requests);
        }

        [Fact]
        public async Task A_body_with_GET_and_an_unknown_method_are_parameter_errors_and_nothing_is_sent()
        {
            var result = await _emulator.RunAsync(
                Connect
                + "try { Invoke-PartnerCenterRequest -Path /v1/customers -Body @{ a = 1 } } catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category }\n"
                + "try { Invoke-PartnerCenterRequest -Path /v1/customers -Method TRACE } catch { $_.FullyQualifiedErrorId }",
                _emulator.WithRefreshToken());

            string[] lines = Lines(result);
            Assert.Equal("PartnerCenter.InvalidArgument,PartnerCenterLicenses.Commands.InvokePartnerCenterRequestCommand", lines[0]);
            Assert.Equal("InvalidArgument", lines[1]);
            Assert.StartsWith("ParameterArgumentValidationError,", lines[2]);
            Assert.Empty(PartnerCenterRequests);
        }

        [Fact]
        public async Task Without_a_session_it_fails_with_not_connected_and_sends_nothing()
        {
            var result = await _emulator.RunAsync("Invoke-PartnerCenterRequest -Path /v1/customers");

            Assert.Equal("PartnerCenter.NotConnected,PartnerCenterLicenses.Commands.InvokePartnerCenterRequestCommand", result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("AuthenticationError", result.TerminatingError.Category);
            Assert.Empty(_emulator.State.Requests);
        }

        [Fact]
        public async Task Query_names_and_values_reach_Partner_Center_exactly_as_given()
        {
            var result = await _emulator.RunAsync(
                Connect
                + "$null = Invoke-PartnerCenterRequest -Path /v1/customers -Query ([ordered]@{ size = 3; filter = \"a&b=c #d/e?f+g %41 \u00e9\u20ac\U0001F600\"; 'odd key&=' = 'x'; id = @('1', '2') })",
                _emulator.WithRefreshToken());

            AssertSucceeded(result);
            var request = Assert.Single(_emulator.State.Requests, r => r.Path == CustomersPath);
            var pairs = request.QueryString.TrimStart('?').Split('&')
                .Select(p => p.Split('='))
                .Select(p => (Uri.UnescapeDataString(p[0]), Uri.UnescapeDataString(p[1])))
                .ToArray();
            Assert.Equal(
                new[] { ("size", "3"), ("filter", "a&b=c #d/e?f+g %41 \u00e9\u20ac\U0001F600"), ("odd key&=", "x"), ("id", "1"), ("id", "2") },
                pairs);
            Assert.Equal(200, request.StatusCode);
        }

        [Fact]
        public async Task A_POST_with_a_hashtable_body_sends_JSON_once_and_writes_the_created_customer_as_one_object()
        {
            var result = await _emulator.RunAsync(
                Connect
                + "$created = @(Invoke-PartnerCenterRequest -Method post -Path /v1/customers -Body ([ordered]@{\n"
                + "  companyProfile = @{ domain = 'fabrikam.onmicrosoft.com' }\n"
                + "  billingProfile = [pscustomobject]@{ companyName = 'Fabrikam'; email = 'admin@fabrikam.example'; culture = 'en-US' }\n"
                + "  seats = 5; trial = $false; tags = @('a', 'b')\n"
                + "}))\n$created.Count\n$created[0].companyProfile.companyName\n$created[0].id",
                _emulator.WithRefreshToken());

            AssertSucceeded(result);
            string[] lines = Lines(result);
            Assert.Equal("1", lines[0]);
            Assert.Equal("Fabrikam", lines[1]);
            Assert.True(Guid.TryParse(lines[2], out _), lines[2]);

            var post = Assert.Single(_emulator.State.Requests, r => r.Method == "POST" && r.Path == CustomersPath);
            Assert.Equal(CustomersPath, post.Path);
            Assert.Equal(201, post.StatusCode);
            Assert.StartsWith("application/json", post.Headers["Content-Type"]);
            using var body = JsonDocument.Parse(post.Body);
            Assert.Equal(new[] { "companyProfile", "billingProfile", "seats", "trial", "tags" }, body.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal("fabrikam.onmicrosoft.com", body.RootElement.GetProperty("companyProfile").GetProperty("domain").GetString());
            Assert.Equal("en-US", body.RootElement.GetProperty("billingProfile").GetProperty("culture").GetString());
            Assert.Equal(5, body.RootElement.GetProperty("seats").GetInt64());
            Assert.Equal(JsonValueKind.False, body.RootElement.GetProperty("trial").ValueKind);
            Assert.Equal(2, body.RootElement.GetProperty("tags").GetArrayLength());
        }

        [Fact]
        public async Task A_POST_redirected_to_another_host_is_refused_and_neither_its_body_nor_the_token_goes_there()
        {
            string elsewhere = _emulator.Other.BaseUri.ToString().TrimEnd('/') + CustomersPath;
            _emulator.State.EnqueueResponse(CustomersPath, 307, null, new Dictionary<string, string> { ["Location"] = elsewhere });
            var result = await _emulator.RunAsync(
                Connect + "Invoke-PartnerCenterRequest -Method POST -Path /v1/customers -Body @{ companyProfile = @{ domain = 'fabrikam.onmicrosoft.com' } }",
                _emulator.WithRefreshToken());

            Assert.NotNull(result.TerminatingError);
            Assert.StartsWith("PartnerCenter.InsecureRedirectRefused,", result.TerminatingError.FullyQualifiedErrorId);
            Assert.Equal("SecurityError", result.TerminatingError.Category);
            Assert.Contains("nothing was sent there", result.TerminatingError.Message);
            Assert.Empty(_emulator.Other.State.Requests);
            Assert.Single(_emulator.State.Requests, r => r.Method == "POST" && r.Path == CustomersPath);
        }

        [Fact]
        public async Task A_POST_redirected_with_307_on_the_endpoint_is_sent_there_again_with_its_body()
        {
            string again = _emulator.Url.ToString().TrimEnd('/') + CustomersPath + "?moved=1";
            _emulator.State.EnqueueResponse(CustomersPath, 307, null, new Dictionary<string, string> { ["Location"] = again });
            var result = await _emulator.RunAsync(
                Connect + "(Invoke-PartnerCenterRequest -Method POST -Path /v1/customers -Body @{ companyProfile = @{ domain = 'fabrikam.onmicrosoft.com' } }).companyProfile.domain",
                _emulator.WithRefreshToken());

            AssertSucceeded(result);
            Assert.Equal("fabrikam.onmicrosoft.com", Assert.Single(result.Output).Text);
            var posts = _emulator.State.Requests.Where(r => r.Method == "POST" && r.Path == CustomersPath).ToList();
            Assert.Equal(2, posts.Count);
            Assert.Equal(posts[0].Body, posts[1].Body);
            Assert.Equal("?moved=1", posts[1].QueryString);
        }

        [Fact]
        public async Task A_string_body_is_sent_as_it_is()
        {
            const string json = "{\"companyProfile\":{\"domain\":\"tailspin.onmicrosoft.com\"},  \"billingProfile\":{\"companyName\":\"Tailspin\"}}";
            var result = await _emulator.RunAsync(
                Connect + "(Invoke-PartnerCenterRequest -Method POST -Path /v1/customers -Body $env:PCL_BODY).companyProfile.companyName",
                _emulator.WithRefreshToken(new Dictionary<string, string> { ["PCL_BODY"] = json }));

            AssertSucceeded(result);
            Assert.Equal("Tailspin", Assert.Single(result.Output).Text);
            Assert.Equal(json, Assert.Single(_emulator.State.Requests, r => r.Method == "POST" && r.Path == CustomersPath).Body);
        }

        [Fact]
        public async Task A_POST_answered_503_is_reported_without_sending_it_again()
        {
            _emulator.State.EnqueueResponse(CustomersPath, 503, """{"code":503,"description":"Busy."}""", new Dictionary<string, string> { ["Retry-After"] = "0" });
            var result = await _emulator.RunAsync(
                Connect + "Invoke-PartnerCenterRequest -Method POST -Path /v1/customers -Body '{\"companyProfile\":{\"domain\":\"x.onmicrosoft.com\"}}'",
                _emulator.WithRefreshToken());

            Assert.NotNull(result.TerminatingError);
            Assert.Equal("ResourceUnavailable", result.TerminatingError.Category);
            Assert.Single(_emulator.State.Requests, r => r.Method == "POST" && r.Path == CustomersPath);
        }

        [Fact]
        public async Task A_POST_answered_429_and_a_GET_answered_503_are_sent_again()
        {
            var again = new Dictionary<string, string> { ["Retry-After"] = "0" };
            _emulator.State.EnqueueResponse(CustomersPath, 429, """{"code":429,"description":"Too many requests."}""", again);
            _emulator.State.EnqueueResponse("/v1/things", 503, """{"code":503,"description":"Busy."}""", again);
            _emulator.State.EnqueueResponse("/v1/things", 200, """{"Value":[{"n":1},{"n":2}]}""");
            var result = await _emulator.RunAsync(
                Connect
                + "(Invoke-PartnerCenterRequest -Method POST -Path /v1/customers -Body @{ companyProfile = @{ domain = 'y.onmicrosoft.com' } }).companyProfile.domain\n"
                + "@(Invoke-PartnerCenterRequest -Path /v1/things).Count",
                _emulator.WithRefreshToken());

            AssertSucceeded(result);
            Assert.Equal(new[] { "y.onmicrosoft.com", "2" }, Lines(result));
            Assert.Equal(new[] { "POST 429", "POST 201", "GET 503", "GET 200" },
                PartnerCenterRequests.Select(r => r.Method + " " + r.StatusCode));
        }

        [Theory]
        [InlineData("/v1/nothing-here", null, "404", "was not found", "ObjectNotFound")]
        [InlineData("/v1/customers", "0", "400", "size must be a positive whole number", "InvalidOperation")]
        [InlineData("/v1/customers/0e5a6f4c-0000-4000-8000-000000000001/analytics/licenses/deployment", null, "20002", "no relationship", "PermissionDenied")]
        public async Task A_failure_from_Partner_Center_is_a_terminating_error_with_its_code_description_and_request_id(
            string path, string size, string code, string description, string category)
        {
            var result = await _emulator.RunAsync(
                Connect + "Invoke-PartnerCenterRequest -Path $env:PCL_PATH" + (size != null ? " -Query @{ size = $env:PCL_SIZE }" : string.Empty),
                _emulator.WithRefreshToken(new Dictionary<string, string> { ["PCL_PATH"] = path, ["PCL_SIZE"] = size ?? string.Empty }));

            var error = result.TerminatingError;
            Assert.NotNull(error);
            Assert.StartsWith("PartnerCenter.", error.FullyQualifiedErrorId);
            Assert.EndsWith(",PartnerCenterLicenses.Commands.InvokePartnerCenterRequestCommand", error.FullyQualifiedErrorId);
            Assert.Equal(category, error.Category);
            var request = Assert.Single(PartnerCenterRequests);
            Assert.Contains(code, error.Message);
            Assert.Contains(description, error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(request.Headers["MS-RequestId"], error.Message);
        }

        [Fact]
        public async Task An_empty_answer_writes_nothing()
        {
            _emulator.State.EnqueueResponse("/v1/things/1", 204, null);
            var result = await _emulator.RunAsync(
                Connect + "@(Invoke-PartnerCenterRequest -Method Delete -Path /v1/things/1 -Confirm:$false).Count",
                _emulator.WithRefreshToken());

            AssertSucceeded(result);
            Assert.Equal("0", Assert.Single(result.Output).Text);
            Assert.Equal("DELETE", Assert.Single(PartnerCenterRequests).Method);
        }

        [Fact]
        public async Task Ctrl_C_while_a_page_is_in_flight_stops_the_paging_and_no_further_page_is_requested()
        {
            _emulator.State.AddCustomers(9);
            _emulator.State.PartnerCenterLatency = TimeSpan.FromMilliseconds(300);
            var result = await _emulator.RunAsync(
                Connect + "Invoke-PartnerCenterRequest -Path /v1/customers -Query @{ size = 2 } -All | ForEach-Object { $_.id }",
                _emulator.WithRefreshToken(),
                stopWhen: _emulator.Seen(r => r.Path == CustomersPath && r.QueryString.Contains("seekOperation=Next")));

            Assert.True(result.Stopped, result.Describe());
            Assert.Null(result.TerminatingError);
            Assert.Equal(2, result.Output.Count);
            Assert.Equal(2, _emulator.State.Requests.Count(r => r.Path == CustomersPath));
        }

        [Fact]
        public async Task With_verbose_and_debug_no_stream_shows_a_secret_or_token()
        {
            var environment = _emulator.WithRefreshToken();
            var result = await _emulator.RunAsync(
                Connect
                + "Invoke-PartnerCenterRequest -Path /v1/customers -All -Verbose -Debug\n"
                + "Invoke-PartnerCenterRequest -Method POST -Path /v1/customers -Body @{ companyProfile = @{ domain = 'z.onmicrosoft.com' } } -Verbose -Debug\n"
                + "$global:ErrorActionPreference = 'Continue'\nInvoke-PartnerCenterRequest -Path /v1/nothing-here -Verbose -Debug",
                environment);

            Assert.NotEmpty(result.Verbose);
            Assert.Contains(result.Debug, d => d.Contains("Bearer <redacted>"));
            var secrets = new List<string> { _emulator.ClientSecret, environment["PCL_REFRESH_TOKEN"] };
            secrets.AddRange(_emulator.State.IssuedAccessTokens);
            secrets.AddRange(_emulator.State.IssuedRefreshTokens);
            Assert.NotEmpty(_emulator.State.IssuedAccessTokens);
            var visible = EmulatorFixture.EverythingVisible(result).Where(t => !string.IsNullOrEmpty(t)).ToList();
            foreach (string secret in secrets)
            {
                Assert.DoesNotContain(visible, t => t.Contains(secret));
            }
        }

        [Fact]
        public async Task The_customers_it_writes_pipe_into_Get_PartnerLicenseDeployment_by_their_id()
        {
            _emulator.State.AddCustomer("0e5a6f4c-1111-4000-8000-000000000002", "Fabrikam");
            _emulator.State.AddCustomer("0e5a6f4c-2222-4000-8000-000000000003", "Tailspin");
            var result = await _emulator.RunAsync(
                Connect + "Invoke-PartnerCenterRequest -Path /v1/customers -Query @{ size = 2 } -All | Get-PartnerLicenseDeployment | ForEach-Object { $_.CustomerName }",
                _emulator.WithRefreshToken());

            AssertSucceeded(result);
            var perCustomer = Lines(result).GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(new[] { EmulatorState.DefaultCustomerName, "Fabrikam", "Tailspin" }, perCustomer.Keys.OrderBy(k => k, StringComparer.Ordinal));
            Assert.All(perCustomer.Values, count => Assert.Equal(3, count));
            Assert.Equal(3, _emulator.State.Requests.Count(r => r.Path.EndsWith("/analytics/licenses/deployment")));
        }
    }
}
