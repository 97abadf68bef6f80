using System;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets how much of the licenses the partner sold is used, per service, channel and workload, or per product and workload for each customer.</para>
    /// <para type="description">Without -CustomerId, calls Partner Center's GET /v1/analytics/licenses/usage, aggregated over all
    /// customers, and writes one PartnerLicensesUsageInsights object per service, channel and workload (such as exchange or sharepoint).</para>
    /// <para type="description">With -CustomerId (or customer ids from the pipeline), calls GET /v1/customers/{customer-id}/analytics/licenses/usage
    /// for each customer, at most -ThrottleLimit at a time, and writes one CustomerLicensesUsageInsights object per product and workload
    /// as soon as each customer's answer is read. A customer that fails writes one error naming the customer and the others go on;
    /// -ErrorAction Stop stops them all.</para>
    /// <para type="description">Needs a session opened with App+User credentials (Connect-PartnerCenter). Get-PartnerLicenseUsageInfo and
    /// Get-PartnerCustomerLicenseUsageInfo, the names in Microsoft's archived PartnerCenter module, are aliases of this cmdlet.</para>
    /// <para type="link">Get-PartnerLicenseDeployment</para>
    /// <para type="link">Get-PartnerCommercialLicenseUsage</para>
    /// <para type="link">Connect-PartnerCenter</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Show the usage of every workload">
    /// <code>Get-PartnerLicenseUsage | Format-Table</code>
    /// <para>ProratedLicensesUsagePercent is a fraction; the table shows it as a percent.</para>
    /// </example>
    /// <example title="Runbook: workloads used by less than a third of the qualified licenses, per customer">
    /// <code><![CDATA[
    /// Get-Content ./customer-ids.txt |
    ///     Get-PartnerLicenseUsage -ErrorAction Continue |
    ///     Where-Object UsagePercent -lt 0.33 |
    ///     Export-Csv -Path ./low-usage.csv -NoTypeInformation
    /// ]]></code>
    /// <para>Customers are read eight at a time by default; a customer that fails writes an error and the others are still exported.</para>
    /// </example>
    /// <example title="Runbook: the customers an automation variable lists, stopping at the first failure">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// (Get-AutomationVariable -Name 'CustomerIds') -split ',' |
    ///     Get-PartnerLicenseUsage -ErrorAction Stop |
    ///     Export-Csv -Path ./usage.csv -NoTypeInformation
    /// ]]></code>
    /// <para>With -ErrorAction Stop, a customer that fails (no relationship, not found) cancels the others and ends the
    /// runbook, and the CSV file has only the customers read before it; -ErrorAction Continue would go on without it.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerLicenseUsage", DefaultParameterSetName = PartnerSet, HelpUri = HelpPages.Base + "Get-PartnerLicenseUsage.md")]
    [Alias("Get-PartnerLicenseUsageInfo", "Get-PartnerCustomerLicenseUsageInfo")]
    [OutputType(typeof(PartnerLicensesUsageInsights), ParameterSetName = new[] { PartnerSet })]
    [OutputType(typeof(CustomerLicensesUsageInsights), ParameterSetName = new[] { CustomerSet })]
    public sealed class GetPartnerLicenseUsageCommand : LicenseAnalyticsCmdlet<PartnerLicensesUsageInsights, CustomerLicensesUsageInsights>
    {
        internal override string Subject => "license usage";

        internal override PartnerCenterResource<PartnerLicensesUsageInsights> PartnerResource => PartnerLicensesUsageInsights.Resource;

        internal override PartnerCenterResource<CustomerLicensesUsageInsights> CustomerResource => CustomerLicensesUsageInsights.Resource;
    }
}
