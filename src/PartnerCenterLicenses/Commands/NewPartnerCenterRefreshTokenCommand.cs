using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets a refresh token for the secure application model, or renews one.</para>
    /// <para type="description">An admin agent of the partner tenant signs in once as the application's user, in the system
    /// browser (the default) or with -UseDeviceAuthentication on another device with a code, and the cmdlet writes one
    /// PartnerCenterRefreshToken object: the refresh token as a SecureString, with the application id, the partner tenant's
    /// id, the account that signed in, the environment and when it was issued. No session is opened and no access token is
    /// written. Store the RefreshToken property in an encrypted automation variable, Key Vault or a SecretManagement
    /// vault, and give it to Connect-PartnerCenter -RefreshToken in runbooks.</para>
    /// <para type="description">With -RefreshToken, no one signs in: the application redeems the token it has and the cmdlet
    /// writes the new one Microsoft Entra ID rotated it to (the old one stays valid until it expires or is revoked). A runbook
    /// that renews its token and stores the new one at least once per token lifetime never has to ask a person again. An
    /// expired or revoked token ends with PartnerCenter.RefreshTokenExpired, whose recommended action is the command to
    /// sign in again.</para>
    /// <para type="description">The application proves itself as it does with Connect-PartnerCenter: a client secret in
    /// -Credential, a certificate with -CertificateThumbprint or -Certificate, or nothing for a public client. With a credential
    /// the browser sign-in is the application's confidential authorization code flow (with PKCE), answered on
    /// http://localhost:{free port}/, so http://localhost must be a redirect URI of the app registration. Device code is a
    /// public client flow, so the registration must allow public client flows; with a credential, the token is then redeemed
    /// once by the confidential application, which checks the credential before you store the token. The scope asked for is
    /// the environment's Partner Center user_impersonation and offline_access. Tokens are read from a token cache made for this
    /// one sign-in, in memory, and emptied afterwards: nothing is written to disk.</para>
    /// <para type="link">Connect-PartnerCenter</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Sign in once as an admin agent, in the browser">
    /// <code><![CDATA[
    /// $app = Get-Credential -UserName '<app id>' -Message 'Client secret'
    /// $token = New-PartnerCenterRefreshToken -ApplicationId '<app id>' -Credential $app -Tenant 'contoso.onmicrosoft.com'
    /// ]]></code>
    /// <para>The browser opens on Microsoft's sign-in page; sign in as an admin agent of the partner tenant and consent.
    /// $token.RefreshToken is the SecureString to store.</para>
    /// </example>
    /// <example title="Sign in with a code on another device">
    /// <code><![CDATA[
    /// $token = New-PartnerCenterRefreshToken -UseDeviceAuthentication -ApplicationId '<app id>' -Credential $app -Tenant 'contoso.onmicrosoft.com'
    /// ]]></code>
    /// <para>The code and the URL are written to the warning stream. The app registration must allow public client flows.</para>
    /// </example>
    /// <example title="Runbook: renew the stored token, store the new one, connect">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app   = Get-AutomationPSCredential -Name 'PartnerCenterApp'
    /// $token = New-PartnerCenterRefreshToken -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken') `
    ///     -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com'
    /// Set-AutomationVariable -Name 'PartnerCenterRefreshToken' -Value ([pscredential]::new('rt', $token.RefreshToken).GetNetworkCredential().Password)
    /// $token | Connect-PartnerCenter -Credential $app
    /// ]]></code>
    /// <para>The old token is redeemed and the rotated one written back to the encrypted variable (Automation variables
    /// hold strings, so its text exists only for that call), then piped to Connect-PartnerCenter, which takes
    /// ApplicationId, RefreshToken, Tenant and Environment from it.</para>
    /// </example>
    /// <example title="With a certificate instead of a secret">
    /// <code><![CDATA[
    /// New-PartnerCenterRefreshToken -ApplicationId '<app id>' -CertificateThumbprint '<thumbprint>' -Tenant '<tenant>'
    /// ]]></code>
    /// <para>The certificate is looked up in Cert:\CurrentUser\My, then Cert:\LocalMachine\My.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "PartnerCenterRefreshToken", DefaultParameterSetName = BrowserSet, HelpUri = HelpPages.Base + "New-PartnerCenterRefreshToken.md")]
    [OutputType(typeof(PartnerCenterRefreshToken))]
    public sealed class NewPartnerCenterRefreshTokenCommand : PartnerCenterCmdlet
    {
        private const string BrowserSet = "Browser";
        private const string DeviceCodeSet = "DeviceCode";
        private const string RefreshTokenSet = "RefreshToken";

        /// <summary>
        /// <para type="description">The application (client) id of the app registration in the partner tenant. The refresh token
        /// is issued to this application, and only it can redeem the token.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = BrowserSet, HelpMessage = "Application (client) id of the app registration.")]
        [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet, HelpMessage = "Application (client) id of the app registration.")]
        [Parameter(Mandatory = true, ParameterSetName = RefreshTokenSet, ValueFromPipelineByPropertyName = true, HelpMessage = "Application (client) id of the app registration.")]
        [ValidateNotNullOrEmpty]
        public string ApplicationId { get; set; }

        /// <summary>
        /// <para type="description">The application's credential: user name = application id, password = client secret. Omit it
        /// (and the certificate parameters) for a public client application.</para>
        /// </summary>
        [Parameter(ParameterSetName = BrowserSet)]
        [Parameter(ParameterSetName = DeviceCodeSet)]
        [Parameter(ParameterSetName = RefreshTokenSet)]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        /// <summary>
        /// <para type="description">The thumbprint of the application's certificate, looked up in Cert:\CurrentUser\My and then
        /// Cert:\LocalMachine\My; used instead of a client secret.</para>
        /// </summary>
        [Parameter(ParameterSetName = BrowserSet)]
        [Parameter(ParameterSetName = DeviceCodeSet)]
        [Parameter(ParameterSetName = RefreshTokenSet)]
        [ValidateNotNullOrEmpty]
        public string CertificateThumbprint { get; set; }

        /// <summary>
        /// <para type="description">The application's certificate, with its private key; used instead of a client secret.</para>
        /// </summary>
        [Parameter(ParameterSetName = BrowserSet)]
        [Parameter(ParameterSetName = DeviceCodeSet)]
        [Parameter(ParameterSetName = RefreshTokenSet)]
        [ValidateNotNull]
        public X509Certificate2 Certificate { get; set; }

        /// <summary>
        /// <para type="description">Sign in on another device with a code instead of a browser here. The code and the URL are
        /// written to the warning stream. Device code is a public client flow: the app registration must allow public client
        /// flows.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
        [Alias("Device", "DeviceAuth", "DeviceCode")]
        public SwitchParameter UseDeviceAuthentication { get; set; }

        /// <summary>
        /// <para type="description">How long, in seconds, a person has to complete the sign-in in the browser or with the
        /// device code before the command stops waiting with PartnerCenter.SignInTimedOut. A TimeSpan is accepted too. When
        /// the browser opens, a warning says what is awaited, where and for how long.</para>
        /// </summary>
        /// <value>300</value>
        [Parameter(ParameterSetName = BrowserSet)]
        [Parameter(ParameterSetName = DeviceCodeSet)]
        [SecondsTransformation]
        [ValidateRange(1, 3600)]
        public double SignInTimeoutSec { get; set; } = SignInRequest.DefaultSignInTimeout.TotalSeconds;

        /// <summary>
        /// <para type="description">A refresh token to renew, as a SecureString (a plain string is accepted too). No one signs in:
        /// the application redeems it and the rotated token is written. A PartnerCenterRefreshToken object can be piped in.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = RefreshTokenSet, ValueFromPipelineByPropertyName = true, HelpMessage = "The refresh token to renew.")]
        [SecureStringTransformation]
        [ValidateNotNull]
        public SecureString RefreshToken { get; set; }

        /// <summary>
        /// <para type="description">The partner's tenant: its id (a GUID) or one of its domains, such as contoso.onmicrosoft.com.
        /// Defaults to 'organizations' (the admin agent's home tenant). Anything that is not a tenant is refused with
        /// PartnerCenter.InvalidArgument before a request is sent.</para>
        /// </summary>
        /// <value>organizations</value>
        [Parameter(ParameterSetName = BrowserSet)]
        [Parameter(ParameterSetName = DeviceCodeSet)]
        [Parameter(ParameterSetName = RefreshTokenSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Domain", "TenantId")]
        [ValidateNotNullOrEmpty]
        public string Tenant { get; set; }

        /// <summary>
        /// <para type="description">The cloud to sign in to: AzureCloud (default), AzureChinaCloud, AzureUSGovernment, or a name
        /// added with Add-PartnerCenterEnvironment. The scope is that environment's Partner Center user_impersonation.</para>
        /// </summary>
        /// <value>AzureCloud</value>
        [Parameter(ParameterSetName = BrowserSet)]
        [Parameter(ParameterSetName = DeviceCodeSet)]
        [Parameter(ParameterSetName = RefreshTokenSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Environment { get; set; } = PartnerCenterEnvironments.AzureCloud;

        /// <summary>Signs in or renews, and writes the refresh token object.</summary>
        protected override void ProcessRecord()
        {
            TenantName tenant = CheckedTenant(Tenant);
            PartnerCenterEnvironment environment = KnownEnvironment(Environment);

            ApplicationCredential credential;
            try
            {
                credential = ApplicationCredentialOf(ApplicationId, Credential, CertificateThumbprint, Certificate);
            }
            catch (PartnerCenterException e)
            {
                ThrowTerminating(e);
                return;
            }

            bool renewal = ParameterSetName == RefreshTokenSet;
            if (renewal)
            {
                RequireToken(RefreshToken, "-RefreshToken", ConnectPartnerCenterCommand.RefreshTokenValueAdvice);
            }

            WriteVerbose((renewal ? "Renewing a refresh token" : "Getting a refresh token") + " for application "
                + ApplicationId + " in " + environment.Name + ", tenant " + (tenant?.ToString() ?? "(default)") + ".");

            // The one place the way of getting the token is chosen: by parameter set.
            WriteObject(Await(renewal
                ? Engine.RenewRefreshTokenAsync(new RefreshTokenSignIn(environment, tenant, ApplicationId, credential, RefreshToken), Log, StopToken)
                : Engine.NewRefreshTokenAsync(
                    new AdminAgentSignIn(environment, tenant, ApplicationId, credential, UseDeviceAuthentication.IsPresent ? PersonSignInMethod.DeviceCode : PersonSignInMethod.Browser)
                    {
                        HostIsInteractive = HostIsInteractive(),
                        SignInTimeout = System.TimeSpan.FromSeconds(SignInTimeoutSec),
                    },
                    Log,
                    StopToken)));
        }
    }
}
