using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the current Partner Center session's context, or nothing when not connected.</para>
    /// <para type="description">Shows who is signed in, where and until when: the account, the tenant, the application,
    /// the environment, how the session signs in and when its token expires. It never shows a token, so its output is
    /// safe to print, log or export. Without a session it writes nothing.</para>
    /// <para type="link">Connect-PartnerCenter</para>
    /// <para type="link">Disconnect-PartnerCenter</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Show the session">
    /// <code>Get-PartnerCenterContext</code>
    /// </example>
    /// <example title="Runbook: say in the job output who the runbook signed in as">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken') | Out-Null
    /// $context = Get-PartnerCenterContext
    /// Write-Output "Signed in as $($context.Account) in tenant $($context.Tenant) ($($context.Environment)); token valid until $($context.TokenExpiresOn)."
    /// Get-PartnerLicenseDeployment | Export-Csv -Path ./deployment.csv -NoTypeInformation
    /// ]]></code>
    /// <para>The context holds no token, so it is safe to write to the job's output and logs.</para>
    /// </example>
    /// <example title="Connect only when there is no session yet">
    /// <code><![CDATA[
    /// if (-not (Get-PartnerCenterContext)) {
    ///     Connect-PartnerCenter -ApplicationId '<public client app id>' -Tenant '<tenant>' -ContextScope CurrentUser
    /// }
    /// ]]></code>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerCenterContext", HelpUri = HelpPages.Base + "Get-PartnerCenterContext.md")]
    [OutputType(typeof(PartnerCenterContext))]
    public sealed class GetPartnerCenterContextCommand : PartnerCenterCmdlet
    {
        /// <summary>Writes the context, if any.</summary>
        protected override void ProcessRecord()
        {
            PartnerCenterContext context = EngineLoader.IsLoaded ? Engine.CurrentContext : null;
            if (context != null)
            {
                WriteObject(context);
            }
        }
    }
}
