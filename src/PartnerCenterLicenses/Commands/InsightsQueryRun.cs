using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// One query run through Partner insights the way the service offers it: a saved query, a run-now report
    /// of it, the report's execution awaited, its file read, and the query and report removed again. Used by
    /// Invoke-PartnerInsightsQuery and Get-PartnerSeatDeployment, on the cmdlet's own pipeline thread.
    /// </summary>
    internal sealed class InsightsQueryRun
    {
        // How long the removal of what the run created may take after Ctrl+C or a failure, when the
        // cmdlet's own stop token can no longer be used.
        private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);

        // The longest pause between two polls of the execution, however long the run takes.
        private static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(60);

        private readonly PartnerCenterCmdlet _cmdlet;

        internal InsightsQueryRun(PartnerCenterCmdlet cmdlet)
        {
            _cmdlet = cmdlet;
        }

        /// <summary>The id of the query this run saved; null before.</summary>
        internal string QueryId { get; private set; }

        /// <summary>The id of the report this run created; null before.</summary>
        internal string ReportId { get; private set; }

        /// <summary>Saves the query and creates a run-now report of it.</summary>
        internal void Start(string queryText, string name)
        {
            // "Create report query API" and "Create report API" bodies ("Programmatic access paradigm":
            // https://learn.microsoft.com/partner-center/insights/insights-programmatic-access-paradigm).
            var query = new OrderedDictionary
            {
                ["Name"] = name,
                ["Description"] = "Created by PartnerCenterLicenses for one run; removed when the run ends.",
                ["Query"] = queryText,
            };
            PartnerInsightsQuery saved = First(PartnerInsightsQuery.Resource.Request()
                .To("POST", PartnerCenterPath.Parse(PartnerInsightsQuery.Path), JsonObjects.FromPowerShell(query), all: false));
            QueryId = saved?.QueryId ?? throw NoAnswer("query");
            _cmdlet.WriteVerbose("Saved Partner insights query " + QueryId + ": " + TerminalText.Clean(queryText));

            var report = new OrderedDictionary
            {
                ["ReportName"] = name,
                ["Description"] = "Created by PartnerCenterLicenses for one run; removed when the run ends.",
                ["QueryId"] = QueryId,
                ["ExecuteNow"] = true,
                ["Format"] = "CSV",
            };
            PartnerInsightsReport created = First(PartnerInsightsReport.Resource.Request()
                .To("POST", PartnerCenterPath.Parse("/" + PartnerInsightsReport.RoutePath), JsonObjects.FromPowerShell(report), all: false));
            ReportId = created?.ReportId ?? throw NoAnswer("report");
            _cmdlet.WriteVerbose("Created run-now Partner insights report " + ReportId + ".");
        }

        /// <summary>
        /// Polls the report's latest execution until it is Completed, with a progress record while it is Pending or
        /// Running and pauses that double from <paramref name="firstPause"/> up to a minute. Ends with an error when it
        /// fails, is paused, or is not Completed within <paramref name="timeout"/>; Ctrl+C stops the wait at once.
        /// </summary>
        internal PartnerInsightsReportExecution WaitForCompletion(TimeSpan timeout, TimeSpan firstPause, int progressId, string activity)
        {
            DateTimeOffset started = DateTimeOffset.UtcNow;
            TimeSpan pause = firstPause;
            var progress = new ProgressRecord(progressId, activity, "Waiting for report " + ReportId + " to run");
            try
            {
                while (true)
                {
                    PartnerInsightsReportExecution execution = _cmdlet.Await(LatestExecutionAsync());
                    string status = execution?.ExecutionStatus ?? "Pending";
                    if (string.Equals(status, "Completed", StringComparison.OrdinalIgnoreCase))
                    {
                        _cmdlet.WriteVerbose("Execution " + execution + " completed after " + Seconds(DateTimeOffset.UtcNow - started) + ".");
                        return execution;
                    }

                    if (string.Equals(status, "Failed", StringComparison.OrdinalIgnoreCase) || string.Equals(status, "Paused", StringComparison.OrdinalIgnoreCase))
                    {
                        // The reader's checks say what a failed or paused execution means and what to do.
                        new ReportReceiver(_cmdlet).CheckReady(execution);
                    }

                    TimeSpan waited = DateTimeOffset.UtcNow - started;
                    if (waited >= timeout)
                    {
                        _cmdlet.ThrowTerminating(new PartnerCenterException(PartnerCenterErrorIds.ReportTimeout, PartnerCenterErrorKind.Timeout,
                            "Partner insights report " + ReportId + " was still " + TerminalText.Clean(status) + " after " + Seconds(waited)
                            + " (-Timeout); the rows were not read.")
                        {
                            RecommendedAction = "Run the command again with a longer -Timeout, or add -KeepReport and receive the rows later with "
                                + "Get-PartnerInsightsReportExecution -ReportId <id> | Receive-PartnerInsightsReport once it is Completed.",
                        }, ReportId);
                    }

                    progress.StatusDescription = "Report " + ReportId + ": " + TerminalText.Clean(status) + " (" + Seconds(waited) + ")";
                    progress.RecordType = ProgressRecordType.Processing;
                    _cmdlet.WriteProgress(progress);
                    _cmdlet.WriteVerbose("Execution of report " + ReportId + " is " + TerminalText.Clean(status) + "; asking again in " + Seconds(pause) + ".");
                    _cmdlet.FlushLog();
                    TimeSpan left = timeout - waited;
                    if (_cmdlet.StopToken.WaitHandle.WaitOne(pause < left ? pause : left))
                    {
                        throw new PipelineStoppedException();
                    }

                    pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPoll.Ticks));
                }
            }
            finally
            {
                progress.RecordType = ProgressRecordType.Completed;
                try
                {
                    _cmdlet.WriteProgress(progress);
                }
                catch (PipelineStoppedException)
                {
                    // Stopped: nothing more is written.
                }
            }
        }

        /// <summary>
        /// Removes the report and the query this run created, also after Ctrl+C (with a token of its own and a
        /// time limit). A removal that fails is a warning naming what is left, never an error that hides the run's.
        /// </summary>
        internal void Remove(bool stopped)
        {
            using (var cleanup = new CancellationTokenSource(CleanupTimeout))
            {
                if (ReportId != null)
                {
                    Delete(PartnerInsightsReport.Resource, PartnerCenterPath.Parse("/" + PartnerInsightsReport.RoutePath + "/" + ReportId), "report " + ReportId, "Remove-PartnerInsightsReport -ReportId " + ReportId, stopped, cleanup.Token);
                }

                if (QueryId != null)
                {
                    Delete(PartnerInsightsQuery.Resource, PartnerCenterPath.Parse(PartnerInsightsQuery.Path + "/" + QueryId), "query " + QueryId, "Remove-PartnerInsightsQuery -QueryId " + QueryId, stopped, cleanup.Token);
                }
            }
        }

        // Each answer is read as the resource it deletes (the service answers with the deleted query or report).
        private void Delete<T>(PartnerCenterResource<T> resource, PartnerCenterPath path, string what, string command, bool stopped, CancellationToken cancellationToken)
        {
            try
            {
                ResourceRequest<T> request = resource.Request().To("DELETE", path, null, all: false);
                using (IItemStream<T> stream = _cmdlet.Session.Read(request, _cmdlet.NewCall(), stopped ? Silent.Log : _cmdlet.Log, cancellationToken))
                {
                    // Waited on here, not through the cmdlet's pump: after Ctrl+C the pump would stop at once.
                    while (stream.MoveNextAsync().GetAwaiter().GetResult())
                    {
                    }
                }

                if (!stopped)
                {
                    _cmdlet.WriteVerbose("Removed Partner insights " + what + ".");
                }
            }
            catch (Exception e) when (e is PartnerCenterException || e is OperationCanceledException)
            {
                if (!stopped)
                {
                    _cmdlet.WriteWarning("Partner insights " + what + " could not be removed (" + TerminalText.Clean(e.Message) + "). Remove it with " + command + ".");
                }
            }
        }

        private async Task<PartnerInsightsReportExecution> LatestExecutionAsync()
        {
            // GET ScheduledReport/execution/{reportId}?getLatestExecution=true ("Get report executions API":
            // https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-get-report-executions);
            // 404 until the run-now report's execution exists.
            ResourceRequest<PartnerInsightsReportExecution> request = PartnerInsightsReportExecution.Resource.Request()
                .To("GET", PartnerCenterPath.Parse("/" + PartnerInsightsReport.RoutePath + "/execution/" + ReportId), null, all: false)
                .With(new[] { new KeyValuePair<string, string>("getLatestExecution", "true") });
            using (IItemStream<PartnerInsightsReportExecution> stream = _cmdlet.Session.Read(request, _cmdlet.NewCall(), _cmdlet.Log, _cmdlet.StopToken))
            {
                try
                {
                    PartnerInsightsReportExecution latest = null;
                    while (await stream.MoveNextAsync().ConfigureAwait(false))
                    {
                        latest = stream.Current;
                    }

                    return latest;
                }
                catch (PartnerCenterException e) when (e.StatusCode == 404)
                {
                    return null;
                }
            }
        }

        private T First<T>(ResourceRequest<T> request)
        {
            using (IItemStream<T> stream = _cmdlet.Session.Read(request, _cmdlet.NewCall(), _cmdlet.Log, _cmdlet.StopToken))
            {
                T first = default(T);
                bool any = false;
                while (_cmdlet.Next(stream))
                {
                    if (!any)
                    {
                        first = stream.Current;
                        any = true;
                    }
                }

                return first;
            }
        }

        private static PartnerCenterException NoAnswer(string what) =>
            new PartnerCenterException(PartnerCenterErrorIds.InvalidResponse, PartnerCenterErrorKind.InvalidResponse,
                "Partner insights accepted the new " + what + " but its answer named none.")
            {
                RecommendedAction = "Run the command again; if it keeps failing, list what was created with Get-PartnerInsightsQuery and Get-PartnerInsightsReport.",
            };

        private static string Seconds(TimeSpan span) => Math.Round(span.TotalSeconds, 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + " s";

        // After Ctrl+C nothing can be written: the removal's lines go nowhere.
        private sealed class Silent : IEngineLog
        {
            internal static readonly Silent Log = new Silent();

            public bool IsVerboseEnabled => false;

            public bool IsDebugEnabled => false;

            public void Verbose(string message)
            {
            }

            public void Debug(string message)
            {
            }

            public void Warning(string message)
            {
            }
        }
    }
}
