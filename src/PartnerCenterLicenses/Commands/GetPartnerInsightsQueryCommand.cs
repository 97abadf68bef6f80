using System.Collections.Generic;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>Which Partner insights report queries Get-PartnerInsightsQuery asks for.</summary>
    public enum PartnerInsightsQueryType
    {
        /// <summary>Microsoft's system queries and the partner's own (the service's default).</summary>
        All,

        /// <summary>Only Microsoft's system queries.</summary>
        System,

        /// <summary>Only the partner's own queries.</summary>
        UserDefined,
    }

    /// <summary>
    /// <para type="synopsis">Gets Partner insights report queries: Microsoft's system queries and the partner's own.</para>
    /// <para type="description">Calls GET /insights/v1/mpn/ScheduledQueries of Partner insights programmatic access and writes one
    /// PartnerInsightsQuery per query: QueryId, Name, Description, Query (the text), Type ('system' or 'userDefined'), User and
    /// CreatedTime (UTC). -QueryId and -Name ask for one query (queryId, queryName); -Type System or UserDefined narrows the list
    /// (includeOnlySystemQueries, includeSystemQueries). A -QueryId or -Name that matches nothing writes a PartnerCenter.NotFound error.</para>
    /// <para type="description">Query objects pipe on: into Get-PartnerInsightsQueryPreview for their first rows, and into
    /// Remove-PartnerInsightsQuery. Needs the Executive Report Viewer role (PartnerCenter.Forbidden otherwise).</para>
    /// <para type="link">New-PartnerInsightsQuery</para>
    /// <para type="link">Remove-PartnerInsightsQuery</para>
    /// <para type="link">Get-PartnerInsightsQueryPreview</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="The partner's own queries">
    /// <code>Get-PartnerInsightsQuery -Type UserDefined</code>
    /// <para>Lists the queries the partner's users created, without Microsoft's system queries.</para>
    /// </example>
    /// <example title="Remove the queries this module created without a name">
    /// <code>Get-PartnerInsightsQuery -Type UserDefined | Where-Object Name -like 'PCL-*' | Remove-PartnerInsightsQuery</code>
    /// <para>New-PartnerInsightsQuery names a query PCL-... when no -Name is given.</para>
    /// </example>
    /// <example title="Runbook: write the partner's queries to a CSV file">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Get-PartnerInsightsQuery -Type UserDefined |
    ///     Select-Object QueryId, Name, Query, User, CreatedTime |
    ///     Export-Csv -Path ./insights-queries.csv -NoTypeInformation
    /// ]]></code>
    /// <para>Without the Executive Report Viewer role the runbook stops with PartnerCenter.Forbidden.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerInsightsQuery", HelpUri = HelpPages.Base + "Get-PartnerInsightsQuery.md")]
    [OutputType(typeof(PartnerInsightsQuery))]
    public sealed class GetPartnerInsightsQueryCommand : PartnerCenterCmdlet
    {
        /// <summary>
        /// <para type="description">The id of one query (a GUID). Binds from the QueryId property of objects in the pipeline.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateInsightsName(InsightsNameKind.QueryId)]
        public string QueryId { get; set; }

        /// <summary>
        /// <para type="description">The name of the queries to get, as Partner insights matches it (queryName).</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        /// <summary>
        /// <para type="description">All (the default: system and user-defined queries), System (only Microsoft's system queries) or
        /// UserDefined (only the partner's own).</para>
        /// </summary>
        [Parameter]
        public PartnerInsightsQueryType Type { get; set; }

        /// <summary>Reads the queries and writes them as they arrive.</summary>
        protected override void ProcessRecord()
        {
            // "Get report queries API": queryId, queryName, includeSystemQueries (default true) and includeOnlySystemQueries
            // (default false) (https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-get-report-queries).
            var query = new List<KeyValuePair<string, string>>();
            if (QueryId != null)
            {
                query.Add(new KeyValuePair<string, string>("queryId", InsightsQueryId.Normalize(QueryId)));
            }

            if (Name != null)
            {
                query.Add(new KeyValuePair<string, string>("queryName", Name));
            }

            if (Type == PartnerInsightsQueryType.System)
            {
                query.Add(new KeyValuePair<string, string>("includeOnlySystemQueries", "true"));
            }
            else if (Type == PartnerInsightsQueryType.UserDefined)
            {
                query.Add(new KeyValuePair<string, string>("includeSystemQueries", "false"));
            }

            int written = 0;
            using (IItemStream<PartnerInsightsQuery> stream = Session.Read(PartnerInsightsQuery.Resource.Request().With(query), NewCall(), Log, StopToken))
            {
                while (Next(stream))
                {
                    written++;
                    WriteObject(stream.Current);
                }
            }

            if (written == 0 && (QueryId != null || Name != null))
            {
                string what = QueryId != null ? "id '" + TerminalText.Clean(QueryId) + "'" : "name '" + TerminalText.Clean(Name) + "'";
                WriteError(ToErrorRecord(
                    new PartnerCenterException(PartnerCenterErrorIds.NotFound, PartnerCenterErrorKind.NotFound,
                        "Partner insights has no " + (Type == PartnerInsightsQueryType.All ? string.Empty : Type + " ") + "report query with " + what + ".")
                    {
                        RecommendedAction = "Run Get-PartnerInsightsQuery without -QueryId and -Name to list the queries.",
                    },
                    (object)QueryId ?? Name));
            }
        }
    }
}
