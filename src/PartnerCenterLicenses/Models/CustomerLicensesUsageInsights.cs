using System;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// How many of one product's licenses a customer actively uses in one workload (Partner Center's
    /// CustomerLicensesUsageInsights).
    /// </summary>
    public sealed class CustomerLicensesUsageInsights
    {
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
            return CustomerName + ": " + ProductName + "/" + WorkloadName + " " + LicensesActive + "/" + LicensesQualified;
        }
    }
}
