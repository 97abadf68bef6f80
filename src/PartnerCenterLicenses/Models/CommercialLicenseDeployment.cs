using System;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// One row of Partner Center's commercial license deployment analytics: licenses deployed and sold
    /// of one product for one customer, or, with -GroupBy, the sums over a group (the fields not
    /// grouped by are then null).
    /// </summary>
    public sealed class CommercialLicenseDeployment
    {
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
            return CustomerName + ": " + ProductName + " " + LicensesDeployed + "/" + LicensesSold;
        }
    }
}
