using System;
using System.Collections.Generic;
using System.Linq;

namespace PartnerCenter.Emulator.State
{
    /// <summary>
    /// One dataset of Partner insights programmatic access, as <c>GET /insights/v1/mpn/ScheduledDataset</c>
    /// lists it: the columns a query may select, the metrics (aggregates) it may select, the TIMESPAN values
    /// it accepts and the shortest recurrence (hours) a report on it may have. The one table every insights
    /// route of the emulator reads, so reports, executions and downloads add to it rather than repeat it.
    /// </summary>
    internal sealed record InsightsDataset(
        string Name,
        string Description,
        IReadOnlyList<string> Columns,
        IReadOnlyList<string> Metrics,
        IReadOnlyList<string> DateRanges,
        int MinimumRecurrenceInterval,
        string SystemQueryId)
    {
        /// <summary>A column or metric of this dataset named in any case (the query language ignores case), in its own spelling; null when there is none.</summary>
        public string Field(string name) =>
            Columns.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase))
            ?? Metrics.FirstOrDefault(m => string.Equals(m, name, StringComparison.OrdinalIgnoreCase));

        public bool IsMetric(string field) => Metrics.Contains(field, StringComparer.Ordinal);

        /// <summary>The dataset's system query: every column over the last six months, as Microsoft's system queries are.</summary>
        public string SystemQueryText => "SELECT " + string.Join(",", Columns) + " FROM " + Name + " TIMESPAN LAST_6_MONTHS";
    }

    /// <summary>A report query saved with <c>POST ScheduledQueries</c>, or a system query.</summary>
    internal sealed record InsightsQuery(
        string QueryId,
        string Name,
        string Description,
        string Query,
        string Type,
        string User,
        DateTimeOffset CreatedTime);

    /// <summary>The datasets named in issue 20, with Microsoft's columns, metrics, date ranges and system query ids.</summary>
    internal static class InsightsDatasets
    {
        // The date ranges every documented dataset lists (GET ScheduledDataset sample, "Make your first API call":
        // https://learn.microsoft.com/partner-center/insights/insights-programmatic-first-api-call).
        private static readonly string[] Ranges = { "LAST_MONTH", "LAST_3_MONTHS", "LAST_6_MONTHS", "LAST_1_YEAR", "LIFETIME" };

        // Columns: DynamicsUsage from the GET ScheduledDataset sample; OfficeUsage from the dataset shown in
        // "Custom query specification" (https://learn.microsoft.com/partner-center/insights/insights-programmatic-custom-query);
        // the others from each dataset's system query in "List of system queries"
        // (https://learn.microsoft.com/partner-center/insights/insights-programmatic-system-queries), which also
        // gives the system query ids. Where a system query selects an aggregate (TotalSoldSeats, BilledRevenueUSD)
        // the emulator lists it as a metric; the metric lists of the datasets without a published sample follow
        // the DynamicsUsage and OfficeUsage samples (seat counts, customer counts).
        public static readonly IReadOnlyList<InsightsDataset> All = new[]
        {
            new InsightsDataset(
                "SeatsSubscriptionsAndRevenue",
                "Seats, subscriptions and revenue per customer, product and month.",
                new[]
                {
                    "PGAMpnId", "MpnId", "SubscriptionId", "SubscriptionStartDate", "SubscriptionEndDate", "SubscriptionState", "Month",
                    "IsAutoRenew", "CustomerName", "CustomerTenantId", "CustomerTpid", "DUNSNumber", "CustomerSegment", "TopSegment", "CustomerMarket",
                    "ProductFamily", "ReportingProductName", "Product", "RawProductName", "ProductPartNumber", "SKU", "RevSumDivisionName", "PartnerName",
                    "SolutionArea", "PartnerLocation", "PartnerAttributionType", "SalesChannel", "PricingLevel", "EnrollmentNumber",
                    "IsDuplicateRowForPGA", "SubscriptionStartMonth",
                },
                new[] { "TotalSoldSeats", "TotalAssignedSeats", "BilledRevenueUSD", "AzureConsumedRevenueUSD", "SubscriptionCount", "CustomerCount" },
                Ranges,
                24,
                "c9fc1c79-4408-49ff-97f9-e1aa3f155804"),
            new InsightsDataset(
                "OfficeUsage",
                "Office 365 paid units and monthly active users per customer and workload.",
                new[]
                {
                    "CustomerTenantId", "CustomerTpid", "WorkloadName", "Month", "PaidAvailableUnits", "MonthlyActiveUsers", "CustomerName",
                    "CustomerMarket", "CustomerSegment", "MPNId", "PartnerName", "PartnerLocation", "PartnerAttributionType", "IsDuplicateRowForPGA",
                },
                new[] { "CustomerCount", "CustomerTenantCount", "TotalPaidAvailableUnits", "TotalMonthlyActiveUsers" },
                Ranges,
                24,
                "d8349f7b-a7d1-467e-b26d-434d4a50f26a"),
            new InsightsDataset(
                "DynamicsUsage",
                "Dynamics 365 seats (available, assigned, active) per customer and subscription.",
                new[]
                {
                    "PGAMpnId", "SubscriptionId", "SubscriptionStartDate", "SubscriptionEndDate", "SubscriptionStatus", "Month", "RevSumDivisionName",
                    "RevSumCategoryName", "SKU", "SKUId", "FreeVsPaidSKU", "SalesModel", "DetailedSalesModel", "CustomerName", "CustomerTenantId",
                    "CustomerTpid", "CustomerSegment", "CustomerMarket", "MPNId", "PartnerName", "PartnerLocation", "PartnerAttachType",
                    "AvailableSeats", "AssignedSeats", "ActiveSeats", "DeploymentOpportunity", "ActiveUsagePercent",
                },
                new[] { "SubscriptionCount", "TotalAssignedSeats", "TotalSoldSeats", "TotalActiveSeats", "TotalRevenueAndACR", "CustomerCount", "CustomerTenantCount" },
                Ranges,
                24,
                "6209a8fd-93af-442e-8b3f-3df0f77e8463"),
            new InsightsDataset(
                "EMSUsage",
                "Enterprise Mobility + Security paid units and monthly active users per customer and subscription.",
                new[]
                {
                    "SubscriptionId", "SubscriptionStartDate", "SubscriptionEndDate", "SubscriptionStatus", "Month", "SKU", "SKUId",
                    "FreeVsPaidSKU", "SalesModel", "DetailedSalesModel", "CustomerName", "CustomerTenantId", "CustomerTpid", "CustomerSegment",
                    "CustomerMarket", "MPNId", "PartnerName", "PartnerLocation", "PartnerAttachType", "PartnerHierarchy", "PaidAvailableUnits",
                    "MonthlyActiveUsers", "AADPPaidAvailableUnits", "IntunePaidAvailableUnits", "AzipPaidAvailableUnits",
                    "AADPMonthlyActiveUsers", "IntuneMonthlyActiveUsers", "AzipMonthlyActiveUsers",
                },
                new[] { "CustomerCount", "CustomerTenantCount", "TotalPaidAvailableUnits", "TotalMonthlyActiveUsers" },
                Ranges,
                24,
                "d7f20ea4-8751-4d6b-b1d7-821c316acd6a"),
            new InsightsDataset(
                "PowerBIUsage",
                "Power BI seats (available, assigned, active) per customer and subscription.",
                new[]
                {
                    "SubscriptionId", "SubscriptionStartDate", "SubscriptionEndDate", "SubscriptionStatus", "Month", "SKU", "SKUId",
                    "FreeVsPaidSKU", "SalesModel", "DetailedSalesModel", "CustomerName", "CustomerTenantId", "CustomerTpid", "CustomerSegment",
                    "CustomerMarket", "MPNId", "PartnerName", "PartnerLocation", "PartnerAttachType", "PartnerHierarchy", "AvailableSeats",
                    "AssignedSeats", "ActiveSeats", "DeploymentOpportunity", "ActiveUsagePercent",
                },
                new[] { "SubscriptionCount", "TotalAssignedSeats", "TotalSoldSeats", "TotalActiveSeats", "CustomerCount", "CustomerTenantCount" },
                Ranges,
                24,
                "40ebfe2f-7183-4427-a911-5c9b45b6df15"),
            new InsightsDataset(
                "CustomersAndTenants",
                "Customers and their tenants, products and revenue.",
                new[]
                {
                    "PGAMpnId", "MpnId", "PartnerName", "CustomerName", "CustomerTpid", "DUNSNumber", "CustomerSegment", "TopSegment",
                    "CustomerMarket", "CustomerStatus", "CustomerTenantId", "CustomerTenantName", "CustomerTenantCountry", "TenantDomainName",
                    "Product", "RawProductName", "ProductPartNumber", "SKU", "Month", "PartnerLocation", "PartnerAttributionType", "SalesChannel",
                    "IsDuplicateRowForPGA", "AvailableSeats", "BilledRevenueUSD", "AzureConsumedRevenueUSD",
                },
                new[] { "CustomerCount", "CustomerTenantCount" },
                Ranges,
                24,
                "6664daf3-c161-423a-92a1-0ea6db2c0384"),
        };

        public static InsightsDataset Find(string name) =>
            All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

        /// <summary>The system queries (type <c>system</c>), one per dataset, created when Microsoft published them.</summary>
        public static IReadOnlyList<InsightsQuery> SystemQueries { get; } = All
            .Select(d => new InsightsQuery(
                d.SystemQueryId,
                d.Name,
                d.Name + " report for the last six months",
                d.SystemQueryText,
                "system",
                "system",
                new DateTimeOffset(2021, 7, 14, 0, 0, 0, TimeSpan.Zero)))
            .ToArray();
    }
}
