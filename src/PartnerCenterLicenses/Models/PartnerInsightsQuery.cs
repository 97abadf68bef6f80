using System;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// A report query of Partner insights programmatic access: a saved SELECT over one dataset that a
    /// scheduled report runs. Microsoft's system queries (Type 'system') and the partner's own
    /// (Type 'userDefined') have the same shape.
    /// </summary>
    public sealed class PartnerInsightsQuery
    {
        // GET/POST /insights/v1/mpn/ScheduledQueries and DELETE ScheduledQueries/{queryId} answer the insights
        // envelope {value, nextLink, totalCount, message, statusCode, dataRedacted} with these items (the Create report
        // query API in "Programmatic access paradigm": https://learn.microsoft.com/partner-center/insights/insights-programmatic-access-paradigm,
        // "Get report queries API": https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-get-report-queries).
        // The samples write the fields in camelCase, the schemas in PascalCase; names are read in any case.
        internal static readonly PartnerCenterResource<PartnerInsightsQuery> Resource = new PartnerCenterResource<PartnerInsightsQuery>(
            "insights report quer(ies)", "insights/v1/mpn/ScheduledQueries", Envelope.Value, Paging.NextLink, Json.Fields,
            v => new PartnerInsightsQuery(v[Json.QueryId], v[Json.Name], v[Json.Description], v[Json.Query], v[Json.Type], v[Json.User], v[Json.CreatedTime]));

        /// <summary>The path of the queries under the endpoint, for the requests that name one (DELETE) or post one.</summary>
        internal const string Path = "/insights/v1/mpn/ScheduledQueries";

        /// <summary>The service's <see cref="Type"/> of Microsoft's predefined queries.</summary>
        public const string SystemType = "system";

        /// <summary>Creates a query.</summary>
        public PartnerInsightsQuery(string queryId, string name, string description, string query, string type, string user, DateTimeOffset createdTime)
        {
            QueryId = queryId;
            Name = name;
            Description = description;
            Query = query;
            Type = type;
            User = user;
            CreatedTime = createdTime.ToUniversalTime();
        }

        /// <summary>The query's id, which reports (New-PartnerInsightsReport) and Remove-PartnerInsightsQuery name it by.</summary>
        public string QueryId { get; }

        /// <summary>The query's name.</summary>
        public string Name { get; }

        /// <summary>What the query is for, as its author described it.</summary>
        public string Description { get; }

        /// <summary>The query's text: SELECT ... FROM Dataset [WHERE ...] [ORDER BY ...] [LIMIT n] [TIMESPAN ...].</summary>
        public string Query { get; }

        /// <summary>'system' for Microsoft's predefined queries, 'userDefined' for the partner's own (as the service sends it).</summary>
        public string Type { get; }

        /// <summary>Who created the query (a user principal name; 'system' or empty for system queries).</summary>
        public string User { get; }

        /// <summary>When the query was created, in UTC.</summary>
        public DateTimeOffset CreatedTime { get; }

        /// <summary>Whether this is one of Microsoft's system queries, which cannot be removed.</summary>
        public bool IsSystem => string.Equals(Type, SystemType, StringComparison.OrdinalIgnoreCase);

        /// <summary>The query's name and id, for logs.</summary>
        public override string ToString() => TerminalText.Clean(Name) + " (" + TerminalText.Clean(QueryId) + ")";

        private static class Json
        {
            internal static readonly ItemFields Fields = new ItemFields();
            internal static readonly ItemField<string> QueryId = Fields.Text("queryId");
            internal static readonly ItemField<string> Name = Fields.Text("name");
            internal static readonly ItemField<string> Description = Fields.Text("description", required: false);
            internal static readonly ItemField<string> Query = Fields.Text("query");
            internal static readonly ItemField<string> Type = Fields.Text("type", required: false);
            internal static readonly ItemField<string> User = Fields.Text("user", required: false);
            internal static readonly ItemField<DateTimeOffset> CreatedTime = Fields.Date("createdTime");
        }
    }
}
