using System;
using System.Collections.Generic;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Runs a Partner insights query and writes its rows: the query saved, a run-now report of it awaited, its file read, and both removed again.</para>
    /// <para type="description">Does in one command what Partner insights programmatic access takes five calls for: saves the query
    /// (New-PartnerInsightsQuery), creates a report that runs it now (New-PartnerInsightsReport -ExecuteNow), polls the report's execution
    /// with a progress bar while it is Pending or Running (pauses that double from -PollIntervalSec up to a minute; a 429 or 503 with
    /// Retry-After is waited out as for every call), reads the completed file's rows as they arrive, typed per column as
    /// Receive-PartnerInsightsReport writes them, and removes the report and the query it created when it ends: after the last row, after
    /// an error, and after Ctrl+C. -KeepReport keeps them, and writes the report's id in a verbose line.</para>
    /// <para type="description">The query is either -Query text (SELECT columns and metrics FROM a dataset, with WHERE, ORDER BY, LIMIT
    /// and TIMESPAN as Partner insights defines them) or built from -Dataset, -Column, -Metric, -Where, -OrderBy, -Limit and -TimeSpan, whose
    /// names are checked at binding and completed with Tab from the datasets Get-PartnerInsightsDataset read.</para>
    /// <para type="description">A query Partner insights rejects ends the command with PartnerCenter.InvalidQuery and the service's
    /// message; an execution that fails is PartnerCenter.ReportFailed, one that is paused PartnerCenter.ReportNotReady, one still not Completed
    /// after -Timeout PartnerCenter.ReportTimeout; a link that stays expired PartnerCenter.ReportLinkExpired. Without the Executive Report
    /// Viewer role Partner insights answers 403: PartnerCenter.Forbidden, with advice naming the role.</para>
    /// <para type="link">Get-PartnerSeatDeployment</para>
    /// <para type="link">Get-PartnerInsightsDataset</para>
    /// <para type="link">Receive-PartnerInsightsReport</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Sold and assigned seats per customer and product, last month">
    /// <code>Invoke-PartnerInsightsQuery -Query 'SELECT CustomerName, Product, TotalSoldSeats, TotalAssignedSeats FROM SeatsSubscriptionsAndRevenue TIMESPAN LAST_MONTH'</code>
    /// <para>Writes one object per customer and product; TotalSoldSeats and TotalAssignedSeats are Int64.</para>
    /// </example>
    /// <example title="The same query from parameters">
    /// <code>Invoke-PartnerInsightsQuery -Dataset SeatsSubscriptionsAndRevenue -Column CustomerName, Product -Metric TotalSoldSeats, TotalAssignedSeats -TimeSpan LAST_MONTH</code>
    /// <para>The names are checked before anything is sent; Tab after -Column and -Metric offers the dataset's names once
    /// Get-PartnerInsightsDataset has read them.</para>
    /// </example>
    /// <example title="Runbook: Office usage to CSV, waiting up to two hours">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Invoke-PartnerInsightsQuery -Dataset OfficeUsage -Column CustomerName, WorkloadName -Metric TotalPaidAvailableUnits, TotalMonthlyActiveUsers `
    ///     -TimeSpan LAST_MONTH -Timeout 7200 | Export-Csv -Path ./office-usage.csv -NoTypeInformation
    /// ]]></code>
    /// <para>The query and report the run created are removed however the runbook ends.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Invoke, "PartnerInsightsQuery", DefaultParameterSetName = TextSet, HelpUri = HelpPages.Base + "Invoke-PartnerInsightsQuery.md")]
    [OutputType(typeof(InsightsReportRow))]
    public sealed class InvokePartnerInsightsQueryCommand : InsightsQueryCmdlet
    {
        /// <summary>
        /// <para type="description">How long to wait for the report's execution to complete, in seconds or as a TimeSpan (default: one hour).
        /// The rows' download has the request options' timeout on top.</para>
        /// </summary>
        [Parameter]
        [SecondsTransformation]
        [ValidateRange(1, 86400)]
        public double Timeout { get; set; } = 3600;

        /// <summary>
        /// <para type="description">The first pause between two polls of the execution, in seconds (default: 2); each next pause is twice as
        /// long, up to a minute.</para>
        /// </summary>
        [Parameter]
        [SecondsTransformation]
        [ValidateRange(0.01, 60)]
        public double PollIntervalSec { get; set; } = 2;

        /// <summary>
        /// <para type="description">Keeps the query and the report the command created (their ids are in verbose lines), to receive the rows
        /// again or run the report later.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter KeepReport { get; set; }

        /// <summary>Runs the query and writes its rows; what it created is removed however it ends.</summary>
        protected override void ProcessRecord()
        {
            string text = QueryText();
            string name = NewPartnerInsightsQueryCommand.DefaultName(DatasetName, DateTimeOffset.UtcNow, Guid.NewGuid());
            Run(this, text, name, System.TimeSpan.FromSeconds(Timeout), System.TimeSpan.FromSeconds(PollIntervalSec), KeepReport.IsPresent, null);
        }

        /// <summary>One run of <paramref name="text"/> for <paramref name="cmdlet"/>: rows to the pipeline, or to <paramref name="row"/>.</summary>
        internal static void Run(PartnerCenterCmdlet cmdlet, string text, string name, TimeSpan timeout, TimeSpan firstPause, bool keep, Action<object> row)
        {
            Run(cmdlet, new[] { Tuple.Create(text, name, row) }, timeout, firstPause, keep);
        }

        /// <summary>
        /// Runs of several queries (text, name, where the rows go: null for the pipeline). Every report is created
        /// before the first is waited for: the service runs them side by side, so the whole takes as long as the
        /// slowest run. Rows are read run by run, in the order given. What was created is removed in the end,
        /// after the rows, an error or Ctrl+C, unless <paramref name="keep"/>.
        /// </summary>
        internal static void Run(PartnerCenterCmdlet cmdlet, IReadOnlyList<Tuple<string, string, Action<object>>> queries, TimeSpan timeout, TimeSpan firstPause, bool keep)
        {
            var runs = new List<InsightsQueryRun>();
            bool ended = false;
            try
            {
                foreach (Tuple<string, string, Action<object>> query in queries)
                {
                    var run = new InsightsQueryRun(cmdlet);
                    runs.Add(run);
                    run.Start(query.Item1, query.Item2);
                }

                for (int i = 0; i < runs.Count; i++)
                {
                    PartnerInsightsReportExecution execution = runs[i].WaitForCompletion(timeout, firstPause, i + 1, "Partner insights query " + TerminalText.Clean(queries[i].Item2));
                    new ReportReceiver(cmdlet, queries[i].Item3).Receive(execution, null, force: false);
                }

                ended = true;
            }
            finally
            {
                foreach (InsightsQueryRun run in runs)
                {
                    if (!keep)
                    {
                        run.Remove(stopped: !ended && cmdlet.Stopping);
                    }
                    else if (run.ReportId != null && !cmdlet.Stopping)
                    {
                        cmdlet.WriteVerbose("Kept Partner insights report " + run.ReportId + " and query " + run.QueryId + " (-KeepReport).");
                    }
                }
            }
        }
    }
}
