using System;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// How many of the licenses a partner sold for one service and channel are deployed,
    /// aggregated over all of the partner's customers (Partner Center's PartnerLicensesDeploymentInsights).
    /// </summary>
    public sealed class PartnerLicensesDeploymentInsights
    {
        // GET /v1/analytics/licenses/deployment (Microsoft's "Get partner licenses deployment information"):
        // every item in one answer.
        internal static readonly PartnerCenterResource<PartnerLicensesDeploymentInsights> Resource = new PartnerCenterResource<PartnerLicensesDeploymentInsights>(
            "license deployment insight(s)", "v1/analytics/licenses/deployment", Envelope.Items, Paging.None, Json.Fields,
            v => new PartnerLicensesDeploymentInsights(v[Json.ServiceName], v[Json.Channel], v[Json.LicensesSold], v[Json.ProratedDeploymentPercent], v[Json.ProcessedDateTime]));

        /// <summary>Creates an insight with every documented field.</summary>
        public PartnerLicensesDeploymentInsights(
            string serviceName,
            string channel,
            long licensesSold,
            double proratedDeploymentPercent,
            DateTimeOffset processedDateTime)
        {
            ServiceName = serviceName;
            Channel = channel;
            LicensesSold = licensesSold;
            ProratedDeploymentPercent = proratedDeploymentPercent;
            ProcessedDateTime = processedDateTime;
        }

        /// <summary>The service the licenses belong to, for example <c>o365</c> or <c>crm</c>.</summary>
        public string ServiceName { get; }

        /// <summary>The channel the licenses were sold through, for example <c>reseller</c>.</summary>
        public string Channel { get; }

        /// <summary>The number of licenses sold.</summary>
        public long LicensesSold { get; }

        /// <summary>
        /// The prorated share of the sold licenses that is deployed, as Partner Center reports it: a fraction,
        /// despite the name: 0.874 means 87.4 %. Tables show it as a percent.
        /// </summary>
        public double ProratedDeploymentPercent { get; }

        /// <summary>When Partner Center computed this insight, with the offset it reported.</summary>
        public DateTimeOffset ProcessedDateTime { get; }

        /// <summary>A one-line summary, for logs.</summary>
        public override string ToString()
        {
            return Boundary.TerminalText.Clean(ServiceName + "/" + Channel + ": " + LicensesSold + " sold");
        }

        private static class Json
        {
            internal static readonly ItemFields Fields = new ItemFields();
            internal static readonly ItemField<string> ServiceName = Fields.Text("serviceName");
            internal static readonly ItemField<string> Channel = Fields.Text("channel");
            internal static readonly ItemField<long> LicensesSold = Fields.Whole("licensesSold");
            internal static readonly ItemField<double> ProratedDeploymentPercent = Fields.Number("proratedDeploymentPercent");
            internal static readonly ItemField<DateTimeOffset> ProcessedDateTime = Fields.Date("processedDateTime");
        }
    }
}
