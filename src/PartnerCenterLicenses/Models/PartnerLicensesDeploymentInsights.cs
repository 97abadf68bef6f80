using System;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// How many of the licenses a partner sold for one service and channel are deployed,
    /// aggregated over all of the partner's customers (Partner Center's PartnerLicensesDeploymentInsights).
    /// </summary>
    public sealed class PartnerLicensesDeploymentInsights
    {
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
            return ServiceName + "/" + Channel + ": " + LicensesSold + " sold";
        }
    }
}
