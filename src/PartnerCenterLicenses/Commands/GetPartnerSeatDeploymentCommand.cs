using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets sold, assigned and active seats and the deployment percent per customer and product from Partner insights.</para>
    /// <para type="description">Runs Partner insights queries the way Invoke-PartnerInsightsQuery does (a saved query, a run-now report,
    /// its execution awaited with a progress bar, its file read, both removed again however the command ends) and writes one
    /// PartnerSeatDeployment per customer and product: SoldSeats and AssignedSeats from SeatsSubscriptionsAndRevenue (TotalSoldSeats,
    /// TotalAssignedSeats), ActiveSeats from DynamicsUsage and PowerBIUsage (TotalActiveSeats of the same customer and product; $null
    /// for products those datasets do not count, such as Office 365, whose usage is per workload: Invoke-PartnerInsightsQuery -Dataset
    /// OfficeUsage), DeploymentPercent (assigned of sold, in percent) and UnassignedSeats. -SkipActiveSeats runs only the seats query.</para>
    /// <para type="description">The rows are for -TimeSpan (default LAST_MONTH). -CustomerTenantId limits them to customers (tenant ids,
    /// checked as GUIDs before they become part of the query). Errors are Invoke-PartnerInsightsQuery's: PartnerCenter.Forbidden without
    /// the Executive Report Viewer role, PartnerCenter.ReportFailed, PartnerCenter.ReportTimeout after -Timeout.</para>
    /// <para type="link">Invoke-PartnerInsightsQuery</para>
    /// <para type="link">Get-PartnerCommercialLicenseDeployment</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Last month's seats per customer and product">
    /// <code>Get-PartnerSeatDeployment</code>
    /// <para>One line per customer and product: sold, assigned and active seats and the deployment percent, in 80 columns.</para>
    /// </example>
    /// <example title="Products with fewer than half their seats assigned">
    /// <code>Get-PartnerSeatDeployment -SkipActiveSeats | Where-Object DeploymentPercent -lt 50 | Sort-Object UnassignedSeats -Descending</code>
    /// <para>Only the seats query runs; the products with the most unassigned seats come first.</para>
    /// </example>
    /// <example title="Runbook: last month's seat deployment per customer to CSV">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Get-PartnerSeatDeployment -TimeSpan LAST_MONTH | Export-Csv -Path ./seat-deployment.csv -NoTypeInformation
    /// ]]></code>
    /// <para>The refresh token's user needs the Executive Report Viewer role.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerSeatDeployment", HelpUri = HelpPages.Base + "Get-PartnerSeatDeployment.md")]
    [OutputType(typeof(PartnerSeatDeployment))]
    public sealed class GetPartnerSeatDeploymentCommand : PartnerCenterCmdlet
    {
        private static readonly string[] ActiveSeatDatasets = { "DynamicsUsage", "PowerBIUsage" };

        /// <summary><para type="description">The period: LAST_MONTH (the default), LAST_3_MONTHS, LAST_6_MONTHS, LAST_1_YEAR or LIFETIME.</para></summary>
        [Parameter(Position = 0)]
        [ValidateSet("LAST_MONTH", "LAST_3_MONTHS", "LAST_6_MONTHS", "LAST_1_YEAR", "LIFETIME", IgnoreCase = true)]
        public string TimeSpan { get; set; } = "LAST_MONTH";

        /// <summary><para type="description">Only these customers (tenant ids); binds by property name, so customers from Get-PartnerCustomer pipe in.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("CustomerId", "TenantId")]
        [ValidateNotNullOrEmpty]
        public string[] CustomerTenantId { get; set; }

        /// <summary><para type="description">Runs only the seats query: ActiveSeats stays $null, and the command takes one report run instead of three.</para></summary>
        [Parameter]
        public SwitchParameter SkipActiveSeats { get; set; }

        /// <summary><para type="description">How long to wait for each report run, in seconds or as a TimeSpan (default: one hour).</para></summary>
        [Parameter]
        [SecondsTransformation]
        [ValidateRange(1, 86400)]
        public double Timeout { get; set; } = 3600;

        /// <summary><para type="description">The first pause between two polls of a run, in seconds (default: 2), doubling up to a minute.</para></summary>
        [Parameter]
        [SecondsTransformation]
        [ValidateRange(0.01, 60)]
        public double PollIntervalSec { get; set; } = 2;

        private readonly List<string> _customers = new List<string>();

        /// <summary>Collects the customers piped in.</summary>
        protected override void ProcessRecord()
        {
            foreach (string id in CustomerTenantId ?? Array.Empty<string>())
            {
                CustomerId? parsed = CustomerId.TryParse(id);
                if (parsed == null)
                {
                    ThrowTerminating(new PartnerCenterException(PartnerCenterErrorIds.InvalidArgument, PartnerCenterErrorKind.InvalidArgument,
                        "'" + TerminalText.Clean(id) + "' is not a customer tenant id (a GUID). Nothing was sent.")
                    {
                        RecommendedAction = "Pass tenant ids such as those in the CustomerTenantId or CustomerId of Get-PartnerCustomer's objects.",
                    }, id);
                }

                _customers.Add(parsed.Value.ToString());
            }
        }

        /// <summary>Runs the queries and writes one row per customer and product.</summary>
        protected override void EndProcessing()
        {
            string where = _customers.Count == 0 ? string.Empty
                : " WHERE CustomerTenantId IN ('" + string.Join("', '", _customers) + "')";
            string span = TimeSpan.ToUpperInvariant();
            var active = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
            var queries = new List<Tuple<string, string, Action<object>>>();
            if (!SkipActiveSeats)
            {
                foreach (string dataset in ActiveSeatDatasets)
                {
                    queries.Add(Tuple.Create<string, string, Action<object>>("SELECT CustomerTenantId, SKU, TotalActiveSeats FROM " + dataset + where + " TIMESPAN " + span, dataset, row =>
                    {
                        long? seats = Whole(row, "TotalActiveSeats");
                        string key = Key(Text(row, "CustomerTenantId"), Text(row, "SKU"));
                        if (seats.HasValue)
                        {
                            active[key] = (active.TryGetValue(key, out long known) ? known : 0) + seats.Value;
                        }
                    }));
                }
            }

            // Last, so every active seat is counted before the first row is written.
            queries.Add(Tuple.Create<string, string, Action<object>>(
                "SELECT CustomerTenantId, CustomerName, Product, TotalSoldSeats, TotalAssignedSeats FROM SeatsSubscriptionsAndRevenue" + where + " TIMESPAN " + span,
                "SeatsSubscriptionsAndRevenue", row =>
                {
                    string tenant = Text(row, "CustomerTenantId");
                    string product = Text(row, "Product");
                    long? activeSeats = SkipActiveSeats || !active.TryGetValue(Key(tenant, product), out long seats) ? (long?)null : seats;
                    WriteObject(new PartnerSeatDeployment(
                        tenant, Text(row, "CustomerName"), product, Whole(row, "TotalSoldSeats") ?? 0, Whole(row, "TotalAssignedSeats") ?? 0, activeSeats, span));
                }));

            var runs = queries.Select(q => Tuple.Create(q.Item1, NewPartnerInsightsQueryCommand.DefaultName(q.Item2, DateTimeOffset.UtcNow, Guid.NewGuid()), q.Item3)).ToList();
            InvokePartnerInsightsQueryCommand.Run(this, runs, System.TimeSpan.FromSeconds(Timeout), System.TimeSpan.FromSeconds(PollIntervalSec), keep: false);
        }

        private static string Key(string tenant, string product) => (tenant ?? string.Empty) + "\n" + (product ?? string.Empty);

        private static string Text(object row, string column) =>
            (row as InsightsReportRow)?.ValueOf(column) is object value ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

        // A count the reader could not type stays text, with the reader's warning; it counts here if it is a whole number.
        private static long? Whole(object row, string column)
        {
            object value = (row as InsightsReportRow)?.ValueOf(column);
            switch (value)
            {
                case long whole: return whole;
                case double number when !double.IsNaN(number) && !double.IsInfinity(number): return (long)Math.Round(number);
                case string text when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed): return parsed;
                default: return null;
            }
        }
    }
}
