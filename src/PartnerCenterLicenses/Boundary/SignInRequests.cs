using System;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// How to connect. There is one small type per way of signing in, so the choice is made once, by
    /// the cmdlet's parameter set; the engine has one method per type, so it never asks again.
    /// </summary>
    public abstract class SignInRequest
    {
        /// <summary>Sets what every way of signing in shares.</summary>
        protected SignInRequest(PartnerCenterEnvironment environment, TenantName tenant)
        {
            Environment = environment ?? throw new ArgumentNullException(nameof(environment));
            Tenant = tenant;
        }

        /// <summary>The environment (cloud) to sign in to and call.</summary>
        public PartnerCenterEnvironment Environment { get; }

        /// <summary>The tenant; null for the flow's default.</summary>
        public TenantName Tenant { get; }

        /// <summary>How long a person has to complete a browser or device code sign-in unless -SignInTimeoutSec says otherwise.</summary>
        public static readonly TimeSpan DefaultSignInTimeout = TimeSpan.FromMinutes(5);
    }

    /// <summary>A sign-in for a named application, which may prove itself with a credential.</summary>
    public abstract class ApplicationSignIn : SignInRequest
    {
        /// <summary>Sets what the application's sign-ins share.</summary>
        protected ApplicationSignIn(PartnerCenterEnvironment environment, TenantName tenant, string applicationId, ApplicationCredential credential)
            : base(environment, tenant)
        {
            ApplicationId = applicationId;
            Credential = credential;
        }

        /// <summary>The application (client) id.</summary>
        public string ApplicationId { get; }

        /// <summary>The application's credential; null for a public client.</summary>
        public ApplicationCredential Credential { get; }
    }

    /// <summary>The secure application model: an application redeems a refresh token a partner user granted it.</summary>
    public sealed class RefreshTokenSignIn : ApplicationSignIn
    {
        /// <summary>Describes the sign-in.</summary>
        public RefreshTokenSignIn(PartnerCenterEnvironment environment, TenantName tenant, string applicationId, ApplicationCredential credential, SecureString refreshToken)
            : base(environment, tenant, applicationId, credential)
        {
            RefreshToken = refreshToken;
        }

        /// <summary>The refresh token to redeem.</summary>
        public SecureString RefreshToken { get; }
    }

    /// <summary>An access token the caller already has; it is used until it expires.</summary>
    public sealed class AccessTokenSignIn : SignInRequest
    {
        /// <summary>Describes the sign-in.</summary>
        public AccessTokenSignIn(PartnerCenterEnvironment environment, TenantName tenant, SecureString accessToken)
            : base(environment, tenant)
        {
            AccessToken = accessToken;
        }

        /// <summary>The token.</summary>
        public SecureString AccessToken { get; }
    }

    /// <summary>A person signs in, in the system browser or with a code on another device.</summary>
    public sealed class PersonSignIn : SignInRequest
    {
        /// <summary>Describes the sign-in.</summary>
        public PersonSignIn(PartnerCenterEnvironment environment, TenantName tenant, string applicationId, PersonSignInMethod method)
            : base(environment, tenant)
        {
            ApplicationId = applicationId;
            Method = method;
        }

        /// <summary>The public client application id; null for the module's default.</summary>
        public string ApplicationId { get; }

        /// <summary>Browser or device code.</summary>
        public PersonSignInMethod Method { get; }

        /// <summary>Where the session keeps its tokens.</summary>
        public PartnerCenterContextScope ContextScope { get; set; }

        /// <summary>Allows a plain, owner-only file for the CurrentUser cache where no secure store exists.</summary>
        public bool AllowUnencryptedTokenCache { get; set; }

        /// <summary>
        /// Whether the PowerShell host can interact with a person. Browser sign-in refuses to start
        /// in a host that cannot (runbooks, services), instead of waiting for nobody.
        /// </summary>
        public bool HostIsInteractive { get; set; }

        /// <summary>How long the person has to complete the sign-in.</summary>
        public TimeSpan SignInTimeout { get; set; } = DefaultSignInTimeout;
    }

    /// <summary>
    /// An admin agent signs in once as the application's user, so that the application gets a refresh
    /// token to keep (New-PartnerCenterRefreshToken). No session is opened. With a credential the browser
    /// sign-in is the confidential authorization code flow of the application; device code is always a
    /// public client flow of the same registration, and with a credential the token it yields is then
    /// redeemed once by the confidential application.
    /// </summary>
    public sealed class AdminAgentSignIn : ApplicationSignIn
    {
        /// <summary>Describes the sign-in.</summary>
        public AdminAgentSignIn(PartnerCenterEnvironment environment, TenantName tenant, string applicationId, ApplicationCredential credential, PersonSignInMethod method)
            : base(environment, tenant, applicationId, credential)
        {
            Method = method;
        }

        /// <summary>Browser or device code.</summary>
        public PersonSignInMethod Method { get; }

        /// <summary>Whether the PowerShell host can interact with a person (see <see cref="PersonSignIn.HostIsInteractive"/>).</summary>
        public bool HostIsInteractive { get; set; }

        /// <summary>How long the admin agent has to complete the sign-in.</summary>
        public TimeSpan SignInTimeout { get; set; } = DefaultSignInTimeout;
    }

    /// <summary>
    /// The application an admin agent must get a new refresh token for, as data (no secret): the engine
    /// puts it on the error, and the cmdlets turn it into the New-PartnerCenterRefreshToken command.
    /// </summary>
    [Serializable]
    public sealed class RefreshTokenApplication
    {
        /// <summary>Describes the application of a sign-in.</summary>
        public RefreshTokenApplication(ApplicationSignIn request)
        {
            ApplicationId = request.ApplicationId;
            Tenant = request.Tenant?.ToString();
            EnvironmentName = request.Environment.Name;
            HasClientSecret = request.Credential is ApplicationCredential.ClientSecret;
            var certificate = request.Credential as ApplicationCredential.ClientCertificate;
            CertificateThumbprint = certificate?.Certificate?.Thumbprint ?? certificate?.Thumbprint;
        }

        /// <summary>The application (client) id.</summary>
        public string ApplicationId { get; }

        /// <summary>The tenant the sign-in named; null for the flow's default.</summary>
        public string Tenant { get; }

        /// <summary>The environment's name.</summary>
        public string EnvironmentName { get; }

        /// <summary>Whether the application proves itself with a client secret.</summary>
        public bool HasClientSecret { get; }

        /// <summary>The thumbprint of the application's certificate, when it proves itself with one.</summary>
        public string CertificateThumbprint { get; }
    }

    /// <summary>How a person signs in.</summary>
    public enum PersonSignInMethod
    {
        /// <summary>The system browser, with a loopback redirect (authorization code with PKCE).</summary>
        Browser,

        /// <summary>A code entered on another device.</summary>
        DeviceCode,
    }

    /// <summary>What an application proves itself with: a client secret or a certificate.</summary>
    public abstract class ApplicationCredential
    {
        private ApplicationCredential()
        {
        }

        /// <summary>A client secret.</summary>
        public static ApplicationCredential FromSecret(SecureString secret) => new ClientSecret(secret);

        /// <summary>A certificate object with its private key.</summary>
        public static ApplicationCredential FromCertificate(X509Certificate2 certificate) => new ClientCertificate(certificate, null);

        /// <summary>A certificate to look up by thumbprint in CurrentUser\My, then LocalMachine\My.</summary>
        public static ApplicationCredential FromThumbprint(string thumbprint) => new ClientCertificate(null, thumbprint);

        /// <summary>Describes the credential for verbose output, never with its secret.</summary>
        public abstract string Describe();

        /// <summary>A client secret.</summary>
        public sealed class ClientSecret : ApplicationCredential
        {
            internal ClientSecret(SecureString secret)
            {
                Secret = secret;
            }

            /// <summary>The secret.</summary>
            public SecureString Secret { get; }

            /// <inheritdoc />
            public override string Describe() => "confidential client with a secret";
        }

        /// <summary>A certificate, given as an object or by thumbprint.</summary>
        public sealed class ClientCertificate : ApplicationCredential
        {
            internal ClientCertificate(X509Certificate2 certificate, string thumbprint)
            {
                Certificate = certificate;
                Thumbprint = thumbprint;
            }

            /// <summary>The certificate object, when given as one.</summary>
            public X509Certificate2 Certificate { get; }

            /// <summary>The thumbprint to look up, when given as one.</summary>
            public string Thumbprint { get; }

            /// <inheritdoc />
            public override string Describe() => "confidential client with a certificate";
        }
    }
}
