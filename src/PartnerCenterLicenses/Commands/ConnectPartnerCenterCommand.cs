using System;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// <para type="synopsis">Connects to Partner Center with App+User credentials.</para>
    /// <para type="description">Opens the session that the other cmdlets use. Without credentials a person signs in: in the
    /// system browser, or with -UseDeviceAuthentication on another device with a code. With -RefreshToken it follows the
    /// secure application model: the application (its id, and a secret in -Credential or a certificate) redeems a refresh
    /// token obtained once with consent, without prompting, which suits runbooks. With -AccessToken it uses a token you
    /// already have, until it expires. Tokens are kept in memory and renewed silently until Disconnect-PartnerCenter or the
    /// end of the process; with -ContextScope CurrentUser they are kept in the user's encrypted token cache, and a later
    /// process reconnects silently.</para>
    /// <para type="description">Every way gives an App+User session (an application acting for a signed-in partner
    /// user), which is what license analytics require. -Environment picks the cloud on every one of them. A second
    /// call replaces the session.</para>
    /// <para type="link">Disconnect-PartnerCenter</para>
    /// <para type="link">Get-PartnerCenterContext</para>
    /// <para type="link">Get-PartnerLicenseDeployment</para>
    /// <para type="link">about_PartnerCenterLicenses</para>
    /// </summary>
    /// <example title="Runbook: secure application model with a client secret from automation assets">
    /// <code><![CDATA[
    /// $ErrorActionPreference = 'Stop'   # any failure ends the runbook
    /// $app = Get-AutomationPSCredential -Name 'PartnerCenterApp'   # user name: application id, password: client secret
    /// Connect-PartnerCenter -ApplicationId $app.UserName -Credential $app -Tenant 'contoso.onmicrosoft.com' `
    ///     -RefreshToken (Get-AutomationVariable -Name 'PartnerCenterRefreshToken')
    /// Get-PartnerLicenseDeployment | Export-Csv -Path ./deployment.csv -NoTypeInformation
    /// ]]></code>
    /// <para>The application (the automation credential's user name is its id, the password its client secret) redeems a
    /// refresh token that an admin agent granted it once, without prompting. The automation variable holds the token as
    /// an encrypted string; -RefreshToken takes a SecureString or a string. Connect-PartnerCenter's failures are
    /// terminating errors; $ErrorActionPreference = 'Stop' makes them end the runbook rather than only the statement.</para>
    /// </example>
    /// <example title="Secure application model with a client secret, at a desk">
    /// <code><![CDATA[
    /// $credential = Get-Credential -UserName '<app id>' -Message 'Client secret'
    /// Connect-PartnerCenter -ApplicationId '<app id>' -Credential $credential -RefreshToken $refreshToken -Tenant '<tenant>'
    /// ]]></code>
    /// <para>The same sign-in with the secret typed in. -RefreshToken takes a SecureString; a plain string is accepted too,
    /// as runbooks written for the archived PartnerCenter module pass one.</para>
    /// </example>
    /// <example title="Renew the stored refresh token and connect with the new one">
    /// <code><![CDATA[
    /// $token = New-PartnerCenterRefreshToken -RefreshToken $refreshToken -ApplicationId '<app id>' -Credential $credential -Tenant '<tenant>'
    /// $token | Connect-PartnerCenter -Credential $credential
    /// ]]></code>
    /// <para>The PartnerCenterRefreshToken object binds by property name: its RefreshToken, ApplicationId, Tenant and
    /// Environment fill the parameters of the same names. Store $token.RefreshToken for the next run.</para>
    /// </example>
    /// <example title="Secure application model with a certificate">
    /// <code><![CDATA[
    /// Connect-PartnerCenter -ApplicationId '<app id>' -CertificateThumbprint '<thumbprint>' -RefreshToken $refreshToken -Tenant '<tenant>'
    /// Connect-PartnerCenter -ApplicationId '<app id>' -Certificate (Get-PfxCertificate ./app.pfx) -RefreshToken $refreshToken -Tenant '<tenant>'
    /// ]]></code>
    /// <para>The application proves itself with a certificate instead of a secret: by thumbprint (looked up in
    /// Cert:\CurrentUser\My, then Cert:\LocalMachine\My), or as an object. A missing, expired or key-less certificate is
    /// an error naming it.</para>
    /// </example>
    /// <example title="Secure application model with a public client">
    /// <code><![CDATA[
    /// Connect-PartnerCenter -ApplicationId '<public client app id>' -RefreshToken $refreshToken -Tenant '<tenant>'
    /// ]]></code>
    /// <para>No secret, as some older runbooks did it.</para>
    /// </example>
    /// <example title="Sign in in the browser (the default)">
    /// <code><![CDATA[
    /// Connect-PartnerCenter -ApplicationId '<public client app id>' -Tenant '<tenant>'
    /// ]]></code>
    /// <para>Opens the system browser with a loopback redirect (http://localhost; register it as a redirect URI of a
    /// public client). The BROWSER environment variable, if set, names the browser command. In a host that cannot show
    /// a browser (a runbook, a service, pwsh -NonInteractive, Linux without a desktop) it fails at once with
    /// PartnerCenter.InteractiveNotAvailable instead of waiting. Without -ApplicationId, the public client id the
    /// archived PartnerCenter module used is taken; register your own for production.</para>
    /// </example>
    /// <example title="Sign in on another device with a code">
    /// <code><![CDATA[
    /// Connect-PartnerCenter -UseDeviceAuthentication -ApplicationId '<public client app id>' -Tenant '<tenant>'
    /// ]]></code>
    /// <para>For a server without a browser: the code and the URL are written to the warning stream. The wait ends
    /// when you sign in, when the code expires (PartnerCenter.DeviceCodeExpired), after 5 minutes, or at Ctrl+C.</para>
    /// </example>
    /// <example title="Use an access token you already have">
    /// <code><![CDATA[
    /// Connect-PartnerCenter -AccessToken $token
    /// ]]></code>
    /// <para>The token is used until it expires and is not renewed (PartnerCenter.AccessTokenExpired after).</para>
    /// </example>
    /// <example title="Stay signed in across processes">
    /// <code><![CDATA[
    /// Connect-PartnerCenter -ApplicationId '<public client app id>' -Tenant '<tenant>' -ContextScope CurrentUser
    /// # later, in a new process: no prompt while the cached sign-in is valid
    /// Connect-PartnerCenter -ApplicationId '<public client app id>' -Tenant '<tenant>' -ContextScope CurrentUser
    /// ]]></code>
    /// <para>The token cache is kept for the current user, encrypted with DPAPI on Windows, in the Keychain on macOS and
    /// in the Secret Service (libsecret) on Linux. Where no secure store exists the module refuses
    /// (PartnerCenter.SecureTokenCacheUnavailable) unless you add -AllowUnencryptedTokenCache, which writes a file only you
    /// can read. Disconnect-PartnerCenter removes the tokens from the cache.</para>
    /// </example>
    /// <example title="Connect to a sovereign cloud">
    /// <code><![CDATA[
    /// Connect-PartnerCenter -Environment AzureUSGovernment -ApplicationId '<app id>' -Credential $credential -RefreshToken $refreshToken -Tenant '<tenant>'
    /// ]]></code>
    /// <para>-Environment works with every way of connecting: AzureCloud (the default), AzureChinaCloud,
    /// AzureUSGovernment, or a name added with Add-PartnerCenterEnvironment.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Connect, "PartnerCenter", DefaultParameterSetName = UserSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpPages.Base + "Connect-PartnerCenter.md")]
    [OutputType(typeof(PartnerCenterContext))]
    public sealed class ConnectPartnerCenterCommand : PartnerCenterCmdlet
    {
        private const string UserSet = "User";
        private const string RefreshTokenSet = "RefreshToken";
        private const string AccessTokenSet = "AccessToken";
        private const string ServicePrincipalSet = "ServicePrincipal";
        private const string ServicePrincipalCertificateSet = "ServicePrincipalCertificate";

        /// <summary>
        /// <para type="description">The application (client) id registered in Microsoft Entra ID. For a person's sign-in it
        /// may be left out, and the public client the archived PartnerCenter module used is taken.</para>
        /// </summary>
        [Parameter(ParameterSetName = UserSet)]
        [Parameter(Mandatory = true, ParameterSetName = RefreshTokenSet, ValueFromPipelineByPropertyName = true, HelpMessage = "Application (client) id of the app registration.")]
        [Parameter(Mandatory = true, ParameterSetName = ServicePrincipalCertificateSet)]
        [ValidateNotNullOrEmpty]
        public string ApplicationId { get; set; }

        /// <summary>
        /// <para type="description">The application's credential: user name = application id, password = client secret.
        /// Omit it (and the certificate parameters) for a public client application.</para>
        /// </summary>
        [Parameter(ParameterSetName = RefreshTokenSet, HelpMessage = "User name: application id; password: client secret.")]
        [Parameter(Mandatory = true, ParameterSetName = ServicePrincipalSet)]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        /// <summary>
        /// <para type="description">The thumbprint of the application's certificate, looked up in Cert:\CurrentUser\My and
        /// then Cert:\LocalMachine\My; used instead of a client secret.</para>
        /// </summary>
        [Parameter(ParameterSetName = RefreshTokenSet)]
        [Parameter(Mandatory = true, ParameterSetName = ServicePrincipalCertificateSet)]
        [ValidateNotNullOrEmpty]
        public string CertificateThumbprint { get; set; }

        /// <summary>
        /// <para type="description">The application's certificate, with its private key; used instead of a client secret.</para>
        /// </summary>
        [Parameter(ParameterSetName = RefreshTokenSet)]
        [ValidateNotNull]
        public X509Certificate2 Certificate { get; set; }

        /// <summary>
        /// <para type="description">The refresh token obtained with the secure application model, as a SecureString. A plain
        /// string is accepted too, and becomes a SecureString as the parameter is bound. The object New-PartnerCenterRefreshToken
        /// writes can be piped in: its RefreshToken, ApplicationId, Tenant and Environment bind by name.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = RefreshTokenSet, ValueFromPipelineByPropertyName = true, HelpMessage = "Refresh token for the application and a partner user.")]
        [SecureStringTransformation]
        [ValidateNotNull]
        public SecureString RefreshToken { get; set; }

        /// <summary>
        /// <para type="description">An App+User access token for Partner Center that you already have, as a SecureString. A
        /// plain string is accepted too, and becomes a SecureString as the parameter is bound. It is used until it expires
        /// and is not renewed.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet, HelpMessage = "Access token for the Partner Center API.")]
        [SecureStringTransformation]
        [ValidateNotNull]
        public SecureString AccessToken { get; set; }

        /// <summary>
        /// <para type="description">Accepted for scripts written for the archived PartnerCenter module. An application
        /// signing in alone gets app-only tokens, which license analytics refuse, so it ends with an error explaining
        /// how to connect instead.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = ServicePrincipalSet)]
        [Parameter(ParameterSetName = ServicePrincipalCertificateSet)]
        public SwitchParameter ServicePrincipal { get; set; }

        /// <summary>
        /// <para type="description">The partner's tenant: its id (a GUID) or one of its domains, such as contoso.onmicrosoft.com.
        /// Defaults to 'organizations' (the user's home tenant); 'common' is accepted too. Anything else is refused with
        /// PartnerCenter.InvalidArgument before a request is sent.</para>
        /// </summary>
        /// <value>organizations</value>
        [Parameter(ParameterSetName = UserSet)]
        [Parameter(ParameterSetName = RefreshTokenSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = AccessTokenSet)]
        [Parameter(Mandatory = true, ParameterSetName = ServicePrincipalSet)]
        [Parameter(Mandatory = true, ParameterSetName = ServicePrincipalCertificateSet)]
        [Alias("Domain", "TenantId")]
        [ValidateNotNullOrEmpty]
        public string Tenant { get; set; }

        /// <summary>
        /// <para type="description">Sign in on another device with a code, instead of a browser here. The code and the URL
        /// are written to the warning stream, so they show in runbook output and transcripts.</para>
        /// </summary>
        [Parameter(ParameterSetName = UserSet)]
        [Alias("Device", "DeviceAuth", "DeviceCode")]
        public SwitchParameter UseDeviceAuthentication { get; set; }

        /// <summary>
        /// <para type="description">How long, in seconds, a person has to complete the sign-in in the browser or with the
        /// device code before the command stops waiting with PartnerCenter.SignInTimedOut. A TimeSpan is accepted too. When
        /// the browser opens, a warning says what is awaited, where and for how long.</para>
        /// </summary>
        /// <value>300</value>
        [Parameter(ParameterSetName = UserSet)]
        [SecondsTransformation]
        [ValidateRange(1, 3600)]
        public double SignInTimeoutSec { get; set; } = SignInRequest.DefaultSignInTimeout.TotalSeconds;

        /// <summary>
        /// <para type="description">Process (default) keeps tokens in memory only. CurrentUser keeps them in the user's
        /// encrypted token cache (DPAPI, Keychain, libsecret), so a later process reconnects silently.</para>
        /// </summary>
        /// <value>Process</value>
        [Parameter(ParameterSetName = UserSet)]
        public PartnerCenterContextScope ContextScope { get; set; } = PartnerCenterContextScope.Process;

        /// <summary>
        /// <para type="description">With -ContextScope CurrentUser, allows a plain token cache file readable only by you
        /// where no secure store exists (Linux without a Secret Service). Off by default.</para>
        /// </summary>
        [Parameter(ParameterSetName = UserSet)]
        public SwitchParameter AllowUnencryptedTokenCache { get; set; }

        /// <summary>
        /// <para type="description">The cloud to connect to: AzureCloud (default), AzureChinaCloud, AzureUSGovernment,
        /// or a name added with Add-PartnerCenterEnvironment.</para>
        /// </summary>
        /// <value>AzureCloud</value>
        [Parameter(ParameterSetName = UserSet)]
        [Parameter(ParameterSetName = RefreshTokenSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = AccessTokenSet)]
        [Parameter(ParameterSetName = ServicePrincipalSet)]
        [Parameter(ParameterSetName = ServicePrincipalCertificateSet)]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Environment { get; set; } = PartnerCenterEnvironments.AzureCloud;

        /// <summary>What to do about an empty -RefreshToken; New-PartnerCenterRefreshToken says the same.</summary>
        internal const string RefreshTokenValueAdvice =
            "Pass the refresh token New-PartnerCenterRefreshToken wrote (its RefreshToken property, or pipe the object), for example "
            + "from an automation variable; if the variable is empty, an admin agent gets a new one with New-PartnerCenterRefreshToken.";

        /// <summary>Connects and writes the new context.</summary>
        protected override void ProcessRecord()
        {
            // First: the tenant becomes part of the authority URL, so nothing happens with one
            // that is not a tenant.
            TenantName tenant = CheckedTenant(Tenant);

            if (ParameterSetName == ServicePrincipalSet || ParameterSetName == ServicePrincipalCertificateSet)
            {
                ThrowTerminating(new PartnerCenterException(
                    PartnerCenterErrorIds.AppOnlyNotSupported,
                    PartnerCenterErrorKind.InvalidArgument,
                    "-ServicePrincipal signs in as the application alone, and Partner Center's license analytics accept only App+User "
                    + "tokens (an application acting for a signed-in partner user).")
                {
                    RecommendedAction = "Use the secure application model: Connect-PartnerCenter -ApplicationId <app id> -Credential <app id + secret> "
                        + "(or -CertificateThumbprint) -RefreshToken <refresh token of a partner user> -Tenant <tenant>.",
                });
            }

            PartnerCenterEnvironment environment = KnownEnvironment(Environment);
            if (ParameterSetName == RefreshTokenSet)
            {
                RequireToken(RefreshToken, "-RefreshToken", RefreshTokenValueAdvice);
            }
            else if (ParameterSetName == AccessTokenSet)
            {
                RequireToken(AccessToken, "-AccessToken", "Pass an App+User access token for the Partner Center API, or connect with "
                    + "-ApplicationId, -Credential and -RefreshToken so that the module gets and renews tokens itself.");
            }

            Func<Task<PartnerCenterContext>> connect;
            try
            {
                connect = Connection(environment, tenant);
            }
            catch (PartnerCenterException e)
            {
                ThrowTerminating(e);
                return;
            }

            WriteVerbose("Connecting to Partner Center in " + environment.Name + " (" + environment.PartnerCenterEndpoint + ").");
            if (ShouldProcess(environment.Name + ", tenant " + (tenant?.ToString() ?? "(default)"), "Connect"))
            {
                PartnerCenterContext context = Await(connect());
                if (context.MultifactorAuthenticated == false)
                {
                    // From April 1, 2026 Partner Center refuses App+User calls without MFA (401, error 900421):
                    // https://learn.microsoft.com/partner-center/developer/partner-center-authentication
                    WriteWarning("The session's access token shows no multifactor authentication (its amr claim has no 'mfa'): the sign-in "
                        + "behind it" + (context.AuthenticationType == PartnerCenterAuthenticationType.RefreshToken ? ", the one that issued the refresh token," : string.Empty)
                        + " did not use MFA. Partner Center refuses App+User calls without MFA from April 1, 2026 (PartnerCenter.MfaRequired); "
                        + (context.AuthenticationType == PartnerCenterAuthenticationType.RefreshToken
                            ? "an admin agent gets a new refresh token with New-PartnerCenterRefreshToken, completing MFA."
                            : "sign in again as a user who completes MFA."));
                }

                WriteObject(context);
            }
        }

        // The one place the way of signing in is chosen: by parameter set, into one request type each,
        // which names the engine's method for it.
        private Func<Task<PartnerCenterContext>> Connection(PartnerCenterEnvironment environment, TenantName tenant)
        {
            switch (ParameterSetName)
            {
                case AccessTokenSet:
                    var accessToken = new AccessTokenSignIn(environment, tenant, AccessToken);
                    return () => Engine.ConnectAsync(accessToken, Log, StopToken);
                case RefreshTokenSet:
                    var refreshToken = new RefreshTokenSignIn(
                        environment, tenant, ApplicationId, ApplicationCredentialOf(ApplicationId, Credential, CertificateThumbprint, Certificate), RefreshToken);
                    return () => Engine.ConnectAsync(refreshToken, Log, StopToken);
                default:
                    var person = new PersonSignIn(
                        environment, tenant, ApplicationId, UseDeviceAuthentication.IsPresent ? PersonSignInMethod.DeviceCode : PersonSignInMethod.Browser)
                    {
                        ContextScope = ContextScope,
                        AllowUnencryptedTokenCache = AllowUnencryptedTokenCache.IsPresent,
                        HostIsInteractive = HostIsInteractive(),
                        SignInTimeout = TimeSpan.FromSeconds(SignInTimeoutSec),
                    };
                    return () => Engine.ConnectAsync(person, Log, StopToken);
            }
        }
    }
}
