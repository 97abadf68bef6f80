using System;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// One row of Partner Center's commercial license deployment analytics: licenses deployed and sold
    /// of one product for one customer, or, with -GroupBy, the sums over a group (the fields not
    /// grouped by are then null).
    /// </summary>
    public sealed class CommercialLicenseDeployment
    {
        // GET /partner/v1/analytics/commercial/deployment/license, paged with top, skip and @nextLink.
        // Microsoft's syntax table writes /v1/analytics/commercial/...; its request examples, which are
        // what the service answers, /partner/v1/.... With groupby, rows hold only the grouped fields and
        // the summed counts, so every text field and the date may be absent; the counts are always there.
        internal static readonly PartnerCenterResource<CommercialLicenseDeployment> Resource = new PartnerCenterResource<CommercialLicenseDeployment>(
            "commercial license deployment row(s)", "partner/v1/analytics/commercial/deployment/license", Envelope.Value, Paging.TopSkip, Json.Fields,
            v => new CommercialLicenseDeployment(
                v[Json.ProcessedDateTime], v[Json.ServiceCode], v[Json.ServiceName], v[Json.Channel], v[Json.CustomerTenantId], v[Json.CustomerName],
                v[Json.ProductId], v[Json.ProductName], v[Json.LicensesDeployed], v[Json.LicensesSold]));

        /// <summary>Creates a row with every documented field.</summary>
        public CommercialLicenseDeployment(
            DateTimeOffset? processedDateTime,
            string serviceCode,
            string serviceName,
            string channel,
            string customerTenantId,
            string customerName,
            string productId,
            string productName,
            long licensesDeployed,
            long licensesSold)
        {
            ProcessedDateTime = processedDateTime;
            ServiceCode = serviceCode;
            ServiceName = serviceName;
            Channel = channel;
            CustomerTenantId = customerTenantId;
            CustomerName = customerName;
            ProductId = productId;
            ProductName = productName;
            LicensesDeployed = licensesDeployed;
            LicensesSold = licensesSold;
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

        /// <summary>The number of licenses deployed.</summary>
        public long LicensesDeployed { get; }

        /// <summary>The number of licenses sold.</summary>
        public long LicensesSold { get; }

        /// <summary>A one-line summary, for logs.</summary>
        public override string ToString()
        {
            return Boundary.TerminalText.Clean(CustomerName + ": " + ProductName + " " + LicensesDeployed + "/" + LicensesSold);
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
            internal static readonly ItemField<long> LicensesDeployed = Fields.Whole("licensesDeployed");
            internal static readonly ItemField<long> LicensesSold = Fields.Whole("licensesSold");
        }
    }
}
