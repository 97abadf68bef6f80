using System;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// The headline of a license report Export-PartnerLicenseReport wrote, with the file's path: what -PassThru writes,
    /// for a runbook's mail subject or log line.
    /// </summary>
    public sealed class PartnerLicenseReportSummary
    {
        /// <summary>Creates a summary.</summary>
        public PartnerLicenseReportSummary(
            string path,
            int customers,
            int products,
            int rows,
            long licensesSold,
            long licensesDeployed,
            long licensesNotDeployed,
            double? deploymentPercent,
            DateTimeOffset? processedDateTime,
            DateTimeOffset writtenDateTime,
            string culture)
        {
            Path = path;
            Customers = customers;
            Products = products;
            Rows = rows;
            LicensesSold = licensesSold;
            LicensesDeployed = licensesDeployed;
            LicensesNotDeployed = licensesNotDeployed;
            DeploymentPercent = deploymentPercent;
            ProcessedDateTime = processedDateTime;
            WrittenDateTime = writtenDateTime;
            Culture = culture;
        }

        /// <summary>The report file's full path.</summary>
        public string Path { get; }

        /// <summary>The customers in the report.</summary>
        public int Customers { get; }

        /// <summary>The products in the report's deployment rows.</summary>
        public int Products { get; }

        /// <summary>The input rows the report was made from (deployment, usage and Partner Center's totals).</summary>
        public int Rows { get; }

        /// <summary>Licenses sold, over every deployment row.</summary>
        public long LicensesSold { get; }

        /// <summary>Licenses deployed, over every deployment row.</summary>
        public long LicensesDeployed { get; }

        /// <summary>Licenses not deployed: per customer and product, sold minus deployed and never below 0, summed.</summary>
        public long LicensesNotDeployed { get; }

        /// <summary>Deployed licenses as a percentage of those sold (0 to 100, one decimal, as the report shows it); null when none were sold.</summary>
        public double? DeploymentPercent { get; }

        /// <summary>The latest processed date of the input rows, in UTC; null when no row carries one.</summary>
        public DateTimeOffset? ProcessedDateTime { get; }

        /// <summary>When the report was written, in UTC.</summary>
        public DateTimeOffset WrittenDateTime { get; }

        /// <summary>The culture the report's numbers and dates are written in.</summary>
        public string Culture { get; }

        /// <summary>A one-line summary, for logs.</summary>
        public override string ToString() =>
            Boundary.TerminalText.Clean(Path + ": " + LicensesNotDeployed + " of " + LicensesSold + " licenses not deployed, " + Customers + " customers");
    }
}
