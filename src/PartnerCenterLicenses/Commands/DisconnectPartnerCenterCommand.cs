using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Ends the Partner Center session and forgets its tokens.</para>
    /// <para type="description">After it, cmdlets that call Partner Center fail with PartnerCenter.NotConnected until
    /// Connect-PartnerCenter runs again. Running it without a session does nothing.</para>
    /// <para type="description">A session connected with -ContextScope CurrentUser also has its tokens removed from the
    /// user's token cache, so a later process does not reconnect silently.</para>
    /// <para type="link">Connect-PartnerCenter</para>
    /// <para type="link">Get-PartnerCenterContext</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="End the session">
    /// <code>Disconnect-PartnerCenter</code>
    /// </example>
    /// <example title="Runbook: sign out at the end, whatever happens">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// try {
    ///     Get-PartnerLicenseDeployment | Export-Csv -Path ./deployment.csv -NoTypeInformation
    /// }
    /// finally {
    ///     Disconnect-PartnerCenter
    /// }
    /// ]]></code>
    /// <para>The tokens are forgotten even when the report fails.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Disconnect, "PartnerCenter", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpPages.Base + "Disconnect-PartnerCenter.md")]
    [OutputType(typeof(void))]
    public sealed class DisconnectPartnerCenterCommand : PartnerCenterCmdlet
    {
        /// <summary>Ends the session.</summary>
        protected override void ProcessRecord()
        {
            // Without a loaded engine there is no session to end, and no reason to load MSAL.
            PartnerCenterContext context = EngineLoader.IsLoaded ? Engine.CurrentContext : null;
            if (context == null)
            {
                WriteVerbose("There was no Partner Center session to end.");
                return;
            }

            if (!ShouldProcess("Partner Center session " + context, "Disconnect"))
            {
                return;
            }

            if (Engine.Disconnect())
            {
                WriteVerbose("Disconnected from Partner Center; the session's tokens are forgotten.");
            }
            else
            {
                WriteVerbose("There was no Partner Center session to end.");
            }
        }
    }
}
