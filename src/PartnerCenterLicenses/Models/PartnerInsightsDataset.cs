using System;
using System.Collections.Generic;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// One dataset of Partner insights programmatic access: the columns and metrics a report query may
    /// select from it, the TIMESPAN values it accepts and the shortest recurrence a report on it may have.
    /// </summary>
    public sealed class PartnerInsightsDataset
    {
        // GET /insights/v1/mpn/ScheduledDataset[?datasetName=...] ("Get all datasets API":
        // https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-get-dataset),
        // the insights envelope {value, nextLink, totalCount, message, statusCode, dataRedacted}. The documented
        // sample spells the fields in camelCase and the schema in PascalCase; names are read in any case.
        internal static readonly PartnerCenterResource<PartnerInsightsDataset> Resource = new PartnerCenterResource<PartnerInsightsDataset>(
            "insights dataset(s)", "insights/v1/mpn/ScheduledDataset", Envelope.Value, Paging.NextLink, Json.Fields,
            v => new PartnerInsightsDataset(
                v[Json.Name], v[Json.Description], v[Json.Columns], v[Json.Metrics], v[Json.DateRanges], v[Json.MinimumRecurrenceInterval]));

        /// <summary>
        /// The datasets Microsoft documents for partners, offered by tab completion until
        /// Get-PartnerInsightsDataset has read the service's own list in this session.
        /// </summary>
        public static readonly IReadOnlyList<string> DocumentedNames = new[]
        {
            "SeatsSubscriptionsAndRevenue", "OfficeUsage", "DynamicsUsage", "EMSUsage", "PowerBIUsage", "CustomersAndTenants",
        };

        // The service sends no description; these follow Microsoft's "List of system queries"
        // (https://learn.microsoft.com/partner-center/insights/insights-programmatic-system-queries).
        private static readonly Dictionary<string, string> KnownDescriptions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["SeatsSubscriptionsAndRevenue"] = "Seats (sold, assigned), subscriptions and revenue per customer and product.",
            ["OfficeUsage"] = "Office 365 paid units and monthly active users per customer and workload.",
            ["DynamicsUsage"] = "Dynamics 365 seats: available, assigned, active and the deployment opportunity.",
            ["EMSUsage"] = "Enterprise Mobility + Security paid units and monthly active users.",
            ["PowerBIUsage"] = "Power BI seats: available, assigned, active and the deployment opportunity.",
            ["CustomersAndTenants"] = "Customers, their tenants, products and revenue.",
        };

        /// <summary>Creates a dataset.</summary>
        public PartnerInsightsDataset(
            string name,
            string description,
            IReadOnlyList<string> columns,
            IReadOnlyList<string> metrics,
            IReadOnlyList<string> dateRanges,
            long minimumRecurrenceInterval)
        {
            Name = name;
            Description = !string.IsNullOrEmpty(description) ? description
                : name != null && KnownDescriptions.TryGetValue(name, out string known) ? known : null;
            Columns = ToArray(columns);
            Metrics = ToArray(metrics);
            DateRanges = ToArray(dateRanges);
            MinimumRecurrenceInterval = minimumRecurrenceInterval;
        }

        /// <summary>The dataset's name, which a query names after FROM.</summary>
        public string Name { get; }

        /// <summary>What the dataset holds: the service's description, or the module's for a documented dataset.</summary>
        public string Description { get; }

        /// <summary>The columns a query may SELECT, filter (WHERE) and order by (the service's selectableColumns).</summary>
        public string[] Columns { get; }

        /// <summary>The metrics (aggregates over the selected columns) a query may SELECT (availableMetrics).</summary>
        public string[] Metrics { get; }

        /// <summary>The values a query's TIMESPAN may take (availableDateRanges), for example LAST_MONTH.</summary>
        public string[] DateRanges { get; }

        /// <summary>The shortest recurrence, in hours, of a report on this dataset (minimumRecurrenceInterval).</summary>
        public long MinimumRecurrenceInterval { get; }

        /// <summary>The dataset's name, for logs.</summary>
        public override string ToString() => TerminalText.Clean(Name);

        private static string[] ToArray(IReadOnlyList<string> values)
        {
            var copy = new string[values?.Count ?? 0];
            for (int i = 0; i < copy.Length; i++)
            {
                copy[i] = values[i];
            }

            return copy;
        }

        private static class Json
        {
            internal static readonly ItemFields Fields = new ItemFields();
            internal static readonly ItemField<string> Name = Fields.Text("datasetName");
            internal static readonly ItemField<string> Description = Fields.Text("description", required: false);
            internal static readonly ItemField<IReadOnlyList<string>> Columns = Fields.TextList("selectableColumns");
            internal static readonly ItemField<IReadOnlyList<string>> Metrics = Fields.TextList("availableMetrics");
            internal static readonly ItemField<IReadOnlyList<string>> DateRanges = Fields.TextList("availableDateRanges");
            internal static readonly ItemField<long> MinimumRecurrenceInterval = Fields.Whole("minimumRecurrenceInterval");
        }
    }
}
