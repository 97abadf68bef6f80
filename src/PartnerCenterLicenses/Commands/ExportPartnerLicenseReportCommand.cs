using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Text;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;
using PartnerCenterLicenses.Reporting;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Writes a license report as one self-contained HTML file: where the licenses sold are not deployed, with charts and sortable tables.</para>
    /// <para type="description">Takes the module's own objects from the pipeline: customer-level deployment and usage (Get-PartnerLicenseDeployment
    /// and Get-PartnerLicenseUsage with -CustomerId), Partner Center's totals (the same cmdlets without -CustomerId), commercial deployment and
    /// usage (Get-PartnerCommercialLicenseDeployment, Get-PartnerCommercialLicenseUsage) and insights seats (Get-PartnerSeatDeployment); they may
    /// be mixed. Without pipeline input, it reads every customer's commercial deployment and usage through the connected session (one paged
    /// call each, the same as Get-PartnerCommercialLicenseDeployment and Get-PartnerCommercialLicenseUsage). An empty pipeline writes a page
    /// that says there is no data.</para>
    /// <para type="description">The page shows the licenses sold, deployed and not deployed as of Partner Center's processed date, customers and
    /// products ranked by licenses not deployed (a bar chart of the top 10 and a table of all), the share deployed per service and used per
    /// workload, and every customer and product. Tables sort by their headings and filter by name, 50 rows at a time, so 100,000 rows stay
    /// quick. Numbers are written in -Culture (default: the session's culture), dates in UTC. The charts are inline SVG drawn by the module;
    /// the file loads nothing from anywhere: its Content-Security-Policy allows only its own inline style and script. Names are shown as text,
    /// never as markup. It prints on A4 and Letter.</para>
    /// <para type="description">An existing file is replaced only with -Force (otherwise PartnerCenter.FileExists, before anything is read).
    /// Input that is not one of the objects above is refused with PartnerCenter.ReportInputNotSupported, one error per object, and the report
    /// is still written from the rest.</para>
    /// <para type="link">Get-PartnerCommercialLicenseDeployment</para>
    /// <para type="link">Get-PartnerLicenseDeployment</para>
    /// <para type="link">Get-PartnerSeatDeployment</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Every customer's licenses, from the connected session">
    /// <code>Export-PartnerLicenseReport -Path ./licenses.html -Open</code>
    /// <para>Reads the commercial deployment and usage of every customer, writes licenses.html and opens it in the default browser.</para>
    /// </example>
    /// <example title="Customer-level deployment of the customers in a file, in German number format">
    /// <code>Get-Content ./customer-ids.txt | Get-PartnerLicenseDeployment | Export-PartnerLicenseReport -Path ./licenses.html -Culture de-DE -Force</code>
    /// <para>Each customer's deployment per product, read at most 8 customers at a time; 1.234,5 style numbers; an older report is replaced.</para>
    /// </example>
    /// <example title="Runbook: the weekly report, with its headline">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// $summary = Export-PartnerLicenseReport -Path "$env:TEMP/licenses-$(Get-Date -Format yyyy-MM-dd).html" -Culture en-GB -PassThru
    /// "$($summary.LicensesNotDeployed) of $($summary.LicensesSold) licenses not deployed at $($summary.Customers) customers"
    /// ]]></code>
    /// <para>-PassThru writes a PartnerLicenseReportSummary: the figures of the report's headline and the file's path, for a mail's subject
    /// or a log line. -Open would only warn here: nobody is behind a runbook. examples/WeeklyLicenseReportRunbook.ps1 mails the file or
    /// stores it in a storage account.</para>
    /// </example>
    [Cmdlet(VerbsData.Export, "PartnerLicenseReport", SupportsShouldProcess = true, HelpUri = HelpPages.Base + "Export-PartnerLicenseReport.md")]
    [OutputType(typeof(PartnerLicenseReportSummary))]
    public sealed class ExportPartnerLicenseReportCommand : PartnerCenterCmdlet
    {
        private readonly LicenseReport _report = new LicenseReport();
        private string _path;
        private int _rows;
        private bool _sawInput;

        /// <summary>
        /// <para type="description">The HTML file to write. An existing file is replaced only with -Force.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>
        /// <para type="description">The rows to report on: the objects of Get-PartnerLicenseDeployment, Get-PartnerLicenseUsage,
        /// Get-PartnerCommercialLicenseDeployment, Get-PartnerCommercialLicenseUsage and Get-PartnerSeatDeployment.</para>
        /// </summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject InputObject { get; set; }

        /// <summary>
        /// <para type="description">The culture numbers and dates are written in, for example en-US or de-DE. Default: the session's culture.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNull]
        public CultureInfo Culture { get; set; }

        /// <summary>
        /// <para type="description">The page's title and first heading. Default: License deployment report.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Title { get; set; }

        /// <summary>
        /// <para type="description">Replaces an existing file.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// <para type="description">Writes a PartnerLicenseReportSummary: the report's headline figures and the file's path.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>
        /// <para type="description">Opens the file in the default browser. Where no person is behind the host (a runbook, a service,
        /// pwsh -NonInteractive) or there is no desktop, the file is written and a warning says it was not opened.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Open { get; set; }

        /// <summary>Checks the path before anything is read, so a refused file costs no call.</summary>
        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (File.Exists(_path) && !Force.IsPresent)
            {
                ThrowTerminatingError(ToErrorRecord(
                    new PartnerCenterException(PartnerCenterErrorIds.FileExists, PartnerCenterErrorKind.InvalidArgument, "The file " + _path + " already exists; no report was written.")
                    {
                        RecommendedAction = "Add -Force to replace it, or choose another -Path.",
                    },
                    _path));
            }
        }

        /// <summary>Adds one input object's figures to the report.</summary>
        protected override void ProcessRecord()
        {
            if (!MyInvocation.BoundParameters.ContainsKey(nameof(InputObject)))
            {
                return;
            }

            _sawInput = true;
            object item = InputObject?.BaseObject;
            if (!Add(item))
            {
                string type = item == null ? "$null" : item.GetType().FullName;
                WriteError(ToErrorRecord(
                    new PartnerCenterException(
                        PartnerCenterErrorIds.ReportInputNotSupported,
                        PartnerCenterErrorKind.InvalidArgument,
                        "Export-PartnerLicenseReport cannot report on a " + type + "; it was left out.")
                    {
                        RecommendedAction = "Pipe the objects of Get-PartnerLicenseDeployment, Get-PartnerLicenseUsage, Get-PartnerCommercialLicenseDeployment, "
                            + "Get-PartnerCommercialLicenseUsage or Get-PartnerSeatDeployment, or give no input to read the commercial analytics.",
                    },
                    item));
            }
        }

        /// <summary>Reads the commercial analytics when nothing was piped, then writes the file.</summary>
        protected override void EndProcessing()
        {
            // Asked first: -WhatIf neither writes the file nor reads Partner Center for it.
            if (!ShouldProcess(_path, "Write license report"))
            {
                return;
            }

            if (!_sawInput && !MyInvocation.ExpectingInput)
            {
                ReadAll(CommercialLicenseDeployment.Resource);
                ReadAll(CommercialLicenseUsage.Resource);
            }

            DateTimeOffset written = DateTimeOffset.UtcNow;
            CultureInfo culture = Culture ?? CultureInfo.CurrentCulture;
            var page = new LicenseReportPage(_report, culture, Title, written);
            Write(page);

            if (PassThru.IsPresent)
            {
                long? tenths = ReportNumbers.Tenths(_report.Deployed, _report.Sold);
                WriteObject(new PartnerLicenseReportSummary(
                    _path,
                    _report.CustomerCount,
                    _report.Products().Count,
                    _rows,
                    _report.Sold,
                    _report.Deployed,
                    _report.Undeployed,
                    tenths / 10.0,
                    _report.ProcessedAt,
                    written,
                    culture.Name));
            }

            if (Open.IsPresent)
            {
                OpenInBrowser();
            }
        }

        private void ReadAll<T>(PartnerCenterResource<T> resource)
        {
            using (IItemStream<T> stream = Session.Read(resource.Request(), NewCall(), Log, StopToken))
            {
                while (Next(stream))
                {
                    Add(stream.Current);
                }
            }
        }

        private bool Add(object item)
        {
            switch (item)
            {
                case CustomerLicensesDeploymentInsights d:
                    _report.AddDeployment(d.CustomerId, d.CustomerName, d.ProductName, d.ServiceName, d.LicensesSold, d.LicensesDeployed, d.ProcessedDateTime);
                    break;
                case CommercialLicenseDeployment d:
                    _report.AddDeployment(d.CustomerTenantId, d.CustomerName, d.ProductName, d.ServiceName, d.LicensesSold, d.LicensesDeployed, d.ProcessedDateTime);
                    break;
                case PartnerSeatDeployment s:
                    _report.AddDeployment(s.CustomerTenantId, s.CustomerName, s.Product, null, s.SoldSeats, s.AssignedSeats, null);
                    break;
                case CustomerLicensesUsageInsights u:
                    _report.AddUsage(u.CustomerId, u.CustomerName, u.ProductName, u.ServiceName, u.WorkloadName, u.LicensesActive, u.LicensesQualified, u.ProcessedDateTime);
                    break;
                case CommercialLicenseUsage u:
                    _report.AddUsage(u.CustomerTenantId, u.CustomerName, u.ProductName, u.ServiceName, u.WorkloadName, u.LicensesActive, u.LicensesQualified, u.ProcessedDateTime);
                    break;
                case PartnerLicensesDeploymentInsights p:
                    _report.AddPartnerDeployment(p.ServiceName, p.Channel, p.LicensesSold, p.ProratedDeploymentPercent, p.ProcessedDateTime);
                    break;
                case PartnerLicensesUsageInsights p:
                    _report.AddPartnerUsage(p.ServiceName, p.Channel, p.WorkloadName, p.ProratedLicensesUsagePercent, p.ProcessedDateTime);
                    break;
                default:
                    return false;
            }

            _rows++;
            return true;
        }

        // Written beside the target and moved into place when whole, so a failure never leaves half a report
        // where the last good one was.
        private void Write(LicenseReportPage page)
        {
            string directory = System.IO.Path.GetDirectoryName(_path);
            string partial = System.IO.Path.Combine(directory ?? ".", "." + System.IO.Path.GetFileName(_path) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".partial");
            try
            {
                using (var writer = new StreamWriter(partial, false, new UTF8Encoding(false)))
                {
                    page.WriteTo(writer);
                }

                if (File.Exists(_path))
                {
                    if (!Force.IsPresent)
                    {
                        throw new IOException("The file " + _path + " appeared while the report was being written.");
                    }

                    File.Delete(_path);
                }

                File.Move(partial, _path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is NotSupportedException || e is System.Security.SecurityException)
            {
                TryDelete(partial);
                ThrowTerminatingError(ToErrorRecord(
                    new PartnerCenterException(PartnerCenterErrorIds.ReportNotWritten, PartnerCenterErrorKind.InvalidArgument, "The report could not be written to " + _path + ": " + e.Message, e)
                    {
                        RecommendedAction = "Check that the folder exists and can be written, or choose another -Path.",
                    },
                    _path));
            }
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // Left behind as a hidden .partial file beside the target; nothing more can be done.
            }
        }

        private void OpenInBrowser()
        {
            if (!HostIsInteractive() || !HasDesktop())
            {
                WriteWarning("-Open: the report was written to " + _path + " but not opened: no person is behind this host (a runbook, a service or "
                    + "pwsh -NonInteractive) or there is no desktop to show a browser on.");
                return;
            }

            ProcessStartInfo start;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                start = new ProcessStartInfo(_path) { UseShellExecute = true };
            }
            else
            {
                start = new ProcessStartInfo(RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "open" : "xdg-open", "\"" + _path.Replace("\"", "\\\"") + "\"")
                {
                    // The browser must not write into the PowerShell session's console.
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
            }

            try
            {
                using (Process.Start(start))
                {
                }
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException || e is FileNotFoundException)
            {
                WriteWarning("-Open: the report was written to " + _path + " but no browser could be started (" + e.Message + ").");
            }
        }

        private static bool HasDesktop()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return Environment.UserInteractive;
            }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                return string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SSH_CONNECTION"));
            }

            return !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
                || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
        }
    }
}
