using System.Management.Automation;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Ends the Partner Center session and forgets its tokens.</para>
    /// <para type="description">After it, cmdlets that call Partner Center fail with PartnerCenter.NotConnected until
    /// Connect-PartnerCenter runs again. Running it without a session does nothing.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Disconnect, "PartnerCenter")]
    [OutputType(typeof(void))]
    public sealed class DisconnectPartnerCenterCommand : PartnerCenterCmdlet
    {
        /// <summary>Ends the session.</summary>
        protected override void ProcessRecord()
        {
            // Without a loaded engine there is no session to end, and no reason to load MSAL.
            if (EngineLoader.IsLoaded && Engine.Disconnect())
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
