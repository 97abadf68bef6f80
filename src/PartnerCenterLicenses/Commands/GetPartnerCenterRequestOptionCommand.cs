using System.Management.Automation;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the timeout and retry options Partner Center requests use in this PowerShell process.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "PartnerCenterRequestOption")]
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
