using System;
using System.Linq;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Issue 19, defect 2: a server whose next links lead back to a page already read, or never end,
    /// ends the read with PartnerCenter.InvalidResponse instead of being asked for pages for ever.
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class PagingCycleTests
    {
        private const string Connect = "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n";
        private const string CustomersPath = "/v1/customers";
        private const string DeploymentPath = "/partner/v1/analytics/commercial/deployment/license";
        private readonly EmulatorFixture _emulator;

        public PagingCycleTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private int Requests(string path) => _emulator.State.Requests.Count(r => r.Path == path && r.ReceivedAt >= _emulator.ResetAt);

        private static void AssertInvalidResponse(HostedRunResult result, params string[] saying)
        {
            Assert.NotNull(result.TerminatingError);
            Assert.StartsWith("PartnerCenter.InvalidResponse,", result.TerminatingError.FullyQualifiedErrorId);
            Assert.Equal("InvalidData", result.TerminatingError.Category);
            foreach (string words in saying)
            {
                Assert.Contains(words, result.TerminatingError.Message);
            }
        }

        [Fact]
        public async Task A_customer_list_whose_page_3_links_back_to_page_1_ends_after_page_3_naming_the_cycle()
        {
            // 11 customers in pages of 2: the continuation-token paging of links.next, broken after page 3.
            _emulator.State.AddCustomers(10);
            _emulator.State.NextLinkCycleAfterPage = 3;

            var result = await _emulator.RunAsync(
                Connect + "Invoke-PartnerCenterRequest -Path /v1/customers -Query @{ size = 2 } -All | ForEach-Object { $_.id }",
                _emulator.WithRefreshToken());

            AssertInvalidResponse(result, "page 4 back to page 1", "cycle", "incomplete");
            Assert.Equal(6, result.Output.Select(o => o.Text).Distinct().Count());
            Assert.Equal(3, Requests(CustomersPath));
        }

        [Fact]
        public async Task A_commercial_report_whose_page_2_links_back_to_page_1_ends_after_page_2_naming_the_cycle()
        {
            // The analytics API's @nextLink paging: 25 rows in pages of 10, page 2 linking to the first request.
            _emulator.State.SetCommercialRows("deployment", 25);
            _emulator.State.CommercialPageSize = 10;
            _emulator.State.NextLinkCycleAfterPage = 2;

            var result = await _emulator.RunAsync(Connect + "Get-PartnerCommercialLicenseDeployment", _emulator.WithRefreshToken());

            AssertInvalidResponse(result, "page 3 back to page 1", DeploymentPath);
            Assert.Equal(20, result.Output.Count);
            Assert.Equal(2, Requests(DeploymentPath));
        }

        [Fact]
        public async Task A_read_ends_with_the_same_error_at_the_page_limit_which_is_100000_by_default()
        {
            // Links that never repeat: 13 customers in pages of 2 are 7 pages, and the limit is set to 3.
            _emulator.State.AddCustomers(12);

            var result = await _emulator.RunAsync(
                Connect + "(Get-PartnerCenterRequestOption).MaxPageCount\n"
                + "Set-PartnerCenterRequestOption -MaximumPageCount 3\n"
                + "Invoke-PartnerCenterRequest -Path /v1/customers -Query @{ size = 2 } -All | ForEach-Object { $_.id }",
                _emulator.WithRefreshToken());

            AssertInvalidResponse(result, "page 4, past the limit of 3 pages", "incomplete");
            Assert.Contains("-MaximumPageCount", result.TerminatingError.RecommendedAction);
            Assert.Equal("100000", result.Output[0].Text);
            Assert.Equal(6, result.Output.Skip(1).Select(o => o.Text).Distinct().Count());
            Assert.Equal(3, Requests(CustomersPath));
        }

        [Fact]
        public async Task A_read_of_as_many_pages_as_the_limit_ends_normally()
        {
            _emulator.State.AddCustomers(5);

            var result = await _emulator.RunAsync(
                Connect + "Set-PartnerCenterRequestOption -MaximumPageCount 3\n"
                + "@(Invoke-PartnerCenterRequest -Path /v1/customers -Query @{ size = 2 } -All).Count",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal("6", Assert.Single(result.Output).Text);
            Assert.Equal(3, Requests(CustomersPath));
        }
    }
}
