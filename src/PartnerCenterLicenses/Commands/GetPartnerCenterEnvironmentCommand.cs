using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the Partner Center environments this process knows, or one by name.</para>
    /// <para type="description">Lists the built-in clouds (AzureCloud, AzureChinaCloud, AzureUSGovernment) and those added
    /// with Add-PartnerCenterEnvironment in this process, each with its Entra ID authority and Partner Center API
    /// endpoint. With -Name it writes that one, or an error (PartnerCenter.UnknownEnvironment) naming the known
    /// ones.</para>
    /// <para type="link">Add-PartnerCenterEnvironment</para>
    /// <para type="link">Connect-PartnerCenter</para>
    /// </summary>
    /// <example title="List the environments">
    /// <code>Get-PartnerCenterEnvironment</code>
    /// </example>
    /// <example title="Get one environment by name">
    /// <code>Get-PartnerCenterEnvironment AzureChinaCloud</code>
    /// </example>
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
