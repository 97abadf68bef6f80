using System.Management.Automation;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Pauses the scheduled runs of a Partner insights report.</para>
    /// <para type="description">Calls PUT /insights/v1/mpn/ScheduledReport/pause/{reportId} and writes the report, its ReportStatus
    /// now Paused; Resume-PartnerInsightsReport starts them again. A report id Partner insights does not know is PartnerCenter.NotFound; an id that is not a GUID is
    /// refused before anything is sent. -WhatIf sends nothing.</para>
    /// <para type="link">Get-PartnerInsightsReport</para>
    /// <para type="link">Get-PartnerInsightsReportExecution</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Pause a report">
    /// <code>Get-PartnerInsightsReport -ReportId $id | Suspend-PartnerInsightsReport</code>
    /// <para>Reports piped in bind by their ReportId.</para>
    /// </example>
    /// <example title="Runbook: pause every active report for a maintenance window">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Get-PartnerInsightsReport | Where-Object ReportStatus -eq 'Active' | Suspend-PartnerInsightsReport
    /// ]]></code>
    /// <para>Each report piped in binds by its ReportId.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Suspend, "PartnerInsightsReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
        HelpUri = HelpPages.Base + "Suspend-PartnerInsightsReport.md")]
    [OutputType(typeof(PartnerInsightsReport))]
    public sealed class SuspendPartnerInsightsReportCommand : InsightsReportCmdlet
    {
        /// <summary><para type="description">The id of the report (a GUID). Binds by property name, so reports can be piped in.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateInsightsId]
        public string ReportId { get; set; }

        /// <summary>Pauses the report's runs, once the user agrees, and writes the report.</summary>
        protected override void ProcessRecord()
        {
            string reportId = Id(ReportId);
            if (ShouldProcess("Partner insights report " + reportId, "Pause"))
            {
                // https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-pause-report-executions
                SendAndWrite("PUT", ReportPath("pause", reportId), null);
            }
        }
    }
}
