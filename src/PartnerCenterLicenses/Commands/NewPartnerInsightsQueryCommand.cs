using System;
using System.Collections.Specialized;
using System.Globalization;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates a Partner insights report query: a saved SELECT over one dataset that reports run and Get-PartnerInsightsQueryPreview previews.</para>
    /// <para type="description">Calls POST /insights/v1/mpn/ScheduledQueries of Partner insights programmatic access and writes the
    /// PartnerInsightsQuery it created (QueryId, Name, Description, Query, Type, User, CreatedTime in UTC). The query is given as text
    /// (-Query) or built from its parts: -Dataset, -Column, -Metric, -Where, -OrderBy, -Limit and -TimeSpan make
    /// 'SELECT columns,metrics FROM Dataset WHERE ... ORDER BY ... LIMIT n TIMESPAN ...'. Dataset, column, metric and ORDER BY names
    /// are checked at binding (letters, digits and '_'), so no name can add a clause to the query; -Where is written as given.</para>
    /// <para type="description">Partner insights requires a name. Without -Name the query is named
    /// PCL-&lt;dataset&gt;-&lt;UTC time&gt;-&lt;8 random hex digits&gt;, for example PCL-SeatsSubscriptionsAndRevenue-20261207T221500Z-1a2b3c4d:
    /// unique, sortable by time, and recognisable as made by this module.</para>
    /// <para type="description">A query Partner insights rejects (a syntax error, a column or metric the dataset does not have,
    /// SELECT *, a TIMESPAN the dataset does not list) ends the command with PartnerCenter.InvalidQuery, the service's reason, and advice
    /// naming the Get-PartnerInsightsDataset call that lists the dataset's columns. Without the Executive Report Viewer role the command
    /// ends with PartnerCenter.Forbidden. -WhatIf shows the query text and sends nothing.</para>
    /// <para type="link">Get-PartnerInsightsQuery</para>
    /// <para type="link">Get-PartnerInsightsQueryPreview</para>
    /// <para type="link">Remove-PartnerInsightsQuery</para>
    /// <para type="link">Get-PartnerInsightsDataset</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Sold and assigned seats per customer and product, last month">
    /// <code>New-PartnerInsightsQuery -Dataset SeatsSubscriptionsAndRevenue -Column CustomerTenantId, CustomerName, Product -Metric TotalSoldSeats, TotalAssignedSeats -TimeSpan LAST_MONTH</code>
    /// <para>Creates the query 'SELECT CustomerTenantId,CustomerName,Product,TotalSoldSeats,TotalAssignedSeats FROM SeatsSubscriptionsAndRevenue TIMESPAN LAST_MONTH'.</para>
    /// </example>
    /// <example title="A query written out, with a name">
    /// <code>New-PartnerInsightsQuery -Name TopCustomers -Query 'SELECT CustomerName, Product, BilledRevenueUSD FROM CustomersAndTenants ORDER BY BilledRevenueUSD LIMIT 10 TIMESPAN LAST_MONTH'</code>
    /// <para>The query text goes to Partner insights as written.</para>
    /// </example>
    /// <example title="Create, preview, remove">
    /// <code><![CDATA[
    /// $query = New-PartnerInsightsQuery -Dataset OfficeUsage -Column CustomerName, WorkloadName -Metric TotalMonthlyActiveUsers -TimeSpan LAST_MONTH
    /// $query | Get-PartnerInsightsQueryPreview -First 5
    /// $query | Remove-PartnerInsightsQuery
    /// ]]></code>
    /// <para>Previews the first five rows of the new query, then removes it.</para>
    /// </example>
    /// <example title="Runbook: create the monthly seats query once and keep its id">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// $query = New-PartnerInsightsQuery -Name 'Monthly seats per customer' -Dataset SeatsSubscriptionsAndRevenue `
    ///     -Column CustomerTenantId, CustomerName, Product -Metric TotalSoldSeats, TotalAssignedSeats -TimeSpan LAST_MONTH
    /// Set-AutomationVariable -Name 'SeatsQueryId' -Value $query.QueryId
    /// ]]></code>
    /// <para>A rejected query stops the runbook with PartnerCenter.InvalidQuery and the service's reason.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "PartnerInsightsQuery", DefaultParameterSetName = TextSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
        HelpUri = HelpPages.Base + "New-PartnerInsightsQuery.md")]
    [OutputType(typeof(PartnerInsightsQuery))]
    public sealed class NewPartnerInsightsQueryCommand : InsightsQueryCmdlet
    {
        /// <summary>What the name made for a query without -Name starts with.</summary>
        internal const string DefaultNamePrefix = "PCL-";

        /// <summary>
        /// <para type="description">The query's name (Partner insights requires one). Without it, the name is
        /// PCL-&lt;dataset&gt;-&lt;UTC time&gt;-&lt;8 random hex digits&gt;.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        /// <summary>
        /// <para type="description">What the query is for. Without it, the description says the module created the query.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNull]
        public string Description { get; set; }

        /// <summary>Sends the query to Partner insights and writes what it saved.</summary>
        protected override void ProcessRecord()
        {
            string text = QueryText();
            string name = Name ?? DefaultName(DatasetName, DateTimeOffset.UtcNow, Guid.NewGuid());
            if (!ShouldProcess("Partner insights report query '" + TerminalText.Clean(name) + "': " + TerminalText.Clean(text), "Create"))
            {
                return;
            }

            // The documented request body names its fields Name, Description and Query (the Create report query API in "Programmatic access paradigm":
            // https://learn.microsoft.com/partner-center/insights/insights-programmatic-access-paradigm).
            var body = new OrderedDictionary
            {
                ["Name"] = name,
                ["Description"] = Description ?? "Created with PartnerCenterLicenses (New-PartnerInsightsQuery).",
                ["Query"] = text,
            };
            ResourceRequest<PartnerInsightsQuery> request = PartnerInsightsQuery.Resource.Request()
                .To("POST", PartnerCenterPath.Parse(PartnerInsightsQuery.Path), JsonObjects.FromPowerShell(body), all: false);
            using (IItemStream<PartnerInsightsQuery> stream = Session.Read(request, NewCall(), Log, StopToken))
            {
                WriteAll(stream);
            }
        }

        /// <summary>The name of a query created without -Name: unique, sortable by time, recognisable as the module's.</summary>
        internal static string DefaultName(string dataset, DateTimeOffset now, Guid random) =>
            DefaultNamePrefix + (dataset ?? "Query") + "-" + now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)
            + "-" + random.ToString("N").Substring(0, 8);
    }
}
