using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Downloads a completed Partner insights report execution's file and writes its rows, typed, or saves the file.</para>
    /// <para type="description">Takes a PartnerInsightsReportExecution from the pipeline (Get-PartnerInsightsReportExecution), or -ReportId and
    /// -ExecutionId, and reads the file behind the execution's secure link as it arrives: one object per row, whose properties are the file's
    /// columns in order. Counts of seats, units, users and customers are Int64, revenue and percentages Double, months and subscription dates UTC
    /// DateTimeOffset, from a table of the Partner insights columns (never guessed from the values); any other column is text, and an empty
    /// numeric or date value is $null. A value that does not fit its column is kept as text: the first one of a column is a warning naming its
    /// row, the others are counted in one warning at the end of the file. CSV and TSV files (the execution's Format, or the header line) with
    /// quoted fields, line breaks inside quotes and a byte order mark are read; memory stays flat however large the file.</para>
    /// <para type="description">-Path saves the file as it arrives instead (into a temporary file beside it, moved into place when whole) and
    /// writes the saved file's FileInfo; an existing file is replaced only with -Force.</para>
    /// <para type="description">The secure link is itself a credential: the download sends it no Authorization header and no Partner Center
    /// header, over HTTPS only, follows no redirect, and no message, error or object shows its query string (only host and path). A link
    /// that has expired (its ReportExpiryTime has passed, or the host answers 403) is read again from the execution once; if it is still
    /// refused, the command ends with PartnerCenter.ReportLinkExpired. An execution that is not Completed ends it with
    /// PartnerCenter.ReportNotReady (Pending, Running, Paused) or PartnerCenter.ReportFailed. The download has the timeout, retries and
    /// Ctrl+C of every call (Set-PartnerCenterRequestOption).</para>
    /// <para type="link">Get-PartnerInsightsDataset</para>
    /// <para type="link">Set-PartnerCenterRequestOption</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Customers with unassigned seats">
    /// <code>Receive-PartnerInsightsReport -ReportId $reportId -ExecutionId $executionId | Where-Object { $_.TotalAssignedSeats -lt $_.TotalSoldSeats }</code>
    /// <para>Reads the rows of one execution of a SeatsSubscriptionsAndRevenue report and keeps those with fewer assigned than sold seats;
    /// TotalSoldSeats and TotalAssignedSeats are Int64, so the comparison is numeric. An execution piped from
    /// Get-PartnerInsightsReportExecution works the same way.</para>
    /// </example>
    /// <example title="Save the file">
    /// <code>Receive-PartnerInsightsReport -ReportId $reportId -Path ./seats.csv -Force</code>
    /// <para>Saves the file of the report's latest completed execution to seats.csv, replacing an older copy, and writes its FileInfo.</para>
    /// </example>
    /// <example title="Runbook: last month's seats per customer to CSV">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Receive-PartnerInsightsReport -ReportId (Get-AutomationVariable -Name 'SeatsReportId') |
    ///     Select-Object CustomerName, Product, Month, TotalSoldSeats, TotalAssignedSeats |
    ///     Export-Csv -Path ./seats.csv -NoTypeInformation
    /// ]]></code>
    /// <para>Reads the latest completed execution of a scheduled report on SeatsSubscriptionsAndRevenue; a report whose link has expired is
    /// read again once, then the runbook stops with PartnerCenter.ReportLinkExpired.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Receive, "PartnerInsightsReport", DefaultParameterSetName = ExecutionSet, HelpUri = HelpPages.Base + "Receive-PartnerInsightsReport.md")]
    [OutputType(typeof(PSObject), typeof(FileInfo))]
    public sealed class ReceivePartnerInsightsReportCommand : PartnerCenterCmdlet
    {
        private const string ExecutionSet = "Execution";
        private const string IdSet = "Id";

        /// <summary>
        /// <para type="description">A report execution, from Get-PartnerInsightsReportExecution. It must be Completed.</para>
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ExecutionSet)]
        [ValidateNotNull]
        public PartnerInsightsReportExecution InputObject { get; set; }

        /// <summary>
        /// <para type="description">The id of the report; with -ExecutionId, the command gets the execution itself. Binds by property name.</para>
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = IdSet)]
        [ValidatePattern("^[A-Za-z0-9-]{1,128}$")]
        public string ReportId { get; set; }

        /// <summary>
        /// <para type="description">The id of the execution. Without it, the report's most recent completed execution is read.</para>
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = IdSet)]
        [ValidatePattern("^[A-Za-z0-9-]{1,128}$")]
        public string ExecutionId { get; set; }

        /// <summary>
        /// <para type="description">Saves the file here instead of writing its rows, and writes the file's FileInfo.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>
        /// <para type="description">With -Path, replaces an existing file.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Gets the execution if needed, checks it, and reads or saves its file.</summary>
        protected override void ProcessRecord()
        {
            PartnerInsightsReportExecution execution = InputObject ?? Execution(ReportId, ExecutionId);
            string target = Path == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            bool readAgain = false;
            if (execution.ReportExpiryTime != null && execution.ReportExpiryTime <= DateTimeOffset.UtcNow)
            {
                WriteVerbose("The execution's link expired at " + execution.ReportExpiryTime.Value.ToString("u") + "; getting the execution again.");
                execution = Execution(execution.ReportId, execution.ExecutionId);
                readAgain = true;
            }

            while (true)
            {
                CheckReady(execution);
                var request = new ReportFileRequest(execution.ReportAccessSecureLink, execution.Format);
                PartnerCenterException expired = target == null ? WriteRows(request, execution) : Save(request, target, execution);
                if (expired == null)
                {
                    return;
                }

                if (readAgain)
                {
                    ThrowTerminating(expired, execution);
                }

                WriteVerbose("The report file's host refused the link as expired; getting the execution again for a new link.");
                execution = Execution(execution.ReportId, execution.ExecutionId);
                readAgain = true;
            }
        }

        // Rows as they are read; an expired link before the first row is handed back for one more try.
        private PartnerCenterException WriteRows(ReportFileRequest request, PartnerInsightsReportExecution execution)
        {
            var call = NewCall();
            Task<Tuple<IItemStream<object>, PartnerCenterException>> open = ExpiryAllowed(Session.OpenReportAsync(request, ReportRows.Instance, call, Log, StopToken));
            Tuple<IItemStream<object>, PartnerCenterException> opened = Await(open);
            if (opened.Item2 != null)
            {
                return opened.Item2;
            }

            using (IItemStream<object> rows = opened.Item1)
            {
                WriteAll(rows);
            }

            FlushLog();
            return null;
        }

        private PartnerCenterException Save(ReportFileRequest request, string target, PartnerInsightsReportExecution execution)
        {
            Task<Tuple<long, PartnerCenterException>> save = ExpiryAllowed(Session.SaveReportAsync(request, target, Force.IsPresent, NewCall(), Log, StopToken));
            Tuple<long, PartnerCenterException> saved = Await(save);
            if (saved.Item2 != null)
            {
                return saved.Item2;
            }

            WriteObject(new FileInfo(target));
            return null;
        }

        private static async Task<Tuple<T, PartnerCenterException>> ExpiryAllowed<T>(Task<T> task)
        {
            try
            {
                return Tuple.Create(await task.ConfigureAwait(false), (PartnerCenterException)null);
            }
            catch (PartnerCenterException e) when (e.ErrorId == PartnerCenterErrorIds.ReportLinkExpired)
            {
                return Tuple.Create(default(T), e);
            }
        }

        // GET ScheduledReport/execution/{reportId}?executionId= ("Get report executions API",
        // https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-get-report-executions).
        private PartnerInsightsReportExecution Execution(string reportId, string executionId)
        {
            IReadOnlyList<KeyValuePair<string, string>> query = executionId == null
                ? Array.Empty<KeyValuePair<string, string>>()
                : new[] { new KeyValuePair<string, string>("executionId", executionId) };
            ResourceRequest<PartnerInsightsReportExecution> request = PartnerInsightsReportExecution.Resource.Request().With(query)
                .To("GET", PartnerCenterPath.Parse(PartnerInsightsReportExecution.Resource.Path + "/" + Uri.EscapeDataString(reportId ?? string.Empty)), null, all: true);
            PartnerInsightsReportExecution found = null;
            PartnerInsightsReportExecution latestCompleted = null;
            using (IItemStream<PartnerInsightsReportExecution> stream = Session.Read(request, NewCall(), Log, StopToken))
            {
                while (Next(stream))
                {
                    PartnerInsightsReportExecution each = stream.Current;
                    if (executionId != null && string.Equals(each.ExecutionId, executionId, StringComparison.OrdinalIgnoreCase))
                    {
                        found = each;
                    }

                    if (string.Equals(each.ExecutionStatus, "Completed", StringComparison.OrdinalIgnoreCase)
                        && (latestCompleted == null || (each.ReportGeneratedTime ?? DateTimeOffset.MinValue) >= (latestCompleted.ReportGeneratedTime ?? DateTimeOffset.MinValue)))
                    {
                        latestCompleted = each;
                    }

                }
            }

            PartnerInsightsReportExecution result = executionId == null ? latestCompleted : found;
            if (result == null)
            {
                ThrowTerminating(new PartnerCenterException(PartnerCenterErrorIds.NotFound, PartnerCenterErrorKind.NotFound,
                    executionId == null
                        ? "Report " + TerminalText.Clean(reportId) + " has no completed execution yet."
                        : "Report " + TerminalText.Clean(reportId) + " has no execution " + TerminalText.Clean(executionId) + ".")
                {
                    RecommendedAction = "Run Get-PartnerInsightsReportExecution -ReportId " + TerminalText.Clean(reportId)
                        + " to see its executions; a report has none until its first run completes.",
                });
            }

            return result;
        }

        private void CheckReady(PartnerInsightsReportExecution execution)
        {
            string status = execution.ExecutionStatus ?? string.Empty;
            if (string.Equals(status, "Completed", StringComparison.OrdinalIgnoreCase))
            {
                if (execution.ReportAccessSecureLink == null)
                {
                    ThrowTerminating(new PartnerCenterException(PartnerCenterErrorIds.InvalidResponse, PartnerCenterErrorKind.InvalidResponse,
                        "Execution " + execution + " is Completed but has no secure link to download its file from.")
                    {
                        RecommendedAction = "Get the execution again in a while (Get-PartnerInsightsReportExecution); report it to Microsoft support if it stays so.",
                    }, execution);
                }

                return;
            }

            if (string.Equals(status, "Failed", StringComparison.OrdinalIgnoreCase))
            {
                ThrowTerminating(new PartnerCenterException(PartnerCenterErrorIds.ReportFailed, PartnerCenterErrorKind.RequestFailed,
                    "Execution " + execution + " failed, so it has no file to download.")
                {
                    RecommendedAction = "Check the report's query (Get-PartnerInsightsReport, Get-PartnerInsightsQuery) and wait for its next run, or run it again with Invoke-PartnerInsightsQuery.",
                }, execution);
            }

            string advice = string.Equals(status, "Paused", StringComparison.OrdinalIgnoreCase)
                ? "The report is paused: resume it (Resume-PartnerInsightsReport) and receive its next completed execution."
                : "Wait until the execution is Completed (poll Get-PartnerInsightsReportExecution), or use Invoke-PartnerInsightsQuery, which waits for the run and then reads its rows.";
            ThrowTerminating(new PartnerCenterException(PartnerCenterErrorIds.ReportNotReady, PartnerCenterErrorKind.ServiceUnavailable,
                "Execution " + execution + " is " + TerminalText.Clean(status) + ", not Completed: it has no file to download yet.")
            {
                RecommendedAction = advice,
            }, execution);
        }
    }
}
