using System.Collections.Generic;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the Partner insights scheduled reports.</para>
    /// <para type="description">Calls GET /insights/v1/mpn/ScheduledReport and writes one PartnerInsightsReport per report: its id,
    /// name, query, start time, recurrence, format, status (Active or Paused) and callback. -ReportId asks for one report; an id
    /// Partner insights does not list writes a PartnerCenter.NotFound error. An id that is not a GUID is refused before anything
    /// is sent.</para>
    /// <para type="link">New-PartnerInsightsReport</para>
    /// <para type="link">Get-PartnerInsightsReportExecution</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Every report">
    /// <code>Get-PartnerInsightsReport</code>
    /// <para>Name, status, recurrence, format and id of each report.</para>
    /// </example>
    /// <example title="Runbook: the reports and their latest runs, to CSV">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Get-PartnerInsightsReport | Get-PartnerInsightsReportExecution -Latest |
    ///     Select-Object ReportId, ExecutionStatus, ReportGeneratedTime, ReportExpiryTime |
    ///     Export-Csv -Path ./insights-runs.csv -NoTypeInformation
    /// ]]></code>
    /// <para>A report that has not run yet adds no line (and a verbose message).</para>
    /// </example>
    /// <example title="One report's runs">
    /// <code>Get-PartnerInsightsReport -ReportId cdc61cfe-d028-4333-a215-a1df51ccbfd4 | Get-PartnerInsightsReportExecution</code>
    /// <para>Reports piped in bind by their ReportId.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerInsightsReport", HelpUri = HelpPages.Base + "Get-PartnerInsightsReport.md")]
    [OutputType(typeof(PartnerInsightsReport))]
    public sealed class GetPartnerInsightsReportCommand : InsightsReportCmdlet
    {
        /// <summary>
        /// <para type="description">The id of one report (a GUID). Binds by property name. Without it, every report is written.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateInsightsId]
        public string ReportId { get; set; }

        /// <summary>Reads the reports and writes them.</summary>
        protected override void ProcessRecord()
        {
            if (ReportId == null)
            {
                using (IItemStream<PartnerInsightsReport> stream = Session.Read(PartnerInsightsReport.Resource.Request(), NewCall(), Log, StopToken))
                {
                    WriteAll(stream);
                }

                return;
            }

            PartnerInsightsReport report = FindReport(ReportId);
            if (report == null)
            {
                WriteReportNotFound(ReportId);
                return;
            }

            WriteObject(report);
        }
    }
}
