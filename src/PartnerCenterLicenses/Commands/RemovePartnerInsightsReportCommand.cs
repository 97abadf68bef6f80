using System.Management.Automation;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Deletes a Partner insights scheduled report and the records of its runs.</para>
    /// <para type="description">Calls DELETE /insights/v1/mpn/ScheduledReport/{reportId} and writes nothing. The report's query is
    /// kept (Remove-PartnerInsightsQuery deletes it). A report id Partner insights does not know is PartnerCenter.NotFound; an id
    /// that is not a GUID is refused before anything is sent. -WhatIf sends nothing.</para>
    /// <para type="link">Get-PartnerInsightsReport</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Delete every paused report">
    /// <code>Get-PartnerInsightsReport | Where-Object ReportStatus -eq Paused | Remove-PartnerInsightsReport</code>
    /// <para>Reports piped in bind by their ReportId.</para>
    /// </example>
    /// <example title="Runbook: delete the run-now reports older than a week">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Get-PartnerInsightsReport | Where-Object { $_.ExecuteNow -and $_.CreatedTime -lt [datetimeoffset]::UtcNow.AddDays(-7) } |
    ///     Remove-PartnerInsightsReport
    /// ]]></code>
    /// <para>Run-now reports have run once; their files' links have expired by then.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Remove, "PartnerInsightsReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        HelpUri = HelpPages.Base + "Remove-PartnerInsightsReport.md")]
    [OutputType(typeof(void))]
    public sealed class RemovePartnerInsightsReportCommand : InsightsReportCmdlet
    {
        /// <summary><para type="description">The id of the report (a GUID). Binds by property name, so reports can be piped in.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateInsightsId]
        public string ReportId { get; set; }

        /// <summary>Deletes the report, once the user agrees.</summary>
        protected override void ProcessRecord()
        {
            string reportId = Id(ReportId);
            if (ShouldProcess("Partner insights report " + reportId, "Delete"))
            {
                // "Delete report API": https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-delete-report
                SendAndWrite("DELETE", ReportPath(null, reportId), null, write: false);
                WriteVerbose("Deleted Partner insights report " + reportId + ".");
            }
        }
    }
}
