using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the current Partner Center session's context, or nothing when not connected.</para>
    /// </summary>
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
