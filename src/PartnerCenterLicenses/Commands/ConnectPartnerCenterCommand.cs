using System;
using System.Management.Automation;
using System.Security;
using PartnerCenterLicenses.Authentication;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Connects to Partner Center with App+User credentials.</para>
    /// <para type="description">Opens the session that the other cmdlets use. With -RefreshToken it follows the secure
    /// application model: the application (its id, and its secret in -Credential) redeems a refresh token obtained once with
    /// consent, without prompting, which suits runbooks. With -AccessToken it uses a token you already have, until it expires.
    /// Tokens are kept in memory and renewed silently until Disconnect-PartnerCenter or the end of the process.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "PartnerCenter", DefaultParameterSetName = RefreshTokenSet)]
    [OutputType(typeof(PartnerCenterContext))]
    public sealed class ConnectPartnerCenterCommand : PartnerCenterCmdlet
    {
        private const string RefreshTokenSet = "RefreshToken";
        private const string AccessTokenSet = "AccessToken";

        /// <summary>
        /// <para type="description">The application (client) id registered in Microsoft Entra ID.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = RefreshTokenSet, HelpMessage = "Application (client) id of the app registration.")]
        [ValidateNotNullOrEmpty]
        public string ApplicationId { get; set; }

        /// <summary>
        /// <para type="description">The application's credential: user name = application id, password = client secret.
        /// Omit it for a public client application.</para>
        /// </summary>
        [Parameter(ParameterSetName = RefreshTokenSet, HelpMessage = "User name: application id; password: client secret.")]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        /// <summary>
        /// <para type="description">The refresh token obtained with the secure application model. A plain string is accepted.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = RefreshTokenSet, HelpMessage = "Refresh token for the application and a partner user.")]
        [SecureStringTransformation]
        [ValidateNotNull]
        public SecureString RefreshToken { get; set; }

        /// <summary>
        /// <para type="description">An App+User access token for Partner Center that you already have. A plain string is accepted.
        /// It is used until it expires and is not renewed.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet, HelpMessage = "Access token for the Partner Center API.")]
        [SecureStringTransformation]
        [ValidateNotNull]
        public SecureString AccessToken { get; set; }

        /// <summary>
        /// <para type="description">The tenant id or domain of the partner. Defaults to 'organizations' (the user's home tenant).</para>
        /// </summary>
        [Parameter(ParameterSetName = RefreshTokenSet)]
        [Parameter(ParameterSetName = AccessTokenSet)]
        [Alias("Domain", "TenantId")]
        [ValidateNotNullOrEmpty]
        public string Tenant { get; set; }

        /// <summary>
        /// <para type="description">The cloud to connect to: AzureCloud (default), AzureChinaCloud, AzureUSGovernment,
        /// or a name added with Add-PartnerCenterEnvironment.</para>
        /// </summary>
        [Parameter]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Environment { get; set; } = PartnerCenterEnvironments.AzureCloud;

        /// <summary>Connects and writes the new context.</summary>
        protected override void ProcessRecord()
        {
            PartnerCenterEnvironment environment;
            try
            {
                environment = PartnerCenterEnvironments.Get(Environment);
            }
            catch (PartnerCenterException e)
            {
                ThrowTerminating(e, Environment);
                return;
            }

            var request = new ConnectRequest { Environment = environment, Tenant = Tenant };
            if (ParameterSetName == AccessTokenSet)
            {
                request.Flow = PartnerCenterAuthenticationType.AccessToken;
                request.AccessToken = AccessToken;
            }
            else
            {
                request.Flow = PartnerCenterAuthenticationType.RefreshToken;
                request.ApplicationId = ApplicationId;
                request.RefreshToken = RefreshToken;
                if (Credential != null)
                {
                    if (!string.IsNullOrEmpty(Credential.UserName)
                        && !string.Equals(Credential.UserName, ApplicationId, StringComparison.OrdinalIgnoreCase))
                    {
                        ThrowTerminating(new PartnerCenterException(
                            PartnerCenterErrorIds.InvalidArgument,
                            PartnerCenterErrorKind.InvalidArgument,
                            "-Credential names application '" + Credential.UserName + "' but -ApplicationId is '" + ApplicationId
                            + "'. The credential's user name must be the application id and its password the client secret."),
                            Credential.UserName);
                    }

                    request.ClientSecret = Credential.Password;
                }
            }

            WriteVerbose("Connecting to Partner Center in " + environment.Name + " (" + environment.PartnerCenterEndpoint + ").");
            PartnerCenterContext context = Await(Engine.ConnectAsync(request, Log, StopToken));
            WriteObject(context);
        }
    }
}
