using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the runs (executions) of a Partner insights report: their status and, once completed, the link to the file.</para>
    /// <para type="description">Calls GET /insights/v1/mpn/ScheduledReport/execution/{reportId} and writes one
    /// PartnerInsightsReportExecution per run: ExecutionStatus (Pending, Running, Paused, Completed, or Failed), and for a completed
    /// run ReportAccessSecureLink (shown as host and path only: its query string is a credential and never appears in any output),
    /// ReportExpiryTime and ReportGeneratedTime. A report piped in binds by its ReportId, an execution by its ReportId and
    /// ExecutionId (to read its status again). Without -Latest every run Partner insights keeps is written.</para>
    /// <para type="description">A report that has not run yet has no executions: Partner insights answers 404 until its first run
    /// exists, so the command then writes nothing and says so in a verbose message (it is not an error: a runbook polls until a run
    /// appears). After a 404 it checks that the report exists: a report id Partner insights does not list is a PartnerCenter.NotFound
    /// error. An id that is not a GUID is refused before anything is sent.</para>
    /// <para type="link">New-PartnerInsightsReport</para>
    /// <para type="link">Get-PartnerInsightsReport</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="The latest run of a report">
    /// <code>Get-PartnerInsightsReport -ReportId $id | Get-PartnerInsightsReportExecution -Latest</code>
    /// <para>Reports piped in bind by their ReportId.</para>
    /// </example>
    /// <example title="Runbook: wait for a run-now report to complete">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// $report = New-PartnerInsightsReport -QueryId c9fc1c79-4408-49ff-97f9-e1aa3f155804 -ReportName 'Seats now' -ExecuteNow
    /// do {
    ///     Start-Sleep -Seconds 30
    ///     $run = $report | Get-PartnerInsightsReportExecution -Latest
    /// } until ($run.ExecutionStatus -in 'Completed', 'Failed')
    /// $run.ReportExpiryTime
    /// ]]></code>
    /// <para>A run-now report has its one execution at once; its status moves from Pending to Running to Completed.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerInsightsReportExecution", HelpUri = HelpPages.Base + "Get-PartnerInsightsReportExecution.md")]
    [OutputType(typeof(PartnerInsightsReportExecution))]
    public sealed class GetPartnerInsightsReportExecutionCommand : InsightsReportCmdlet
    {
        /// <summary><para type="description">The id of the report (a GUID). Binds by property name, so a report or an execution can be piped in.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateInsightsId]
        public string ReportId { get; set; }

        /// <summary><para type="description">The id of one run (a GUID). Binds by property name, so an execution piped in is read again.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateInsightsId]
        public string ExecutionId { get; set; }

        /// <summary><para type="description">Only the runs in this status: Pending, Running, Paused or Completed.</para></summary>
        [Parameter]
        [ValidateSet("Pending", "Running", "Paused", "Completed", IgnoreCase = true)]
        public string Status { get; set; }

        /// <summary><para type="description">Only the latest run.</para></summary>
        [Parameter]
        public SwitchParameter Latest { get; set; }

        /// <summary>Reads the runs and writes them; a report without runs yet writes nothing.</summary>
        protected override void ProcessRecord()
        {
            string reportId = Id(ReportId);

            // "Get report executions API": executionId, executionStatus and getLatestExecution (true unless sent false)
            // (https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-get-report-executions).
            var query = new List<KeyValuePair<string, string>>();
            if (ExecutionId != null)
            {
                query.Add(new KeyValuePair<string, string>("executionId", Id(ExecutionId)));
            }

            if (Status != null)
            {
                query.Add(new KeyValuePair<string, string>("executionStatus", char.ToUpperInvariant(Status[0]) + Status.Substring(1).ToLowerInvariant()));
            }

            query.Add(new KeyValuePair<string, string>("getLatestExecution", Latest ? "true" : "false"));
            ResourceRequest<PartnerInsightsReportExecution> request = PartnerInsightsReportExecution.Resource.Request()
                .To("GET", ReportPath("execution", reportId), null, all: true)
                .With(query);
            var stream = new AbsentAsEmpty<PartnerInsightsReportExecution>(Session.Read(request, NewCall(), Log, StopToken));
            using (stream)
            {
                WriteAll(stream);
            }

            if (!stream.Absent)
            {
                return;
            }

            if (FindReport(reportId) == null)
            {
                WriteReportNotFound(reportId);
                return;
            }

            WriteVerbose("Partner insights report " + reportId + " has no " + (ExecutionId != null || Status != null ? "matching " : string.Empty)
                + "execution yet (it answered 404): a report's first run appears at its start time, a run-now report's at once.");
        }

        /// <summary>A stream that ends, empty, where Partner insights answers 404 (no execution yet) instead of failing.</summary>
        private sealed class AbsentAsEmpty<T> : IItemStream<T>
        {
            private readonly IItemStream<T> _inner;

            public AbsentAsEmpty(IItemStream<T> inner)
            {
                _inner = inner;
            }

            public bool Absent { get; private set; }

            public T Current => _inner.Current;

            public long? TotalCount => _inner.TotalCount;

            public int Pages => _inner.Pages;

            public async Task<bool> MoveNextAsync()
            {
                try
                {
                    return await _inner.MoveNextAsync().ConfigureAwait(false);
                }
                catch (PartnerCenterException e) when (e.StatusCode == 404)
                {
                    Absent = true;
                    return false;
                }
            }

            public void Dispose() => _inner.Dispose();
        }
    }
}
