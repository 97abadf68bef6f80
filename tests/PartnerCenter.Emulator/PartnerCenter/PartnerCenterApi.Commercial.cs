using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PartnerCenter.Emulator.Hosting;
using PartnerCenter.Emulator.State;

namespace PartnerCenter.Emulator.PartnerCenter
{
    /// <summary>
    /// The commercial license analytics API that supersedes the <c>/v1/analytics/licenses</c> and
    /// customer-level ones: <c>top</c>/<c>skip</c> paging with <c>@nextLink</c>, <c>groupby</c> sums and
    /// (simple) <c>filter</c>s. Pages are written row by row, so a 100,000-row page never exists as one string.
    /// </summary>
    internal sealed partial class PartnerCenterApi
    {
        /// <summary>Rows written between two flushes of a commercial page.</summary>
        private const int RowsPerFlush = 1000;

        private static readonly string[] DeploymentDimensions =
            { "serviceCode", "serviceName", "channel", "customerTenantId", "customerName", "productId", "productName" };

        private static readonly string[] UsageDimensions =
            { "workloadCode", "workloadName", "serviceCode", "serviceName", "channel", "customerTenantId", "customerName", "productId", "productName" };

        private static readonly JsonWriterOptions CompactJson = new JsonWriterOptions
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            SkipValidation = true,
        };

        /// <summary>One filter statement: <c>field eq 'value'</c> or <c>field ne 'value'</c>.</summary>
        private static readonly Regex FilterStatement = new Regex(
            @"^\s*(?<field>[A-Za-z]+)\s+(?<op>eq|ne)\s+'(?<value>[^']*)'\s*$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private void MapCommercialAnalytics(IEndpointRouteBuilder routes)
        {
            // Routing matches these with a trailing slash too, as the documented request syntax has one.
            routes.MapGet("/partner/v1/analytics/commercial/deployment/license", context => GetCommercialAsync(context, CommercialResource.Deployment));
            routes.MapGet("/partner/v1/analytics/commercial/usage/license", context => GetCommercialAsync(context, CommercialResource.Usage));
        }

        private async Task GetCommercialAsync(HttpContext context, CommercialResource resource)
        {
            Task rejected = RejectUnlessAppUserToken(context);
            if (rejected != null)
            {
                await rejected;
                return;
            }

            string[] dimensions = resource == CommercialResource.Deployment ? DeploymentDimensions : UsageDimensions;
            CommercialQuery query = CommercialQuery.Parse(context.Request.Query, dimensions, out string error);
            if (query == null)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, StatusCodes.Status400BadRequest, error);
                return;
            }

            (string json, CommercialRowSource source, int? pageSize, bool relativeNextLink) = _state.CommercialData(resource);
            if (json != null)
            {
                await WriteJsonAsync(context, StatusCodes.Status200OK, json);
                return;
            }

            IReadOnlyList<CommercialRow> selected = query.GroupBy.Length > 0 || query.Filter.Count > 0
                ? Select(source, query, resource)
                : null;
            int total = selected?.Count ?? source.Count;
            int size = pageSize ?? query.Top;
            int start = (int)Math.Min(query.Skip, total);
            int count = Math.Min(size, total - start);
            string nextLink = start + count >= total ? null
                : _state.NextLinkCycleAfterPage == start / size + 1 ? NextLink(context.Request, query, null, relativeNextLink)
                : NextLink(context.Request, query, start + count, relativeNextLink);

            HttpResponse response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = HttpExtensions.JsonContentType;
            PipeWriter body = response.BodyWriter;
            if (_state.ByteOrderMark)
            {
                body.Write(HttpExtensions.Utf8ByteOrderMark);
            }

            CancellationToken cancellation = context.RequestAborted;
            try
            {
                using var writer = new Utf8JsonWriter((IBufferWriter<byte>)body, CompactJson);
                writer.WriteStartObject();
                writer.WriteStartArray("Value");
                for (int i = 0; i < count; i++)
                {
                    CommercialRow row = selected != null ? selected[start + i] : source[start + i];
                    if (query.GroupBy.Length > 0)
                    {
                        WriteGroupedRow(writer, row, query.GroupBy, resource);
                    }
                    else
                    {
                        WriteRow(writer, row, resource);
                    }

                    if ((i + 1) % RowsPerFlush == 0)
                    {
                        writer.Flush();
                        await body.FlushAsync(cancellation);
                    }
                }

                writer.WriteEndArray();
                writer.WriteString("@nextLink", nextLink);
                writer.WriteNumber("TotalCount", total);
                writer.WriteEndObject();
                writer.Flush();
                await body.FlushAsync(cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                // The client left part-way through a page: there is nobody to finish it for.
            }
        }

        /// <summary>The filtered rows, or the groups (in order of first appearance) with their summed metrics.</summary>
        private static IReadOnlyList<CommercialRow> Select(CommercialRowSource source, CommercialQuery query, CommercialResource resource)
        {
            var rows = new List<CommercialRow>();
            var groups = new Dictionary<string, int>(StringComparer.Ordinal);
            var key = new StringBuilder();
            for (int i = 0; i < source.Count; i++)
            {
                CommercialRow row = source[i];
                if (!query.Matches(row))
                {
                    continue;
                }

                if (query.GroupBy.Length == 0)
                {
                    rows.Add(row);
                    continue;
                }

                key.Clear();
                foreach (string field in query.GroupBy)
                {
                    key.Append(row.Dimension(field)).Append('\u001f');
                }

                string groupKey = key.ToString();
                if (!groups.TryGetValue(groupKey, out int index))
                {
                    groups.Add(groupKey, rows.Count);
                    rows.Add(row);
                    continue;
                }

                CommercialRow sum = rows[index];
                rows[index] = new CommercialRow
                {
                    WorkloadCode = sum.WorkloadCode,
                    WorkloadName = sum.WorkloadName,
                    ServiceCode = sum.ServiceCode,
                    ServiceName = sum.ServiceName,
                    Channel = sum.Channel,
                    CustomerTenantId = sum.CustomerTenantId,
                    CustomerName = sum.CustomerName,
                    ProductId = sum.ProductId,
                    ProductName = sum.ProductName,
                    LicensesDeployed = sum.LicensesDeployed + row.LicensesDeployed,
                    LicensesSold = sum.LicensesSold + row.LicensesSold,
                    LicensesActive = sum.LicensesActive + row.LicensesActive,
                    LicensesQualified = sum.LicensesQualified + row.LicensesQualified,
                };
            }

            return rows;
        }

        private static void WriteRow(Utf8JsonWriter writer, CommercialRow row, CommercialResource resource)
        {
            writer.WriteStartObject();
            writer.WriteString("processedDateTime", row.ProcessedDateTime);
            if (resource == CommercialResource.Usage)
            {
                writer.WriteString("workloadCode", row.WorkloadCode);
                writer.WriteString("workloadName", row.WorkloadName);
            }

            writer.WriteString("serviceCode", row.ServiceCode);
            writer.WriteString("serviceName", row.ServiceName);
            writer.WriteString("channel", row.Channel);
            writer.WriteString("customerTenantId", row.CustomerTenantId);
            writer.WriteString("customerName", row.CustomerName);
            writer.WriteString("productId", row.ProductId);
            writer.WriteString("productName", row.ProductName);
            WriteMetrics(writer, row, resource);
            writer.WriteEndObject();
        }

        private static void WriteGroupedRow(Utf8JsonWriter writer, CommercialRow row, string[] groupBy, CommercialResource resource)
        {
            writer.WriteStartObject();
            foreach (string field in groupBy)
            {
                writer.WriteString(field, row.Dimension(field));
            }

            WriteMetrics(writer, row, resource);
            writer.WriteEndObject();
        }

        private static void WriteMetrics(Utf8JsonWriter writer, CommercialRow row, CommercialResource resource)
        {
            if (resource == CommercialResource.Deployment)
            {
                writer.WriteNumber("licensesDeployed", row.LicensesDeployed);
                writer.WriteNumber("licensesSold", row.LicensesSold);
            }
            else
            {
                writer.WriteNumber("licensesActive", row.LicensesActive);
                writer.WriteNumber("licensesQualified", row.LicensesQualified);
            }
        }

        /// <summary>
        /// The same path (trailing slash and all) and query, with <c>skip</c> moved past the rows served; the
        /// client's <c>top</c> is kept even when the page size was the emulator's own. Without
        /// <paramref name="nextSkip"/>, the link has no <c>skip</c>: the first page as the module asks for it.
        /// </summary>
        private static string NextLink(HttpRequest request, CommercialQuery query, long? nextSkip, bool relative)
        {
            var link = new StringBuilder();
            if (!relative)
            {
                link.Append(request.PublicOrigin());
            }

            link.Append(request.Path.Value)
                .Append("?top=").Append(query.Top.ToString(CultureInfo.InvariantCulture));
            if (nextSkip != null)
            {
                link.Append("&skip=").Append(nextSkip.Value.ToString(CultureInfo.InvariantCulture));
            }

            AppendParameter(link, "filter", query.FilterText);
            AppendParameter(link, "groupby", query.GroupByText);
            AppendParameter(link, "processedDateTime", query.ProcessedDateTimeText);
            return link.ToString();
        }

        private static void AppendParameter(StringBuilder link, string name, string value)
        {
            if (value != null)
            {
                link.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        /// <summary>The query parameters of a commercial analytics request, checked.</summary>
        private sealed class CommercialQuery
        {
            public int Top { get; private init; }

            public long Skip { get; private init; }

            public string FilterText { get; private init; }

            public string GroupByText { get; private init; }

            public string ProcessedDateTimeText { get; private init; }

            /// <summary>The canonical names of the <c>groupby</c> fields, in the order given.</summary>
            public string[] GroupBy { get; private init; } = Array.Empty<string>();

            /// <summary>
            /// The filter's statements when it is one or more <c>field eq|ne 'value'</c> joined by <c>and</c>;
            /// anything richer (<c>or</c>, parentheses) is recorded but not applied, so it is empty then.
            /// </summary>
            public IReadOnlyList<(string Field, bool Equal, string Value)> Filter { get; private init; } = Array.Empty<(string, bool, string)>();

            public static CommercialQuery Parse(IQueryCollection query, string[] dimensions, out string error)
            {
                error = null;
                int top = EmulatorState.CommercialMaxTop;
                if (query.TryGetValue("top", out var topText)
                    && (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1 || top > EmulatorState.CommercialMaxTop))
                {
                    error = $"The top parameter must be a whole number from 1 to {EmulatorState.CommercialMaxTop.ToString(CultureInfo.InvariantCulture)}.";
                    return null;
                }

                long skip = 0;
                if (query.TryGetValue("skip", out var skipText)
                    && !long.TryParse(skipText, NumberStyles.None, CultureInfo.InvariantCulture, out skip))
                {
                    error = "The skip parameter must be a whole number, 0 or more.";
                    return null;
                }

                string processed = query.TryGetValue("processedDateTime", out var processedText) ? processedText.ToString() : null;
                if (processed != null && !DateTime.TryParse(processed, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out _))
                {
                    error = "The processedDateTime parameter must be a date and time.";
                    return null;
                }

                string groupByText = query.TryGetValue("groupby", out var groupByValue) ? groupByValue.ToString() : null;
                var groupBy = new List<string>();
                if (!string.IsNullOrWhiteSpace(groupByText))
                {
                    foreach (string name in groupByText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    {
                        string field = dimensions.FirstOrDefault(d => string.Equals(d, name, StringComparison.OrdinalIgnoreCase));
                        if (field == null)
                        {
                            error = $"The groupby field '{name}' is not one of: {string.Join(", ", dimensions)}.";
                            return null;
                        }

                        if (!groupBy.Contains(field))
                        {
                            groupBy.Add(field);
                        }
                    }
                }

                string filterText = query.TryGetValue("filter", out var filterValue) ? filterValue.ToString() : null;
                var filter = new List<(string, bool, string)>();
                if (!string.IsNullOrWhiteSpace(filterText))
                {
                    foreach (string statement in Regex.Split(filterText, @"\s+and\s+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))
                    {
                        Match match = FilterStatement.Match(statement);
                        if (!match.Success)
                        {
                            filter.Clear();
                            break;
                        }

                        string field = dimensions.FirstOrDefault(d => string.Equals(d, match.Groups["field"].Value, StringComparison.OrdinalIgnoreCase));
                        if (field == null)
                        {
                            error = $"The filter field '{match.Groups["field"].Value}' is not one of: {string.Join(", ", dimensions)}.";
                            return null;
                        }

                        filter.Add((field, string.Equals(match.Groups["op"].Value, "eq", StringComparison.OrdinalIgnoreCase), match.Groups["value"].Value));
                    }
                }

                return new CommercialQuery
                {
                    Top = top,
                    Skip = skip,
                    FilterText = filterText,
                    GroupByText = groupByText,
                    ProcessedDateTimeText = processed,
                    GroupBy = groupBy.ToArray(),
                    Filter = filter,
                };
            }

            /// <summary>Values compare without regard to case (the documented examples write 'O365' for "o365").</summary>
            public bool Matches(CommercialRow row)
            {
                foreach ((string field, bool equal, string value) in Filter)
                {
                    if (string.Equals(row.Dimension(field), value, StringComparison.OrdinalIgnoreCase) != equal)
                    {
                        return false;
                    }
                }

                return true;
            }
        }
    }
}
