using System.Linq;
using System.Threading.Tasks;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Get-PartnerInsightsDataset through the built module against the emulator's Partner insights API:
    /// typed datasets from the value/nextLink envelope, -Name as datasetName, tab completion of the
    /// names read, and the Executive Report Viewer role's 403 as a permission error naming the role.
    /// </summary>
    [Collection(ReportsEmulatorCollection.Name)]
    public sealed class InsightsDatasetTests
    {
        private const string Connect = "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n";
        private const string DatasetPath = "/insights/v1/mpn/ScheduledDataset";
        private const string Command = ",PartnerCenterLicenses.Commands.GetPartnerInsightsDatasetCommand";
        private readonly EmulatorFixture _emulator;

        public InsightsDatasetTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        [Fact]
        public async Task Every_dataset_is_a_typed_object_with_its_columns_metrics_date_ranges_and_recurrence()
        {
            var result = await _emulator.RunAsync(
                Connect
                + "$all = @(Get-PartnerInsightsDataset)\n"
                + "$all.Count\n"
                + "$all[0].GetType().FullName\n"
                + "$seats = $all.Where({ $_.Name -eq 'SeatsSubscriptionsAndRevenue' })[0]\n"
                + "$seats.Metrics -contains 'TotalSoldSeats'; $seats.Metrics -contains 'TotalAssignedSeats'\n"
                + "$seats.Columns -contains 'CustomerTenantId'\n"
                + "$seats.DateRanges -join ','\n"
                + "$seats.MinimumRecurrenceInterval.GetType().Name + ' ' + $seats.MinimumRecurrenceInterval\n"
                + "[string]::IsNullOrEmpty($seats.Description)",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            string[] lines = result.Output.Select(o => o.Text).ToArray();
            Assert.Equal(
                new[] { "6", "PartnerCenterLicenses.Models.PartnerInsightsDataset", "true", "true", "true", "LAST_MONTH,LAST_3_MONTHS,LAST_6_MONTHS,LAST_1_YEAR,LIFETIME", "Int64 24", "false" },
                lines);
            var call = Assert.Single(_emulator.State.Requests, r => r.Path == DatasetPath);
            Assert.StartsWith("Bearer ", call.Headers["Authorization"]);
        }

        [Fact]
        public async Task Name_asks_for_one_dataset_and_an_unknown_name_is_a_not_found_error()
        {
            var result = await _emulator.RunAsync(
                "$ErrorActionPreference = 'Continue'\n" + Connect
                + "(Get-PartnerInsightsDataset -Name officeusage).Name\n"
                + "Get-PartnerInsightsDataset -Name NoSuchDataset",
                _emulator.WithRefreshToken());

            Assert.Null(result.TerminatingError);
            Assert.Equal("OfficeUsage", Assert.Single(result.Output).Text);
            var error = Assert.Single(result.Errors);
            Assert.Equal("PartnerCenter.NotFound" + Command, error.FullyQualifiedErrorId);
            Assert.Equal("ObjectNotFound", error.Category);
            Assert.Contains("?datasetName=officeusage", _emulator.State.Requests.Where(r => r.Path == DatasetPath).Select(r => r.QueryString));
        }

        [Fact]
        public async Task Tab_completion_offers_the_documented_names_then_the_names_read_in_the_session_without_sending_anything()
        {
            const string Complete = "$line = 'Get-PartnerInsightsDataset -Name Se'; (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText -join ','\n";
            var result = await _emulator.RunAsync(
                "$all = 'Get-PartnerInsightsDataset -Name '; (TabExpansion2 -inputScript $all -cursorColumn $all.Length).CompletionMatches.Count\n"
                + Complete
                + Connect
                + "$null = Get-PartnerInsightsDataset\n"
                + "$all = 'Get-PartnerInsightsDataset -Name '; (TabExpansion2 -inputScript $all -cursorColumn $all.Length).CompletionMatches.Count\n"
                + Complete,
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(new[] { "6", "SeatsSubscriptionsAndRevenue", "6", "SeatsSubscriptionsAndRevenue" }, result.Output.Select(o => o.Text));
            Assert.Single(_emulator.State.Requests, r => r.Path == DatasetPath);
        }

        [Fact]
        public async Task Without_the_Executive_Report_Viewer_role_the_403_is_a_permission_error_whose_advice_names_the_role()
        {
            _emulator.State.ExecutiveReportViewer = false;
            var result = await _emulator.RunAsync(Connect + "Get-PartnerInsightsDataset", _emulator.WithRefreshToken());

            Assert.True("PartnerCenter.Forbidden" + Command == result.TerminatingError?.FullyQualifiedErrorId, result.Describe());
            Assert.Equal("PermissionDenied", result.TerminatingError.Category);
            Assert.Contains("Executive Report Viewer", result.TerminatingError.RecommendedAction);
            Assert.Contains("Executive Report Viewer", result.TerminatingError.Message);
            Assert.Empty(result.Output);
        }
    }
}
