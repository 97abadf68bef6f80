using System.Collections.Generic;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets licenses active and qualified per customer, product and workload from Partner Center's commercial analytics, page after page.</para>
    /// <para type="description">Calls Partner Center's GET /partner/v1/analytics/commercial/usage/license, the API that supersedes
    /// /v1/analytics/licenses/usage, and writes one CommercialLicenseUsage object per customer, service, channel, product and workload
    /// (such as EXO or SPO). Rows are written as each page is read and the next page is requested only when the last one is done, so
    /// memory stays flat however many rows there are.</para>
    /// <para type="description">-Filter and -GroupBy are applied by Partner Center. With -GroupBy, each row holds the fields grouped by
    /// and the summed LicensesActive and LicensesQualified; its other text fields and ProcessedDateTime are empty.</para>
    /// <para type="description">-First asks Partner Center for no more rows than it still needs (at most 10,000 per page) and stops
    /// requesting once it has them; -Skip skips rows at the start; -IncludeTotalCount writes the total Partner Center reports before the
    /// rows (a count of 0 with accuracy 0 when it reports none). Next pages are requested only from the connected Partner Center
    /// endpoint: a response that links elsewhere ends the command with PartnerCenter.InvalidResponse and nothing is sent there.</para>
    /// <para type="description">Needs a session opened with App+User credentials (Connect-PartnerCenter). Failures end the command with an
    /// error whose id starts with PartnerCenter. and whose message carries Partner Center's code, description and MS-RequestId.</para>
    /// <para type="link">Get-PartnerCommercialLicenseDeployment</para>
    /// <para type="link">Get-PartnerLicenseUsage</para>
    /// <para type="link">Connect-PartnerCenter</para>
    /// <para type="link">Set-PartnerCenterRequestOption</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Usage of every customer's workloads">
    /// <code>Get-PartnerCommercialLicenseUsage | Format-Table</code>
    /// <para>One row per customer, product and workload, with LicensesActive and LicensesQualified.</para>
    /// </example>
    /// <example title="Runbook: active Exchange licenses per customer, to CSV">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Get-PartnerCommercialLicenseUsage -Filter "workloadCode eq 'EXO'" -GroupBy customerTenantId, customerName, workloadName |
    ///     Sort-Object LicensesActive |
    ///     Export-Csv -Path ./exchange-usage.csv -NoTypeInformation
    /// ]]></code>
    /// <para>Partner Center filters and sums per customer and workload; every page is read and exported.</para>
    /// </example>
    /// <example title="Rows 1,001 to 2,000">
    /// <code>Get-PartnerCommercialLicenseUsage -Skip 1000 -First 1000</code>
    /// <para>One request, with skip=1000 and top=1000.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerCommercialLicenseUsage", SupportsPaging = true, HelpUri = HelpPages.Base + "Get-PartnerCommercialLicenseUsage.md")]
    [OutputType(typeof(CommercialLicenseUsage))]
    public sealed class GetPartnerCommercialLicenseUsageCommand : CommercialAnalyticsCmdlet
    {
        /// <summary>The fields Partner Center documents for groupby on usage rows.</summary>
        internal static readonly string[] GroupByFields =
            { "serviceCode", "serviceName", "channel", "customerTenantId", "customerName", "productId", "productName", "workloadCode", "workloadName" };

        /// <summary>
        /// <para type="description">Fields to group the rows by (Partner Center's groupby), for example customerTenantId, workloadCode.
        /// Each row then holds these fields and the summed LicensesActive and LicensesQualified. One of serviceCode, serviceName, channel,
        /// customerTenantId, customerName, productId, productName, workloadCode or workloadName; another name is a parameter error and
        /// nothing is sent.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateSet("serviceCode", "serviceName", "channel", "customerTenantId", "customerName", "productId", "productName", "workloadCode", "workloadName", IgnoreCase = true)]
        public string[] GroupBy { get; set; }

        internal override IReadOnlyList<string> GroupFields => Canonical(GroupBy, GroupByFields);

        /// <summary>Reads every page asked for and writes its rows.</summary>
        protected override void ProcessRecord()
        {
            WritePages(CommercialLicenseUsage.Resource);
        }
    }
}
