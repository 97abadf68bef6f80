using System.Collections.Generic;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Previews the first rows of a Partner insights report query, without creating a report.</para>
    /// <para type="description">Calls GET /insights/v1/mpn/ScheduledQueries/testQueryResult of Partner insights programmatic access,
    /// which runs the query and answers a sample of its rows (Microsoft documents at most 100), and writes one object per row whose
    /// properties are the row's fields: numbers as numbers (Int64, or Double with a fraction), text as text. Dates arrive as text in
    /// the service's form (for example 2026-11-01 or 2026-11-01T00:00:00Z) and are written as that text.</para>
    /// <para type="description">The query is given as text (-Query: exportQuery), built from its parts (-Dataset, -Column, -Metric,
    /// -Where, -OrderBy, -Limit, -TimeSpan, as New-PartnerInsightsQuery builds it), or named by a saved query: a PartnerInsightsQuery
    /// from the pipeline (Get-PartnerInsightsQuery, New-PartnerInsightsQuery) or -QueryId, system queries included. -First writes at
    /// most that many rows.</para>
    /// <para type="description">An answer Partner insights marks dataRedacted: true writes a warning: data was withheld, so the rows
    /// are not complete. A query the service rejects ends the command with PartnerCenter.InvalidQuery and the service's reason; an
    /// unknown -QueryId with PartnerCenter.NotFound; without the Executive Report Viewer role, PartnerCenter.Forbidden.</para>
    /// <para type="link">New-PartnerInsightsQuery</para>
    /// <para type="link">Get-PartnerInsightsQuery</para>
    /// <para type="link">Get-PartnerInsightsDataset</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Sold and assigned seats of the first ten customer products">
    /// <code>Get-PartnerInsightsQueryPreview -Dataset SeatsSubscriptionsAndRevenue -Column CustomerName, Product -Metric TotalSoldSeats, TotalAssignedSeats -TimeSpan LAST_MONTH -First 10</code>
    /// <para>Runs the query in the service and writes its first ten rows, with the seat counts as numbers.</para>
    /// </example>
    /// <example title="The first rows of a saved query">
    /// <code>Get-PartnerInsightsQuery -Type System -Name OfficeUsage | Get-PartnerInsightsQueryPreview -First 3 | Format-Table</code>
    /// <para>Previews Microsoft's system query for the OfficeUsage dataset.</para>
    /// </example>
    /// <example title="Runbook: check a query before scheduling a report on it">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// $rows = @(Get-PartnerInsightsQueryPreview -Dataset SeatsSubscriptionsAndRevenue -Column CustomerName, Product `
    ///     -Metric TotalSoldSeats, TotalAssignedSeats -TimeSpan LAST_MONTH -First 5)
    /// if ($rows.Count -eq 0) { throw 'The seats query returns no rows.' }
    /// $rows | Format-Table | Out-String | Write-Output
    /// ]]></code>
    /// <para>A query the service rejects stops the runbook with PartnerCenter.InvalidQuery before any report is scheduled.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerInsightsQueryPreview", DefaultParameterSetName = TextSet, HelpUri = HelpPages.Base + "Get-PartnerInsightsQueryPreview.md")]
    [OutputType(typeof(PSObject))]
    public sealed class GetPartnerInsightsQueryPreviewCommand : InsightsQueryCmdlet
    {
        private const string ObjectSet = "InputObject";
        private const string IdSet = "QueryId";

        /// <summary>
        /// <para type="description">A saved query, from Get-PartnerInsightsQuery or New-PartnerInsightsQuery, whose rows to preview.</para>
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        [ValidateNotNull]
        public PartnerInsightsQuery InputObject { get; set; }

        /// <summary>
        /// <para type="description">The id of a saved query (a GUID), system queries included.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = IdSet)]
        [ValidateInsightsName(InsightsNameKind.QueryId)]
        public string QueryId { get; set; }

        /// <summary>
        /// <para type="description">The most rows to write. Without it, every row the service answers (a sample of at most 100).</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int First { get; set; } = int.MaxValue;

        /// <summary>Runs the query in the service and writes its first rows.</summary>
        protected override void ProcessRecord()
        {
            // "Try report queries API": exportQuery (the text) or queryId, not both
            // (https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-try-report-queries).
            KeyValuePair<string, string> which;
            if (HasQuery)
            {
                which = new KeyValuePair<string, string>("exportQuery", QueryText());
            }
            else
            {
                string id = InsightsQueryId.Normalize(ParameterSetName == ObjectSet ? InputObject.QueryId : QueryId);
                if (id == null)
                {
                    ThrowTerminating(new PartnerCenterException(PartnerCenterErrorIds.InvalidArgument, PartnerCenterErrorKind.InvalidArgument,
                        "The query piped in has no query id (a GUID) to preview it by. Nothing was sent."), InputObject);
                }

                which = new KeyValuePair<string, string>("queryId", id);
            }

            ResourceRequest<object> request = JsonObjects.InsightsRows.Request()
                .To("GET", PartnerCenterPath.Parse(PartnerInsightsQuery.Path + "/testQueryResult"), null, all: false)
                .With(new[] { which });

            // The sample is small (at most 100 rows) and read to its end even past -First: the envelope's
            // dataRedacted comes after the rows, and its warning must not be lost to an early stop.
            int written = 0;
            using (IItemStream<object> stream = Session.Read(request, NewCall(), Log, StopToken))
            {
                while (Next(stream))
                {
                    if (written < First)
                    {
                        written++;
                        WriteObject(stream.Current);
                    }
                }
            }
        }

        /// <summary>An unknown query id, told with what to run.</summary>
        internal override PartnerCenterException Explained(PartnerCenterException failure)
        {
            if (failure.ErrorId == PartnerCenterErrorIds.NotFound && !HasQuery)
            {
                PartnerCenterException explained = failure.WithMessage(failure.Message);
                explained.RecommendedAction = "Check the query id: Get-PartnerInsightsQuery lists the queries, system queries included.";
                return explained;
            }

            return base.Explained(failure);
        }
    }
}
