using System;
using System.Collections.Specialized;
using System.Management.Automation;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes a Partner insights scheduled report: its name, description, start time, recurrence, format or callback.</para>
    /// <para type="description">Reads the report, then calls PUT /insights/v1/mpn/ScheduledReport/{reportId} with the fields Partner
    /// insights lets a report change, the ones given replaced and the others as they were, and writes the changed report. The query
    /// of a report does not change: make a new report for another query. -WhatIf shows what would change and sends nothing, not
    /// even the read. A report id Partner insights does not list is PartnerCenter.NotFound; a value it refuses,
    /// PartnerCenter.InvalidArgument with its message.</para>
    /// <para type="link">Get-PartnerInsightsReport</para>
    /// <para type="link">Suspend-PartnerInsightsReport</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Run weekly instead">
    /// <code>Get-PartnerInsightsReport -ReportId $id | Set-PartnerInsightsReport -RecurrenceInterval 168</code>
    /// <para>Reports piped in bind by their ReportId.</para>
    /// </example>
    /// <example title="Runbook: move every daily report's runs to 06:00 UTC tomorrow">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// $start = [datetimeoffset]::UtcNow.Date.AddDays(1).AddHours(6)
    /// Get-PartnerInsightsReport | Where-Object RecurrenceInterval -eq 24 | Set-PartnerInsightsReport -StartTime $start
    /// ]]></code>
    /// <para>Each report is read, its start time replaced and the rest sent as it was.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "PartnerInsightsReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
        HelpUri = HelpPages.Base + "Set-PartnerInsightsReport.md")]
    [OutputType(typeof(PartnerInsightsReport))]
    public sealed class SetPartnerInsightsReportCommand : InsightsReportCmdlet
    {
        /// <summary><para type="description">The id of the report (a GUID). Binds by property name, so a report can be piped in.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateInsightsId]
        public string ReportId { get; set; }

        /// <summary><para type="description">The new name.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ReportName { get; set; }

        /// <summary><para type="description">The new description.</para></summary>
        [Parameter]
        public string Description { get; set; }

        /// <summary><para type="description">When the runs begin from now on. A time without a zone is local time; it is sent in UTC.</para></summary>
        [Parameter]
        public DateTimeOffset StartTime { get; set; }

        /// <summary><para type="description">Hours between runs; at least the dataset's MinimumRecurrenceInterval.</para></summary>
        [Parameter]
        [ValidateRange(1, 100000)]
        public int RecurrenceInterval { get; set; }

        /// <summary><para type="description">How many times the report runs.</para></summary>
        [Parameter]
        [ValidateRange(1, 100000)]
        public int RecurrenceCount { get; set; }

        /// <summary><para type="description">The files' format: Csv or Tsv.</para></summary>
        [Parameter]
        [ValidateSet("Csv", "Tsv", IgnoreCase = true)]
        public string Format { get; set; }

        /// <summary><para type="description">An https address Partner insights calls when a run completes.</para></summary>
        [Parameter]
        [ValidateHttpsUrl]
        public string CallbackUrl { get; set; }

        /// <summary><para type="description">The method of the callback: GET or POST.</para></summary>
        [Parameter]
        [ValidateSet("GET", "POST", IgnoreCase = true)]
        public string CallbackMethod { get; set; }

        /// <summary>Reads the report, merges the changes and sends them, once the user agrees.</summary>
        protected override void ProcessRecord()
        {
            string reportId = Id(ReportId);
            if (!ShouldProcess("Partner insights report " + reportId, "Change " + string.Join(", ", ChangedFields())))
            {
                return;
            }

            PartnerInsightsReport current = FindReport(reportId);
            if (current == null)
            {
                WriteReportNotFound(reportId);
                return;
            }

            // "Update report API": the payload names every field a report may change, ReportName and StartTime required
            // (https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-update-report).
            var body = new OrderedDictionary
            {
                ["ReportName"] = Given(nameof(ReportName)) ? ReportName : current.ReportName,
                ["Description"] = Given(nameof(Description)) ? Description : current.Description,
                ["StartTime"] = Given(nameof(StartTime)) ? ServiceTime(StartTime) : current.StartTime is DateTimeOffset start ? ServiceTime(start) : null,
                ["RecurrenceInterval"] = Given(nameof(RecurrenceInterval)) ? RecurrenceInterval : (object)current.RecurrenceInterval,
                ["RecurrenceCount"] = Given(nameof(RecurrenceCount)) ? RecurrenceCount : (object)current.RecurrenceCount,
                ["Format"] = Given(nameof(Format)) ? ServiceFormat(Format) : current.Format,
                ["CallbackUrl"] = Given(nameof(CallbackUrl)) ? CallbackUrl : current.CallbackUrl,
                ["CallbackMethod"] = Given(nameof(CallbackMethod)) ? CallbackMethod.ToUpperInvariant() : current.CallbackMethod,
            };
            SendAndWrite("PUT", ReportPath(null, reportId), body);
        }

        private bool Given(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);

        private string[] ChangedFields()
        {
            var names = new System.Collections.Generic.List<string>();
            foreach (string parameter in new[] { nameof(ReportName), nameof(Description), nameof(StartTime), nameof(RecurrenceInterval), nameof(RecurrenceCount), nameof(Format), nameof(CallbackUrl), nameof(CallbackMethod) })
            {
                if (Given(parameter))
                {
                    names.Add(parameter);
                }
            }

            return names.Count == 0 ? new[] { "nothing" } : names.ToArray();
        }
    }
}
