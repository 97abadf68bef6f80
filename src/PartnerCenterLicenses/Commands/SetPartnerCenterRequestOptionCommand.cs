using System;
using System.Management.Automation;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Sets the timeout, retry and response-size options of Partner Center requests for this PowerShell process.</para>
    /// <para type="description">Transient failures (HTTP 408, 429, 500, 502, 503, 504, broken connections and timeouts) are
    /// retried with exponential back-off and jitter, honouring Retry-After. Parameters left out keep their current value;
    /// -Default restores the defaults (100 s timeout, 4 retries, 120 s of waiting in all, 1 s first delay, fields of up to
    /// 1,048,576 characters, reads of up to 100,000 pages).</para>
    /// <para type="description">Each retry is written to the verbose stream with the status and the request's
    /// MS-RequestId. A call takes the options in force when it starts.</para>
    /// <para type="description">The parameters also bind by property name from the object Get-PartnerCenterRequestOption
    /// writes (Timeout, MaxRetryCount, MaxRetryWait, RetryBaseDelay, MaxFieldLength, MaxPageCount), and the seconds parameters accept a
    /// TimeSpan, so saved options can be piped back.</para>
    /// <para type="link">Get-PartnerCenterRequestOption</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Longer timeout and more retries">
    /// <code>Set-PartnerCenterRequestOption -TimeoutSec 300 -MaximumRetryCount 6 -PassThru</code>
    /// <para>Changes two options, keeps the others, and writes the options now in force.</para>
    /// </example>
    /// <example title="Runbook: more patience for a long report">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// Set-PartnerCenterRequestOption -TimeoutSec 300 -MaximumRetryCount 8 -MaximumRetryWaitSec 600
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Invoke-PartnerCenterRequest -Path /v1/customers -All |
    ///     Get-PartnerLicenseDeployment -ThrottleLimit 16 -ErrorAction Stop |
    ///     Export-Csv -Path ./customer-deployment.csv -NoTypeInformation
    /// ]]></code>
    /// <para>Throttled or failing requests are retried up to 8 times, waiting up to 10 minutes in all, before the runbook
    /// ends with PartnerCenter.Throttled or PartnerCenter.ServiceError. The options last as long as the process.</para>
    /// </example>
    /// <example title="Back to the defaults">
    /// <code>Set-PartnerCenterRequestOption -Default</code>
    /// </example>
    /// <example title="Restore options saved earlier">
    /// <code><![CDATA[
    /// $saved = Get-PartnerCenterRequestOption
    /// Set-PartnerCenterRequestOption -TimeoutSec 300
    /// try { Get-PartnerLicenseDeployment | Export-Csv -Path ./deployment.csv -NoTypeInformation }
    /// finally { $saved | Set-PartnerCenterRequestOption }
    /// ]]></code>
    /// <para>Every option comes back as it was.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "PartnerCenterRequestOption", DefaultParameterSetName = ValuesSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpPages.Base + "Set-PartnerCenterRequestOption.md")]
    [OutputType(typeof(PartnerCenterRequestOptions))]
    public sealed class SetPartnerCenterRequestOptionCommand : PartnerCenterCmdlet
    {
        private const string ValuesSet = "Values";
        private const string DefaultSet = "Default";

        /// <summary><para type="description">Seconds the module waits for an answer to a request, and again for each stall
        /// while a response body arrives; time the pipeline spends on objects already read does not count. Token
        /// requests to Entra ID, renewals included, use it too. A TimeSpan is
        /// accepted too; bound from the Timeout property of piped options.</para></summary>
        [Parameter(ParameterSetName = ValuesSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Timeout")]
        [SecondsTransformation]
        [ValidateRange(1, 3600)]
        public double TimeoutSec { get; set; }

        /// <summary><para type="description">How many times a transient failure is retried (0 turns retries off); bound
        /// from the MaxRetryCount property of piped options.</para></summary>
        [Parameter(ParameterSetName = ValuesSet, ValueFromPipelineByPropertyName = true)]
        [Alias("MaxRetryCount")]
        [ValidateRange(0, 20)]
        public int MaximumRetryCount { get; set; }

        /// <summary><para type="description">The most seconds spent waiting between attempts, added up. A TimeSpan is
        /// accepted too; bound from the MaxRetryWait property of piped options.</para></summary>
        [Parameter(ParameterSetName = ValuesSet, ValueFromPipelineByPropertyName = true)]
        [Alias("MaxRetryWait")]
        [SecondsTransformation]
        [ValidateRange(0, 3600)]
        public double MaximumRetryWaitSec { get; set; }

        /// <summary><para type="description">The first back-off delay in seconds; it doubles with each retry. A TimeSpan is
        /// accepted too; bound from the RetryBaseDelay property of piped options.</para></summary>
        [Parameter(ParameterSetName = ValuesSet, ValueFromPipelineByPropertyName = true)]
        [Alias("RetryBaseDelay")]
        [SecondsTransformation]
        [ValidateRange(0, 60)]
        public double RetryIntervalSec { get; set; }

        /// <summary><para type="description">The most characters a single JSON string or number in a response may have
        /// (default 1,048,576); a longer one ends the call with PartnerCenter.InvalidResponse instead of filling memory.
        /// Bound from the MaxFieldLength property of piped options.</para></summary>
        [Parameter(ParameterSetName = ValuesSet, ValueFromPipelineByPropertyName = true)]
        [Alias("MaxFieldLength")]
        [ValidateRange(1024, int.MaxValue)]
        public int MaximumFieldLength { get; set; }

        /// <summary><para type="description">The most pages one read follows (default 100,000: a billion rows of
        /// analytics at 10,000 a page); a response linking past it ends the call with PartnerCenter.InvalidResponse, so
        /// a server whose next links never end cannot keep the module asking. Bound from the MaxPageCount property of
        /// piped options.</para></summary>
        [Parameter(ParameterSetName = ValuesSet, ValueFromPipelineByPropertyName = true)]
        [Alias("MaxPageCount")]
        [ValidateRange(1, int.MaxValue)]
        public int MaximumPageCount { get; set; }

        /// <summary><para type="description">Restores the default options.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = DefaultSet)]
        public SwitchParameter Default { get; set; }

        /// <summary><para type="description">Writes the options now in force.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Replaces the options in force.</summary>
        protected override void ProcessRecord()
        {
            PartnerCenterRequestOptions current = PartnerCenterRequestOptions.Current;
            PartnerCenterRequestOptions next = Default.IsPresent
                ? PartnerCenterRequestOptions.Default
                : new PartnerCenterRequestOptions(
                    Bound(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : current.Timeout,
                    Bound(nameof(MaximumRetryCount)) ? MaximumRetryCount : current.MaxRetryCount,
                    Bound(nameof(MaximumRetryWaitSec)) ? TimeSpan.FromSeconds(MaximumRetryWaitSec) : current.MaxRetryWait,
                    Bound(nameof(RetryIntervalSec)) ? TimeSpan.FromSeconds(RetryIntervalSec) : current.RetryBaseDelay,
                    Bound(nameof(MaximumFieldLength)) ? MaximumFieldLength : current.MaxFieldLength,
                    Bound(nameof(MaximumPageCount)) ? MaximumPageCount : current.MaxPageCount);

            if (!ShouldProcess(next.ToString(), "Set Partner Center request options"))
            {
                return;
            }

            PartnerCenterRequestOptions.Current = next;
            WriteVerbose("Partner Center request options: " + next + ".");
            if (PassThru.IsPresent)
            {
                WriteObject(next);
            }
        }

        private bool Bound(string name)
        {
            return MyInvocation.BoundParameters.ContainsKey(name);
        }
    }
}
