using System;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// A Partner insights scheduled report: a report query run once (ExecuteNow) or from StartTime every
    /// RecurrenceInterval hours, RecurrenceCount times, each run writing a CSV or TSV file. Pipes into
    /// Get-PartnerInsightsReportExecution (by ReportId).
    /// </summary>
    public sealed class PartnerInsightsReport
    {
        /// <summary>The route of the scheduled reports, under the endpoint.</summary>
        internal const string RoutePath = "insights/v1/mpn/ScheduledReport";

        // POST, GET, PUT, DELETE /insights/v1/mpn/ScheduledReport[/{reportId}] and PUT .../pause|resume/{reportId}
        // each answer the report(s) in the insights envelope ("Create report API":
        // https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-create-report;
        // "Get report API": https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-get-report).
        // The samples spell the fields in camelCase, the schemas in PascalCase; names are read in any case.
        internal static readonly PartnerCenterResource<PartnerInsightsReport> Resource = new PartnerCenterResource<PartnerInsightsReport>(
            "insights report(s)", RoutePath, Envelope.Value, Paging.NextLink, Json.Fields,
            v => new PartnerInsightsReport(
                v[Json.ReportId], v[Json.ReportName], v[Json.Description], v[Json.QueryId], v[Json.Query], v[Json.User], v[Json.CreatedTime],
                v[Json.ModifiedTime], v[Json.StartTime], v[Json.ReportStatus], v[Json.RecurrenceInterval], v[Json.RecurrenceCount], v[Json.Format],
                v[Json.CallbackUrl], v[Json.CallbackMethod], v[Json.ExecuteNow]));

        /// <summary>Creates a report.</summary>
        public PartnerInsightsReport(
            string reportId,
            string reportName,
            string description,
            string queryId,
            string query,
            string user,
            DateTimeOffset? createdTime,
            DateTimeOffset? modifiedTime,
            DateTimeOffset? startTime,
            string reportStatus,
            long? recurrenceInterval,
            long? recurrenceCount,
            string format,
            string callbackUrl,
            string callbackMethod,
            bool executeNow)
        {
            ReportId = reportId;
            ReportName = reportName;
            Description = description;
            QueryId = queryId;
            Query = query;
            User = user;
            CreatedTime = createdTime;
            ModifiedTime = modifiedTime;
            StartTime = startTime;
            ReportStatus = reportStatus;
            RecurrenceInterval = recurrenceInterval;
            RecurrenceCount = recurrenceCount;
            Format = format;
            CallbackUrl = callbackUrl;
            CallbackMethod = callbackMethod;
            ExecuteNow = executeNow;
        }

        /// <summary>The report's id; binds to -ReportId by property name.</summary>
        public string ReportId { get; }

        /// <summary>The report's name.</summary>
        public string ReportName { get; }

        /// <summary>What the report is for.</summary>
        public string Description { get; }

        /// <summary>The id of the report query it runs.</summary>
        public string QueryId { get; }

        /// <summary>The text of that query.</summary>
        public string Query { get; }

        /// <summary>Who created the report.</summary>
        public string User { get; }

        /// <summary>When it was created (UTC).</summary>
        public DateTimeOffset? CreatedTime { get; }

        /// <summary>When it was last changed (UTC), if it has been.</summary>
        public DateTimeOffset? ModifiedTime { get; }

        /// <summary>When its first run begins (UTC).</summary>
        public DateTimeOffset? StartTime { get; }

        /// <summary>Active or Paused.</summary>
        public string ReportStatus { get; }

        /// <summary>Hours between runs.</summary>
        public long? RecurrenceInterval { get; }

        /// <summary>How many times it runs.</summary>
        public long? RecurrenceCount { get; }

        /// <summary>The file's format: csv or tsv.</summary>
        public string Format { get; }

        /// <summary>The https address Partner insights calls when a run completes, if any.</summary>
        public string CallbackUrl { get; }

        /// <summary>The method of that call (GET or POST).</summary>
        public string CallbackMethod { get; }

        /// <summary>Whether it is a run-now report (one run, at once).</summary>
        public bool ExecuteNow { get; }

        /// <summary>Name and id, for logs.</summary>
        public override string ToString() => TerminalText.Clean(ReportName + " (" + ReportId + ")");

        private static class Json
        {
            internal static readonly ItemFields Fields = new ItemFields();
            internal static readonly ItemField<string> ReportId = Fields.Text("reportId");
            internal static readonly ItemField<string> ReportName = Fields.Text("reportName", required: false);
            internal static readonly ItemField<string> Description = Fields.Text("description", required: false);
            internal static readonly ItemField<string> QueryId = Fields.Text("queryId", required: false);
            internal static readonly ItemField<string> Query = Fields.Text("query", required: false);
            internal static readonly ItemField<string> User = Fields.Text("user", required: false);
            internal static readonly ItemField<DateTimeOffset?> CreatedTime = Fields.OptionalDate("createdTime");
            internal static readonly ItemField<DateTimeOffset?> ModifiedTime = Fields.OptionalDate("modifiedTime");
            internal static readonly ItemField<DateTimeOffset?> StartTime = Fields.OptionalDate("startTime");
            internal static readonly ItemField<string> ReportStatus = Fields.Text("reportStatus", required: false);
            internal static readonly ItemField<long?> RecurrenceInterval = Fields.OptionalWhole("recurrenceInterval");
            internal static readonly ItemField<long?> RecurrenceCount = Fields.OptionalWhole("recurrenceCount");
            internal static readonly ItemField<string> Format = Fields.Text("format", required: false);
            internal static readonly ItemField<string> CallbackUrl = Fields.Text("callbackUrl", required: false);
            internal static readonly ItemField<string> CallbackMethod = Fields.Text("callbackMethod", required: false);
            internal static readonly ItemField<bool> ExecuteNow = Fields.Flag("executeNow");
        }
    }
}
