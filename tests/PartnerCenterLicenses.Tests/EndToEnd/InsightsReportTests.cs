using System;
using System.Linq;
using System.Threading.Tasks;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// The Partner insights report cmdlets through the built module against the emulator: a query object piped
    /// into New-PartnerInsightsReport, a report piped into Get-PartnerInsightsReportExecution, an execution's life
    /// (404, Pending, Running, Completed; Paused after Suspend, on again after Resume; Failed), -WhatIf sending
    /// nothing, ids refused at binding, and each error the service answers.
    /// </summary>
    [Collection(ReportsEmulatorCollection.Name)]
    public sealed class InsightsReportTests
    {
        private const string Connect = "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n";
        private const string ReportPath = "/insights/v1/mpn/ScheduledReport";
        private const string SeatsSystemQuery = "c9fc1c79-4408-49ff-97f9-e1aa3f155804";
        private readonly EmulatorFixture _emulator;

        public InsightsReportTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private string[] InsightsCalls() =>
            _emulator.State.Requests.Where(r => r.Path.StartsWith("/insights/", StringComparison.OrdinalIgnoreCase)).Select(r => r.Method + " " + r.Path + r.QueryString).ToArray();

        [Fact]
        public async Task A_piped_query_makes_a_run_now_report_whose_execution_moves_from_pending_to_running_to_completed()
        {
            _emulator.State.InsightsExecutionPendingPolls = 1;
            _emulator.State.InsightsExecutionRunningPolls = 1;
            var result = await _emulator.RunAsync(
                Connect
                + "$report = [pscustomobject]@{ QueryId = '" + SeatsSystemQuery + "'; Name = 'ignored' } | New-PartnerInsightsReport -ReportName 'Seats now' -ExecuteNow\n"
                + "$report.GetType().FullName; $report.ReportName; $report.ExecuteNow; $report.ReportStatus; $report.QueryId\n"
                + "($report | Get-PartnerInsightsReportExecution -Latest).ExecutionStatus\n"
                + "($report | Get-PartnerInsightsReportExecution -Latest).ExecutionStatus\n"
                + "$run = $report | Get-PartnerInsightsReportExecution -Latest\n"
                + "$run.GetType().FullName; $run.ExecutionStatus; $run.Format; $run.ReportId -eq $report.ReportId\n"
                + "$run.ReportAccessSecureLink.ToString(); $run.ReportAccessSecureLink.Host\n"
                + "$null -ne $run.ReportExpiryTime; $null -ne $run.ReportGeneratedTime\n"
                + "($run | Get-PartnerInsightsReportExecution).ExecutionId -eq $run.ExecutionId\n"
                + "\"$run\" + ' ' + $run.ReportAccessSecureLink.Path + ' ' + [string]$run.ReportAccessSecureLink + ' ' + $run.ReportAccessSecureLink.IsHttps",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            string[] lines = result.Output.Select(o => o.Text).ToArray();
            Assert.Equal(
                new[]
                {
                    "PartnerCenterLicenses.Models.PartnerInsightsReport", "Seats now", "true", "Active", SeatsSystemQuery,
                    "Pending", "Running",
                    "PartnerCenterLicenses.Models.PartnerInsightsReportExecution", "Completed", "csv", "true",
                },
                lines.Take(11));
            Assert.Matches("^" + System.Text.RegularExpressions.Regex.Escape(new Uri(_emulator.State.Downloads.BaseUri, "/reports/").ToString()) + "[0-9a-f]{32}/[0-9a-f-]+_[0-9a-f-]+\\.csv$", lines[11]);
            Assert.Equal(new[] { _emulator.State.Downloads.BaseUri.Host, "true", "true", "true" }, lines.Skip(12).Take(4));

            // The link's signature never reaches any text form of the execution.
            Assert.EndsWith(" True", lines[16]);
            Assert.DoesNotContain("sig=", lines[16]);
            Assert.DoesNotContain("?", lines[16]);
            var create = Assert.Single(_emulator.State.Requests, r => r.Method == "POST" && r.Path == ReportPath);
            Assert.Contains("\"QueryId\":\"" + SeatsSystemQuery + "\"", create.Body);
            Assert.Contains("\"ExecuteNow\":true", create.Body);
            Assert.Contains("\"Format\":\"CSV\"", create.Body);
            Assert.DoesNotContain("StartTime", create.Body);
            Assert.Contains(InsightsCalls(), c => c.EndsWith("?getLatestExecution=true", StringComparison.Ordinal));
        }

        [Fact]
        public async Task A_scheduled_report_has_no_execution_until_its_start_time_then_pauses_and_resumes()
        {
            var first = await _emulator.RunAsync(
                Connect
                + "$report = New-PartnerInsightsReport -QueryId " + SeatsSystemQuery + " -ReportName Daily -StartTime ([datetimeoffset]::UtcNow.AddHours(2)) -RecurrenceInterval 24 -RecurrenceCount 3 -Format Tsv\n"
                + "$report.RecurrenceInterval; $report.RecurrenceCount; $report.Format; $report.ExecuteNow\n"
                + "@($report | Get-PartnerInsightsReportExecution -Verbose).Count",
                _emulator.WithRefreshToken());

            Assert.True(first.TerminatingError == null && first.Errors.Count == 0, first.Describe());
            Assert.Equal(new[] { "24", "3", "tsv", "false", "0" }, first.Output.Select(o => o.Text));
            Assert.Contains(first.Verbose, v => v.Contains("has no execution yet", StringComparison.Ordinal));

            // The start time arrives on the emulator's insights clock, so nothing waits.
            string id = Assert.Single(_emulator.State.InsightsReportIds);
            _emulator.State.InsightsExecutionPendingPolls = 0;
            _emulator.State.InsightsExecutionRunningPolls = 5;
            _emulator.State.AdvanceInsightsClock(TimeSpan.FromHours(3));
            var second = await _emulator.RunAsync(
                Connect
                + "(Get-PartnerInsightsReportExecution -ReportId " + id + ").ExecutionStatus\n"
                + "$paused = Suspend-PartnerInsightsReport -ReportId " + id + "\n"
                + "$paused.ReportStatus\n"
                + "(Get-PartnerInsightsReport -ReportId " + id + " | Get-PartnerInsightsReportExecution -Status Paused).ExecutionStatus\n"
                + "(Resume-PartnerInsightsReport -ReportId " + id + ").ReportStatus\n"
                + "(Get-PartnerInsightsReportExecution -ReportId " + id + " -Latest).ExecutionStatus",
                _emulator.WithRefreshToken());

            Assert.True(second.TerminatingError == null && second.Errors.Count == 0, second.Describe());
            Assert.Equal(new[] { "Running", "Paused", "Paused", "Active", "Running" }, second.Output.Select(o => o.Text));
            Assert.Contains("PUT " + ReportPath + "/pause/" + id, InsightsCalls());
            Assert.Contains("PUT " + ReportPath + "/resume/" + id, InsightsCalls());
            Assert.Contains("GET " + ReportPath + "/execution/" + id + "?executionStatus=Paused&getLatestExecution=false", InsightsCalls());
        }

        [Fact]
        public async Task A_failed_execution_is_written_with_its_status()
        {
            _emulator.State.InsightsExecutionPendingPolls = 5;
            var result = await _emulator.RunAsync(
                Connect
                + "$report = New-PartnerInsightsReport " + SeatsSystemQuery + " -ExecuteNow\n"
                + "($report | Get-PartnerInsightsReportExecution).ExecutionStatus\n"
                + "$report.ReportName",
                _emulator.WithRefreshToken());
            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal("Pending", result.Output[0].Text);
            Assert.Equal("Report of query " + SeatsSystemQuery, result.Output[1].Text);

            string id = Assert.Single(_emulator.State.InsightsReportIds);
            Assert.True(_emulator.State.FailInsightsExecutions(id));
            var failed = await _emulator.RunAsync(Connect + "(Get-PartnerInsightsReportExecution " + id + ").ExecutionStatus", _emulator.WithRefreshToken());
            Assert.True(failed.TerminatingError == null && failed.Errors.Count == 0, failed.Describe());
            Assert.Equal("Failed", Assert.Single(failed.Output).Text);
        }

        [Fact]
        public async Task Set_changes_only_the_fields_given_and_Remove_deletes_the_report()
        {
            var result = await _emulator.RunAsync(
                Connect
                + "$report = New-PartnerInsightsReport -QueryId " + SeatsSystemQuery + " -ReportName Before -Description Kept -StartTime '2030-01-01T00:00:00Z' -RecurrenceInterval 48 -CallbackUrl https://contoso.example/done\n"
                + "$changed = $report | Set-PartnerInsightsReport -ReportName After -RecurrenceInterval 72\n"
                + "$changed.ReportName; $changed.Description; $changed.RecurrenceInterval; $changed.StartTime.UtcDateTime.ToString('o'); $changed.CallbackUrl; $null -ne $changed.ModifiedTime\n"
                + "(Get-PartnerInsightsReport).Count\n"
                + "$report | Remove-PartnerInsightsReport -Verbose\n"
                + "@(Get-PartnerInsightsReport).Count",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(
                new[] { "After", "Kept", "72", "2030-01-01T00:00:00.0000000Z", "https://contoso.example/done", "true", "1", "0" },
                result.Output.Select(o => o.Text));
            var put = Assert.Single(_emulator.State.Requests, r => r.Method == "PUT");
            Assert.Contains("\"Description\":\"Kept\"", put.Body);
            Assert.Contains("\"StartTime\":\"2030-01-01T00:00:00Z\"", put.Body);
            Assert.Contains("\"CallbackMethod\":\"GET\"", put.Body);
            Assert.Contains(result.Verbose, v => v.StartsWith("Deleted Partner insights report", StringComparison.Ordinal));
            Assert.Single(_emulator.State.Requests, r => r.Method == "DELETE" && r.Path.StartsWith(ReportPath + "/", StringComparison.Ordinal));
        }

        [Fact]
        public async Task WhatIf_sends_nothing_for_any_command_that_changes_a_report()
        {
            string id = Guid.NewGuid().ToString();
            var result = await _emulator.RunAsync(
                Connect
                + "New-PartnerInsightsReport -QueryId " + SeatsSystemQuery + " -ExecuteNow -WhatIf\n"
                + "Set-PartnerInsightsReport -ReportId " + id + " -ReportName X -WhatIf\n"
                + "Remove-PartnerInsightsReport -ReportId " + id + " -WhatIf\n"
                + "Suspend-PartnerInsightsReport -ReportId " + id + " -WhatIf\n"
                + "Resume-PartnerInsightsReport -ReportId " + id + " -WhatIf\n"
                + "'done'",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal("done", Assert.Single(result.Output).Text);
            Assert.Empty(InsightsCalls());
        }

        [Theory]
        [InlineData("New-PartnerInsightsReport -ExecuteNow -QueryId")]
        [InlineData("Get-PartnerInsightsReport -ReportId")]
        [InlineData("Set-PartnerInsightsReport -ReportName X -ReportId")]
        [InlineData("Remove-PartnerInsightsReport -ReportId")]
        [InlineData("Suspend-PartnerInsightsReport -ReportId")]
        [InlineData("Resume-PartnerInsightsReport -ReportId")]
        [InlineData("Get-PartnerInsightsReportExecution -ReportId")]
        [InlineData("Get-PartnerInsightsReportExecution -ReportId 0c0f9c4e-2b3a-4f5e-8d7c-6b5a4e3d2c1b -ExecutionId")]
        [InlineData("Receive-PartnerInsightsReport -ReportId")]
        [InlineData("Receive-PartnerInsightsReport -ReportId 0c0f9c4e-2b3a-4f5e-8d7c-6b5a4e3d2c1b -ExecutionId")]
        public async Task An_id_that_could_change_the_path_is_refused_at_binding_before_anything_is_sent(string command)
        {
            var result = await _emulator.RunAsync(
                "$ErrorActionPreference = 'Continue'\n" + Connect
                + "foreach ($id in '../../v1/customers', 'cdc61cfe-d028-4333-a215-a1df51ccbfd4?x=1', '%2f..%2fv1%2fcustomers', 'cdc61cfe-d028-4333-a215-a1df51ccbfd4/../../v1') {\n"
                + "    try { " + command + " $id } catch { $_.FullyQualifiedErrorId }\n"
                + "}",
                _emulator.WithRefreshToken());

            Assert.Null(result.TerminatingError);
            Assert.Equal(4, result.Output.Count);
            Assert.All(result.Output, o => Assert.StartsWith("ParameterArgumentValidationError,", o.Text));
            Assert.Empty(InsightsCalls());
        }

        [Fact]
        public async Task A_callback_that_is_not_https_is_refused_at_binding()
        {
            var result = await _emulator.RunAsync(
                Connect + "New-PartnerInsightsReport -QueryId " + SeatsSystemQuery + " -ExecuteNow -CallbackUrl http://contoso.example/done",
                _emulator.WithRefreshToken());

            Assert.StartsWith("ParameterArgumentValidationError,", result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Contains("https", result.TerminatingError.Message);
            Assert.Empty(InsightsCalls());
        }

        [Fact]
        public async Task An_unknown_query_id_is_an_invalid_argument_error_with_the_service_message()
        {
            var result = await _emulator.RunAsync(
                Connect + "New-PartnerInsightsReport -QueryId " + Guid.NewGuid() + " -ExecuteNow",
                _emulator.WithRefreshToken());

            Assert.True("PartnerCenter.InvalidArgument,PartnerCenterLicenses.Commands.NewPartnerInsightsReportCommand" == result.TerminatingError?.FullyQualifiedErrorId, result.Describe());
            Assert.Equal("InvalidArgument", result.TerminatingError.Category);
            Assert.Contains("Invalid QueryId", result.TerminatingError.Message);
            Assert.False(string.IsNullOrEmpty(result.TerminatingError.RecommendedAction));
        }

        [Fact]
        public async Task A_recurrence_below_the_dataset_minimum_is_an_invalid_argument_error()
        {
            var result = await _emulator.RunAsync(
                Connect + "New-PartnerInsightsReport -QueryId " + SeatsSystemQuery + " -StartTime 2030-01-01 -RecurrenceInterval 4",
                _emulator.WithRefreshToken());

            Assert.True("PartnerCenter.InvalidArgument,PartnerCenterLicenses.Commands.NewPartnerInsightsReportCommand" == result.TerminatingError?.FullyQualifiedErrorId, result.Describe());
            Assert.Contains("minimum", result.TerminatingError.Message);
            Assert.Empty(_emulator.State.InsightsReportIds);
        }

        [Fact]
        public async Task An_unknown_report_id_is_not_found_for_Get_and_the_execution_read_and_for_the_changes()
        {
            string id = Guid.NewGuid().ToString();
            var result = await _emulator.RunAsync(
                "$ErrorActionPreference = 'Continue'\n" + Connect
                + "Get-PartnerInsightsReport -ReportId " + id + "\n"
                + "Get-PartnerInsightsReportExecution -ReportId " + id + "\n"
                + "try { Suspend-PartnerInsightsReport -ReportId " + id + " } catch { $_.FullyQualifiedErrorId }\n"
                + "try { Remove-PartnerInsightsReport -ReportId " + id + " } catch { $_.FullyQualifiedErrorId }",
                _emulator.WithRefreshToken());

            Assert.Null(result.TerminatingError);
            Assert.Equal(
                new[] { "PartnerCenter.NotFound,PartnerCenterLicenses.Commands.GetPartnerInsightsReportCommand", "PartnerCenter.NotFound,PartnerCenterLicenses.Commands.GetPartnerInsightsReportExecutionCommand" },
                result.Errors.Select(e => e.FullyQualifiedErrorId));
            Assert.All(result.Errors, e => Assert.Equal("ObjectNotFound", e.Category));
            Assert.Equal(
                new[] { "PartnerCenter.NotFound,PartnerCenterLicenses.Commands.SuspendPartnerInsightsReportCommand", "PartnerCenter.NotFound,PartnerCenterLicenses.Commands.RemovePartnerInsightsReportCommand" },
                result.Output.Select(o => o.Text));
        }

        [Fact]
        public async Task Without_the_Executive_Report_Viewer_role_creating_a_report_is_a_permission_error_naming_the_role()
        {
            _emulator.State.ExecutiveReportViewer = false;
            var result = await _emulator.RunAsync(Connect + "New-PartnerInsightsReport -QueryId " + SeatsSystemQuery + " -ExecuteNow", _emulator.WithRefreshToken());

            Assert.True("PartnerCenter.Forbidden,PartnerCenterLicenses.Commands.NewPartnerInsightsReportCommand" == result.TerminatingError?.FullyQualifiedErrorId, result.Describe());
            Assert.Equal("PermissionDenied", result.TerminatingError.Category);
            Assert.Contains("Executive Report Viewer", result.TerminatingError.RecommendedAction);
        }

        [Fact]
        public async Task DataRedacted_in_the_envelope_is_a_warning()
        {
            _emulator.State.InsightsDataRedacted = true;
            var result = await _emulator.RunAsync(Connect + "(New-PartnerInsightsReport -QueryId " + SeatsSystemQuery + " -ExecuteNow).ReportStatus", _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal("Active", Assert.Single(result.Output).Text);
            Assert.Contains(result.Warning, w => w.Contains("dataRedacted", StringComparison.Ordinal));
        }
    }
}
