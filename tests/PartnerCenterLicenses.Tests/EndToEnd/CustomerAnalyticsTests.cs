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
    /// Partner-level usage and the customer-level analytics through the built module: typed output,
    /// pipeline binding, the bounded fan-out, partial failure, the shared throttling pause and Ctrl+C.
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class CustomerAnalyticsTests
    {
        private const string Connect = "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n";
        private const string DeploymentType = "PartnerCenterLicenses.Models.CustomerLicensesDeploymentInsights";
        private const string UsageType = "PartnerCenterLicenses.Models.CustomerLicensesUsageInsights";
        private static readonly string DefaultCustomer = EmulatorState.DefaultCustomerId;
        private readonly EmulatorFixture _emulator;

        public CustomerAnalyticsTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private static string CustomerPath(string id, string resource = "deployment") => "/v1/customers/" + id + "/analytics/licenses/" + resource;

        private IReadOnlyList<RecordedRequest> CustomerRequests(string resource = "deployment") =>
            _emulator.State.Requests.Where(r => r.Path.StartsWith("/v1/customers/", StringComparison.Ordinal) && r.Path.EndsWith("/analytics/licenses/" + resource, StringComparison.Ordinal)).ToList();

        private List<string> AddCustomers(int count)
        {
            var ids = new List<string>();
            for (int i = 0; i < count; i++)
            {
                string id = Guid.NewGuid().ToString();
                _emulator.State.AddCustomer(id, "Customer " + i);
                ids.Add(id);
            }

            return ids;
        }

        private static string List(IEnumerable<string> ids) => string.Join(",", ids.Select(i => "'" + i + "'"));

        private static void AssertSucceeded(HostedRunResult result)
        {
            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
        }

        [Fact]
        public async Task Customer_deployment_emits_every_documented_field_typed_with_the_customer_id_from_the_request()
        {
            _emulator.State.SetCustomerAnalyticsJson(DefaultCustomer, "deployment", """
                {"totalCount":1,"items":[{"customerName":"TEST COMPANY","productName":"OFFICE 365 ENTERPRISE E3","serviceName":"o365",
                 "channel":"reseller","licensesDeployed":3,"licensesSold":4,"deploymentPercent":0.75,
                 "processedDateTime":"2017-03-14T03:25:16.36+00:00","attributes":{"objectType":"CustomerLicensesDeploymentInsights"}}],
                 "attributes":{"objectType":"Collection"}}
                """);
            var result = await _emulator.RunAsync(Connect + "Get-PartnerLicenseDeployment -CustomerId '{" + DefaultCustomer.ToUpperInvariant() + "}'", _emulator.WithRefreshToken());

            AssertSucceeded(result);
            var item = Assert.Single(result.Output);
            Assert.Equal(DeploymentType, item.TypeNames[0]);
            Assert.Equal(("System.String", DefaultCustomer), item.Property("CustomerId"));
            Assert.Equal(("System.String", "TEST COMPANY"), item.Property("CustomerName"));
            Assert.Equal(("System.String", "OFFICE 365 ENTERPRISE E3"), item.Property("ProductName"));
            Assert.Null(item.Property("ServiceCode").Value);
            Assert.Equal(("System.String", "o365"), item.Property("ServiceName"));
            Assert.Equal(("System.String", "reseller"), item.Property("Channel"));
            Assert.Equal(("System.Int64", "3"), item.Property("LicensesDeployed"));
            Assert.Equal(("System.Int64", "4"), item.Property("LicensesSold"));
            Assert.Equal(("System.Double", "0.75"), item.Property("DeploymentPercent"));
            Assert.Equal(("System.DateTimeOffset", "2017-03-14T03:25:16.3600000+00:00"), item.Property("ProcessedDateTime"));

            // The braces and capitals are the user's; the request carries the plain id.
            Assert.Equal(CustomerPath(DefaultCustomer), Assert.Single(CustomerRequests()).Path);
        }

        [Fact]
        public async Task Customer_usage_and_partner_usage_emit_their_typed_objects()
        {
            var result = await _emulator.RunAsync(
                Connect + "Get-PartnerLicenseUsage | ForEach-Object { $_ }\n'---'\nGet-PartnerLicenseUsage -CustomerId " + DefaultCustomer,
                _emulator.WithRefreshToken());

            AssertSucceeded(result);
            int split = result.Output.ToList().FindIndex(o => o.Text == "---");
            var partner = result.Output.Take(split).ToList();
            var customer = result.Output.Skip(split + 1).ToList();
            Assert.NotEmpty(partner);
            Assert.All(partner, o => Assert.Equal("PartnerCenterLicenses.Models.PartnerLicensesUsageInsights", o.TypeNames[0]));
            Assert.All(partner, o => Assert.Equal("System.Double", o.Property("ProratedLicensesUsagePercent").Type));
            Assert.Contains(partner, o => o.Property("WorkloadName").Value == "Exchange");
            Assert.NotEmpty(customer);
            Assert.All(customer, o =>
            {
                Assert.Equal(UsageType, o.TypeNames[0]);
                Assert.Equal(("System.String", DefaultCustomer), o.Property("CustomerId"));
                Assert.Equal("System.Int64", o.Property("LicensesActive").Type);
                Assert.Equal("System.Int64", o.Property("LicensesQualified").Type);
                Assert.Equal("System.Double", o.Property("UsagePercent").Type);
                Assert.Equal("System.DateTimeOffset", o.Property("ProcessedDateTime").Type);
            });
            Assert.Single(CustomerRequests("usage"));
        }

        [Fact]
        public async Task Customer_ids_bind_from_strings_and_from_objects_by_property_name_and_each_customers_items_stay_together()
        {
            var ids = AddCustomers(4);
            string script = Connect + "$ids = @(" + List(ids) + ")\n"
                + "$ids[0], $ids[1] | Get-PartnerLicenseDeployment\n"
                + "[pscustomobject]@{ CustomerTenantId = $ids[2] }, [pscustomobject]@{ TenantId = $ids[3] }, [pscustomobject]@{ Id = $ids[0] } | Get-PartnerLicenseDeployment\n";
            var result = await _emulator.RunAsync(script, _emulator.WithRefreshToken());

            AssertSucceeded(result);
            var customers = result.Output.Select(o => o.Property("CustomerId").Value).ToList();
            Assert.Equal(new[] { ids[0], ids[1], ids[2], ids[3], ids[0] }.OrderBy(i => i), customers.Distinct().Concat(new[] { ids[0] }).OrderBy(i => i));

            // Consecutive runs: a customer's items are never interleaved with another's.
            var runs = new List<string>();
            foreach (string id in customers)
            {
                if (runs.Count == 0 || runs[runs.Count - 1] != id)
                {
                    runs.Add(id);
                }
            }

            Assert.Equal(5, runs.Count);
            Assert.Equal(5, CustomerRequests().Count);
        }

        [Fact]
        public async Task A_customer_id_that_is_not_a_guid_is_a_parameter_error_before_anything_is_sent()
        {
            var result = await _emulator.RunAsync(Connect + "Get-PartnerLicenseDeployment -CustomerId '" + DefaultCustomer + "', '../../v1/analytics/licenses/deployment'", _emulator.WithRefreshToken());

            Assert.NotNull(result.TerminatingError);
            Assert.StartsWith("ParameterArgumentValidationError", result.TerminatingError.FullyQualifiedErrorId);
            Assert.Equal("InvalidData", result.TerminatingError.Category);
            Assert.Contains("is not a customer id", result.TerminatingError.Message);
            Assert.DoesNotContain(_emulator.State.Requests, r => r.Path.StartsWith("/v1/", StringComparison.Ordinal));
        }

        [Fact]
        public async Task A_customer_that_fails_writes_one_error_naming_it_and_the_others_are_still_written()
        {
            var ids = AddCustomers(2);
            string unknown = Guid.NewGuid().ToString();
            string script = "$ErrorActionPreference = 'Continue'\n" + Connect
                + "Get-PartnerLicenseDeployment -CustomerId " + List(new[] { ids[0], unknown, ids[1] });
            var result = await _emulator.RunAsync(script, _emulator.WithRefreshToken());

            Assert.Null(result.TerminatingError);
            var error = Assert.Single(result.Errors);
            Assert.StartsWith("PartnerCenter.Forbidden", error.FullyQualifiedErrorId);
            Assert.Equal("PermissionDenied", error.Category);
            Assert.Equal(unknown, error.TargetName);
            Assert.Contains(unknown, error.Message);
            Assert.Contains("20002", error.Message);
            Assert.Contains("no relationship", error.Message);
            var refused = Assert.Single(CustomerRequests(), r => r.Path == CustomerPath(unknown));
            Assert.Contains(refused.Headers["MS-RequestId"], error.Message);
            Assert.Equal(new[] { ids[0], ids[1] }.OrderBy(i => i), result.Output.Select(o => o.Property("CustomerId").Value).Distinct().OrderBy(i => i));
        }

        [Fact]
        public async Task A_customer_body_that_stalls_or_breaks_is_that_customers_error_and_the_others_are_written()
        {
            var ids = AddCustomers(3);
            string body = "{\"totalCount\":0,\"items\":[],\"attributes\":{\"objectType\":\"Collection\"}}";

            // The second customer's body comes a byte every 5 s, past the 1 s timeout; the third breaks off.
            _emulator.State.EnqueueFault(CustomerPath(ids[1]), new EmulatorFault
            {
                StatusCode = 200,
                Body = body,
                TrickleChunkBytes = 1,
                TrickleInterval = TimeSpan.FromSeconds(5),
            });
            _emulator.State.EnqueueFault(CustomerPath(ids[2]), new EmulatorFault { StatusCode = 200, Body = body, AbortAfterBodyBytes = 10 });
            var result = await _emulator.RunAsync(
                "$ErrorActionPreference = 'Continue'\n" + Connect + "$null = Set-PartnerCenterRequestOption -Timeout 1 -MaxRetryCount 0\n"
                + "Get-PartnerLicenseDeployment -CustomerId " + List(ids),
                _emulator.WithRefreshToken());

            Assert.Null(result.TerminatingError);
            Assert.Equal(new[] { ids[0] }, result.Output.Select(o => o.Property("CustomerId").Value).Distinct());
            var stalled = Assert.Single(result.Errors, e => e.TargetName == ids[1]);
            Assert.StartsWith("PartnerCenter.Timeout,", stalled.FullyQualifiedErrorId);
            Assert.Equal("OperationTimeout", stalled.Category);
            var broken = Assert.Single(result.Errors, e => e.TargetName == ids[2]);
            Assert.StartsWith("PartnerCenter.InvalidResponse,", broken.FullyQualifiedErrorId);
            Assert.Equal("InvalidData", broken.Category);
            Assert.Equal(2, result.Errors.Count);
        }

        [Fact]
        public async Task With_error_action_stop_the_first_failure_ends_the_fan_out()
        {
            var ids = AddCustomers(6);
            string unknown = Guid.NewGuid().ToString();
            _emulator.State.PartnerCenterLatency = TimeSpan.FromMilliseconds(100);
            var result = await _emulator.RunAsync(
                Connect + "Get-PartnerLicenseDeployment -ThrottleLimit 1 -ErrorAction Stop -CustomerId " + List(new[] { unknown }.Concat(ids)),
                _emulator.WithRefreshToken());

            Assert.NotNull(result.TerminatingError);
            Assert.StartsWith("PartnerCenter.Forbidden", result.TerminatingError.FullyQualifiedErrorId);
            Assert.Empty(result.Output);

            // One customer at a time, the unknown one first: the error stops the rest from being read.
            Assert.True(CustomerRequests().Count < 1 + ids.Count, string.Join("\n", CustomerRequests()));
        }

        [Theory]
        [InlineData("-ErrorAction Stop")]
        [InlineData("")]
        public async Task With_error_action_stop_and_a_throttle_limit_of_1_no_customer_is_requested_after_the_failing_first_one(string errorAction)
        {
            // Without -ErrorAction, the script's $ErrorActionPreference = 'Stop' decides.
            var ids = AddCustomers(6);
            string unknown = Guid.NewGuid().ToString();
            var result = await _emulator.RunAsync(
                Connect + "Get-PartnerLicenseDeployment -ThrottleLimit 1 " + errorAction + " -CustomerId " + List(new[] { unknown }.Concat(ids)),
                _emulator.WithRefreshToken());

            Assert.StartsWith("PartnerCenter.Forbidden", result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal(unknown, result.TerminatingError.TargetName);
            Assert.Empty(result.Output);
            Assert.Equal(CustomerPath(unknown), Assert.Single(CustomerRequests()).Path);
        }

        [Fact]
        public async Task With_error_action_stop_the_reads_in_flight_at_the_failure_are_cancelled_and_no_other_starts()
        {
            // Three at a time: the unknown customer fails at once while the two others wait 30 s for their
            // answer; the five after them answer at once, so any of them started after the failure would show.
            var slow = AddCustomers(2);
            var fast = AddCustomers(5);
            string unknown = Guid.NewGuid().ToString();
            foreach (string id in slow)
            {
                _emulator.State.EnqueueFault(CustomerPath(id), EmulatorFault.Status(200, "{\"totalCount\":0,\"items\":[]}").WithDelay(TimeSpan.FromSeconds(30)));
            }

            var result = await _emulator.RunAsync(
                Connect + "Get-PartnerLicenseDeployment -ThrottleLimit 3 -ErrorAction Stop -CustomerId " + List(new[] { unknown }.Concat(slow).Concat(fast)),
                _emulator.WithRefreshToken());

            Assert.StartsWith("PartnerCenter.Forbidden", result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Empty(result.Output);
            var requested = CustomerRequests();
            Assert.Contains(requested, r => r.Path == CustomerPath(unknown));
            Assert.All(requested, r => Assert.Contains(r.Path, new[] { unknown }.Concat(slow).Select(id => CustomerPath(id))));

            // The slow ones (those that were sent before the failure was known) end with their connection cut.
            using var hangGuard = new System.Threading.CancellationTokenSource(TimeSpan.FromSeconds(25));
            await _emulator.Seen(r => r.Aborted && slow.Any(id => r.Path == CustomerPath(id)), times: requested.Count - 1)(hangGuard.Token);
        }

        [Fact]
        public async Task The_throttle_limit_is_never_exceeded_and_one_correlation_id_covers_every_customer()
        {
            var ids = AddCustomers(12);
            _emulator.State.PartnerCenterLatency = TimeSpan.FromMilliseconds(100);
            _emulator.State.ClearRecords();
            var result = await _emulator.RunAsync(
                Connect + "@(Get-PartnerLicenseDeployment -ThrottleLimit 3 -CustomerId " + List(ids) + ").Count",
                _emulator.WithRefreshToken());

            AssertSucceeded(result);
            var requests = CustomerRequests();
            Assert.Equal(ids.Count, requests.Count);
            Assert.InRange(_emulator.State.PeakConcurrentRequests, 1, 3);
            Assert.Single(requests.Select(r => r.Headers["MS-CorrelationId"]).Distinct());
            Assert.Equal(ids.Count, requests.Select(r => r.Headers["MS-RequestId"]).Distinct().Count());
        }

        [Fact]
        public async Task A_429_pauses_every_worker_until_its_retry_after_has_passed()
        {
            var ids = AddCustomers(3);

            // The first customer is throttled at once; the second answers after a second, holding the
            // other slot; the third may only be sent once the first one's Retry-After has passed.
            _emulator.State.EnqueueResponse(CustomerPath(ids[0]), 429, "{\"code\":429,\"description\":\"Too many requests\"}", new Dictionary<string, string> { ["Retry-After"] = "2" });
            _emulator.State.EnqueueResponse(CustomerPath(ids[1]), 200, "{\"totalCount\":0,\"items\":[],\"attributes\":{\"objectType\":\"Collection\"}}", delay: TimeSpan.FromSeconds(1));
            var result = await _emulator.RunAsync(
                Connect + "$null = Set-PartnerCenterRequestOption -MaxRetryCount 2 -MaxRetryWait 30\n"
                + "@(Get-PartnerLicenseDeployment -ThrottleLimit 2 -CustomerId " + List(ids) + ").Count",
                _emulator.WithRefreshToken());

            AssertSucceeded(result);
            var throttled = Assert.Single(CustomerRequests(), r => r.StatusCode == 429);
            DateTimeOffset pauseEnds = throttled.ReceivedAt + TimeSpan.FromSeconds(2);
            var third = Assert.Single(CustomerRequests(), r => r.Path == CustomerPath(ids[2]));
            Assert.True(third.ReceivedAt >= pauseEnds, $"the third customer was sent {(pauseEnds - third.ReceivedAt).TotalMilliseconds:0} ms before the pause ended");
            var retried = Assert.Single(CustomerRequests(), r => r.Path == CustomerPath(ids[0]) && r.StatusCode == 200);
            Assert.True(retried.ReceivedAt >= pauseEnds);
        }

        [Fact]
        public async Task Ctrl_c_during_the_fan_out_stops_every_request_in_flight_within_a_second()
        {
            var ids = AddCustomers(8);
            _emulator.State.PartnerCenterLatency = TimeSpan.FromSeconds(40);
            var result = await _emulator.RunAsync(
                Connect + "Get-PartnerLicenseDeployment -ThrottleLimit 4 -CustomerId " + List(ids),
                _emulator.WithRefreshToken(),
                stopWhen: _emulator.Seen(r => r.Path.StartsWith("/v1/customers/", StringComparison.Ordinal), times: 4));

            Assert.True(result.Stopped, result.Describe());
            Assert.True(result.StopElapsed < TimeSpan.FromSeconds(1), result.StopElapsed.ToString());
            Assert.Empty(result.Output);
            Assert.Equal(4, CustomerRequests().Count);
        }

        [Fact]
        public async Task Not_connected_is_one_terminating_error_whatever_the_number_of_customers()
        {
            var result = await _emulator.RunAsync(
                "Disconnect-PartnerCenter -ErrorAction SilentlyContinue\n'" + DefaultCustomer + "', '" + DefaultCustomer + "' | Get-PartnerLicenseDeployment",
                _emulator.WithRefreshToken());

            Assert.NotNull(result.TerminatingError);
            Assert.StartsWith("PartnerCenter.NotConnected", result.TerminatingError.FullyQualifiedErrorId);
            Assert.Empty(result.Errors);
            Assert.Empty(CustomerRequests());
        }

        [Fact]
        public async Task The_archived_modules_names_run_unchanged()
        {
            string script = Connect
                + "(Get-Command Get-PartnerCustomerLicenseDeploymentInfo).ResolvedCommandName\n"
                + "@(Get-PartnerLicenseDeploymentInfo).Count -gt 0\n"
                + "@(Get-PartnerLicenseUsageInfo).Count -gt 0\n"
                + "@(Get-PartnerCustomerLicenseDeploymentInfo -CustomerId " + DefaultCustomer + ")[0].GetType().Name\n"
                + "@(Get-PartnerCustomerLicenseUsageInfo -CustomerId " + DefaultCustomer + ")[0].GetType().Name\n";
            var result = await _emulator.RunAsync(script, _emulator.WithRefreshToken());

            AssertSucceeded(result);
            Assert.Equal(
                new[] { "Get-PartnerLicenseDeployment", "true", "true", "CustomerLicensesDeploymentInsights", "CustomerLicensesUsageInsights" },
                result.Output.Select(o => o.Text));
        }

        [Fact]
        public async Task With_verbose_and_debug_no_stream_of_a_fan_out_shows_a_secret_or_token()
        {
            var ids = AddCustomers(2);
            string refreshToken = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId);
            var result = await _emulator.RunAsync(
                "$ErrorActionPreference = 'Continue'\n" + Connect + "Get-PartnerLicenseDeployment -Verbose -Debug -CustomerId " + List(ids.Concat(new[] { Guid.NewGuid().ToString() }))
                + "\nGet-PartnerLicenseUsage -Verbose -Debug",
                new Dictionary<string, string> { ["PCL_REFRESH_TOKEN"] = refreshToken });

            Assert.NotEmpty(result.Verbose);
            var secrets = _emulator.State.IssuedAccessTokens.Concat(_emulator.State.IssuedRefreshTokens).Concat(new[] { _emulator.ClientSecret, refreshToken }).ToList();
            foreach (string text in EmulatorFixture.EverythingVisible(result).Where(t => t != null))
            {
                foreach (string secret in secrets)
                {
                    Assert.DoesNotContain(secret, text);
                }
            }
        }
    }
}
