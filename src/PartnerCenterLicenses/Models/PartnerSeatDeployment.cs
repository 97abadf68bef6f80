using System;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// Seats of one product at one customer over a period, from Partner insights: how many were sold, how many are
    /// assigned to users and, where a usage dataset counts them, how many are active. Written by Get-PartnerSeatDeployment.
    /// </summary>
    public sealed class PartnerSeatDeployment
    {
        /// <summary>Creates a row.</summary>
        public PartnerSeatDeployment(string customerTenantId, string customerName, string product, long soldSeats, long assignedSeats, long? activeSeats, string timeSpan)
        {
            CustomerTenantId = customerTenantId;
            CustomerName = customerName;
            Product = product;
            SoldSeats = soldSeats;
            AssignedSeats = assignedSeats;
            ActiveSeats = activeSeats;
            TimeSpan = timeSpan;
            DeploymentPercent = soldSeats <= 0 ? 0 : Math.Round(100.0 * assignedSeats / soldSeats, 2);
        }

        /// <summary>The customer's tenant id; binds to the customer-level cmdlets' -CustomerId by property name.</summary>
        public string CustomerTenantId { get; }

        /// <summary>The customer's name.</summary>
        public string CustomerName { get; }

        /// <summary>The product, as SeatsSubscriptionsAndRevenue names it.</summary>
        public string Product { get; }

        /// <summary>Seats sold (TotalSoldSeats).</summary>
        public long SoldSeats { get; }

        /// <summary>Seats assigned to users (TotalAssignedSeats).</summary>
        public long AssignedSeats { get; }

        /// <summary>
        /// Seats in active use (TotalActiveSeats of DynamicsUsage or PowerBIUsage for the same customer and product);
        /// null for a product those datasets do not count (Office 365 usage is counted per workload, not per product).
        /// </summary>
        public long? ActiveSeats { get; }

        /// <summary>Assigned seats as a percentage of sold seats, rounded to two decimals; 0 when none were sold.</summary>
        public double DeploymentPercent { get; }

        /// <summary>Sold seats not assigned to anyone: what a partner can still deploy.</summary>
        public long UnassignedSeats => SoldSeats - AssignedSeats;

        /// <summary>The period the figures are for, as the query's TIMESPAN (for example LAST_MONTH).</summary>
        public string TimeSpan { get; }

        /// <summary>A one-line summary, for logs.</summary>
        public override string ToString() =>
            TerminalText.Clean(CustomerName + " / " + Product + ": " + AssignedSeats + " of " + SoldSeats + " seats assigned");
    }
}
