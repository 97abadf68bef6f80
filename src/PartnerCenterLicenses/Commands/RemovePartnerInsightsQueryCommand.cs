using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes a Partner insights report query the partner created.</para>
    /// <para type="description">Calls DELETE /insights/v1/mpn/ScheduledQueries/{queryId} of Partner insights programmatic access. The
    /// query id is checked at binding (a GUID) before it becomes part of the path, and binds from the QueryId property of objects in
    /// the pipeline, so queries from New-PartnerInsightsQuery or Get-PartnerInsightsQuery pipe in. Writes nothing.</para>
    /// <para type="description">An id Partner insights does not know ends the command with PartnerCenter.NotFound; Microsoft's system
    /// queries cannot be removed (PartnerCenter.InvalidArgument). -WhatIf and -Confirm are supported.</para>
    /// <para type="link">Get-PartnerInsightsQuery</para>
    /// <para type="link">New-PartnerInsightsQuery</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Remove one query">
    /// <code>Remove-PartnerInsightsQuery -QueryId 7d19305c-56db-4edc-b776-428340e3a9c8</code>
    /// <para>Removes the query with that id.</para>
    /// </example>
    /// <example title="Remove the partner's queries of one name">
    /// <code>Get-PartnerInsightsQuery -Type UserDefined -Name 'SubscriptionId Dynamics' | Remove-PartnerInsightsQuery -Confirm:$false</code>
    /// <para>Each query piped in is removed.</para>
    /// </example>
    /// <example title="Runbook: remove the queries this module named itself that are older than a week">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Get-PartnerInsightsQuery -Type UserDefined |
    ///     Where-Object { $_.Name -like 'PCL-*' -and $_.CreatedTime -lt [DateTimeOffset]::UtcNow.AddDays(-7) } |
    ///     Remove-PartnerInsightsQuery -Confirm:$false
    /// ]]></code>
    /// <para>New-PartnerInsightsQuery names a query PCL-&lt;dataset&gt;-&lt;UTC time&gt;-... when no -Name is given.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Remove, "PartnerInsightsQuery", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        HelpUri = HelpPages.Base + "Remove-PartnerInsightsQuery.md")]
    [OutputType(typeof(void))]
    public sealed class RemovePartnerInsightsQueryCommand : PartnerCenterCmdlet
    {
        private string _removing;

        /// <summary>
        /// <para type="description">The id of the query to remove (a GUID). Binds from the QueryId property of objects in the pipeline.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateInsightsName(InsightsNameKind.QueryId)]
        public string QueryId { get; set; }

        /// <summary>Removes the query.</summary>
        protected override void ProcessRecord()
        {
            // Checked at binding; written in its one path form ("Delete report queries API":
            // https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-delete-report-queries).
            _removing = InsightsQueryId.Normalize(QueryId);
            if (!ShouldProcess("Partner insights report query " + _removing, "Remove"))
            {
                return;
            }

            ResourceRequest<PartnerInsightsQuery> request = PartnerInsightsQuery.Resource.Request()
                .To("DELETE", PartnerCenterPath.Parse(PartnerInsightsQuery.Path + "/" + _removing), null, all: false);
            using (IItemStream<PartnerInsightsQuery> stream = Session.Read(request, NewCall(), Log, StopToken))
            {
                while (Next(stream))
                {
                }
            }
        }

        /// <summary>An unknown id or a refused removal, told with the query's id and what to run.</summary>
        internal override PartnerCenterException Explained(PartnerCenterException failure)
        {
            if (failure.ErrorId == PartnerCenterErrorIds.NotFound)
            {
                PartnerCenterException explained = failure.WithMessage(failure.Message);
                explained.RecommendedAction = "Check the query id: Get-PartnerInsightsQuery -Type UserDefined lists the queries that can be removed.";
                return explained;
            }

            if (failure.StatusCode == 400)
            {
                // Partner insights answers 400 for a query it will not remove (a system query); the query language
                // advice of PartnerCenter.InvalidQuery would mislead here.
                return new PartnerCenterException(PartnerCenterErrorIds.InvalidArgument, PartnerCenterErrorKind.InvalidArgument,
                    "Partner insights refused to remove report query " + _removing + ". " + failure.Message, failure.InnerException)
                {
                    RecommendedAction = "Only queries of Type userDefined can be removed; Microsoft's system queries cannot. "
                        + "Get-PartnerInsightsQuery -Type UserDefined lists the ones that can.",
                    StatusCode = failure.StatusCode,
                    RequestId = failure.RequestId,
                    CorrelationId = failure.CorrelationId,
                };
            }

            return failure;
        }
    }
}
