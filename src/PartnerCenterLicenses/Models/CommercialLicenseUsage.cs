using System;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// One row of Partner Center's commercial license usage analytics: active and qualified licenses
    /// of one product and workload for one customer, or, with -GroupBy, the sums over a group (the
    /// fields not grouped by are then null).
    /// </summary>
    public sealed class CommercialLicenseUsage
    {
        // GET /partner/v1/analytics/commercial/usage/license, paged as the deployment rows. The documented
        // example spells licensesActive as licenseActive; both are read.
        internal static readonly PartnerCenterResource<CommercialLicenseUsage> Resource = new PartnerCenterResource<CommercialLicenseUsage>(
            "commercial license usage row(s)", "partner/v1/analytics/commercial/usage/license", Envelope.Value, Paging.TopSkip, Json.Fields,
            v => new CommercialLicenseUsage(
                v[Json.ProcessedDateTime], v[Json.ServiceCode], v[Json.ServiceName], v[Json.Channel], v[Json.CustomerTenantId], v[Json.CustomerName],
                v[Json.ProductId], v[Json.ProductName], v[Json.WorkloadCode], v[Json.WorkloadName], v[Json.LicensesActive], v[Json.LicensesQualified]));

        /// <summary>Creates a row with every documented field.</summary>
        public CommercialLicenseUsage(
            DateTimeOffset? processedDateTime,
            string serviceCode,
            string serviceName,
            string channel,
            string customerTenantId,
            string customerName,
            string productId,
            string productName,
            string workloadCode,
            string workloadName,
            long licensesActive,
            long licensesQualified)
        {
            ProcessedDateTime = processedDateTime;
            ServiceCode = serviceCode;
            ServiceName = serviceName;
            Channel = channel;
            CustomerTenantId = customerTenantId;
            CustomerName = customerName;
            ProductId = productId;
            ProductName = productName;
            WorkloadCode = workloadCode;
            WorkloadName = workloadName;
            LicensesActive = licensesActive;
            LicensesQualified = licensesQualified;
        }

        /// <summary>When Partner Center computed the row; a time without an offset is read as UTC.</summary>
        public DateTimeOffset? ProcessedDateTime { get; }

        /// <summary>The service's code, for example <c>O365</c>.</summary>
        public string ServiceCode { get; }

        /// <summary>The service's name.</summary>
        public string ServiceName { get; }

        /// <summary>The channel the licenses were sold through, for example <c>Reseller</c>.</summary>
        public string Channel { get; }

        /// <summary>The customer's tenant id.</summary>
        public string CustomerTenantId { get; }

        /// <summary>The customer's company name.</summary>
        public string CustomerName { get; }

        /// <summary>The product's id.</summary>
        public string ProductId { get; }

        /// <summary>The product's name.</summary>
        public string ProductName { get; }

        /// <summary>The workload's code, for example <c>EXO</c>.</summary>
        public string WorkloadCode { get; }

        /// <summary>The workload's name, for example <c>Exchange</c>.</summary>
        public string WorkloadName { get; }

        /// <summary>The number of licenses in active use.</summary>
        public long LicensesActive { get; }

        /// <summary>The number of licenses that qualify for the workload.</summary>
        public long LicensesQualified { get; }

        /// <summary>A one-line summary, for logs.</summary>
        public override string ToString()
        {
            return Boundary.TerminalText.Clean(CustomerName + ": " + ProductName + "/" + WorkloadName + " " + LicensesActive + "/" + LicensesQualified);
        }

        private static class Json
        {
            internal static readonly ItemFields Fields = new ItemFields();
            internal static readonly ItemField<DateTimeOffset?> ProcessedDateTime = Fields.OptionalDate("processedDateTime");
            internal static readonly ItemField<string> ServiceCode = Fields.Text("serviceCode", required: false);
            internal static readonly ItemField<string> ServiceName = Fields.Text("serviceName", required: false);
            internal static readonly ItemField<string> Channel = Fields.Text("channel", required: false);
            internal static readonly ItemField<string> CustomerTenantId = Fields.Text("customerTenantId", required: false);
            internal static readonly ItemField<string> CustomerName = Fields.Text("customerName", required: false);
            internal static readonly ItemField<string> ProductId = Fields.Text("productId", required: false);
            internal static readonly ItemField<string> ProductName = Fields.Text("productName", required: false);
            internal static readonly ItemField<string> WorkloadCode = Fields.Text("workloadCode", required: false);
            internal static readonly ItemField<string> WorkloadName = Fields.Text("workloadName", required: false);
            internal static readonly ItemField<long> LicensesActive = Fields.Whole("licensesActive", "licenseActive");
            internal static readonly ItemField<long> LicensesQualified = Fields.Whole("licensesQualified");
        }
    }
}
