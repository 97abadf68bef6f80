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
    /// </summary>
    /// <example title="Show the session">
    /// <code>Get-PartnerCenterContext</code>
    /// </example>
    /// <example title="Connect only when there is no session yet">
    /// <code><![CDATA[
    /// if (-not (Get-PartnerCenterContext)) {
    ///     Connect-PartnerCenter -ApplicationId '<public client app id>' -Tenant '<tenant>' -ContextScope CurrentUser
    /// }
    /// ]]></code>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerCenterContext")]
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
