using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Invoke-PartnerInsightsQuery through the built module against the emulator: a query to typed rows in one
    /// command, what it creates removed when it ends (after the rows, after an error, after Ctrl+C) or kept with
    /// -KeepReport, and each way a run can fail.
    /// </summary>
    [Collection(ReportsEmulatorCollection.Name)]
    public sealed class InsightsInvokeTests
    {
        private const string Connect = "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n";
        private const string Command = ",PartnerCenterLicenses.Commands.InvokePartnerInsightsQueryCommand";
        private const string Seats = "SELECT CustomerTenantId, CustomerName, Product, TotalSoldSeats, TotalAssignedSeats FROM SeatsSubscriptionsAndRevenue TIMESPAN LAST_MONTH";
        private readonly EmulatorFixture _emulator;

        public InsightsInvokeTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
            _emulator.State.InsightsExecutionPendingPolls = 1;
            _emulator.State.InsightsExecutionRunningPolls = 1;
        }

        private void AssertNothingLeft()
        {
            Assert.Empty(_emulator.State.InsightsReportIds);
            Assert.Empty(_emulator.State.InsightsQueryIds);
        }

        [Fact]
        public async Task A_query_becomes_typed_rows_in_one_command_and_what_it_created_is_removed()
        {
            var result = await _emulator.RunAsync(
                Connect
                + "$rows = Invoke-PartnerInsightsQuery -Query '" + Seats + "' -PollIntervalSec 0.01 -Verbose\n"
                + "$rows.Count\n"
                + "$rows[0].PSObject.Properties.Name -join ','\n"
                + "$rows[0].TotalSoldSeats.GetType().FullName\n"
                + "$sum = 0; foreach ($row in $rows) { $sum += $row.TotalSoldSeats }; $sum",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            string[] lines = result.Output.Select(o => o.Text).ToArray();
            int expected = _emulator.State.InsightsRowsOf("SeatsSubscriptionsAndRevenue").Count;
            Assert.True(expected > 0);
            Assert.Equal(expected.ToString(), lines[0]);
            Assert.Equal("CustomerTenantId,CustomerName,Product,TotalSoldSeats,TotalAssignedSeats", lines[1]);
            Assert.Equal("System.Int64", lines[2]);
            Assert.Equal(_emulator.State.InsightsRowsOf("SeatsSubscriptionsAndRevenue").Sum(r => Convert.ToInt64(r["TotalSoldSeats"])).ToString(), lines[3]);

            // The query and the report were created, the execution polled until it completed, then both removed.
            string[] calls = _emulator.State.Requests.Where(r => r.Path.StartsWith("/insights/", StringComparison.Ordinal)).Select(r => r.Method + " " + r.Path).ToArray();
            Assert.Equal("POST /insights/v1/mpn/ScheduledQueries", calls[0]);
            Assert.Equal("POST /insights/v1/mpn/ScheduledReport", calls[1]);
            Assert.True(calls.Count(c => c.StartsWith("GET /insights/v1/mpn/ScheduledReport/execution/", StringComparison.Ordinal)) >= 3, string.Join("\n", calls));
            Assert.StartsWith("DELETE /insights/v1/mpn/ScheduledReport/", calls[^2]);
            Assert.StartsWith("DELETE /insights/v1/mpn/ScheduledQueries/", calls[^1]);
            Assert.Contains(result.Verbose, v => v.Contains("is Pending; asking again", StringComparison.Ordinal));
            Assert.Contains(result.Verbose, v => v.Contains("is Running; asking again", StringComparison.Ordinal));
            Assert.Contains(result.Verbose, v => v.StartsWith("Removed Partner insights report ", StringComparison.Ordinal));
            Assert.Contains(result.Verbose, v => v.StartsWith("Removed Partner insights query ", StringComparison.Ordinal));
            Assert.Empty(result.Warning);
            AssertNothingLeft();
        }

        [Fact]
        public async Task Parameters_build_the_query_and_KeepReport_keeps_the_query_and_the_report()
        {
            var result = await _emulator.RunAsync(
                Connect
                + "(Invoke-PartnerInsightsQuery -Dataset SeatsSubscriptionsAndRevenue -Column CustomerName -Metric TotalSoldSeats -TimeSpan LAST_MONTH -PollIntervalSec 0.01 -KeepReport).Count",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            var create = Assert.Single(_emulator.State.Requests, r => r.Method == "POST" && r.Path == "/insights/v1/mpn/ScheduledQueries");
            Assert.Matches("SELECT CustomerName, ?TotalSoldSeats FROM SeatsSubscriptionsAndRevenue TIMESPAN LAST_MONTH", create.Body);
            Assert.Single(_emulator.State.InsightsReportIds);
            Assert.Single(_emulator.State.InsightsQueryIds);
            Assert.DoesNotContain(_emulator.State.Requests, r => r.Method == "DELETE");
        }

        [Fact]
        public async Task A_query_the_service_rejects_is_InvalidQuery_and_leaves_nothing()
        {
            var result = await _emulator.RunAsync(
                Connect + "Invoke-PartnerInsightsQuery -Query 'SELECT * FROM SeatsSubscriptionsAndRevenue' -PollIntervalSec 0.01",
                _emulator.WithRefreshToken());

            Assert.Equal("PartnerCenter.InvalidQuery" + Command, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("InvalidArgument", result.TerminatingError.Category);
            Assert.Contains("Get-PartnerInsightsDataset -Name SeatsSubscriptionsAndRevenue", result.TerminatingError.RecommendedAction);
            AssertNothingLeft();
        }

        [Fact]
        public async Task An_execution_that_fails_is_ReportFailed_and_what_was_created_is_removed()
        {
            _emulator.State.InsightsExecutionPendingPolls = 100000;
            using var failer = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Task fail = Task.Run(async () =>
            {
                while (!_emulator.State.InsightsReportIds.Any(id => _emulator.State.FailInsightsExecutions(id)))
                {
                    await Task.Delay(20, failer.Token);
                }
            });

            var result = await _emulator.RunAsync(
                Connect + "Invoke-PartnerInsightsQuery -Query '" + Seats + "' -PollIntervalSec 0.05",
                _emulator.WithRefreshToken());
            await fail;

            Assert.Equal("PartnerCenter.ReportFailed" + Command, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("InvalidOperation", result.TerminatingError.Category);
            Assert.Contains("failed", result.TerminatingError.Message);
            Assert.Contains("Invoke-PartnerInsightsQuery", result.TerminatingError.RecommendedAction);
            AssertNothingLeft();
        }

        [Fact]
        public async Task An_execution_not_completed_within_the_timeout_is_ReportTimeout_and_what_was_created_is_removed()
        {
            _emulator.State.InsightsExecutionPendingPolls = 100000;

            var result = await _emulator.RunAsync(
                Connect + "Invoke-PartnerInsightsQuery -Query '" + Seats + "' -PollIntervalSec 0.05 -Timeout 1",
                _emulator.WithRefreshToken());

            Assert.Equal("PartnerCenter.ReportTimeout" + Command, result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("OperationTimeout", result.TerminatingError.Category);
            Assert.Contains("-KeepReport", result.TerminatingError.RecommendedAction);
            AssertNothingLeft();
        }

        [Fact]
        public async Task Ctrl_C_while_the_report_runs_stops_the_command_and_removes_what_it_created()
        {
            _emulator.State.InsightsExecutionPendingPolls = 100000;

            var result = await _emulator.RunAsync(
                Connect + "Invoke-PartnerInsightsQuery -Query '" + Seats + "' -PollIntervalSec 0.05",
                _emulator.WithRefreshToken(),
                stopWhen: async cancellation =>
                {
                    while (!_emulator.State.Requests.Any(r => r.Path.StartsWith("/insights/v1/mpn/ScheduledReport/execution/", StringComparison.Ordinal)))
                    {
                        await Task.Delay(20, cancellation);
                    }
                });

            Assert.True(result.Stopped, result.Describe());
            Assert.Empty(result.Output);
            Assert.Contains(_emulator.State.Requests, r => r.Method == "DELETE" && r.Path.StartsWith("/insights/v1/mpn/ScheduledReport/", StringComparison.Ordinal));
            AssertNothingLeft();
        }

        [Fact]
        public async Task Seat_deployment_joins_sold_and_assigned_seats_with_active_seats_per_customer_and_product()
        {
            var result = await _emulator.RunAsync(
                Connect
                + "$rows = Get-PartnerSeatDeployment -PollIntervalSec 0.01\n"
                + "foreach ($r in $rows) { $r.GetType().Name + '|' + $r.CustomerTenantId + '|' + $r.Product + '|' + $r.SoldSeats + '|' + $r.AssignedSeats + '|' + $r.ActiveSeats + '|' + $r.DeploymentPercent + '|' + $r.UnassignedSeats + '|' + $r.TimeSpan }",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            var seats = _emulator.State.InsightsRowsOf("SeatsSubscriptionsAndRevenue");
            var dynamics = _emulator.State.InsightsRowsOf("DynamicsUsage");
            Assert.Equal(seats.Count, result.Output.Count);
            foreach (var row in seats)
            {
                long sold = Convert.ToInt64(row["TotalSoldSeats"]);
                long assigned = Convert.ToInt64(row["TotalAssignedSeats"]);
                long active = dynamics.Where(d => Equals(d["CustomerTenantId"], row["CustomerTenantId"]) && Equals(d["SKU"], row["Product"])).Sum(d => Convert.ToInt64(d["TotalActiveSeats"]))
                    + _emulator.State.InsightsRowsOf("PowerBIUsage").Where(d => Equals(d["CustomerTenantId"], row["CustomerTenantId"]) && Equals(d["SKU"], row["Product"])).Sum(d => Convert.ToInt64(d["TotalActiveSeats"]));
                double percent = sold == 0 ? 0 : Math.Round(100.0 * assigned / sold, 2);
                string expected = string.Join("|", "PartnerSeatDeployment", row["CustomerTenantId"], row["Product"], sold, assigned, active,
                    percent.ToString(System.Globalization.CultureInfo.InvariantCulture), sold - assigned, "LAST_MONTH");
                Assert.Contains(expected, result.Output.Select(o => o.Text));
            }

            // Three runs (two usage datasets, then the seats), each removed without a warning. All three reports are
            // created before the first execution is polled: the service runs them side by side.
            Assert.Empty(result.Warning);
            var requests = _emulator.State.Requests.ToList();
            var created = requests.Select((r, i) => (r, i)).Where(x => x.r.Method == "POST" && x.r.Path == "/insights/v1/mpn/ScheduledReport").Select(x => x.i).ToList();
            Assert.Equal(3, created.Count);
            int firstPoll = requests.FindIndex(r => r.Method == "GET" && r.Path.StartsWith("/insights/v1/mpn/ScheduledReport/execution/", StringComparison.Ordinal));
            Assert.True(created.Max() < firstPoll, "A report was created after the first execution poll: the runs were not side by side.");
            AssertNothingLeft();
        }

        [Fact]
        public async Task Seat_deployment_for_given_customers_sends_their_ids_in_the_query_and_refuses_one_that_is_not_a_guid()
        {
            string tenant = (string)_emulator.State.InsightsRowsOf("SeatsSubscriptionsAndRevenue")[0]["CustomerTenantId"];
            var result = await _emulator.RunAsync(
                Connect
                + "$ids = @{}; Get-PartnerSeatDeployment -CustomerTenantId '" + tenant + "' -SkipActiveSeats -PollIntervalSec 0.01 | ForEach-Object { $ids[$_.CustomerTenantId] = $_.ActiveSeats }\n"
                + "($ids.Keys -join ',') + ' active: ' + ($null -eq $ids[$ids.Keys][0])\n"
                + "try { Get-PartnerSeatDeployment -CustomerTenantId \"x') OR ('1'='1\" } catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category.ToString() }",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(tenant + " active: True", result.Output[0].Text);
            Assert.Equal("PartnerCenter.InvalidArgument,PartnerCenterLicenses.Commands.GetPartnerSeatDeploymentCommand", result.Output[1].Text);
            Assert.Equal("InvalidArgument", result.Output[2].Text);
            var create = Assert.Single(_emulator.State.Requests, r => r.Method == "POST" && r.Path == "/insights/v1/mpn/ScheduledQueries");
            Assert.Contains("WHERE CustomerTenantId IN ('" + tenant.ToLowerInvariant() + "')", create.Body);
            AssertNothingLeft();
        }
    }
}
