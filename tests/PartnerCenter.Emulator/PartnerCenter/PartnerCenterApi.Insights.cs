using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PartnerCenter.Emulator.Hosting;
using PartnerCenter.Emulator.State;

namespace PartnerCenter.Emulator.PartnerCenter
{
    /// <summary>
    /// Partner insights programmatic access under <c>/insights/v1/mpn</c>: datasets, report queries (system
    /// and user-defined) and a query's first rows. Every answer, errors included, is the insights envelope
    /// <c>{value, nextLink, totalCount, message, statusCode, dataRedacted}</c> ("Make your first API call":
    /// https://learn.microsoft.com/partner-center/insights/insights-programmatic-first-api-call; the per-API
    /// pages list 200, 400, 401, 403, 404 and 500 as the status codes and StatusCode/Message as the result,
    /// for example https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-get-report-queries).
    /// Calls need App+User tokens, as the other Partner Center routes, and a user with the Executive Report
    /// Viewer role ("Prerequisites": https://learn.microsoft.com/partner-center/insights/insights-programmatic-prerequisites).
    /// </summary>
    internal sealed partial class PartnerCenterApi
    {
        /// <summary>The insights API's root under the endpoint.</summary>
        public const string InsightsRoot = "/insights/v1/mpn";

        private void MapInsights(IEndpointRouteBuilder routes)
        {
            routes.MapGet(InsightsRoot + "/ScheduledDataset", GetInsightsDatasetsAsync);
            routes.MapGet(InsightsRoot + "/ScheduledQueries", GetInsightsQueriesAsync);
            routes.MapPost(InsightsRoot + "/ScheduledQueries", CreateInsightsQueryAsync);
            routes.MapGet(InsightsRoot + "/ScheduledQueries/testQueryResult", TestInsightsQueryAsync);
            routes.MapDelete(InsightsRoot + "/ScheduledQueries/{queryId}", DeleteInsightsQueryAsync);
            MapInsightsReports(routes);
        }

        /// <summary>The token checks of every Partner Center route, then the Executive Report Viewer role; null when the request may proceed.</summary>
        private Task RejectUnlessInsightsReader(HttpContext context)
        {
            Task rejected = RejectUnlessAppUserToken(context);
            if (rejected != null)
            {
                return rejected;
            }

            return _state.ExecutiveReportViewer
                ? null
                : WriteInsightsAsync(context, StatusCodes.Status403Forbidden, new JsonArray(), "The user does not have the Executive Report Viewer role required to access partner insights data.");
        }

        private Task GetInsightsDatasetsAsync(HttpContext context)
        {
            Task rejected = RejectUnlessInsightsReader(context);
            if (rejected != null)
            {
                return rejected;
            }

            // "Get all datasets API": an optional datasetName narrows the list to one
            // (https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-get-dataset).
            string name = context.Request.Query.TryGetValue("datasetName", out var named) ? named.ToString() : null;
            var value = new JsonArray();
            foreach (InsightsDataset dataset in InsightsDatasets.All.Where(d => string.IsNullOrEmpty(name) || string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                value.Add(new JsonObject
                {
                    ["datasetName"] = dataset.Name,
                    ["selectableColumns"] = Strings(dataset.Columns),
                    ["availableMetrics"] = Strings(dataset.Metrics),
                    ["availableDateRanges"] = Strings(dataset.DateRanges),
                    ["minimumRecurrenceInterval"] = dataset.MinimumRecurrenceInterval,
                });
            }

            return WriteInsightsAsync(context, StatusCodes.Status200OK, value, "Dataset fetched successfully");
        }

        private Task GetInsightsQueriesAsync(HttpContext context)
        {
            Task rejected = RejectUnlessInsightsReader(context);
            if (rejected != null)
            {
                return rejected;
            }

            IQueryCollection query = context.Request.Query;
            string queryId = query.TryGetValue("queryId", out var id) ? id.ToString() : null;
            string queryName = query.TryGetValue("queryName", out var name) ? name.ToString() : null;
            if (!Flag(query, "includeSystemQueries", true, out bool includeSystem) || !Flag(query, "includeOnlySystemQueries", false, out bool onlySystem))
            {
                return WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), "includeSystemQueries and includeOnlySystemQueries must be true or false.");
            }

            var value = new JsonArray();
            foreach (InsightsQuery found in _state.FindInsightsQueries(queryId, queryName, includeSystem, onlySystem))
            {
                value.Add(QueryResource(found));
            }

            return WriteInsightsAsync(context, StatusCodes.Status200OK, value, "Queries fetched successfully");
        }

        private async Task CreateInsightsQueryAsync(HttpContext context)
        {
            Task rejected = RejectUnlessInsightsReader(context);
            if (rejected != null)
            {
                await rejected;
                return;
            }

            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(context.Request.Body, LenientJson, context.RequestAborted);
            }
            catch (JsonException)
            {
                await WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), "The request body is not valid JSON.");
                return;
            }

            using (document)
            {
                string name = Text(document.RootElement, "Name");
                string description = Text(document.RootElement, "Description");
                string text = Text(document.RootElement, "Query");
                if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(text))
                {
                    await WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), "Name and Query are required.");
                    return;
                }

                if (InsightsQueryText.Parse(text, out string error) == null)
                {
                    await WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), error);
                    return;
                }

                AccessTokenGrant grant = _state.FindAccessToken(context.Request.Headers.Authorization.ToString().Substring("Bearer ".Length).Trim());
                InsightsQuery saved = _state.AddInsightsQuery(name, description, text, grant?.UserObjectId);
                await WriteInsightsAsync(context, StatusCodes.Status200OK, new JsonArray(QueryResource(saved)), "Query created successfully");
            }
        }

        private Task DeleteInsightsQueryAsync(HttpContext context)
        {
            Task rejected = RejectUnlessInsightsReader(context);
            if (rejected != null)
            {
                return rejected;
            }

            string queryId = context.Request.RouteValues["queryId"] as string;
            if (InsightsDatasets.SystemQueries.Any(q => string.Equals(q.QueryId, queryId, StringComparison.OrdinalIgnoreCase)))
            {
                return WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), "System queries cannot be deleted.");
            }

            InsightsQuery removed = _state.RemoveInsightsQuery(queryId);
            return removed == null
                ? WriteInsightsAsync(context, StatusCodes.Status404NotFound, new JsonArray(), $"No query with id '{queryId}' was found.")
                : WriteInsightsAsync(context, StatusCodes.Status200OK, new JsonArray(QueryResource(removed)), "Query deleted successfully");
        }

        /// <summary>
        /// <c>testQueryResult?exportQuery=...</c> or <c>?queryId=...</c> (one, not both): at most 100 rows of the
        /// query evaluated over <see cref="EmulatorState.InsightsRows"/> ("Try report queries API":
        /// https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-try-report-queries).
        /// With a metric selected, rows are grouped by the selected columns and the metrics summed.
        /// </summary>
        private Task TestInsightsQueryAsync(HttpContext context)
        {
            Task rejected = RejectUnlessInsightsReader(context);
            if (rejected != null)
            {
                return rejected;
            }

            IQueryCollection parameters = context.Request.Query;
            string exportQuery = parameters.TryGetValue("exportQuery", out var export) ? export.ToString() : null;
            string queryId = parameters.TryGetValue("queryId", out var id) ? id.ToString() : null;
            if ((exportQuery == null) == (queryId == null))
            {
                return WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), "Give either exportQuery or queryId.");
            }

            if (queryId != null)
            {
                InsightsQuery saved = _state.FindInsightsQueries(queryId, null, includeSystem: true, onlySystem: false).FirstOrDefault();
                if (saved == null)
                {
                    return WriteInsightsAsync(context, StatusCodes.Status404NotFound, new JsonArray(), $"No query with id '{queryId}' was found.");
                }

                exportQuery = saved.Query;
            }

            InsightsQueryText query = InsightsQueryText.Parse(exportQuery, out string error);
            if (query == null)
            {
                return WriteInsightsAsync(context, StatusCodes.Status400BadRequest, new JsonArray(), error);
            }

            List<Dictionary<string, object>> rows = Evaluate(query, _state.InsightsRows(query.Dataset));
            var value = new JsonArray();
            foreach (Dictionary<string, object> row in rows.Take(EmulatorState.InsightsTestRowLimit))
            {
                var item = new JsonObject();
                foreach (string field in query.Select)
                {
                    item[field] = row[field] switch
                    {
                        long number => JsonValue.Create(number),
                        double real => JsonValue.Create(real),
                        object other => JsonValue.Create(Convert.ToString(other, CultureInfo.InvariantCulture)),
                        null => null,
                    };
                }

                value.Add(item);
            }

            return WriteInsightsAsync(context, StatusCodes.Status200OK, value, null);
        }

        private static List<Dictionary<string, object>> Evaluate(InsightsQueryText query, IEnumerable<IReadOnlyDictionary<string, object>> source)
        {
            bool grouped = query.Distinct || query.Select.Any(query.Dataset.IsMetric);
            var rows = new List<Dictionary<string, object>>();
            var groups = new Dictionary<string, Dictionary<string, object>>(StringComparer.Ordinal);
            foreach (IReadOnlyDictionary<string, object> row in source)
            {
                if (!query.Matches(row))
                {
                    continue;
                }

                var projected = query.Select.Concat(query.OrderBy.Select(o => o.Field)).Distinct().ToDictionary(f => f, f => row[f]);
                if (!grouped)
                {
                    rows.Add(projected);
                    continue;
                }

                string key = string.Join("\u001f", query.Select.Where(f => !query.Dataset.IsMetric(f)).Select(f => Convert.ToString(row[f], CultureInfo.InvariantCulture)));
                if (!groups.TryGetValue(key, out Dictionary<string, object> sum))
                {
                    groups.Add(key, projected);
                    rows.Add(projected);
                    continue;
                }

                foreach (string metric in projected.Keys.Where(query.Dataset.IsMetric).ToArray())
                {
                    sum[metric] = sum[metric] is long a && projected[metric] is long b ? a + b : sum[metric];
                }
            }

            IEnumerable<Dictionary<string, object>> ordered = rows;
            IOrderedEnumerable<Dictionary<string, object>> sorted = null;
            foreach ((string field, bool ascending) in query.OrderBy)
            {
                Func<Dictionary<string, object>, object> key = r => r[field];
                sorted = sorted == null
                    ? (ascending ? rows.OrderBy(key, FieldComparer.Instance) : rows.OrderByDescending(key, FieldComparer.Instance))
                    : (ascending ? sorted.ThenBy(key, FieldComparer.Instance) : sorted.ThenByDescending(key, FieldComparer.Instance));
            }

            ordered = sorted ?? ordered;
            return (query.Limit.HasValue ? ordered.Take(query.Limit.Value) : ordered).ToList();
        }

        private static JsonObject QueryResource(InsightsQuery query) => new JsonObject
        {
            ["queryId"] = query.QueryId,
            ["name"] = query.Name,
            ["description"] = query.Description,
            ["query"] = query.Query,
            ["type"] = query.Type,
            ["user"] = query.User,
            ["createdTime"] = query.CreatedTime.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture),
        };

        /// <summary>The insights envelope; an error is the same envelope with an empty value, its message and status code.</summary>
        private Task WriteInsightsAsync(HttpContext context, int statusCode, JsonArray value, string message)
        {
            var body = new JsonObject
            {
                ["value"] = value,
                ["nextLink"] = null,
                ["totalCount"] = value.Count,
                ["message"] = message,
                ["statusCode"] = statusCode,
                ["dataRedacted"] = statusCode == StatusCodes.Status200OK && _state.InsightsDataRedacted,
            };
            return WriteJsonAsync(context, statusCode, body.ToJsonString(JsonText.Options));
        }

        private static JsonArray Strings(IEnumerable<string> values) => new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

        /// <summary>A string property named in any case (the documented bodies write Name, Description, Query).</summary>
        private static string Text(JsonElement element, string name)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                {
                    return property.Value.GetString();
                }
            }

            return null;
        }

        private static bool Flag(IQueryCollection query, string name, bool fallback, out bool value)
        {
            value = fallback;
            return !query.TryGetValue(name, out var text) || bool.TryParse(text, out value);
        }

        private sealed class FieldComparer : IComparer<object>
        {
            public static readonly FieldComparer Instance = new FieldComparer();

            public int Compare(object x, object y) => x is IComparable a && y != null && x.GetType() == y.GetType()
                ? a.CompareTo(y)
                : string.Compare(Convert.ToString(x, CultureInfo.InvariantCulture), Convert.ToString(y, CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase);
        }
    }
}
