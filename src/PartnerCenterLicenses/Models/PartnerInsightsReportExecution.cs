using System;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// One run of a Partner insights scheduled report: its status and, once it has completed, where its
    /// file can be downloaded until the link expires. Pipes into Receive-PartnerInsightsReport.
    /// </summary>
    public sealed class PartnerInsightsReportExecution
    {
        // GET /insights/v1/mpn/ScheduledReport/execution/{reportId} ("Get report executions API":
        // https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-get-report-executions),
        // in the insights envelope. The documented samples spell the fields in camelCase, CallbackMethod once in
        // PascalCase; names are read in any case.
        internal static readonly PartnerCenterResource<PartnerInsightsReportExecution> Resource = new PartnerCenterResource<PartnerInsightsReportExecution>(
            "report execution(s)", "insights/v1/mpn/ScheduledReport/execution", Envelope.Value, Paging.NextLink, Json.Fields,
            v => new PartnerInsightsReportExecution(
                v[Json.ExecutionId], v[Json.ReportId], v[Json.RecurrenceInterval], v[Json.RecurrenceCount], v[Json.CallbackUrl],
                v[Json.CallbackMethod], v[Json.Format], v[Json.ExecutionStatus], InsightsReportLink.Parse(v[Json.ReportAccessSecureLink]),
                v[Json.ReportExpiryTime], v[Json.ReportGeneratedTime]));

        /// <summary>Creates an execution.</summary>
        public PartnerInsightsReportExecution(
            string executionId,
            string reportId,
            long recurrenceInterval,
            long recurrenceCount,
            string callbackUrl,
            string callbackMethod,
            string format,
            string executionStatus,
            InsightsReportLink reportAccessSecureLink,
            DateTimeOffset? reportExpiryTime,
            DateTimeOffset? reportGeneratedTime)
        {
            ExecutionId = executionId;
            ReportId = reportId;
            RecurrenceInterval = recurrenceInterval;
            RecurrenceCount = recurrenceCount;
            CallbackUrl = callbackUrl;
            CallbackMethod = callbackMethod;
            Format = format;
            ExecutionStatus = executionStatus;
            ReportAccessSecureLink = reportAccessSecureLink;
            ReportExpiryTime = reportExpiryTime?.ToUniversalTime();
            ReportGeneratedTime = reportGeneratedTime?.ToUniversalTime();
        }

        /// <summary>The execution's id.</summary>
        public string ExecutionId { get; }

        /// <summary>The id of the report this is a run of; binds to -ReportId by property name.</summary>
        public string ReportId { get; }

        /// <summary>Hours between the report's runs.</summary>
        public long RecurrenceInterval { get; }

        /// <summary>How many times the report runs.</summary>
        public long RecurrenceCount { get; }

        /// <summary>The address the service calls when the run completes, if the report has one.</summary>
        public string CallbackUrl { get; }

        /// <summary>The method of that call (GET or POST).</summary>
        public string CallbackMethod { get; }

        /// <summary>The file's format: csv (the default) or tsv.</summary>
        public string Format { get; }

        /// <summary>Pending, Running, Paused or Completed (and Failed when the run failed).</summary>
        public string ExecutionStatus { get; }

        /// <summary>
        /// Where the completed file is downloaded from, shown as scheme, host and path only: the query string
        /// is a credential and never appears in any output. Null until the run completes.
        /// </summary>
        public InsightsReportLink ReportAccessSecureLink { get; }

        /// <summary>When the link stops working (UTC), if the service says.</summary>
        public DateTimeOffset? ReportExpiryTime { get; }

        /// <summary>When the file was made (UTC).</summary>
        public DateTimeOffset? ReportGeneratedTime { get; }

        /// <summary>A one-line summary, for logs: ids and status, never the link's query string.</summary>
        public override string ToString() => TerminalText.Clean(ExecutionId + " (report " + ReportId + ", " + ExecutionStatus + ")");

        private static class Json
        {
            internal static readonly ItemFields Fields = new ItemFields();
            internal static readonly ItemField<string> ExecutionId = Fields.Text("executionId");
            internal static readonly ItemField<string> ReportId = Fields.Text("reportId");
            internal static readonly ItemField<long> RecurrenceInterval = Fields.Whole("recurrenceInterval");
            internal static readonly ItemField<long> RecurrenceCount = Fields.Whole("recurrenceCount");
            internal static readonly ItemField<string> CallbackUrl = Fields.Text("callbackUrl", required: false);
            internal static readonly ItemField<string> CallbackMethod = Fields.Text("callbackMethod", required: false);
            internal static readonly ItemField<string> Format = Fields.Text("format", required: false);
            internal static readonly ItemField<string> ExecutionStatus = Fields.Text("executionStatus");
            internal static readonly ItemField<string> ReportAccessSecureLink = Fields.Text("reportAccessSecureLink", required: false);
            internal static readonly ItemField<DateTimeOffset?> ReportExpiryTime = Fields.OptionalDate("reportExpiryTime");
            internal static readonly ItemField<DateTimeOffset?> ReportGeneratedTime = Fields.OptionalDate("reportGeneratedTime");
        }
    }
}
