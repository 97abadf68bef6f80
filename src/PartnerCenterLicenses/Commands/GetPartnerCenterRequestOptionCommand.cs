using System.Management.Automation;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the timeout, retry and response-size options Partner Center requests use in this PowerShell process.</para>
    /// <para type="description">Writes the options in force: the timeout of one request (Timeout), how often a transient
    /// failure is retried (MaxRetryCount), the most time spent waiting between attempts (MaxRetryWait), the first
    /// back-off delay (RetryBaseDelay), the longest JSON string or number a response may hold (MaxFieldLength) and
    /// the most pages one read follows (MaxPageCount). Set-PartnerCenterRequestOption changes them; piping the object to it restores them.</para>
    /// <para type="link">Set-PartnerCenterRequestOption</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Show the options in force">
    /// <code>Get-PartnerCenterRequestOption</code>
    /// </example>
    /// <example title="Runbook: set the options from automation variables and log them">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// Set-PartnerCenterRequestOption -TimeoutSec (Get-AutomationVariable -Name 'PartnerCenterTimeoutSec')
    /// Get-PartnerCenterRequestOption | Format-List | Out-String | Write-Output
    /// ]]></code>
    /// <para>The job output shows the options every request of the runbook uses. A value out of range ends the runbook
    /// before any request.</para>
    /// </example>
    /// <example title="Allow longer requests for one report, then restore the options">
    /// <code><![CDATA[
    /// $saved = Get-PartnerCenterRequestOption
    /// Set-PartnerCenterRequestOption -TimeoutSec 300
    /// try { Get-PartnerLicenseDeployment | Export-Csv -Path ./deployment.csv -NoTypeInformation }
    /// finally { $saved | Set-PartnerCenterRequestOption }
    /// ]]></code>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerCenterRequestOption", HelpUri = HelpPages.Base + "Get-PartnerCenterRequestOption.md")]
    [OutputType(typeof(PartnerCenterRequestOptions))]
    public sealed class GetPartnerCenterRequestOptionCommand : PartnerCenterCmdlet
    {
        /// <summary>Writes the options in force.</summary>
        protected override void ProcessRecord()
        {
            WriteObject(PartnerCenterRequestOptions.Current);
        }
    }
}
