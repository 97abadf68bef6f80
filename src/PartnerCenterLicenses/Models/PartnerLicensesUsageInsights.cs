using System;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// How much of the licenses a partner sold for one service, channel and workload are used,
    /// aggregated over all of the partner's customers (Partner Center's PartnerLicensesUsageInsights).
    /// </summary>
    public sealed class PartnerLicensesUsageInsights
    {
        // GET /v1/analytics/licenses/usage: every item in one answer.
        internal static readonly PartnerCenterResource<PartnerLicensesUsageInsights> Resource = new PartnerCenterResource<PartnerLicensesUsageInsights>(
            "license usage insight(s)", "v1/analytics/licenses/usage", Envelope.Items, Paging.None, Json.Fields,
            v => new PartnerLicensesUsageInsights(v[Json.ServiceName], v[Json.Channel], v[Json.WorkloadName], v[Json.ProratedLicensesUsagePercent], v[Json.ProcessedDateTime]));

        /// <summary>Creates an insight with every documented field.</summary>
        public PartnerLicensesUsageInsights(
            string serviceName,
            string channel,
            string workloadName,
            double proratedLicensesUsagePercent,
            DateTimeOffset processedDateTime)
        {
            ServiceName = serviceName;
            Channel = channel;
            WorkloadName = workloadName;
            ProratedLicensesUsagePercent = proratedLicensesUsagePercent;
            ProcessedDateTime = processedDateTime;
        }

        /// <summary>The service the licenses belong to, for example <c>o365</c>.</summary>
        public string ServiceName { get; }

        /// <summary>The channel the licenses were sold through, for example <c>reseller</c>.</summary>
        public string Channel { get; }

        /// <summary>The workload used, for example <c>exchange</c> or <c>sharepoint</c>.</summary>
        public string WorkloadName { get; }

        /// <summary>
        /// The prorated share of the licenses that is used by this workload, as Partner Center reports
        /// it: a fraction, despite the name (0.5 means 50 %). Tables show it as a percent.
        /// </summary>
        public double ProratedLicensesUsagePercent { get; }

        /// <summary>When Partner Center computed this insight, with the offset it reported.</summary>
        public DateTimeOffset ProcessedDateTime { get; }

        /// <summary>A one-line summary, for logs.</summary>
        public override string ToString()
        {
            return Boundary.TerminalText.Clean(ServiceName + "/" + Channel + "/" + WorkloadName);
        }

        private static class Json
        {
            internal static readonly ItemFields Fields = new ItemFields();
            internal static readonly ItemField<string> ServiceName = Fields.Text("serviceName");
            internal static readonly ItemField<string> Channel = Fields.Text("channel");
            internal static readonly ItemField<string> WorkloadName = Fields.Text("workloadName");
            internal static readonly ItemField<double> ProratedLicensesUsagePercent = Fields.Number("proratedLicensesUsagePercent");
            internal static readonly ItemField<DateTimeOffset> ProcessedDateTime = Fields.Date("processedDateTime");
        }
    }
}
