using System;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Adds a custom Partner Center environment for this PowerShell process.</para>
    /// <para type="description">Use it for private endpoints, or to point the module at the project's emulator.
    /// Both URLs must be HTTPS. Custom environments are not validated against Microsoft's list of authorities.</para>
    /// <para type="description">Tokens for a custom environment are requested for https://api.partnercenter.microsoft.com
    /// unless -PartnerCenterAudience says otherwise, and its authority is used as given (no instance discovery against
    /// Microsoft's hosts). The environment lasts as long as the process. Adding one with the name of a custom
    /// environment replaces it. The name is used without its surrounding spaces; the built-in names, names that read as
    /// one of them (differing only in case or spaces), and names with control or invisible characters are refused with
    /// PartnerCenter.InvalidEnvironment.</para>
    /// <para type="link">Get-PartnerCenterEnvironment</para>
    /// <para type="link">Connect-PartnerCenter</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Connect through a private endpoint">
    /// <code><![CDATA[
    /// Add-PartnerCenterEnvironment -Name Private -ActiveDirectoryAuthority https://login.example.net -PartnerCenterEndpoint https://pc-proxy.example.net
    /// Connect-PartnerCenter -Environment Private -ApplicationId '<app id>' -Credential $credential -RefreshToken $refreshToken -Tenant '<tenant>'
    /// ]]></code>
    /// <para>Adds the environment Private for this process, and connects to it.</para>
    /// </example>
    /// <example title="Runbook: a private endpoint named in automation variables">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $null = Add-PartnerCenterEnvironment -Name Private `
    ///     -ActiveDirectoryAuthority (Get-AutomationVariable -Name 'PrivateAuthority') `
    ///     -PartnerCenterEndpoint (Get-AutomationVariable -Name 'PrivateEndpoint')
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -Environment Private -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Get-PartnerLicenseDeployment | Export-Csv -Path ./deployment.csv -NoTypeInformation
    /// ]]></code>
    /// <para>An environment lasts as long as the process, and each runbook job is a new process, so the runbook adds it
    /// every time, before connecting. A URL that is not HTTPS ends the runbook with PartnerCenter.InvalidEnvironment.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Add, "PartnerCenterEnvironment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpPages.Base + "Add-PartnerCenterEnvironment.md")]
    [OutputType(typeof(PartnerCenterEnvironment))]
    public sealed class AddPartnerCenterEnvironmentCommand : PartnerCenterCmdlet
    {
        /// <summary><para type="description">The name to pass to -Environment. It cannot be, or read as, a built-in name.</para></summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        /// <summary><para type="description">The Entra ID authority host, for example https://login.microsoftonline.com.</para></summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNull]
        public Uri ActiveDirectoryAuthority { get; set; }

        /// <summary><para type="description">The Partner Center API base URL, for example https://api.partnercenter.microsoft.com.</para></summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNull]
        public Uri PartnerCenterEndpoint { get; set; }

        /// <summary><para type="description">The resource to request tokens for; defaults to https://api.partnercenter.microsoft.com, the Partner Center API's resource.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string PartnerCenterAudience { get; set; }

        /// <summary>Adds the environment and writes it.</summary>
        protected override void ProcessRecord()
        {
            try
            {
                // Checked before asking, so -WhatIf reports a name or URL that would be refused.
                PartnerCenterEnvironment environment = PartnerCenterEnvironments.Create(Name, ActiveDirectoryAuthority, PartnerCenterEndpoint, PartnerCenterAudience);
                string target = environment.Name + " (" + environment.ActiveDirectoryAuthority + ", " + environment.PartnerCenterEndpoint + ")";
                if (ShouldProcess(target, "Add Partner Center environment"))
                {
                    WriteObject(PartnerCenterEnvironments.Register(environment));
                }
            }
            catch (PartnerCenterException e)
            {
                ThrowTerminating(e, Name);
            }
        }
    }
}
