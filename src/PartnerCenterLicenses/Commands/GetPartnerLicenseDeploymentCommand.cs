using System;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets how many of the licenses the partner sold are deployed, per service and channel, or per product for each customer.</para>
    /// <para type="description">Without -CustomerId, calls Partner Center's GET /v1/analytics/licenses/deployment, aggregated over all
    /// customers, and writes one PartnerLicensesDeploymentInsights object per service and channel as the response is read.</para>
    /// <para type="description">With -CustomerId (or customer ids from the pipeline), calls GET /v1/customers/{customer-id}/analytics/licenses/deployment
    /// for each customer, at most -ThrottleLimit at a time, and writes one CustomerLicensesDeploymentInsights object per product
    /// as soon as each customer's answer is read; one customer's objects stay together. A customer that fails (no relationship,
    /// not found, retries used up) writes one error naming the customer and the others go on; -ErrorAction Stop stops them all.</para>
    /// <para type="description">Needs a session opened with App+User credentials (Connect-PartnerCenter). Transient failures are retried
    /// as Set-PartnerCenterRequestOption says; a throttled request holds every other one back until its Retry-After has passed.
    /// Every error id starts with PartnerCenter. (for example PartnerCenter.NotConnected or PartnerCenter.Forbidden).</para>
    /// <para type="description">Get-PartnerLicenseDeploymentInfo and Get-PartnerCustomerLicenseDeploymentInfo, the names in Microsoft's
    /// archived PartnerCenter module, are aliases of this cmdlet.</para>
    /// <para type="link">Get-PartnerLicenseUsage</para>
    /// <para type="link">Get-PartnerCommercialLicenseDeployment</para>
    /// <para type="link">Connect-PartnerCenter</para>
    /// <para type="link">Set-PartnerCenterRequestOption</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Show the deployment of every service and channel">
    /// <code>Get-PartnerLicenseDeployment | Format-Table</code>
    /// <para>One row per service (such as o365 or crm) and channel, with LicensesSold, ProratedDeploymentPercent and
    /// ProcessedDateTime.</para>
    /// </example>
    /// <example title="Runbook: the partner's deployment, to a dated CSV file">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Get-PartnerLicenseDeployment |
    ///     Select-Object ServiceName, Channel, LicensesSold, ProratedDeploymentPercent, ProcessedDateTime |
    ///     Export-Csv -Path "./deployment-$(Get-Date -Format yyyy-MM-dd).csv" -NoTypeInformation
    /// ]]></code>
    /// <para>Credentials come from the automation account's assets and nothing prompts; any failure ends the runbook with
    /// an error whose id starts with PartnerCenter. (such as PartnerCenter.RefreshTokenExpired).</para>
    /// </example>
    /// <example title="Runbook: every customer below 50 % deployment, to CSV">
    /// <code><![CDATA[
    /// Invoke-PartnerCenterRequest -Path /v1/customers -All |
    ///     Get-PartnerLicenseDeployment -ThrottleLimit 16 -ErrorAction Continue |
    ///     Where-Object DeploymentPercent -lt 0.5 |
    ///     Export-Csv -Path ./under-deployed-customers.csv -NoTypeInformation
    /// ]]></code>
    /// <para>The customers Invoke-PartnerCenterRequest writes bind to -CustomerId by their id. DeploymentPercent is a fraction:
    /// 0.5 is 50 percent. A customer that fails writes an error and the others are still exported.</para>
    /// </example>
    /// <example title="Customers from a file">
    /// <code>Get-Content ./customer-ids.txt | Get-PartnerLicenseDeployment | Format-Table</code>
    /// <para>One customer id per line; a line that is not a GUID stops the command before any request is sent.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerLicenseDeployment", DefaultParameterSetName = PartnerSet, HelpUri = HelpPages.Base + "Get-PartnerLicenseDeployment.md")]
    [Alias("Get-PartnerLicenseDeploymentInfo", "Get-PartnerCustomerLicenseDeploymentInfo")]
    [OutputType(typeof(PartnerLicensesDeploymentInsights), ParameterSetName = new[] { PartnerSet })]
    [OutputType(typeof(CustomerLicensesDeploymentInsights), ParameterSetName = new[] { CustomerSet })]
    public sealed class GetPartnerLicenseDeploymentCommand : LicenseAnalyticsCmdlet<PartnerLicensesDeploymentInsights, CustomerLicensesDeploymentInsights>
    {
        internal override string Subject => "license deployment";

        internal override PartnerCenterResource<PartnerLicensesDeploymentInsights> PartnerResource => PartnerLicensesDeploymentInsights.Resource;

        internal override PartnerCenterResource<CustomerLicensesDeploymentInsights> CustomerResource => CustomerLicensesDeploymentInsights.Resource;
    }
}
