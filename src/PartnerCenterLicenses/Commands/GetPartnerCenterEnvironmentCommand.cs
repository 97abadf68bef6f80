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
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="List the environments">
    /// <code>Get-PartnerCenterEnvironment</code>
    /// </example>
    /// <example title="Get one environment by name">
    /// <code>Get-PartnerCenterEnvironment AzureChinaCloud</code>
    /// </example>
    /// <example title="Runbook: connect to the cloud an automation variable names">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $environment = Get-PartnerCenterEnvironment -Name (Get-AutomationVariable -Name 'PartnerCenterEnvironment')
    /// Write-Output "Connecting to $($environment.Name): $($environment.PartnerCenterEndpoint)"
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -Environment $environment.Name -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Get-PartnerLicenseDeployment | Export-Csv -Path ./deployment.csv -NoTypeInformation
    /// ]]></code>
    /// <para>An unknown name writes PartnerCenter.UnknownEnvironment, listing the known ones, and ends the runbook before
    /// any sign-in.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "PartnerCenterEnvironment", HelpUri = HelpPages.Base + "Get-PartnerCenterEnvironment.md")]
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
