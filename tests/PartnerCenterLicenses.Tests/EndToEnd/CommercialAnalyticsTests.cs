using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Get-PartnerCommercialLicenseDeployment and Get-PartnerCommercialLicenseUsage through the built
    /// module against the emulator: typed rows, page after page, PowerShell's paging parameters as the
    /// API's top and skip, grouping and filters sent as given, next links kept on the endpoint,
    /// failures and Ctrl+C.
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class CommercialAnalyticsTests
    {
        private const string DeploymentPath = "/partner/v1/analytics/commercial/deployment/license";
        private const string UsagePath = "/partner/v1/analytics/commercial/usage/license";
        private const string DeploymentType = "PartnerCenterLicenses.Models.CommercialLicenseDeployment";
        private const string UsageType = "PartnerCenterLicenses.Models.CommercialLicenseUsage";
        private const string GetDeployment = "Get-PartnerCommercialLicenseDeployment";
        private const string DeploymentCommand = ",PartnerCenterLicenses.Commands.GetPartnerCommercialLicenseDeploymentCommand";
        private const string DocumentedTenant = "0112A436-B14E-4888-967B-CA4BB2CF1234";
        private const string DocumentedTime = "2018-10-14T00:00:00.0000000+00:00";

        private readonly EmulatorFixture _emulator;

        public CommercialAnalyticsTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private Task<HostedRunResult> RunAsync(string command, Func<System.Threading.CancellationToken, Task> stopWhen = null)
        {
            return _emulator.RunAsync("$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n" + command, _emulator.WithRefreshToken(), stopWhen: stopWhen);
        }

        private List<RecordedRequest> Calls(string path) => _emulator.State.Requests.Where(r => r.Path == path).ToList();

        /// <summary>A recorded query string's parameters, decoded.</summary>
        private static Dictionary<string, string> Query(RecordedRequest request)
        {
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string pair in (request.QueryString ?? string.Empty).TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int equals = pair.IndexOf('=');
                string name = Uri.UnescapeDataString(equals < 0 ? pair : pair.Substring(0, equals));
                parameters.Add(name, equals < 0 ? string.Empty : Uri.UnescapeDataString(pair.Substring(equals + 1)));
            }

            return parameters;
        }

        private static string Parameter(RecordedRequest request, string name) => Query(request).TryGetValue(name, out string value) ? value : null;

        private static void AssertSucceeded(HostedRunResult result)
        {
            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
        }

        private static string GeneratedCustomer(int number) => "GENERATED CUSTOMER " + number.ToString("D6");

        [Fact]
        public async Task Deployment_writes_the_documented_rows_with_every_field_typed_from_one_request_for_a_full_page()
        {
            // The emulator starts every body with a byte order mark, as the live service does.
            Assert.True(_emulator.State.ByteOrderMark);

            var result = await RunAsync(GetDeployment);

            AssertSucceeded(result);
            Assert.Equal(2, result.Output.Count);
            Assert.All(result.Output, o => Assert.Equal(DeploymentType, o.TypeNames[0]));
            var crm = result.Output[0];
            Assert.Equal(("System.DateTimeOffset", DocumentedTime), crm.Property("ProcessedDateTime"));
            Assert.Equal(("System.String", "crm"), crm.Property("ServiceCode"));
            Assert.Equal(("System.String", "Microsoft Dynamics"), crm.Property("ServiceName"));
            Assert.Equal(("System.String", "reseller"), crm.Property("Channel"));
            Assert.Equal(("System.String", DocumentedTenant), crm.Property("CustomerTenantId"));
            Assert.Equal(("System.String", "TEST COMPANY"), crm.Property("CustomerName"));
            Assert.Equal(("System.String", "54B84594-9C77-4499-8D65-5E0D5F410E78"), crm.Property("ProductId"));
            Assert.Equal(("System.String", "DYNAMICS AX TASK"), crm.Property("ProductName"));
            Assert.Equal(("System.Int64", "0"), crm.Property("LicensesDeployed"));
            Assert.Equal(("System.Int64", "9"), crm.Property("LicensesSold"));
            Assert.Equal(("System.String", "DOMESTIC AND INTERNATIONAL CALLING PLAN"), result.Output[1].Property("ProductName"));
            Assert.Equal(("System.Int64", "5"), result.Output[1].Property("LicensesSold"));

            var call = Assert.Single(Calls(DeploymentPath));
            Assert.Equal(new Dictionary<string, string> { ["top"] = "10000" }, Query(call));
        }

        [Fact]
        public async Task Usage_writes_the_documented_rows_with_every_field_typed()
        {
            var result = await RunAsync("Get-PartnerCommercialLicenseUsage");

            AssertSucceeded(result);
            Assert.Equal(2, result.Output.Count);
            Assert.All(result.Output, o => Assert.Equal(UsageType, o.TypeNames[0]));
            var spo = result.Output[0];
            Assert.Equal(("System.DateTimeOffset", DocumentedTime), spo.Property("ProcessedDateTime"));
            Assert.Equal(("System.String", "SPO"), spo.Property("WorkloadCode"));
            Assert.Equal(("System.String", "SharePoint"), spo.Property("WorkloadName"));
            Assert.Equal(("System.String", "o365"), spo.Property("ServiceCode"));
            Assert.Equal(("System.String", "Microsoft Office 365"), spo.Property("ServiceName"));
            Assert.Equal(("System.String", "reseller"), spo.Property("Channel"));
            Assert.Equal(("System.String", DocumentedTenant), spo.Property("CustomerTenantId"));
            Assert.Equal(("System.String", "TEST COMPANY"), spo.Property("CustomerName"));
            Assert.Equal(("System.String", "6FD2C87F-B296-42F0-B197-1E91E994B900"), spo.Property("ProductId"));
            Assert.Equal(("System.String", "OFFICE 365 ENTERPRISE E3"), spo.Property("ProductName"));
            Assert.Equal(("System.Int64", "0"), spo.Property("LicensesActive"));
            Assert.Equal(("System.Int64", "1"), spo.Property("LicensesQualified"));
            Assert.Equal(("System.String", "EXO"), result.Output[1].Property("WorkloadCode"));
            Assert.Single(Calls(UsagePath));
        }

        [Fact]
        public async Task Usage_reads_the_documented_examples_licenseActive_spelling_from_a_body_without_a_byte_order_mark()
        {
            _emulator.State.ByteOrderMark = false;
            _emulator.State.SetCommercialJson("usage", EmulatorState.DocumentedCommercialUsageExampleJson.Replace("\"licenseActive\": 0", "\"licenseActive\": 7"));

            var result = await RunAsync("Get-PartnerCommercialLicenseUsage -IncludeTotalCount");

            AssertSucceeded(result);
            Assert.Equal(3, result.Output.Count);
            Assert.Equal(("System.UInt64", "2"), (result.Output[0].BaseTypeFullName, result.Output[0].Text));
            Assert.Equal(("System.Int64", "7"), result.Output[1].Property("LicensesActive"));
            Assert.Equal(("System.Int64", "7"), result.Output[2].Property("LicensesActive"));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Every_page_is_followed_through_absolute_and_relative_next_links_and_rows_come_in_order(bool relative)
        {
            _emulator.State.SetCommercialRows("deployment", 25);
            _emulator.State.CommercialPageSize = 10;
            _emulator.State.CommercialRelativeNextLink = relative;

            var result = await RunAsync(GetDeployment);

            AssertSucceeded(result);
            Assert.Equal(Enumerable.Range(1, 25).Select(GeneratedCustomer), result.Output.Select(o => o.Property("CustomerName").Value));
            var calls = Calls(DeploymentPath);
            Assert.Equal(new string[] { null, "10", "20" }, calls.Select(c => Parameter(c, "skip")));
            Assert.All(calls, c => Assert.Equal("10000", Parameter(c, "top")));
            Assert.Single(calls.Select(c => c.Headers["MS-CorrelationId"]).Distinct());
        }

        [Fact]
        public async Task Paging_with_verbose_and_debug_shows_no_secret_or_token_in_any_stream()
        {
            _emulator.State.SetCommercialRows("usage", 12);
            _emulator.State.CommercialPageSize = 5;
            string refreshToken = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId);
            var result = await _emulator.RunAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\nGet-PartnerCommercialLicenseUsage -Verbose -Debug -IncludeTotalCount",
                new Dictionary<string, string> { ["PCL_REFRESH_TOKEN"] = refreshToken });

            AssertSucceeded(result);
            Assert.Equal(13, result.Output.Count);
            Assert.Equal(3, Calls(UsagePath).Count);
            Assert.Contains(result.Verbose, v => v.Contains(UsagePath, StringComparison.Ordinal));
            var secrets = _emulator.State.IssuedAccessTokens.Concat(_emulator.State.IssuedRefreshTokens).Concat(new[] { _emulator.ClientSecret, refreshToken }).ToList();
            foreach (string text in EmulatorFixture.EverythingVisible(result).Where(t => t != null))
            {
                foreach (string secret in secrets)
                {
                    Assert.DoesNotContain(secret, text);
                }
            }
        }

        [Fact]
        public async Task First_and_skip_become_top_and_skip_and_the_total_count_comes_first()
        {
            // Pages of 10 whatever top says: the first page has 10 of the 15 rows wanted, so the next
            // request asks for the 5 still missing, and no third page is requested.
            _emulator.State.SetCommercialRows("deployment", 25);
            _emulator.State.CommercialPageSize = 10;

            var result = await RunAsync(GetDeployment + " -Skip 3 -First 15 -IncludeTotalCount");

            AssertSucceeded(result);
            Assert.Equal(16, result.Output.Count);
            Assert.Equal(("System.UInt64", "25"), (result.Output[0].BaseTypeFullName, result.Output[0].Text));
            Assert.Equal(("System.Double", "1"), result.Output[0].Property("Accuracy"));
            Assert.Equal(Enumerable.Range(4, 15).Select(GeneratedCustomer), result.Output.Skip(1).Select(o => o.Property("CustomerName").Value));
            var calls = Calls(DeploymentPath);
            Assert.Equal(new[] { "15", "5" }, calls.Select(c => Parameter(c, "top")));
            Assert.Equal(new[] { "3", "13" }, calls.Select(c => Parameter(c, "skip")));
        }

        [Fact]
        public async Task First_reached_on_the_first_page_still_gives_its_total_count_and_first_0_sends_nothing()
        {
            _emulator.State.SetCommercialRows("deployment", 25);

            var result = await RunAsync(
                "$none = @(" + GetDeployment + " -First 0 -IncludeTotalCount)\n"
                + "if ($none.Count -ne 0) { throw 'First 0 wrote something' }\n"
                + GetDeployment + " -First 10 -IncludeTotalCount");

            AssertSucceeded(result);
            Assert.Equal(11, result.Output.Count);
            Assert.Equal(("System.UInt64", "25"), (result.Output[0].BaseTypeFullName, result.Output[0].Text));
            Assert.Equal(Enumerable.Range(1, 10).Select(GeneratedCustomer), result.Output.Skip(1).Select(o => o.Property("CustomerName").Value));
            var call = Assert.Single(Calls(DeploymentPath));
            Assert.Equal("10", Parameter(call, "top"));
        }

        [Fact]
        public async Task A_first_page_without_a_total_count_gives_an_unknown_count_and_the_rows_still_stream()
        {
            _emulator.State.SetCommercialJson("deployment", "{\"Value\":[{\"serviceCode\":\"o365\",\"licensesDeployed\":1,\"licensesSold\":2}],\"@nextLink\":null}");

            var result = await RunAsync(GetDeployment + " -IncludeTotalCount");

            AssertSucceeded(result);
            Assert.Equal(2, result.Output.Count);
            Assert.Equal(("System.UInt64", "0"), (result.Output[0].BaseTypeFullName, result.Output[0].Text));
            Assert.Equal(("System.Double", "0"), result.Output[0].Property("Accuracy"));
            Assert.Equal(("System.Int64", "2"), result.Output[1].Property("LicensesSold"));
        }

        [Fact]
        public async Task GroupBy_sends_the_documented_names_and_rows_hold_the_groups_with_summed_counts()
        {
            var result = await RunAsync(GetDeployment + " -GroupBy customertenantid, CUSTOMERNAME");

            AssertSucceeded(result);
            var group = Assert.Single(result.Output);
            Assert.Equal(("System.String", DocumentedTenant), group.Property("CustomerTenantId"));
            Assert.Equal(("System.String", "TEST COMPANY"), group.Property("CustomerName"));
            Assert.Equal(("System.Int64", "0"), group.Property("LicensesDeployed"));
            Assert.Equal(("System.Int64", "14"), group.Property("LicensesSold"));
            Assert.Null(group.Property("ProductName").Value);
            Assert.Null(group.Property("ProcessedDateTime").Value);
            Assert.Equal("customerTenantId,customerName", Parameter(Assert.Single(Calls(DeploymentPath)), "groupby"));
        }

        [Fact]
        public async Task A_group_by_field_that_is_not_documented_is_a_parameter_error_and_nothing_is_sent()
        {
            var result = await RunAsync("Get-PartnerCommercialLicenseUsage -GroupBy workloadCode, customer");

            Assert.NotNull(result.TerminatingError);
            Assert.StartsWith("ParameterArgumentValidationError", result.TerminatingError.FullyQualifiedErrorId);
            Assert.Empty(Calls(UsagePath));
        }

        [Fact]
        public async Task Filter_and_processed_date_reach_partner_center_exactly_as_given()
        {
            const string filter = "serviceCode eq 'O365' or (channel eq 'Reseller') and customerName eq 'A&B = 100% \"fine\"'";

            // The filter travels in the environment so no script quoting stands between it and the cmdlet.
            var result = await _emulator.RunAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n"
                + "Get-PartnerCommercialLicenseUsage -Filter $env:PCL_FILTER -ProcessedDateTime ([datetime]'2024-05-01') > $null",
                _emulator.WithRefreshToken(new Dictionary<string, string> { ["PCL_FILTER"] = filter }));

            AssertSucceeded(result);
            var call = Calls(UsagePath).Last();
            Assert.Equal(filter, Parameter(call, "filter"));
            Assert.Equal("2024-05-01T00:00:00Z", Parameter(call, "processedDateTime"));
            Assert.DoesNotContain(" ", call.QueryString);
        }

        [Fact]
        public async Task Not_connected_is_one_terminating_error_and_nothing_is_sent()
        {
            var result = await _emulator.RunAsync("Disconnect-PartnerCenter | Out-Null\n" + GetDeployment);

            Assert.True("PartnerCenter.NotConnected" + DeploymentCommand == result.TerminatingError?.FullyQualifiedErrorId, result.Describe());
            Assert.Empty(result.Output);
            Assert.Empty(Calls(DeploymentPath));
        }

        [Fact]
        public async Task A_partner_center_error_ends_the_command_with_its_code_description_and_request_id()
        {
            _emulator.State.EnqueueResponse(DeploymentPath, 403, "{\"code\":2000,\"description\":\"The partner may not read commercial analytics.\",\"data\":[],\"source\":\"PartnerFD\"}");

            var result = await RunAsync(GetDeployment);

            Assert.True("PartnerCenter.Forbidden" + DeploymentCommand == result.TerminatingError?.FullyQualifiedErrorId, result.Describe());
            Assert.Equal("PermissionDenied", result.TerminatingError.Category);
            Assert.Contains("2000", result.TerminatingError.Message);
            Assert.Contains("The partner may not read commercial analytics.", result.TerminatingError.Message);
            Assert.Contains(Assert.Single(Calls(DeploymentPath)).Headers["MS-RequestId"], result.TerminatingError.Message);
        }

        [Fact]
        public async Task A_page_cut_short_is_an_invalid_response_after_the_rows_already_written()
        {
            _emulator.State.EnqueueResponse(
                DeploymentPath,
                200,
                "{\"Value\":[{\"serviceCode\":\"o365\",\"licensesDeployed\":1,\"licensesSold\":2},{\"serviceCode\":\"crm\",\"licensesDeployed\":3,\"licensesSold\":4},{\"serviceCode\":");

            var result = await RunAsync(GetDeployment);

            Assert.True("PartnerCenter.InvalidResponse" + DeploymentCommand == result.TerminatingError?.FullyQualifiedErrorId, result.Describe());
            Assert.Equal("InvalidData", result.TerminatingError.Category);
            Assert.Equal(new[] { "o365", "crm" }, result.Output.Select(o => o.Property("ServiceCode").Value));
            Assert.Contains("cut short after 2 item(s)", result.TerminatingError.Message);
        }

        [Fact]
        public async Task A_next_link_to_another_host_is_refused_and_nothing_is_sent_there()
        {
            string elsewhere = _emulator.Other.BaseUri.ToString().TrimEnd('/') + DeploymentPath + "?top=10000&skip=1";
            _emulator.State.SetCommercialJson(
                "deployment",
                "{\"Value\":[{\"serviceCode\":\"o365\",\"licensesDeployed\":1,\"licensesSold\":2}],\"@nextLink\":\"" + elsewhere + "\",\"TotalCount\":2}");

            var result = await RunAsync(GetDeployment);

            Assert.True("PartnerCenter.InvalidResponse" + DeploymentCommand == result.TerminatingError?.FullyQualifiedErrorId, result.Describe());
            Assert.Equal("InvalidData", result.TerminatingError.Category);
            Assert.Contains("nothing was sent there", result.TerminatingError.Message);
            Assert.Equal("o365", Assert.Single(result.Output).Property("ServiceCode").Value);
            Assert.Single(Calls(DeploymentPath));
            Assert.Empty(_emulator.Other.State.Requests);
        }

        [Fact]
        public async Task Ctrl_c_while_a_page_is_in_flight_stops_within_a_second_and_no_further_page_is_requested()
        {
            // The first page is answered at once; the second is 30 s away, so the stop lands while it is in flight.
            string next = _emulator.Url.ToString().TrimEnd('/') + DeploymentPath + "?top=10000&skip=1";
            string page = "{\"Value\":[{\"serviceCode\":\"o365\",\"licensesDeployed\":1,\"licensesSold\":2}],\"@nextLink\":\"" + next + "\",\"TotalCount\":3}";
            _emulator.State.EnqueueResponse(DeploymentPath, 200, page);
            _emulator.State.EnqueueResponse(DeploymentPath, 200, page, delay: TimeSpan.FromSeconds(30));

            var result = await RunAsync(GetDeployment, stopWhen: _emulator.Seen(r => r.Path == DeploymentPath, times: 2));

            // A second is the behaviour under test, so it keeps its bound: an ignored stop takes the 30 s.
            Assert.True(result.Stopped, result.Describe());
            Assert.True(result.StopElapsed < TimeSpan.FromSeconds(1), result.StopElapsed.ToString());
            Assert.Single(result.Output);
            Assert.Equal(2, Calls(DeploymentPath).Count);
        }
    }
}
