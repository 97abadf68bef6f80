using System;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// How many of the licenses of one product a customer bought are deployed (Partner Center's
    /// CustomerLicensesDeploymentInsights).
    /// </summary>
    public sealed class CustomerLicensesDeploymentInsights
    {
        // GET /v1/customers/{customer-id}/analytics/licenses/deployment: every item in one answer. The
        // documented examples leave out customerId and serviceCode (Microsoft's SDK has them): the
        // customer id then comes from the request, and the service code is null.
        internal static readonly PartnerCenterResource<CustomerLicensesDeploymentInsights> Resource = new PartnerCenterResource<CustomerLicensesDeploymentInsights>(
            "customer license deployment insight(s)", "v1/customers/{customerId}/analytics/licenses/deployment", Envelope.Items, Paging.None, Json.Fields,
            v => new CustomerLicensesDeploymentInsights(
                v[Json.CustomerId] ?? v.CustomerId, v[Json.CustomerName], v[Json.ProductName], v[Json.ServiceCode], v[Json.ServiceName], v[Json.Channel],
                v[Json.LicensesDeployed], v[Json.LicensesSold], v[Json.DeploymentPercent], v[Json.ProcessedDateTime]));

        /// <summary>Creates an insight with every documented field.</summary>
        public CustomerLicensesDeploymentInsights(
            string customerId,
            string customerName,
            string productName,
            string serviceCode,
            string serviceName,
            string channel,
            long licensesDeployed,
            long licensesSold,
            double deploymentPercent,
            DateTimeOffset processedDateTime)
        {
            CustomerId = customerId;
            CustomerName = customerName;
            ProductName = productName;
            ServiceCode = serviceCode;
            ServiceName = serviceName;
            Channel = channel;
            LicensesDeployed = licensesDeployed;
            LicensesSold = licensesSold;
            DeploymentPercent = deploymentPercent;
            ProcessedDateTime = processedDateTime;
        }

        /// <summary>The customer's tenant id; the one asked for when Partner Center's answer leaves it out.</summary>
        public string CustomerId { get; }

        /// <summary>The customer's company name.</summary>
        public string CustomerName { get; }

        /// <summary>The product the licenses are for, for example <c>OFFICE 365 BUSINESS PREMIUM</c>.</summary>
        public string ProductName { get; }

        /// <summary>The service's code, for example <c>O365</c>; null when Partner Center does not send it.</summary>
        public string ServiceCode { get; }

        /// <summary>The service the licenses belong to, for example <c>o365</c>.</summary>
        public string ServiceName { get; }

        /// <summary>The channel the licenses were sold through, for example <c>reseller</c>.</summary>
        public string Channel { get; }

        /// <summary>The number of licenses deployed (assigned to users).</summary>
        public long LicensesDeployed { get; }

        /// <summary>The number of licenses sold.</summary>
        public long LicensesSold { get; }

        /// <summary>
        /// The share of the sold licenses that is deployed, as Partner Center reports it: a fraction
        /// (0.5 means 50 %). Tables show it as a percent.
        /// </summary>
        public double DeploymentPercent { get; }

        /// <summary>When Partner Center computed this insight, with the offset it reported.</summary>
        public DateTimeOffset ProcessedDateTime { get; }

        /// <summary>A one-line summary, for logs.</summary>
        public override string ToString()
        {
            return Boundary.TerminalText.Clean(CustomerName + ": " + ProductName + " " + LicensesDeployed + "/" + LicensesSold);
        }

        private static class Json
        {
            internal static readonly ItemFields Fields = new ItemFields();
            internal static readonly ItemField<string> CustomerId = Fields.Text("customerId", required: false);
            internal static readonly ItemField<string> CustomerName = Fields.Text("customerName");
            internal static readonly ItemField<string> ProductName = Fields.Text("productName");
            internal static readonly ItemField<string> ServiceCode = Fields.Text("serviceCode", required: false);
            internal static readonly ItemField<string> ServiceName = Fields.Text("serviceName");
            internal static readonly ItemField<string> Channel = Fields.Text("channel");
            internal static readonly ItemField<long> LicensesDeployed = Fields.Whole("licensesDeployed");
            internal static readonly ItemField<long> LicensesSold = Fields.Whole("licensesSold");
            internal static readonly ItemField<double> DeploymentPercent = Fields.Number("deploymentPercent");
            internal static readonly ItemField<DateTimeOffset> ProcessedDateTime = Fields.Date("processedDateTime");
        }
    }
}
