using System.Management.Automation;
using PartnerCenterLicenses.Authentication;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the Partner Center environments this process knows, or one by name.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "PartnerCenterEnvironment")]
    [OutputType(typeof(PartnerCenterEnvironment))]
    public sealed class GetPartnerCenterEnvironmentCommand : PartnerCenterCmdlet
    {
        /// <summary><para type="description">The environment's name. Omit it to list all.</para></summary>
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        /// <summary>Writes the environments.</summary>
        protected override void ProcessRecord()
        {
            if (Name == null)
            {
                WriteObject(PartnerCenterEnvironments.All, enumerateCollection: true);
                return;
            }

            try
            {
                WriteObject(PartnerCenterEnvironments.Get(Name));
            }
            catch (PartnerCenterException e)
            {
                WriteError(ToErrorRecord(e, Name));
            }
        }
    }
}
