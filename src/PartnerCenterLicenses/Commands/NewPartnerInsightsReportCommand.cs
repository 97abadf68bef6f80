using System;
using System.Collections.Specialized;
using System.Management.Automation;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Schedules a Partner insights report: a report query run once now, or from a start time at an interval.</para>
    /// <para type="description">Calls POST /insights/v1/mpn/ScheduledReport and writes the new PartnerInsightsReport. -QueryId names
    /// the report query (a system query or one made with New-PartnerInsightsQuery; a query object piped in binds by its QueryId).
    /// -ExecuteNow makes a run-now report: one run, at once. Otherwise -StartTime says when the first run begins and
    /// -RecurrenceInterval (hours; at least the dataset's MinimumRecurrenceInterval, Get-PartnerInsightsDataset) and -RecurrenceCount
    /// how often it runs. Each run writes a CSV (the default) or TSV file; Get-PartnerInsightsReportExecution shows the runs and
    /// the link to each file.</para>
    /// <para type="description">Partner insights refuses a query id it does not know, a recurrence shorter than the dataset's minimum,
    /// or another value it does not take, with PartnerCenter.InvalidArgument and its message. -CallbackUrl must be an https URL;
    /// anything else is refused before anything is sent. -WhatIf shows what would be created and sends nothing.</para>
    /// <para type="link">Get-PartnerInsightsReportExecution</para>
    /// <para type="link">Get-PartnerInsightsReport</para>
    /// <para type="link">Get-PartnerInsightsDataset</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="A run-now report of a system query">
    /// <code>New-PartnerInsightsReport -QueryId c9fc1c79-4408-49ff-97f9-e1aa3f155804 -ReportName 'Seats now' -ExecuteNow</code>
    /// <para>Runs the SeatsSubscriptionsAndRevenue system query once, at once.</para>
    /// </example>
    /// <example title="Runbook: a run-now report of last month's seats">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// $report = New-PartnerInsightsReport -QueryId c9fc1c79-4408-49ff-97f9-e1aa3f155804 -ReportName 'Seats, last month' -ExecuteNow
    /// $report.ReportId
    /// ]]></code>
    /// <para>The user needs the Executive Report Viewer role; Get-PartnerInsightsReportExecution follows the run.</para>
    /// </example>
    /// <example title="A daily report, then its runs">
    /// <code><![CDATA[
    /// $report = New-PartnerInsightsReport -QueryId $queryId -ReportName 'Seats daily' -StartTime (Get-Date).AddHours(1) -RecurrenceInterval 24 -RecurrenceCount 30 -Format Tsv
    /// $report | Get-PartnerInsightsReportExecution
    /// ]]></code>
    /// <para>Thirty daily runs from an hour from now, as TSV files; the report's ReportId binds to Get-PartnerInsightsReportExecution.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "PartnerInsightsReport", DefaultParameterSetName = RunNowSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
        HelpUri = HelpPages.Base + "New-PartnerInsightsReport.md")]
    [OutputType(typeof(PartnerInsightsReport))]
    public sealed class NewPartnerInsightsReportCommand : InsightsReportCmdlet
    {
        private const string RunNowSet = "RunNow";
        private const string ScheduleSet = "Schedule";

        /// <summary>
        /// <para type="description">The id of the report query to run (a GUID). Binds by property name, so a query object
        /// (New-PartnerInsightsQuery, Get-PartnerInsightsQuery) can be piped in.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateInsightsId]
        public string QueryId { get; set; }

        /// <summary>
        /// <para type="description">The report's name. Without it the name is 'Report of query' and the query id.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ReportName { get; set; }

        /// <summary><para type="description">What the report is for.</para></summary>
        [Parameter]
        public string Description { get; set; }

        /// <summary>
        /// <para type="description">Makes a run-now report: it runs once, at once, and -StartTime and the recurrence do not apply.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = RunNowSet)]
        public SwitchParameter ExecuteNow { get; set; }

        /// <summary>
        /// <para type="description">When the first run begins. A time without a zone is local time; it is sent in UTC.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = ScheduleSet)]
        public DateTimeOffset StartTime { get; set; }

        /// <summary>
        /// <para type="description">Hours between runs; at least the dataset's MinimumRecurrenceInterval (Get-PartnerInsightsDataset).</para>
        /// </summary>
        [Parameter(ParameterSetName = ScheduleSet)]
        [ValidateRange(1, 100000)]
        public int RecurrenceInterval { get; set; }

        /// <summary><para type="description">How many times the report runs.</para></summary>
        [Parameter(ParameterSetName = ScheduleSet)]
        [ValidateRange(1, 100000)]
        public int RecurrenceCount { get; set; }

        /// <summary><para type="description">The files' format: Csv (the default) or Tsv.</para></summary>
        [Parameter]
        [ValidateSet("Csv", "Tsv", IgnoreCase = true)]
        public string Format { get; set; } = "Csv";

        /// <summary>
        /// <para type="description">An https address Partner insights calls when a run completes. Anything but an absolute https URL
        /// is refused before anything is sent.</para>
        /// </summary>
        [Parameter]
        [ValidateHttpsUrl]
        public string CallbackUrl { get; set; }

        /// <summary><para type="description">The method of the callback: GET (the default) or POST.</para></summary>
        [Parameter]
        [ValidateSet("GET", "POST", IgnoreCase = true)]
        public string CallbackMethod { get; set; }

        /// <summary>Creates the report, once the user agrees, and writes it.</summary>
        protected override void ProcessRecord()
        {
            string queryId = Id(QueryId);
            string name = ReportName ?? "Report of query " + queryId;
            if (!ShouldProcess("Partner insights report '" + name + "' of query " + queryId + (ExecuteNow ? ", run now" : ", from " + ServiceTime(StartTime)), "Create"))
            {
                return;
            }

            // "Create report API" request body: https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-create-report
            var body = new OrderedDictionary
            {
                ["ReportName"] = name,
                ["Description"] = Description,
                ["QueryId"] = queryId,
                ["ExecuteNow"] = ExecuteNow.IsPresent,
                ["Format"] = ServiceFormat(Format),
            };
            if (!ExecuteNow)
            {
                body["StartTime"] = ServiceTime(StartTime);
                if (MyInvocation.BoundParameters.ContainsKey(nameof(RecurrenceInterval)))
                {
                    body["RecurrenceInterval"] = RecurrenceInterval;
                }

                if (MyInvocation.BoundParameters.ContainsKey(nameof(RecurrenceCount)))
                {
                    body["RecurrenceCount"] = RecurrenceCount;
                }
            }

            if (CallbackUrl != null)
            {
                body["CallbackUrl"] = CallbackUrl;
                body["CallbackMethod"] = (CallbackMethod ?? "GET").ToUpperInvariant();
            }

            SendAndWrite("POST", ReportPath(), body);
        }
    }
}
