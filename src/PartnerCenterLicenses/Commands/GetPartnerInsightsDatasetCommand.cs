using System;
using System.Collections.Generic;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the Partner insights datasets: the columns and metrics a report query can select, the date ranges and the minimum recurrence.</para>
    /// <para type="description">Calls GET /insights/v1/mpn/ScheduledDataset of Partner insights programmatic access and writes one
    /// PartnerInsightsDataset per dataset: Name (what a query names after FROM), Description, Columns (selectable columns, which WHERE and
    /// ORDER BY may also use), Metrics (aggregates a query may select), DateRanges (the values of a query's TIMESPAN) and
    /// MinimumRecurrenceInterval (the shortest recurrence, in hours, of a report on it). Datasets such as SeatsSubscriptionsAndRevenue
    /// (TotalSoldSeats, TotalAssignedSeats), OfficeUsage, DynamicsUsage, EMSUsage, PowerBIUsage and CustomersAndTenants hold per-customer
    /// rows for license deployment and usage.</para>
    /// <para type="description">-Name asks Partner insights for that one dataset; a name it does not know writes a PartnerCenter.NotFound
    /// error. Tab completion of -Name offers the dataset names the last Get-PartnerInsightsDataset without -Name read in this session, and
    /// the names Microsoft documents before that; completing sends nothing. The columns and metrics read are remembered too: tab
    /// completion of -Column, -Metric and -OrderBy in New-PartnerInsightsQuery and Get-PartnerInsightsQueryPreview offers them for
    /// the dataset named by -Dataset.</para>
    /// <para type="description">Needs a session opened with App+User credentials (Connect-PartnerCenter) for a partner user with the
    /// Executive Report Viewer role; without the role Partner insights answers 403, which ends the command with PartnerCenter.Forbidden and
    /// advice naming the role.</para>
    /// <para type="link">Get-PartnerCommercialLicenseDeployment</para>
    /// <para type="link">Connect-PartnerCenter</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Every dataset, one line each">
    /// <code>Get-PartnerInsightsDataset</code>
    /// <para>Name, minimum recurrence and the number of columns and metrics of each dataset Partner insights offers.</para>
    /// </example>
    /// <example title="The columns and metrics of the seats dataset">
    /// <code>Get-PartnerInsightsDataset -Name SeatsSubscriptionsAndRevenue | Select-Object -ExpandProperty Metrics</code>
    /// <para>Lists the metrics a query on SeatsSubscriptionsAndRevenue may select, such as TotalSoldSeats and TotalAssignedSeats.</para>
    /// </example>
    /// <example title="Runbook: write the datasets and their columns to a CSV file">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Get-PartnerInsightsDataset |
    ///     Select-Object Name, MinimumRecurrenceInterval, @{ n = 'Columns'; e = { $_.Columns -join ';' } }, @{ n = 'Metrics'; e = { $_.Metrics -join ';' } } |
    ///     Export-Csv -Path ./insights-datasets.csv -NoTypeInformation
    /// ]]></code>
    /// <para>The refresh token's user needs the Executive Report Viewer role; without it the runbook stops with PartnerCenter.Forbidden.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerInsightsDataset", HelpUri = HelpPages.Base + "Get-PartnerInsightsDataset.md")]
    [OutputType(typeof(PartnerInsightsDataset))]
    public sealed class GetPartnerInsightsDatasetCommand : PartnerCenterCmdlet
    {
        /// <summary>
        /// <para type="description">The name of one dataset, for example SeatsSubscriptionsAndRevenue (Partner insights matches it without
        /// regard to case). Tab completion offers the names read in this session, or the documented ones. Without it, every dataset is
        /// written.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(InsightsDatasetNameCompleter))]
        public string Name { get; set; }

        /// <summary>Reads the datasets and writes them; a full read is remembered for tab completion.</summary>
        protected override void ProcessRecord()
        {
            IReadOnlyList<KeyValuePair<string, string>> query = string.IsNullOrEmpty(Name)
                ? Array.Empty<KeyValuePair<string, string>>()
                : new[] { new KeyValuePair<string, string>("datasetName", Name) };
            var read = new List<PartnerInsightsDataset>();
            using (IItemStream<PartnerInsightsDataset> stream = Session.Read(PartnerInsightsDataset.Resource.Request().With(query), NewCall(), Log, StopToken))
            {
                while (Next(stream))
                {
                    read.Add(stream.Current);
                    WriteObject(stream.Current);
                }
            }

            // The schemas serve column and metric completion in the query cmdlets; only a full read replaces the names.
            InsightsDatasetNameCompleter.Remember(read, complete: string.IsNullOrEmpty(Name));
            if (!string.IsNullOrEmpty(Name) && read.Count == 0)
            {
                WriteError(ToErrorRecord(
                    new PartnerCenterException(PartnerCenterErrorIds.NotFound, PartnerCenterErrorKind.NotFound,
                        "Partner insights has no dataset named '" + TerminalText.Clean(Name) + "'.")
                    {
                        RecommendedAction = "Run Get-PartnerInsightsDataset without -Name to list the datasets, or press Tab after -Name.",
                    },
                    Name));
            }
        }
    }
}
