using System.Collections.Generic;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets licenses deployed and sold per customer and product from Partner Center's commercial analytics, page after page.</para>
    /// <para type="description">Calls Partner Center's GET /partner/v1/analytics/commercial/deployment/license, the API that supersedes
    /// /v1/analytics/licenses/deployment, and writes one CommercialLicenseDeployment object per customer, service, channel and product.
    /// Rows are written as each page is read and the next page is requested only when the last one is done, so memory stays flat
    /// however many rows there are.</para>
    /// <para type="description">-Filter and -GroupBy are applied by Partner Center. With -GroupBy, each row holds the fields grouped by
    /// and the summed LicensesDeployed and LicensesSold; its other text fields and ProcessedDateTime are empty.</para>
    /// <para type="description">-First asks Partner Center for no more rows than it still needs (at most 10,000 per page) and stops
    /// requesting once it has them; -Skip skips rows at the start; -IncludeTotalCount writes the total Partner Center reports before the
    /// rows (a count of 0 with accuracy 0 when it reports none). Next pages are requested only from the connected Partner Center
    /// endpoint: a response that links elsewhere ends the command with PartnerCenter.InvalidResponse and nothing is sent there.</para>
    /// <para type="description">Needs a session opened with App+User credentials (Connect-PartnerCenter). Failures end the command with an
    /// error whose id starts with PartnerCenter. and whose message carries Partner Center's code, description and MS-RequestId.</para>
    /// <para type="link">Get-PartnerCommercialLicenseUsage</para>
    /// <para type="link">Get-PartnerLicenseDeployment</para>
    /// <para type="link">Connect-PartnerCenter</para>
    /// <para type="link">Set-PartnerCenterRequestOption</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Deployment of every customer's products">
    /// <code>Get-PartnerCommercialLicenseDeployment | Format-Table</code>
    /// <para>One row per customer, service, channel and product, with LicensesDeployed and LicensesSold.</para>
    /// </example>
    /// <example title="Runbook: customers with less than half of their Office 365 licenses deployed, to CSV">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Get-PartnerCommercialLicenseDeployment -Filter "serviceCode eq 'O365'" -GroupBy customerTenantId, customerName |
    ///     Where-Object { $_.LicensesSold -gt 0 -and $_.LicensesDeployed / $_.LicensesSold -lt 0.5 } |
    ///     Export-Csv -Path ./under-deployed-customers.csv -NoTypeInformation
    /// ]]></code>
    /// <para>Partner Center filters and sums per customer; the runbook reads every page and keeps the customers below 50 percent.</para>
    /// </example>
    /// <example title="The first 100 rows, and how many there are">
    /// <code>Get-PartnerCommercialLicenseDeployment -First 100 -IncludeTotalCount</code>
    /// <para>Writes the total count first, then at most 100 rows; only one request for 100 rows is sent.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerCommercialLicenseDeployment", SupportsPaging = true, HelpUri = HelpPages.Base + "Get-PartnerCommercialLicenseDeployment.md")]
    [OutputType(typeof(CommercialLicenseDeployment))]
    public sealed class GetPartnerCommercialLicenseDeploymentCommand : CommercialAnalyticsCmdlet
    {
        /// <summary>The fields Partner Center documents for groupby on deployment rows.</summary>
        internal static readonly string[] GroupByFields =
            { "serviceCode", "serviceName", "channel", "customerTenantId", "customerName", "productId", "productName" };

        /// <summary>
        /// <para type="description">Fields to group the rows by (Partner Center's groupby), for example customerTenantId, customerName.
        /// Each row then holds these fields and the summed LicensesDeployed and LicensesSold. One of serviceCode, serviceName, channel,
        /// customerTenantId, customerName, productId or productName; another name is a parameter error and nothing is sent.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateSet("serviceCode", "serviceName", "channel", "customerTenantId", "customerName", "productId", "productName", IgnoreCase = true)]
        public string[] GroupBy { get; set; }

        internal override IReadOnlyList<string> GroupFields => Canonical(GroupBy, GroupByFields);

        /// <summary>Reads every page asked for and writes its rows.</summary>
        protected override void ProcessRecord()
        {
            WritePages(CommercialLicenseDeployment.Resource);
        }
    }
}
