using System;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// How many of one product's licenses a customer actively uses in one workload (Partner Center's
    /// CustomerLicensesUsageInsights).
    /// </summary>
    public sealed class CustomerLicensesUsageInsights
    {
        // GET /v1/customers/{customer-id}/analytics/licenses/usage: every item in one answer; customerId,
        // serviceCode and workloadCode may be left out as in the deployment's examples.
        internal static readonly PartnerCenterResource<CustomerLicensesUsageInsights> Resource = new PartnerCenterResource<CustomerLicensesUsageInsights>(
            "customer license usage insight(s)", "v1/customers/{customerId}/analytics/licenses/usage", Envelope.Items, Paging.None, Json.Fields,
            v => new CustomerLicensesUsageInsights(
                v[Json.CustomerId] ?? v.CustomerId, v[Json.CustomerName], v[Json.ProductName], v[Json.ServiceCode], v[Json.ServiceName], v[Json.Channel],
                v[Json.WorkloadCode], v[Json.WorkloadName], v[Json.LicensesActive], v[Json.LicensesQualified], v[Json.UsagePercent], v[Json.ProcessedDateTime]));

        /// <summary>Creates an insight with every documented field.</summary>
        public CustomerLicensesUsageInsights(
            string customerId,
            string customerName,
            string productName,
            string serviceCode,
            string serviceName,
            string channel,
            string workloadCode,
            string workloadName,
            long licensesActive,
            long licensesQualified,
            double usagePercent,
            DateTimeOffset processedDateTime)
        {
            CustomerId = customerId;
            CustomerName = customerName;
            ProductName = productName;
            ServiceCode = serviceCode;
            ServiceName = serviceName;
            Channel = channel;
            WorkloadCode = workloadCode;
            WorkloadName = workloadName;
            LicensesActive = licensesActive;
            LicensesQualified = licensesQualified;
            UsagePercent = usagePercent;
            ProcessedDateTime = processedDateTime;
        }

        /// <summary>The customer's tenant id; the one asked for when Partner Center's answer leaves it out.</summary>
        public string CustomerId { get; }

        /// <summary>The customer's company name.</summary>
        public string CustomerName { get; }

        /// <summary>The product the licenses are for.</summary>
        public string ProductName { get; }

        /// <summary>The service's code, for example <c>O365</c>; null when Partner Center does not send it.</summary>
        public string ServiceCode { get; }

        /// <summary>The service the licenses belong to, for example <c>o365</c>.</summary>
        public string ServiceName { get; }

        /// <summary>The channel the licenses were sold through, for example <c>reseller</c>.</summary>
        public string Channel { get; }

        /// <summary>The workload's code, for example <c>EXO</c>; null when Partner Center does not send it.</summary>
        public string WorkloadCode { get; }

        /// <summary>The workload, for example <c>exchange</c>.</summary>
        public string WorkloadName { get; }

        /// <summary>The number of licenses in active use in this workload.</summary>
        public long LicensesActive { get; }

        /// <summary>The number of licenses that qualify for this workload.</summary>
        public long LicensesQualified { get; }

        /// <summary>
        /// The share of the qualified licenses that is used, as Partner Center reports it: a fraction
        /// (0.5 means 50 %). Tables show it as a percent.
        /// </summary>
        public double UsagePercent { get; }

        /// <summary>When Partner Center computed this insight, with the offset it reported.</summary>
        public DateTimeOffset ProcessedDateTime { get; }

        /// <summary>A one-line summary, for logs.</summary>
        public override string ToString()
        {
            return Boundary.TerminalText.Clean(CustomerName + ": " + ProductName + "/" + WorkloadName + " " + LicensesActive + "/" + LicensesQualified);
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
            internal static readonly ItemField<string> WorkloadCode = Fields.Text("workloadCode", required: false);
            internal static readonly ItemField<string> WorkloadName = Fields.Text("workloadName");
            internal static readonly ItemField<long> LicensesActive = Fields.Whole("licensesActive");
            internal static readonly ItemField<long> LicensesQualified = Fields.Whole("licensesQualified");
            internal static readonly ItemField<double> UsagePercent = Fields.Number("usagePercent");
            internal static readonly ItemField<DateTimeOffset> ProcessedDateTime = Fields.Date("processedDateTime");
        }
    }
}
