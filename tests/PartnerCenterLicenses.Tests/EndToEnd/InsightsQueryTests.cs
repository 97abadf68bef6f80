using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// New-, Get-, Remove-PartnerInsightsQuery and Get-PartnerInsightsQueryPreview through the built module against the
    /// emulator's Partner insights API: what is sent (the built query text, the documented body, the query id as a path
    /// segment), the typed objects and rows that come back, the pipeline between them, tab completion of columns and
    /// metrics, and every error: a rejected query, the missing role, an unknown id, a refused removal, a name refused at binding.
    /// </summary>
    [Collection(ReportsEmulatorCollection.Name)]
    public sealed class InsightsQueryTests
    {
        private const string Connect = "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n";
        private const string QueriesPath = "/insights/v1/mpn/ScheduledQueries";
        private const string PreviewPath = QueriesPath + "/testQueryResult";
        private const string SeatsQuery = "SELECT CustomerTenantId,Product,TotalSoldSeats,TotalAssignedSeats FROM SeatsSubscriptionsAndRevenue TIMESPAN LAST_MONTH";
        private const string SeatsParts = "-Dataset SeatsSubscriptionsAndRevenue -Column CustomerTenantId, Product -Metric TotalSoldSeats, TotalAssignedSeats -TimeSpan last_month";
        private readonly EmulatorFixture _emulator;

        public InsightsQueryTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        [Fact]
        public async Task New_posts_the_query_built_from_its_parts_and_writes_the_typed_query_the_service_saved()
        {
            var result = await _emulator.RunAsync(
                Connect
                + "$q = New-PartnerInsightsQuery " + SeatsParts + "\n"
                + "$q.GetType().FullName\n"
                + "$q.Query\n"
                + "$q.Type\n"
                + "$q.Name -match '^PCL-SeatsSubscriptionsAndRevenue-\\d{8}T\\d{6}Z-[0-9a-f]{8}$'\n"
                + "$q.CreatedTime.Offset.Ticks\n"
                + "$q.QueryId",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            string[] lines = result.Output.Select(o => o.Text).ToArray();
            Assert.Equal(new[] { "PartnerCenterLicenses.Models.PartnerInsightsQuery", SeatsQuery, "userDefined", "true", "0" }, lines.Take(5));
            Assert.Equal(lines[5], Assert.Single(_emulator.State.InsightsQueryIds));

            var post = Assert.Single(_emulator.State.Requests, r => r.Path == QueriesPath && r.Method == "POST");
            using var body = JsonDocument.Parse(post.Body);
            Assert.Equal(SeatsQuery, body.RootElement.GetProperty("Query").GetString());
            Assert.StartsWith("PCL-SeatsSubscriptionsAndRevenue-", body.RootElement.GetProperty("Name").GetString());
            Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("Description").GetString()));
            Assert.StartsWith("application/json", post.Headers["Content-Type"]);
        }

        [Fact]
        public async Task New_sends_a_query_text_as_written_and_WhatIf_sends_nothing()
        {
            var result = await _emulator.RunAsync(
                Connect
                + "New-PartnerInsightsQuery -Query 'SELECT CustomerName FROM OfficeUsage' -Name 'Whatif' -WhatIf\n"
                + "(New-PartnerInsightsQuery -Query 'select CustomerName from OfficeUsage' -Name Mine -Description 'Office customers').Name",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal("Mine", Assert.Single(result.Output).Text);
            var post = Assert.Single(_emulator.State.Requests, r => r.Path == QueriesPath && r.Method == "POST");
            Assert.Contains("\"Query\":\"select CustomerName from OfficeUsage\"", post.Body);
            Assert.Contains("\"Description\":\"Office customers\"", post.Body);
        }

        [Fact]
        public async Task Get_lists_system_and_own_queries_narrows_by_type_id_and_name_and_an_unknown_id_is_not_found()
        {
            var result = await _emulator.RunAsync(
                "$ErrorActionPreference = 'Continue'\n" + Connect
                + "$mine = New-PartnerInsightsQuery -Query 'SELECT CustomerName FROM OfficeUsage' -Name Mine\n"
                + "@(Get-PartnerInsightsQuery).Count\n"
                + "@(Get-PartnerInsightsQuery -Type System).Where({ $_.Type -eq 'system' }).Count\n"
                + "(Get-PartnerInsightsQuery -Type UserDefined).Name\n"
                + "($mine | Get-PartnerInsightsQuery).QueryId -eq $mine.QueryId\n"
                + "(Get-PartnerInsightsQuery -Name OfficeUsage -Type System).IsSystem\n"
                + "Get-PartnerInsightsQuery -QueryId 00000000-0000-0000-0000-000000000001",
                _emulator.WithRefreshToken());

            Assert.Null(result.TerminatingError);
            Assert.Equal(new[] { "7", "6", "Mine", "true", "true" }, result.Output.Select(o => o.Text));
            var error = Assert.Single(result.Errors);
            Assert.Equal("PartnerCenter.NotFound,PartnerCenterLicenses.Commands.GetPartnerInsightsQueryCommand", error.FullyQualifiedErrorId);
            Assert.Equal("ObjectNotFound", error.Category);
            string[] queries = _emulator.State.Requests.Where(r => r.Path == QueriesPath && r.Method == "GET").Select(r => r.QueryString).ToArray();
            Assert.Contains("?includeOnlySystemQueries=true", queries);
            Assert.Contains("?includeSystemQueries=false", queries);
            Assert.Contains("?queryId=00000000-0000-0000-0000-000000000001", queries);
        }

        [Fact]
        public async Task Remove_takes_a_query_from_the_pipeline_and_deletes_it_by_its_id()
        {
            var result = await _emulator.RunAsync(
                Connect
                + "New-PartnerInsightsQuery -Query 'SELECT CustomerName FROM OfficeUsage' -Name Gone | Remove-PartnerInsightsQuery -Confirm:$false\n"
                + "@(Get-PartnerInsightsQuery -Type UserDefined).Count",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal("0", Assert.Single(result.Output).Text);
            Assert.Empty(_emulator.State.InsightsQueryIds);
            var delete = Assert.Single(_emulator.State.Requests, r => r.Method == "DELETE");
            Assert.Matches("^" + QueriesPath + "/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", delete.Path);
        }

        [Fact]
        public async Task Remove_of_an_unknown_id_is_not_found_with_advice()
        {
            var result = await _emulator.RunAsync(
                Connect + "Remove-PartnerInsightsQuery -QueryId 00000000-0000-0000-0000-000000000002 -Confirm:$false", _emulator.WithRefreshToken());

            Assert.True("PartnerCenter.NotFound,PartnerCenterLicenses.Commands.RemovePartnerInsightsQueryCommand" == result.TerminatingError?.FullyQualifiedErrorId, result.Describe());
            Assert.Equal("ObjectNotFound", result.TerminatingError.Category);
            Assert.Contains("No query with id '00000000-0000-0000-0000-000000000002'", result.TerminatingError.Message);
            Assert.Contains("Get-PartnerInsightsQuery -Type UserDefined", result.TerminatingError.RecommendedAction);
        }

        [Fact]
        public async Task Remove_of_a_system_query_is_refused_as_an_invalid_argument_with_advice()
        {
            var result = await _emulator.RunAsync(
                Connect + "Remove-PartnerInsightsQuery -QueryId D8349F7B-A7D1-467E-B26D-434D4A50F26A -Confirm:$false", _emulator.WithRefreshToken());

            Assert.True("PartnerCenter.InvalidArgument,PartnerCenterLicenses.Commands.RemovePartnerInsightsQueryCommand" == result.TerminatingError?.FullyQualifiedErrorId, result.Describe());
            Assert.Contains("System queries cannot be deleted", result.TerminatingError.Message);
            Assert.Contains("system queries cannot", result.TerminatingError.RecommendedAction);
            Assert.Single(_emulator.State.Requests, r => r.Method == "DELETE" && r.Path == QueriesPath + "/d8349f7b-a7d1-467e-b26d-434d4a50f26a");
        }

        [Theory]
        [InlineData("Remove-PartnerInsightsQuery -QueryId '../ScheduledDataset' -Confirm:$false")]
        [InlineData("Remove-PartnerInsightsQuery -QueryId '00000000-0000-0000-0000-000000000002/x' -Confirm:$false")]
        [InlineData("New-PartnerInsightsQuery -Dataset OfficeUsage -Column 'x FROM Other'")]
        [InlineData("New-PartnerInsightsQuery -Dataset OfficeUsage -Column CustomerName -Metric 'a;b'")]
        [InlineData("Get-PartnerInsightsQueryPreview -Dataset 'OfficeUsage WHERE 1=1' -Column CustomerName")]
        [InlineData("Get-PartnerInsightsQueryPreview -Dataset OfficeUsage -Column CustomerName -OrderBy 'CustomerName DESC LIMIT 1'")]
        public async Task A_name_or_id_that_could_change_the_query_or_path_is_refused_at_binding_and_nothing_is_sent(string command)
        {
            var result = await _emulator.RunAsync(Connect + command, _emulator.WithRefreshToken());

            Assert.NotNull(result.TerminatingError);
            Assert.StartsWith("ParameterArgumentValidationError", result.TerminatingError.FullyQualifiedErrorId);
            Assert.DoesNotContain(_emulator.State.Requests, r => r.Path.StartsWith(QueriesPath, StringComparison.Ordinal));
        }

        [Fact]
        public async Task Preview_writes_the_rows_as_objects_with_numbers_as_numbers_and_honours_First()
        {
            var result = await _emulator.RunAsync(
                Connect
                + "$rows = @(Get-PartnerInsightsQueryPreview " + SeatsParts + " -First 1)\n"
                + "$rows.Count\n"
                + "($rows[0].PSObject.Properties.Name) -join ','\n"
                + "$rows[0].TotalSoldSeats.GetType().Name\n"
                + "$rows[0].CustomerTenantId.GetType().Name\n"
                + "@(Get-PartnerInsightsQueryPreview -Query '" + SeatsQuery + "').Count -gt 1",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(new[] { "1", "CustomerTenantId,Product,TotalSoldSeats,TotalAssignedSeats", "Int64", "String", "true" }, result.Output.Select(o => o.Text));
            Assert.Empty(result.Warning);
            var preview = _emulator.State.Requests.Where(r => r.Path == PreviewPath).ToArray();
            Assert.Equal(2, preview.Length);
            Assert.All(preview, r => Assert.StartsWith("?exportQuery=SELECT%20CustomerTenantId", r.QueryString));
        }

        [Fact]
        public async Task Preview_of_a_query_from_the_pipeline_asks_by_its_id_and_warns_when_the_data_is_redacted()
        {
            _emulator.State.InsightsDataRedacted = true;
            var result = await _emulator.RunAsync(
                Connect
                + "$q = New-PartnerInsightsQuery " + SeatsParts + "\n"
                + "@($q | Get-PartnerInsightsQueryPreview -First 1).Count\n"
                + "$q | Remove-PartnerInsightsQuery -Confirm:$false",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal("1", Assert.Single(result.Output).Text);
            Assert.Contains(result.Warning, w => w.Contains("dataRedacted: true", StringComparison.Ordinal));
            var preview = Assert.Single(_emulator.State.Requests, r => r.Path == PreviewPath);
            Assert.Matches("^\\?queryId=[0-9a-f-]{36}$", preview.QueryString);
            Assert.Empty(_emulator.State.InsightsQueryIds);
        }

        [Theory]
        [InlineData("New-PartnerInsightsQuery -Dataset OfficeUsage -Column CustomerName, NoSuchColumn", "NoSuchColumn", "Get-PartnerInsightsDataset -Name OfficeUsage")]
        [InlineData("Get-PartnerInsightsQueryPreview -Query 'SELECT * FROM DynamicsUsage'", "SELECT * is not supported", "Get-PartnerInsightsDataset -Name DynamicsUsage")]
        [InlineData("Get-PartnerInsightsQueryPreview -Query 'SELECT CustomerName FROM OfficeUsage TIMESPAN LAST_DECADE'", "LAST_DECADE", "Get-PartnerInsightsDataset -Name OfficeUsage")]
        [InlineData("New-PartnerInsightsQuery -Query 'SELECT CustomerName OfficeUsage'", "Syntax error", "Get-PartnerInsightsDataset lists the datasets")]
        public async Task A_query_the_service_rejects_is_an_invalid_query_error_with_its_reason_and_the_dataset_to_look_up(string command, string reason, string advice)
        {
            var result = await _emulator.RunAsync(Connect + command, _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError?.FullyQualifiedErrorId?.StartsWith("PartnerCenter.InvalidQuery,", StringComparison.Ordinal) == true, result.Describe());
            Assert.Equal("InvalidArgument", result.TerminatingError.Category);
            Assert.Contains(reason, result.TerminatingError.Message);
            Assert.Contains(advice, result.TerminatingError.RecommendedAction);
            Assert.Empty(_emulator.State.InsightsQueryIds);
        }

        [Fact]
        public async Task The_services_reason_reaches_the_error_without_its_control_characters()
        {
            var result = await _emulator.RunAsync(
                Connect + "Get-PartnerInsightsQueryPreview -Query (\"SELECT CustomerName FROM OfficeUsage \" + [char]27 + \"]52;c;SGk=\" + [char]7)",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError?.FullyQualifiedErrorId?.StartsWith("PartnerCenter.InvalidQuery,", StringComparison.Ordinal) == true, result.Describe());
            Assert.Contains("Syntax error", result.TerminatingError.Message);
            Assert.Contains("?]52;c;SGk=", result.TerminatingError.Message);
            Assert.DoesNotContain(EmulatorFixture.EverythingVisible(result), t => t.IndexOf('\u001b') >= 0 || t.IndexOf('\u0007') >= 0);
        }

        [Theory]
        [InlineData("New-PartnerInsightsQuery -Query 'SELECT CustomerName FROM OfficeUsage'", "NewPartnerInsightsQueryCommand")]
        [InlineData("Get-PartnerInsightsQuery", "GetPartnerInsightsQueryCommand")]
        [InlineData("Remove-PartnerInsightsQuery -QueryId 00000000-0000-0000-0000-000000000002 -Confirm:$false", "RemovePartnerInsightsQueryCommand")]
        [InlineData("Get-PartnerInsightsQueryPreview -QueryId d8349f7b-a7d1-467e-b26d-434d4a50f26a", "GetPartnerInsightsQueryPreviewCommand")]
        public async Task Without_the_Executive_Report_Viewer_role_each_command_ends_with_a_permission_error_naming_the_role(string command, string type)
        {
            _emulator.State.ExecutiveReportViewer = false;
            var result = await _emulator.RunAsync(Connect + command, _emulator.WithRefreshToken());

            Assert.True("PartnerCenter.Forbidden,PartnerCenterLicenses.Commands." + type == result.TerminatingError?.FullyQualifiedErrorId, result.Describe());
            Assert.Equal("PermissionDenied", result.TerminatingError.Category);
            Assert.Contains("Executive Report Viewer", result.TerminatingError.RecommendedAction);
            Assert.Empty(result.Output);
        }

        [Fact]
        public async Task Preview_of_an_unknown_query_id_is_not_found_with_advice()
        {
            var result = await _emulator.RunAsync(Connect + "Get-PartnerInsightsQueryPreview -QueryId 00000000-0000-0000-0000-000000000003", _emulator.WithRefreshToken());

            Assert.True("PartnerCenter.NotFound,PartnerCenterLicenses.Commands.GetPartnerInsightsQueryPreviewCommand" == result.TerminatingError?.FullyQualifiedErrorId, result.Describe());
            Assert.Contains("Get-PartnerInsightsQuery", result.TerminatingError.RecommendedAction);
        }

        [Fact]
        public async Task Columns_and_metrics_of_the_dataset_read_complete_after_Column_Metric_and_OrderBy_without_sending_anything()
        {
            const string Complete = "function Complete([string] $line) { (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText -join ',' }\n";
            var result = await _emulator.RunAsync(
                Complete + Connect
                + "$null = Get-PartnerInsightsDataset -Name OfficeUsage\n"
                + "Complete 'New-PartnerInsightsQuery -Dataset OfficeUsage -Column Work'\n"
                + "Complete 'Get-PartnerInsightsQueryPreview -Dataset OfficeUsage -Metric TotalM'\n"
                + "Complete 'New-PartnerInsightsQuery -Dataset OfficeUsage -OrderBy CustomerT'\n"
                + "Complete 'New-PartnerInsightsQuery -Dataset OfficeUsage -TimeSpan LAST_3'",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(new[] { "WorkloadName", "TotalMonthlyActiveUsers", "CustomerTenantId,CustomerTpid,CustomerTenantCount", "LAST_3_MONTHS" }, result.Output.Select(o => o.Text));
            Assert.Single(_emulator.State.Requests, r => r.Path.StartsWith("/insights/", StringComparison.Ordinal));
        }
    }
}
