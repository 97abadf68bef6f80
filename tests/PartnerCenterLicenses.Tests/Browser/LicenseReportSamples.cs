using System;
using System.Globalization;
using System.IO;
using System.Text;
using PartnerCenterLicenses.Reporting;

namespace PartnerCenterLicenses.Tests.Browser
{
    /// <summary>Reports the browser tests open, written by the module's own page writer to temporary files.</summary>
    internal static class LicenseReportSamples
    {
        public static readonly DateTimeOffset Processed = new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

        public static readonly DateTimeOffset Written = new DateTimeOffset(2026, 12, 7, 6, 30, 0, TimeSpan.Zero);

        public static string Write(LicenseReport report, string name, CultureInfo culture = null, string title = null)
        {
            string folder = Path.Combine(Path.GetTempPath(), "pcl-report-tests");
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, name + "-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".html");
            using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
            {
                new LicenseReportPage(report, culture ?? CultureInfo.GetCultureInfo("en-US"), title, Written).WriteTo(writer);
            }

            return path;
        }

        /// <summary>
        /// Customers named as in Microsoft's documentation samples, with Office 365 and Dynamics products and their
        /// workloads: what the README's screenshots show.
        /// </summary>
        public static LicenseReport Documented()
        {
            var report = new LicenseReport();
            string[] customers = { "Contoso", "Fabrikam", "Wingtip Toys", "Tailspin Toys", "Adventure Works", "Northwind Traders", "Litware", "Proseware", "Woodgrove Bank", "Alpine Ski House", "Coho Winery", "Relecloud" };
            string[] products = { "OFFICE 365 BUSINESS PREMIUM", "OFFICE 365 E3", "MICROSOFT 365 BUSINESS BASIC", "DYNAMICS 365 SALES" };
            string[] services = { "o365", "o365", "o365", "crm" };
            for (int c = 0; c < customers.Length; c++)
            {
                string id = (c + 1).ToString("x8", CultureInfo.InvariantCulture) + "-0000-4000-8000-000000000001";
                for (int p = 0; p < products.Length; p++)
                {
                    if ((c + p) % 3 == 2)
                    {
                        continue;
                    }

                    long sold = 10 + ((c * 37 + p * 11) % 90);
                    long deployed = sold - ((c * 13 + p * 7) % (sold / 2 + 1));
                    report.AddDeployment(id, customers[c], products[p], services[p], sold, deployed, Processed);
                    foreach (string workload in services[p] == "o365" ? new[] { "exchange", "sharepoint", "teams" } : new[] { "sales" })
                    {
                        long active = deployed - ((c + p + workload.Length) % (deployed / 3 + 1));
                        report.AddUsage(id, customers[c], products[p], services[p], workload, active, deployed, Processed);
                    }
                }
            }

            report.AddPartnerDeployment("o365", "reseller", 2143, 0.874, Processed);
            report.AddPartnerDeployment("crm", "reseller", 212, 0.651, Processed);
            return report;
        }
    }
}
