using System;
using System.Collections.Generic;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Engine.Reports
{
    /// <summary>
    /// The type of each Partner insights column, by name (the datasets share their column names). Microsoft's
    /// data definitions describe every column ("Cloud product performance reports - Data definitions",
    /// https://learn.microsoft.com/partner-center/insights/insights-data-definitions; the datasets' columns and
    /// metrics in "List of system queries", https://learn.microsoft.com/partner-center/insights/insights-programmatic-system-queries)
    /// but give no type names; the types here follow those descriptions: counts of seats, units, users,
    /// subscriptions and customers are whole numbers, revenue and percentages are numbers, months and
    /// subscription dates are dates. Identifiers (MPN ids, TPIDs, DUNS numbers) stay text: they are names,
    /// and a leading zero must survive. A column not named here is text. A type is never guessed from the
    /// values, so a column has the same type in every row and every file.
    /// </summary>
    internal static class ReportColumnTypes
    {
        private static readonly Dictionary<string, ReportColumnType> Table = Build();

        /// <summary>The column's type; text when the table does not name it.</summary>
        public static ReportColumnType Of(string column) =>
            column != null && Table.TryGetValue(column.Trim(), out ReportColumnType type) ? type : ReportColumnType.Text;

        private static Dictionary<string, ReportColumnType> Build()
        {
            var table = new Dictionary<string, ReportColumnType>(StringComparer.OrdinalIgnoreCase);
            foreach (string whole in new[]
            {
                // Seats, units and users (SeatsSubscriptionsAndRevenue, OfficeUsage, DynamicsUsage, EMSUsage, PowerBIUsage, CustomersAndTenants).
                "TotalSoldSeats", "TotalAssignedSeats", "TotalActiveSeats", "AvailableSeats", "AssignedSeats", "ActiveSeats", "DeploymentOpportunity",
                "PaidAvailableUnits", "MonthlyActiveUsers", "TotalPaidAvailableUnits", "TotalMonthlyActiveUsers",
                "AADPPaidAvailableUnits", "IntunePaidAvailableUnits", "AzipPaidAvailableUnits",
                "AADPMonthlyActiveUsers", "IntuneMonthlyActiveUsers", "AzipMonthlyActiveUsers",

                // Counts.
                "SubscriptionCount", "CustomerCount", "CustomerTenantCount",
            })
            {
                table[whole] = ReportColumnType.Whole;
            }

            foreach (string number in new[] { "BilledRevenueUSD", "AzureConsumedRevenueUSD", "TotalRevenueAndACR", "ActiveUsagePercent" })
            {
                table[number] = ReportColumnType.Number;
            }

            foreach (string date in new[] { "Month", "SubscriptionStartDate", "SubscriptionEndDate", "SubscriptionStartMonth" })
            {
                table[date] = ReportColumnType.Date;
            }

            return table;
        }
    }
}
