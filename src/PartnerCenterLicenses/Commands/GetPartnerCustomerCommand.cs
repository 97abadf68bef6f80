using System.Collections.Generic;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the partner's customers.</para>
    /// <para type="description">Calls Partner Center's GET /v1/customers and writes one PartnerCustomer object per customer as the
    /// response is read, page after page (500 customers a page, each next page asked for with Partner Center's continuation token),
    /// until every customer has been written.</para>
    /// <para type="description">Each customer's CustomerId binds to -CustomerId of Get-PartnerLicenseDeployment and
    /// Get-PartnerLicenseUsage, so the customer list pipes straight into the customer-level license analytics. Name is the company
    /// name, as in Microsoft's archived PartnerCenter module.</para>
    /// <para type="description">Needs a session opened with App+User credentials (Connect-PartnerCenter).</para>
    /// <para type="link">Get-PartnerLicenseDeployment</para>
    /// <para type="link">Invoke-PartnerCenterRequest</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="List every customer">
    /// <code>Get-PartnerCustomer</code>
    /// <para>One row per customer with its company name, domain and id.</para>
    /// </example>
    /// <example title="Runbook: the license deployment of every customer, to CSV">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # a failure to sign in or to list the customers ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Get-PartnerCustomer |
    ///     Get-PartnerLicenseDeployment -ErrorAction Continue |
    ///     Export-Csv -Path ./customer-deployment.csv -NoTypeInformation
    /// ]]></code>
    /// <para>The customers are read eight at a time; a customer that fails writes an error and the others are still exported.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerCustomer", HelpUri = HelpPages.Base + "Get-PartnerCustomer.md")]
    [OutputType(typeof(PartnerCustomer))]
    public sealed class GetPartnerCustomerCommand : PartnerCenterCmdlet
    {
        private static readonly IReadOnlyList<KeyValuePair<string, string>> PageSize =
            new[] { new KeyValuePair<string, string>("size", PartnerCustomer.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)) };

        /// <summary>Reads every page of customers and writes them as they are read.</summary>
        protected override void ProcessRecord()
        {
            using (IItemStream<PartnerCustomer> stream = Session.Read(PartnerCustomer.Resource.Request().With(PageSize), NewCall(), Log, StopToken))
            {
                WriteAll(stream);
            }
        }
    }
}
