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
    /// Get-PartnerCustomer through the built module against the emulator: the typed resource added by
    /// one declaration, read over Partner Center's continuation pages, piped into the customer-level
    /// license analytics.
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class CustomerListTests
    {
        private const string Connect = "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n";
        private const string CustomersPath = "/v1/customers";
        private readonly EmulatorFixture _emulator;

        public CustomerListTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private static void AssertSucceeded(HostedRunResult result)
        {
            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
        }

        [Fact]
        public async Task Every_customer_over_the_continuation_pages_is_a_typed_object_with_the_archived_modules_name()
        {
            // 1,200 generated customers and the default one: three pages of at most 500.
            _emulator.State.AddCustomers(1200);
            var result = await _emulator.RunAsync(
                Connect
                + "$all = @(Get-PartnerCustomer)\n"
                + "$all.Count\n"
                + "$all[0].GetType().FullName\n"
                + "$first = $all.Where({ $_.CustomerId -eq '" + EmulatorState.DefaultCustomerId + "' })[0]\n"
                + "$first.CompanyName; $first.Name; $first.Domain; $first.TenantId; $first.RelationshipToPartner\n"
                + "([System.Collections.Generic.HashSet[string]][string[]]$all.CustomerId).Count\n"
                + "$all[-1].CompanyName",
                _emulator.WithRefreshToken());

            AssertSucceeded(result);
            string[] lines = result.Output.Select(o => o.Text).ToArray();
            Assert.Equal("1201", lines[0]);
            Assert.Equal("PartnerCenterLicenses.Models.PartnerCustomer", lines[1]);
            Assert.Equal(EmulatorState.DefaultCustomerName, lines[2]);
            Assert.Equal(EmulatorState.DefaultCustomerName, lines[3]);
            Assert.Equal(EmulatorState.DefaultCustomerDomain, lines[4]);
            Assert.Equal(EmulatorState.DefaultCustomerId, lines[5]);
            Assert.Equal("reseller", lines[6]);
            Assert.Equal("1201", lines[7]);
            Assert.Equal("Generated Customer 001200", lines[8]);

            var pages = _emulator.State.Requests.Where(r => r.Path == CustomersPath).ToList();
            Assert.Equal(3, pages.Count);
            Assert.All(pages, page => Assert.Contains("size=500", page.QueryString));
            Assert.DoesNotContain("MS-ContinuationToken", pages[0].Headers.Keys, StringComparer.OrdinalIgnoreCase);
            Assert.All(pages.Skip(1), page =>
            {
                Assert.Contains("seekOperation=Next", page.QueryString);
                Assert.False(string.IsNullOrEmpty(page.Headers["MS-ContinuationToken"]));
            });
            Assert.Single(pages.Select(p => p.Headers["MS-CorrelationId"]).Distinct());
        }

        [Fact]
        public async Task The_customers_pipe_into_the_customer_level_license_deployment_by_their_id()
        {
            _emulator.State.AddCustomers(3);
            var result = await _emulator.RunAsync(
                Connect
                + "$rows = @(Get-PartnerCustomer | Get-PartnerLicenseDeployment)\n"
                + "([System.Collections.Generic.HashSet[string]][string[]]$rows.CustomerId).Count\n"
                + "$rows[0].GetType().FullName",
                _emulator.WithRefreshToken());

            AssertSucceeded(result);
            Assert.Equal("4", result.Output[0].Text);
            Assert.Equal("PartnerCenterLicenses.Models.CustomerLicensesDeploymentInsights", result.Output[1].Text);
            var customerReads = _emulator.State.Requests
                .Where(r => r.Path.StartsWith(CustomersPath + "/", StringComparison.Ordinal) && r.Path.EndsWith("/analytics/licenses/deployment", StringComparison.Ordinal))
                .Select(r => r.Path.Split('/')[3])
                .ToList();
            Assert.Equal(4, customerReads.Distinct().Count());
            Assert.Equal(4, customerReads.Count);
        }

        [Fact]
        public async Task Without_a_session_it_is_not_connected_and_sends_nothing()
        {
            var result = await _emulator.RunAsync("Get-PartnerCustomer");

            Assert.NotNull(result.TerminatingError);
            Assert.Equal("PartnerCenter.NotConnected,PartnerCenterLicenses.Commands.GetPartnerCustomerCommand", result.TerminatingError.FullyQualifiedErrorId);
            Assert.Equal("AuthenticationError", result.TerminatingError.Category);
            Assert.DoesNotContain(_emulator.State.Requests, r => r.Path == CustomersPath);
        }

        [Fact]
        public async Task A_customer_without_its_id_is_an_invalid_response_naming_the_item()
        {
            _emulator.State.AddCustomers(2);
            _emulator.State.EnqueueFault(CustomersPath, EmulatorFault.Status(
                200, """{"totalCount":2,"items":[{"id":"a","companyProfile":{"companyName":"A"}},{"companyProfile":{"companyName":"B"}}]}"""));
            var result = await _emulator.RunAsync(Connect + "Get-PartnerCustomer | ForEach-Object CompanyName", _emulator.WithRefreshToken());

            Assert.Equal("A", Assert.Single(result.Output).Text);
            Assert.Equal("PartnerCenter.InvalidResponse,PartnerCenterLicenses.Commands.GetPartnerCustomerCommand", result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("InvalidData", result.TerminatingError.Category);
            Assert.Contains("Item 1 of Partner Center's response has no 'id'", result.TerminatingError.Message);
        }
    }
}
