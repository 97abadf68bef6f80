using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Downloads a completed Partner insights report execution's file and writes its rows, typed, or saves the file.</para>
    /// <para type="description">Takes a PartnerInsightsReportExecution from the pipeline (Get-PartnerInsightsReportExecution), or -ReportId and
    /// -ExecutionId, and reads the file behind the execution's secure link as it arrives: one object per row, whose properties are the file's
    /// columns in order. Counts of seats, units, users and customers are Int64, revenue and percentages Double, months and subscription dates UTC
    /// DateTimeOffset, from a table of the Partner insights columns (never guessed from the values); any other column is text, and an empty
    /// numeric or date value is $null. A value that does not fit its column is kept as text: the first one of a column is a warning naming its
    /// row, the others are counted in one warning at the end of the file. CSV and TSV files (the execution's Format, or the header line) with
    /// quoted fields, line breaks inside quotes and a byte order mark are read; memory stays flat however large the file.</para>
    /// <para type="description">-Path saves the file as it arrives instead (into a temporary file beside it, moved into place when whole) and
    /// writes the saved file's FileInfo; an existing file is replaced only with -Force.</para>
    /// <para type="description">The secure link is itself a credential: the download sends it no Authorization header and no Partner Center
    /// header, over HTTPS only, follows no redirect, and no message, error or object shows its query string (only host and path). A link
    /// that has expired (its ReportExpiryTime has passed, or the host answers 403) is read again from the execution once; if it is still
    /// refused, the command ends with PartnerCenter.ReportLinkExpired. An execution that is not Completed ends it with
    /// PartnerCenter.ReportNotReady (Pending, Running, Paused) or PartnerCenter.ReportFailed. The download has the timeout, retries and
    /// Ctrl+C of every call (Set-PartnerCenterRequestOption).</para>
    /// <para type="link">Get-PartnerInsightsDataset</para>
    /// <para type="link">Set-PartnerCenterRequestOption</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Customers with unassigned seats">
    /// <code>Receive-PartnerInsightsReport -ReportId $reportId -ExecutionId $executionId | Where-Object { $_.TotalAssignedSeats -lt $_.TotalSoldSeats }</code>
    /// <para>Reads the rows of one execution of a SeatsSubscriptionsAndRevenue report and keeps those with fewer assigned than sold seats;
    /// TotalSoldSeats and TotalAssignedSeats are Int64, so the comparison is numeric. An execution piped from
    /// Get-PartnerInsightsReportExecution works the same way.</para>
    /// </example>
    /// <example title="Save the file">
    /// <code>Receive-PartnerInsightsReport -ReportId $reportId -Path ./seats.csv -Force</code>
    /// <para>Saves the file of the report's latest completed execution to seats.csv, replacing an older copy, and writes its FileInfo.</para>
    /// </example>
    /// <example title="Runbook: last month's seats per customer to CSV">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Receive-PartnerInsightsReport -ReportId (Get-AutomationVariable -Name 'SeatsReportId') |
    ///     Select-Object CustomerName, Product, Month, TotalSoldSeats, TotalAssignedSeats |
    ///     Export-Csv -Path ./seats.csv -NoTypeInformation
    /// ]]></code>
    /// <para>Reads the latest completed execution of a scheduled report on SeatsSubscriptionsAndRevenue; a report whose link has expired is
    /// read again once, then the runbook stops with PartnerCenter.ReportLinkExpired.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Receive, "PartnerInsightsReport", DefaultParameterSetName = ExecutionSet, HelpUri = HelpPages.Base + "Receive-PartnerInsightsReport.md")]
    [OutputType(typeof(InsightsReportRow), typeof(FileInfo))]
    public sealed class ReceivePartnerInsightsReportCommand : PartnerCenterCmdlet
    {
        private const string ExecutionSet = "Execution";
        private const string IdSet = "Id";

        /// <summary>
        /// <para type="description">A report execution, from Get-PartnerInsightsReportExecution. It must be Completed.</para>
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ExecutionSet)]
        [ValidateNotNull]
        public PartnerInsightsReportExecution InputObject { get; set; }

        /// <summary>
        /// <para type="description">The id of the report (a GUID, checked before anything is sent); with -ExecutionId, the command gets the execution itself. Binds by property name.</para>
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = IdSet)]
        [ValidateInsightsId]
        public string ReportId { get; set; }

        /// <summary>
        /// <para type="description">The id of the execution (a GUID). Without it, the report's most recent completed execution is read.</para>
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = IdSet)]
        [ValidateInsightsId]
        public string ExecutionId { get; set; }

        /// <summary>
        /// <para type="description">Saves the file here instead of writing its rows, and writes the file's FileInfo.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>
        /// <para type="description">With -Path, replaces an existing file.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Gets the execution if needed, checks it, and reads or saves its file.</summary>
        protected override void ProcessRecord()
        {
            var receiver = new ReportReceiver(this);
            PartnerInsightsReportExecution execution = InputObject ?? receiver.Execution(ReportId, ExecutionId);
            receiver.Receive(execution, Path == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path), Force.IsPresent);
        }
    }
}
