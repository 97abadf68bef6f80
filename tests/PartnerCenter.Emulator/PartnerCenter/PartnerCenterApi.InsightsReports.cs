using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PartnerCenter.Emulator.State;

namespace PartnerCenter.Emulator.PartnerCenter
{
    /// <summary>
    /// Partner insights scheduled reports and their executions, in the insights envelope: POST/GET ScheduledReport
    /// ("Create report API": https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-create-report;
    /// "Get report API": https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-get-report),
    /// PUT/DELETE ScheduledReport/{reportId} (".../insights-programmatic-analytics-api-update-report", "...-delete-report"),
    /// PUT ScheduledReport/pause|resume/{reportId} ("...-pause-report-executions", "...-resume-report-executions") and
    /// GET ScheduledReport/execution/{reportId} ("...-get-report-executions"). A completed execution's file is the
    /// report's query evaluated over <see cref="EmulatorState.InsightsRows"/>, written as CSV (RFC 4180) or TSV and
    /// published behind a secure link by <see cref="EmulatorState.Downloads"/>.
    /// </summary>
    internal sealed partial class PartnerCenterApi
    {
        private const string ReportRoute = InsightsRoot + "/ScheduledReport";
        private static readonly string[] ExecutionStatuses = { "Pending", "Running", "Paused", "Completed" };

        private void MapInsightsReports(IEndpointRouteBuilder routes)
        {
            routes.MapPost(ReportRoute, CreateInsightsReportAsync);
            routes.MapGet(ReportRoute, GetInsightsReportsAsync);
            routes.MapPut(ReportRoute + "/{reportId}", UpdateInsightsReportAsync);
            routes.MapDelete(ReportRoute + "/{reportId}", DeleteInsightsReportAsync);
            routes.MapPut(ReportRoute + "/pause/{reportId}", context => PauseOrResumeInsightsReportAsync(context, pause: true));
            routes.MapPut(ReportRoute + "/resume/{reportId}", context => PauseOrResumeInsightsReportAsync(context, pause: false));
            routes.MapGet(ReportRoute + "/execution/{reportId}", GetInsightsExecutionsAsync);
        }

        private async Task CreateInsightsReportAsync(HttpContext context)
        {
            Task rejected = RejectUnlessInsightsReader(context);
            if (rejected != null)
            {
                await rejected;
                return;
            }

            using JsonDocument document = await ReadInsightsBodyAsync(context);
            if (document == null)
            {
                return;
            }

            JsonElement body = document.RootElement;
            string name = Text(body, "ReportName");
            string queryId = Text(body, "QueryId");
            if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(queryId))
            {
                await WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), "ReportName and QueryId are required.");
                return;
            }

            InsightsQuery query = _state.FindInsightsQueries(queryId, null, includeSystem: true, onlySystem: false).FirstOrDefault();
            if (query == null)
            {
                await WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), $"Invalid QueryId: no query with id '{queryId}' exists.");
                return;
            }

            InsightsDataset dataset = InsightsQueryText.Parse(query.Query, out _)?.Dataset;
            if (!Flag(body, "ExecuteNow", out bool executeNow))
            {
                await WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), "ExecuteNow must be true or false.");
                return;
            }

            DateTimeOffset now = TruncatedToSeconds(_state.InsightsNow);
            var report = new InsightsReport
            {
                ReportId = Guid.NewGuid().ToString("D"),
                QueryId = query.QueryId,
                Query = query.Query,
                User = UserOf(context),
                CreatedTime = now,
                ExecuteNow = executeNow,
                RecurrenceInterval = dataset?.MinimumRecurrenceInterval ?? 24,
                RecurrenceCount = executeNow ? 1 : null,
                Format = "csv",
            };
            string invalid = ApplyReportFields(body, report, dataset, creating: true);
            if (invalid != null)
            {
                await WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), invalid);
                return;
            }

            InsightsReport saved = _state.AddInsightsReport(report);
            await WriteInsightsAsync(context, StatusCodes.Status200OK, new JsonArray(ReportResource(saved)), "Report created successfully");
        }

        private Task GetInsightsReportsAsync(HttpContext context)
        {
            Task rejected = RejectUnlessInsightsReader(context);
            if (rejected != null)
            {
                return rejected;
            }

            IQueryCollection query = context.Request.Query;
            string reportId = query.TryGetValue("reportId", out var id) ? id.ToString() : null;
            string reportName = query.TryGetValue("reportName", out var name) ? name.ToString() : null;
            string queryId = query.TryGetValue("queryId", out var qid) ? qid.ToString() : null;
            var value = new JsonArray(_state.FindInsightsReports(reportId, reportName, queryId).Select(r => (JsonNode)ReportResource(r)).ToArray());
            return WriteInsightsAsync(context, StatusCodes.Status200OK, value, "Reports fetched successfully");
        }

        private async Task UpdateInsightsReportAsync(HttpContext context)
        {
            Task rejected = RejectUnlessInsightsReader(context);
            if (rejected != null)
            {
                await rejected;
                return;
            }

            string reportId = context.Request.RouteValues["reportId"] as string;
            InsightsReport current = _state.FindInsightsReports(reportId, null, null).FirstOrDefault();
            if (current == null)
            {
                await WriteInsightsAsync(context, StatusCodes.Status404NotFound, new JsonArray(), $"No report with id '{reportId}' was found.");
                return;
            }

            using JsonDocument document = await ReadInsightsBodyAsync(context);
            if (document == null)
            {
                return;
            }

            // "Update report API": ReportName and StartTime are required; the rest may change.
            if (string.IsNullOrWhiteSpace(Text(document.RootElement, "ReportName")) || Text(document.RootElement, "StartTime") == null)
            {
                await WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), "ReportName and StartTime are required.");
                return;
            }

            InsightsDataset dataset = InsightsQueryText.Parse(current.Query, out _)?.Dataset;
            string invalid = ApplyReportFields(document.RootElement, current.Copy(), dataset, creating: false);
            if (invalid != null)
            {
                await WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), invalid);
                return;
            }

            DateTimeOffset now = TruncatedToSeconds(_state.InsightsNow);
            InsightsReport changed = _state.ChangeInsightsReport(reportId, r =>
            {
                ApplyReportFields(document.RootElement, r, dataset, creating: false);
                r.ModifiedTime = now;
            });
            await (changed == null
                ? WriteInsightsAsync(context, StatusCodes.Status404NotFound, new JsonArray(), $"No report with id '{reportId}' was found.")
                : WriteInsightsAsync(context, StatusCodes.Status200OK, new JsonArray(ReportResource(changed)), "Report updated successfully"));
        }

        private Task DeleteInsightsReportAsync(HttpContext context)
        {
            Task rejected = RejectUnlessInsightsReader(context);
            if (rejected != null)
            {
                return rejected;
            }

            string reportId = context.Request.RouteValues["reportId"] as string;
            InsightsReport removed = _state.RemoveInsightsReport(reportId);
            return removed == null
                ? WriteInsightsAsync(context, StatusCodes.Status404NotFound, new JsonArray(), $"No report with id '{reportId}' was found.")
                : WriteInsightsAsync(context, StatusCodes.Status200OK, new JsonArray(ReportResource(removed)), "Report deleted successfully");
        }

        private Task PauseOrResumeInsightsReportAsync(HttpContext context, bool pause)
        {
            Task rejected = RejectUnlessInsightsReader(context);
            if (rejected != null)
            {
                return rejected;
            }

            string reportId = context.Request.RouteValues["reportId"] as string;
            DateTimeOffset now = _state.InsightsNow;
            InsightsReport changed = _state.ChangeInsightsReport(reportId, r =>
            {
                r.Status = pause ? "Paused" : "Active";
                r.ModifiedTime = TruncatedToSeconds(now);
                foreach (InsightsExecution execution in r.Executions.Where(e => e.Status == "Paused"))
                {
                    // The paused run goes on from where it was, its time counted again from now.
                    execution.Status = "Pending";
                    execution.ResumedAt = now;
                }
            });
            return changed == null
                ? WriteInsightsAsync(context, StatusCodes.Status404NotFound, new JsonArray(), $"No report with id '{reportId}' was found.")
                : WriteInsightsAsync(context, StatusCodes.Status200OK, new JsonArray(ReportResource(changed)), pause ? "Report paused successfully" : "Report resumed successfully");
        }

        /// <summary>
        /// The report's executions: 404 while it has none (a run-now report has one at once, a scheduled one from its
        /// start time), then filtered by executionId and executionStatus, only the latest unless getLatestExecution=false.
        /// </summary>
        private Task GetInsightsExecutionsAsync(HttpContext context)
        {
            Task rejected = RejectUnlessInsightsReader(context);
            if (rejected != null)
            {
                return rejected;
            }

            string reportId = context.Request.RouteValues["reportId"] as string;
            IQueryCollection parameters = context.Request.Query;
            string executionId = parameters.TryGetValue("executionId", out var eid) ? eid.ToString() : null;
            string status = parameters.TryGetValue("executionStatus", out var es) ? es.ToString() : null;
            if (status != null && !ExecutionStatuses.Contains(status, StringComparer.OrdinalIgnoreCase))
            {
                return WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), $"Invalid executionStatus '{status}'. Valid values are: {string.Join(", ", ExecutionStatuses)}.");
            }

            if (!Flag(parameters, "getLatestExecution", true, out bool latest))
            {
                return WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), "getLatestExecution must be true or false.");
            }

            IReadOnlyList<InsightsExecutionView> executions = _state.ReadInsightsExecutions(reportId, WriteReportFile);
            if (executions == null)
            {
                return WriteInsightsAsync(context, StatusCodes.Status404NotFound, new JsonArray(), $"No report with id '{reportId}' was found.");
            }

            if (executions.Count == 0)
            {
                return WriteInsightsAsync(context, StatusCodes.Status404NotFound, new JsonArray(), $"The report '{reportId}' has no executions yet.");
            }

            IEnumerable<InsightsExecutionView> chosen = executions
                .Where(e => executionId == null || string.Equals(e.ExecutionId, executionId, StringComparison.OrdinalIgnoreCase))
                .Where(e => status == null || string.Equals(e.Status, status, StringComparison.OrdinalIgnoreCase));
            if (latest)
            {
                chosen = chosen.OrderBy(e => e.DueTime).TakeLast(1);
            }

            InsightsExecutionView[] answered = chosen.ToArray();
            if (_state.InsightsExecutionRetryAfter is TimeSpan wait && answered.Any(e => e.Status is not ("Completed" or "Failed")))
            {
                context.Response.Headers["Retry-After"] = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            return WriteInsightsAsync(context, StatusCodes.Status200OK, new JsonArray(answered.Select(e => (JsonNode)ExecutionResource(e)).ToArray()), null);
        }

        /// <summary>Evaluates the report's query now and publishes the file: its secure link and when the link expires.</summary>
        private (Uri Link, DateTimeOffset Expiry) WriteReportFile(InsightsReport report, InsightsExecution execution)
        {
            InsightsQueryText query = InsightsQueryText.Parse(report.Query, out string error)
                ?? throw new InvalidOperationException("A saved query no longer parses: " + error);
            List<Dictionary<string, object>> rows = Evaluate(query, _state.InsightsRows(query.Dataset));
            bool tabs = string.Equals(report.Format, "tsv", StringComparison.OrdinalIgnoreCase);
            byte[] bytes = ReportFile.Write(query.Select, rows, tabs ? '\t' : ',', _state.InsightsReportByteOrderMark, _state.InsightsReportTextSuffix);
            DateTimeOffset expiry = TruncatedToSeconds(_state.InsightsNow + _state.InsightsReportLinkLifetime);
            Uri link = _state.Downloads.Publish(report.ReportId + "_" + execution.ExecutionId + (tabs ? ".tsv" : ".csv"), () => new MemoryStream(bytes, writable: false), expiry);
            return (link, expiry);
        }

        /// <summary>
        /// Sets the documented report fields the body has (names in any case) and checks them: null when all are
        /// valid, else the service-style message. StartTime is required unless ExecuteNow is true; RecurrenceInterval
        /// is at least the dataset's minimumRecurrenceInterval; Format is CSV or TSV; CallbackUrl is https.
        /// </summary>
        private static string ApplyReportFields(JsonElement body, InsightsReport report, InsightsDataset dataset, bool creating)
        {
            if (Text(body, "ReportName") is string name)
            {
                report.ReportName = name;
            }

            if (Has(body, "Description"))
            {
                report.Description = Text(body, "Description");
            }

            string start = Text(body, "StartTime");
            if (start != null)
            {
                if (!DateTimeOffset.TryParse(start, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset startTime))
                {
                    return $"Invalid StartTime '{start}': give a UTC time such as 2021-04-01T18:41:00Z.";
                }

                report.StartTime = TruncatedToSeconds(startTime);
            }
            else if (creating && !report.ExecuteNow)
            {
                return "StartTime is required unless ExecuteNow is true.";
            }

            if (creating && report.ExecuteNow)
            {
                // A run-now report runs once, at once: start time and recurrence do not apply.
                report.StartTime = report.CreatedTime;
            }
            else
            {
                if (Number(body, "RecurrenceInterval") is long interval)
                {
                    int minimum = dataset?.MinimumRecurrenceInterval ?? 4;
                    if (interval < minimum)
                    {
                        return $"Invalid RecurrenceInterval {interval}: the minimum for dataset {dataset?.Name} is {minimum} hours.";
                    }

                    report.RecurrenceInterval = interval;
                }

                if (Number(body, "RecurrenceCount") is long count)
                {
                    if (count < 1)
                    {
                        return $"Invalid RecurrenceCount {count}: it must be at least 1.";
                    }

                    report.RecurrenceCount = count;
                }
            }

            if (Text(body, "Format") is string format)
            {
                if (!string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase) && !string.Equals(format, "tsv", StringComparison.OrdinalIgnoreCase))
                {
                    return $"Invalid Format '{format}'. Valid values are CSV and TSV.";
                }

                report.Format = format.ToLowerInvariant();
            }

            if (Text(body, "CallbackUrl") is string callback)
            {
                if (!Uri.TryCreate(callback, UriKind.Absolute, out Uri address) || address.Scheme != Uri.UriSchemeHttps)
                {
                    return $"Invalid CallbackUrl '{callback}': it must be an absolute https URL.";
                }

                report.CallbackUrl = callback;
            }

            if (Text(body, "CallbackMethod") is string method)
            {
                if (!string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase) && !string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase))
                {
                    return $"Invalid CallbackMethod '{method}'. Valid values are GET and POST.";
                }

                report.CallbackMethod = method.ToUpperInvariant();
            }

            return null;
        }

        private async Task<JsonDocument> ReadInsightsBodyAsync(HttpContext context)
        {
            try
            {
                JsonDocument document = await JsonDocument.ParseAsync(context.Request.Body, LenientJson, context.RequestAborted);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    return document;
                }

                document.Dispose();
            }
            catch (JsonException)
            {
            }

            await WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), "The request body is not a JSON object.");
            return null;
        }

        private string UserOf(HttpContext context)
        {
            AccessTokenGrant grant = _state.FindAccessToken(context.Request.Headers.Authorization.ToString().Substring("Bearer ".Length).Trim());
            return grant?.UserObjectId;
        }

        // The documented create-report answer's fields, in its camelCase.
        private static JsonObject ReportResource(InsightsReport report) => new JsonObject
        {
            ["reportId"] = report.ReportId,
            ["reportName"] = report.ReportName,
            ["description"] = report.Description,
            ["queryId"] = report.QueryId,
            ["query"] = report.Query,
            ["user"] = report.User,
            ["createdTime"] = Iso(report.CreatedTime),
            ["modifiedTime"] = Iso(report.ModifiedTime),
            ["executeNow"] = report.ExecuteNow,
            ["startTime"] = Iso(report.StartTime),
            ["reportStatus"] = report.Status,
            ["recurrenceInterval"] = report.RecurrenceInterval,
            ["recurrenceCount"] = report.RecurrenceCount,
            ["callbackUrl"] = report.CallbackUrl,
            ["callbackMethod"] = report.CallbackMethod,
            ["format"] = report.Format,
        };

        // The documented execution answer's fields. recurrenceCount of a report without a limit is -1 here: the
        // documented answers always hold a number and do not show the "indefinite" one.
        private static JsonObject ExecutionResource(InsightsExecutionView execution) => new JsonObject
        {
            ["executionId"] = execution.ExecutionId,
            ["reportId"] = execution.Report.ReportId,
            ["recurrenceInterval"] = execution.Report.RecurrenceInterval,
            ["recurrenceCount"] = execution.Report.RecurrenceCount ?? -1,
            ["callbackUrl"] = execution.Report.CallbackUrl,
            ["callbackMethod"] = execution.Report.CallbackMethod,
            ["format"] = execution.Report.Format,
            ["executionStatus"] = execution.Status,
            ["reportLocation"] = null,
            ["reportAccessSecureLink"] = execution.Link?.AbsoluteUri,
            ["reportExpiryTime"] = Iso(execution.ExpiryTime),
            ["reportGeneratedTime"] = Iso(execution.GeneratedTime),
        };

        private static string Iso(DateTimeOffset? time) =>
            time?.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

        private static DateTimeOffset TruncatedToSeconds(DateTimeOffset time) =>
            new DateTimeOffset(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

        private static bool Has(JsonElement element, string name) =>
            element.EnumerateObject().Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

        /// <summary>A whole number named in any case; null when absent or null.</summary>
        private static long? Number(JsonElement element, string name)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out long value))
                {
                    return value;
                }
            }

            return null;
        }

        /// <summary>A boolean named in any case: false when absent or null; false (the method's result) when not a boolean.</summary>
        private static bool Flag(JsonElement element, string name, out bool value)
        {
            value = false;
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    switch (property.Value.ValueKind)
                    {
                        case JsonValueKind.True: value = true; return true;
                        case JsonValueKind.False:
                        case JsonValueKind.Null: return true;
                        default: return false;
                    }
                }
            }

            return true;
        }

        /// <summary>A report file: a header row of the selected fields, then one row per result row (CRLF line ends).</summary>
        private static class ReportFile
        {
            public static byte[] Write(IReadOnlyList<string> fields, IEnumerable<Dictionary<string, object>> rows, char separator, bool byteOrderMark, string textSuffix)
            {
                var text = new StringBuilder();
                Line(text, fields.Cast<object>(), separator);
                foreach (Dictionary<string, object> row in rows)
                {
                    Line(text, fields.Select(f => row[f] is string value && textSuffix != null ? value + textSuffix : row[f]), separator);
                }

                byte[] body = Encoding.UTF8.GetBytes(text.ToString());
                return byteOrderMark ? Encoding.UTF8.GetPreamble().Concat(body).ToArray() : body;
            }

            private static void Line(StringBuilder text, IEnumerable<object> values, char separator)
            {
                bool first = true;
                foreach (object value in values)
                {
                    if (!first)
                    {
                        text.Append(separator);
                    }

                    first = false;
                    string field = value switch
                    {
                        null => string.Empty,
                        double real => real.ToString("R", CultureInfo.InvariantCulture),
                        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                        _ => value.ToString(),
                    };

                    // RFC 4180: a field with the separator, a quote or a line break is quoted, its quotes doubled.
                    if (field.IndexOf(separator) >= 0 || field.IndexOf('"') >= 0 || field.IndexOf('\r') >= 0 || field.IndexOf('\n') >= 0)
                    {
                        field = "\"" + field.Replace("\"", "\"\"") + "\"";
                    }

                    text.Append(field);
                }

                text.Append("\r\n");
            }
        }
    }
}
