using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// Reads a completed report execution's file for the cmdlet that owns it (Receive-PartnerInsightsReport,
    /// Invoke-PartnerInsightsQuery, Get-PartnerSeatDeployment): its rows, or the file saved; an expired link is read
    /// again from the execution once.
    /// </summary>
    internal sealed class ReportReceiver
    {
        private readonly PartnerCenterCmdlet _cmdlet;
        private readonly Action<object> _row;

        /// <summary>A receiver that writes each row to the pipeline, or hands it to <paramref name="row"/>.</summary>
        internal ReportReceiver(PartnerCenterCmdlet cmdlet, Action<object> row = null)
        {
            _cmdlet = cmdlet;
            _row = row;
        }

        /// <summary>Checks the execution and reads its file's rows, or saves the file to <paramref name="target"/>.</summary>
        internal void Receive(PartnerInsightsReportExecution execution, string target, bool force)
        {
            bool readAgain = false;
            if (execution.ReportExpiryTime != null && execution.ReportExpiryTime <= DateTimeOffset.UtcNow)
            {
                _cmdlet.WriteVerbose("The execution's link expired at " + execution.ReportExpiryTime.Value.ToString("u") + "; getting the execution again.");
                execution = Execution(execution.ReportId, execution.ExecutionId);
                readAgain = true;
            }

            while (true)
            {
                CheckReady(execution);
                var request = new ReportFileRequest(execution.ReportAccessSecureLink, execution.Format);
                PartnerCenterException expired = target == null ? WriteRows(request, execution) : Save(request, target, force, execution);
                if (expired == null)
                {
                    return;
                }

                if (readAgain)
                {
                    _cmdlet.ThrowTerminating(expired, execution);
                }

                _cmdlet.WriteVerbose("The report file's host refused the link as expired; getting the execution again for a new link.");
                execution = Execution(execution.ReportId, execution.ExecutionId);
                readAgain = true;
            }
        }

        // Rows as they are read; an expired link before the first row is handed back for one more try.
        private PartnerCenterException WriteRows(ReportFileRequest request, PartnerInsightsReportExecution execution)
        {
            var call = _cmdlet.NewCall();
            Task<Tuple<IItemStream<object>, PartnerCenterException>> open = ExpiryAllowed(_cmdlet.Session.OpenReportAsync(request, ReportRows.Instance, call, _cmdlet.Log, _cmdlet.StopToken));
            Tuple<IItemStream<object>, PartnerCenterException> opened = _cmdlet.Await(open);
            if (opened.Item2 != null)
            {
                return opened.Item2;
            }

            using (IItemStream<object> rows = opened.Item1)
            {
                if (_row == null)
                {
                    _cmdlet.WriteAll(rows);
                }
                else
                {
                    while (_cmdlet.Next(rows))
                    {
                        _row(rows.Current);
                    }
                }
            }

            _cmdlet.FlushLog();
            return null;
        }

        private PartnerCenterException Save(ReportFileRequest request, string target, bool force, PartnerInsightsReportExecution execution)
        {
            Task<Tuple<long, PartnerCenterException>> save = ExpiryAllowed(_cmdlet.Session.SaveReportAsync(request, target, force, _cmdlet.NewCall(), _cmdlet.Log, _cmdlet.StopToken));
            Tuple<long, PartnerCenterException> saved = _cmdlet.Await(save);
            if (saved.Item2 != null)
            {
                return saved.Item2;
            }

            _cmdlet.WriteObject(new FileInfo(target));
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
        internal PartnerInsightsReportExecution Execution(string reportId, string executionId)
        {
            IReadOnlyList<KeyValuePair<string, string>> query = executionId == null
                ? Array.Empty<KeyValuePair<string, string>>()
                : new[] { new KeyValuePair<string, string>("executionId", executionId) };
            ResourceRequest<PartnerInsightsReportExecution> request = PartnerInsightsReportExecution.Resource.Request().With(query)
                .To("GET", PartnerCenterPath.Parse(PartnerInsightsReportExecution.Resource.Path + "/" + Uri.EscapeDataString(reportId ?? string.Empty)), null, all: true);
            PartnerInsightsReportExecution found = null;
            PartnerInsightsReportExecution latestCompleted = null;
            using (IItemStream<PartnerInsightsReportExecution> stream = _cmdlet.Session.Read(request, _cmdlet.NewCall(), _cmdlet.Log, _cmdlet.StopToken))
            {
                while (_cmdlet.Next(stream))
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
                _cmdlet.ThrowTerminating(new PartnerCenterException(PartnerCenterErrorIds.NotFound, PartnerCenterErrorKind.NotFound,
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

        internal void CheckReady(PartnerInsightsReportExecution execution)
        {
            string status = execution.ExecutionStatus ?? string.Empty;
            if (string.Equals(status, "Completed", StringComparison.OrdinalIgnoreCase))
            {
                if (execution.ReportAccessSecureLink == null)
                {
                    _cmdlet.ThrowTerminating(new PartnerCenterException(PartnerCenterErrorIds.InvalidResponse, PartnerCenterErrorKind.InvalidResponse,
                        "Execution " + execution + " is Completed but has no secure link to download its file from.")
                    {
                        RecommendedAction = "Get the execution again in a while (Get-PartnerInsightsReportExecution); report it to Microsoft support if it stays so.",
                    }, execution);
                }

                return;
            }

            if (string.Equals(status, "Failed", StringComparison.OrdinalIgnoreCase))
            {
                _cmdlet.ThrowTerminating(new PartnerCenterException(PartnerCenterErrorIds.ReportFailed, PartnerCenterErrorKind.RequestFailed,
                    "Execution " + execution + " failed, so it has no file to download.")
                {
                    RecommendedAction = "Check the report's query (Get-PartnerInsightsReport, Get-PartnerInsightsQuery) and wait for its next run, or run it again with Invoke-PartnerInsightsQuery.",
                }, execution);
            }

            string advice = string.Equals(status, "Paused", StringComparison.OrdinalIgnoreCase)
                ? "The report is paused: resume it (Resume-PartnerInsightsReport) and receive its next completed execution."
                : "Wait until the execution is Completed (poll Get-PartnerInsightsReportExecution), or use Invoke-PartnerInsightsQuery, which waits for the run and then reads its rows.";
            _cmdlet.ThrowTerminating(new PartnerCenterException(PartnerCenterErrorIds.ReportNotReady, PartnerCenterErrorKind.ServiceUnavailable,
                "Execution " + execution + " is " + TerminalText.Clean(status) + ", not Completed: it has no file to download yet.")
            {
                RecommendedAction = advice,
            }, execution);
        }
        }
}
