using System;
using System.Collections.Generic;
using System.Linq;
using PartnerCenter.Emulator.State;

namespace PartnerCenter.Emulator
{
    /// <summary>
    /// Partner insights scheduled reports and their executions. An execution exists from the moment its run is
    /// due (at once for a run-now report, at the start time and every recurrence interval after it otherwise) and
    /// moves Pending -> Running -> Completed: by the insights clock (<see cref="InsightsExecutionPendingTime"/>,
    /// <see cref="InsightsExecutionRunningTime"/>), or, when <see cref="InsightsExecutionPendingPolls"/> is set, by
    /// the number of times it has been read, so tests need no wall time. A paused report's unfinished executions
    /// answer Paused and do not move on. Without a download origin (<see cref="DownloadStore.BaseUri"/> unset) an
    /// execution stays Running, as its file has nowhere to be published.
    /// </summary>
    public sealed partial class EmulatorState
    {
        private static readonly TimeSpan DefaultPendingTime = TimeSpan.FromSeconds(1);
        private static readonly TimeSpan DefaultRunningTime = TimeSpan.FromSeconds(1);
        private static readonly TimeSpan DefaultLinkLifetime = TimeSpan.FromHours(1);

        private readonly List<InsightsReport> _insightsReports = new List<InsightsReport>();
        private TimeSpan _insightsExecutionPendingTime = DefaultPendingTime;
        private TimeSpan _insightsExecutionRunningTime = DefaultRunningTime;
        private int? _insightsExecutionPendingPolls;
        private int _insightsExecutionRunningPolls;
        private TimeSpan _insightsReportLinkLifetime = DefaultLinkLifetime;
        private TimeSpan _insightsClockOffset;
        private TimeSpan? _insightsExecutionRetryAfter;
        private bool _insightsReportByteOrderMark;
        private string _insightsReportTextSuffix;

        /// <summary>
        /// Appended to every text value a report file holds (not the header), so a test can put separators, quotes
        /// and line breaks into the file a reader must handle. Reset: null.
        /// </summary>
        public string InsightsReportTextSuffix
        {
            get { lock (_gate) { return _insightsReportTextSuffix; } }
            set { lock (_gate) { _insightsReportTextSuffix = value; } }
        }


        /// <summary>Whether report files start with a UTF-8 byte order mark. Reset: false.</summary>
        public bool InsightsReportByteOrderMark
        {
            get { lock (_gate) { return _insightsReportByteOrderMark; } }
            set { lock (_gate) { _insightsReportByteOrderMark = value; } }
        }

        /// <summary>How long a due execution answers Pending on the insights clock. Reset: 1 second.</summary>
        public TimeSpan InsightsExecutionPendingTime
        {
            get { lock (_gate) { return _insightsExecutionPendingTime; } }
            set { lock (_gate) { _insightsExecutionPendingTime = NotNegative(value); } }
        }

        /// <summary>How long it then answers Running before it completes. Reset: 1 second.</summary>
        public TimeSpan InsightsExecutionRunningTime
        {
            get { lock (_gate) { return _insightsExecutionRunningTime; } }
            set { lock (_gate) { _insightsExecutionRunningTime = NotNegative(value); } }
        }

        /// <summary>
        /// When set, executions move by reads instead of time: the first this many reads of an execution answer
        /// Pending, the next <see cref="InsightsExecutionRunningPolls"/> Running, and later reads Completed (0 and 0:
        /// completed at the first read). Reads while the report is paused do not count. Reset: null (time).
        /// </summary>
        public int? InsightsExecutionPendingPolls
        {
            get { lock (_gate) { return _insightsExecutionPendingPolls; } }
            set { lock (_gate) { _insightsExecutionPendingPolls = value is int n && n < 0 ? throw new ArgumentOutOfRangeException(nameof(value)) : value; } }
        }

        /// <summary>Reads that answer Running after the Pending ones, when <see cref="InsightsExecutionPendingPolls"/> is set. Reset: 0.</summary>
        public int InsightsExecutionRunningPolls
        {
            get { lock (_gate) { return _insightsExecutionRunningPolls; } }
            set { lock (_gate) { _insightsExecutionRunningPolls = value < 0 ? throw new ArgumentOutOfRangeException(nameof(value)) : value; } }
        }

        /// <summary>How long a completed execution's secure link works (its reportExpiryTime). Reset: 1 hour.</summary>
        public TimeSpan InsightsReportLinkLifetime
        {
            get { lock (_gate) { return _insightsReportLinkLifetime; } }
            set { lock (_gate) { _insightsReportLinkLifetime = NotNegative(value); } }
        }

        /// <summary>
        /// How far the insights clock is ahead of the wall clock: a test moves it on (<see cref="AdvanceInsightsClock"/>)
        /// to make a start time arrive or an execution complete without waiting. Reset: zero.
        /// </summary>
        public TimeSpan InsightsClockOffset
        {
            get { lock (_gate) { return _insightsClockOffset; } }
        }

        /// <summary>
        /// When set, every execution answer with a run not yet completed carries <c>Retry-After</c> (delta seconds,
        /// rounded up), as a service asking pollers to slow down would. Reset: null.
        /// </summary>
        public TimeSpan? InsightsExecutionRetryAfter
        {
            get { lock (_gate) { return _insightsExecutionRetryAfter; } }
            set { lock (_gate) { _insightsExecutionRetryAfter = value is TimeSpan t ? NotNegative(t) : (TimeSpan?)null; } }
        }

        /// <summary>The ids of the reports scheduled now, oldest first.</summary>
        public IReadOnlyList<string> InsightsReportIds
        {
            get { lock (_gate) { return _insightsReports.Select(r => r.ReportId).ToArray(); } }
        }

        /// <summary>The time the insights routes see: the wall clock plus <see cref="InsightsClockOffset"/>.</summary>
        public DateTimeOffset InsightsNow
        {
            get { lock (_gate) { return DateTimeOffset.UtcNow + _insightsClockOffset; } }
        }

        /// <summary>Moves the insights clock on by <paramref name="by"/>.</summary>
        public void AdvanceInsightsClock(TimeSpan by)
        {
            lock (_gate)
            {
                _insightsClockOffset += NotNegative(by);
            }
        }

        /// <summary>Makes every unfinished execution of the report fail (executionStatus Failed, no file). False when there is no such report.</summary>
        public bool FailInsightsExecutions(string reportId)
        {
            lock (_gate)
            {
                InsightsReport report = FindReportLocked(reportId);
                if (report == null)
                {
                    return false;
                }

                MaterializeExecutionsLocked(report, DateTimeOffset.UtcNow + _insightsClockOffset);
                foreach (InsightsExecution execution in report.Executions.Where(e => e.Status != "Completed"))
                {
                    execution.Status = "Failed";
                }

                return true;
            }
        }

        internal InsightsReport AddInsightsReport(InsightsReport report)
        {
            lock (_gate)
            {
                _insightsReports.Add(report);
                return report.Copy();
            }
        }

        /// <summary>Copies of the reports, filtered by id, name and query id (each null for any).</summary>
        internal IReadOnlyList<InsightsReport> FindInsightsReports(string reportId, string reportName, string queryId)
        {
            lock (_gate)
            {
                return _insightsReports
                    .Where(r => reportId == null || reportId.Split(';').Any(id => string.Equals(r.ReportId, id.Trim(), StringComparison.OrdinalIgnoreCase)))
                    .Where(r => reportName == null || string.Equals(r.ReportName, reportName, StringComparison.OrdinalIgnoreCase))
                    .Where(r => queryId == null || string.Equals(r.QueryId, queryId, StringComparison.OrdinalIgnoreCase))
                    .Select(r => r.Copy())
                    .ToArray();
            }
        }

        /// <summary>Changes the report under the lock and returns a copy; null when there is none.</summary>
        internal InsightsReport ChangeInsightsReport(string reportId, Action<InsightsReport> change)
        {
            lock (_gate)
            {
                InsightsReport report = FindReportLocked(reportId);
                if (report == null)
                {
                    return null;
                }

                // Executions due before the change keep the schedule they were due under.
                MaterializeExecutionsLocked(report, DateTimeOffset.UtcNow + _insightsClockOffset);
                change(report);
                return report.Copy();
            }
        }

        internal InsightsReport RemoveInsightsReport(string reportId)
        {
            lock (_gate)
            {
                InsightsReport report = FindReportLocked(reportId);
                if (report != null)
                {
                    _insightsReports.Remove(report);
                }

                return report?.Copy();
            }
        }

        /// <summary>
        /// The report's executions as one read sees them, each moved on by this read; null when there is no such
        /// report. <paramref name="complete"/> makes a just-completed execution's file (outside the lock: it
        /// evaluates the query) and returns its link and expiry.
        /// </summary>
        internal IReadOnlyList<InsightsExecutionView> ReadInsightsExecutions(string reportId, Func<InsightsReport, InsightsExecution, (Uri Link, DateTimeOffset Expiry)> complete)
        {
            var toComplete = new List<(InsightsReport Report, InsightsExecution Execution)>();
            lock (_gate)
            {
                InsightsReport report = FindReportLocked(reportId);
                if (report == null)
                {
                    return null;
                }

                DateTimeOffset now = DateTimeOffset.UtcNow + _insightsClockOffset;
                MaterializeExecutionsLocked(report, now);
                foreach (InsightsExecution execution in report.Executions)
                {
                    if (execution.Status is "Completed" or "Failed")
                    {
                        continue;
                    }

                    if (report.Status == "Paused")
                    {
                        execution.Status = "Paused";
                        continue;
                    }

                    execution.Status = NextStatusLocked(execution, now);

                    // The file is published by the download origin; until it runs, a run cannot complete.
                    if (execution.Status == "Completed" && Downloads.BaseUri == null)
                    {
                        execution.Status = "Running";
                    }

                    if (execution.Status == "Completed")
                    {
                        toComplete.Add((report.Copy(), execution));
                    }
                }
            }

            foreach ((InsightsReport report, InsightsExecution execution) in toComplete)
            {
                (Uri link, DateTimeOffset expiry) = complete(report, execution);
                lock (_gate)
                {
                    execution.Link = link;
                    execution.ExpiryTime = expiry;
                    execution.GeneratedTime = TruncatedToSeconds(DateTimeOffset.UtcNow + _insightsClockOffset);
                }
            }

            lock (_gate)
            {
                InsightsReport report = FindReportLocked(reportId);
                return report == null
                    ? Array.Empty<InsightsExecutionView>()
                    : report.Executions.Select(e => new InsightsExecutionView(report.Copy(), e.ExecutionId, e.Status, e.Link, e.ExpiryTime, e.GeneratedTime, e.DueTime)).ToArray();
            }
        }

        private string NextStatusLocked(InsightsExecution execution, DateTimeOffset now)
        {
            if (_insightsExecutionPendingPolls is int pendingPolls)
            {
                int read = ++execution.Reads;
                return read <= pendingPolls ? "Pending" : read <= pendingPolls + _insightsExecutionRunningPolls ? "Running" : "Completed";
            }

            // A paused report's executions start their time again from the resume.
            TimeSpan elapsed = now - (execution.ResumedAt ?? execution.DueTime);
            return elapsed < _insightsExecutionPendingTime ? "Pending"
                : elapsed < _insightsExecutionPendingTime + _insightsExecutionRunningTime ? "Running"
                : "Completed";
        }

        // The executions whose runs are due by now: one for a run-now report, otherwise one per recurrence
        // from the start time, at most RecurrenceCount (null: no limit).
        private static void MaterializeExecutionsLocked(InsightsReport report, DateTimeOffset now)
        {
            if (report.ExecuteNow)
            {
                if (report.Executions.Count == 0)
                {
                    report.Executions.Add(new InsightsExecution(Guid.NewGuid().ToString("D"), report.CreatedTime));
                }

                return;
            }

            if (report.Status == "Paused" || report.StartTime is not DateTimeOffset start)
            {
                return;
            }

            TimeSpan interval = TimeSpan.FromHours(Math.Max(1, report.RecurrenceInterval));
            while (report.RecurrenceCount is not long count || report.Executions.Count < count)
            {
                DateTimeOffset due = report.Executions.Count == 0 ? start : report.Executions[^1].DueTime + interval;
                if (due > now)
                {
                    return;
                }

                report.Executions.Add(new InsightsExecution(Guid.NewGuid().ToString("D"), due));
            }
        }

        private InsightsReport FindReportLocked(string reportId) =>
            _insightsReports.FirstOrDefault(r => string.Equals(r.ReportId, reportId, StringComparison.OrdinalIgnoreCase));

        private void ResetInsightsReportsLocked()
        {
            _insightsReports.Clear();
            _insightsExecutionPendingTime = DefaultPendingTime;
            _insightsExecutionRunningTime = DefaultRunningTime;
            _insightsExecutionPendingPolls = null;
            _insightsExecutionRunningPolls = 0;
            _insightsReportLinkLifetime = DefaultLinkLifetime;
            _insightsClockOffset = TimeSpan.Zero;
            _insightsExecutionRetryAfter = null;
            _insightsReportByteOrderMark = false;
            _insightsReportTextSuffix = null;
        }

        private static TimeSpan NotNegative(TimeSpan value) =>
            value < TimeSpan.Zero ? throw new ArgumentOutOfRangeException(nameof(value), value, "Cannot be negative.") : value;
    }
}
