using System;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// Everything the cmdlets ask of the engine. This interface and the types it names are the whole
    /// boundary between the cmdlet assembly and the engine assembly (which carries MSAL and
    /// Newtonsoft.Json), so it names only types of this assembly and of the base class library.
    /// </summary>
    public interface IPartnerCenterEngine
    {
        /// <summary>The current session's context, or null when not connected.</summary>
        PartnerCenterContext CurrentContext { get; }

        /// <summary>Opens a session, replacing any current one once the new one has a token.</summary>
        Task<PartnerCenterContext> ConnectAsync(ConnectRequest request, IEngineLog log, CancellationToken cancellationToken);

        /// <summary>Ends the session and forgets its tokens. Returns false when there was none.</summary>
        bool Disconnect();

        /// <summary>
        /// Sends GET /v1/analytics/licenses/deployment and returns a reader over the response,
        /// positioned before the first item. Failures before the body arrive as PartnerCenterException.
        /// </summary>
        Task<IInsightsReader> OpenLicenseDeploymentAsync(RequestContext context, IEngineLog log, CancellationToken cancellationToken);
    }

    /// <summary>Reads a response's items one at a time, as they arrive.</summary>
    public interface IInsightsReader : IDisposable
    {
        /// <summary>Reads the next item; false at the end of the collection. Throws PartnerCenterException for a bad body.</summary>
        bool TryReadNext(out PartnerLicensesDeploymentInsights item);
    }

    /// <summary>Messages for the verbose and debug streams. Implementations may be called from any thread.</summary>
    public interface IEngineLog
    {
        /// <summary>Whether verbose messages are shown; lets the engine skip building ones nobody reads.</summary>
        bool IsVerboseEnabled { get; }

        /// <summary>Whether debug messages are shown.</summary>
        bool IsDebugEnabled { get; }

        /// <summary>What the engine is doing, for -Verbose.</summary>
        void Verbose(string message);

        /// <summary>Details for -Debug. Never pass a token or secret.</summary>
        void Debug(string message);

        /// <summary>Something the user should know even without -Verbose.</summary>
        void Warning(string message);
    }

    /// <summary>Per-call values every Partner Center request carries.</summary>
    public sealed class RequestContext
    {
        /// <summary>Creates the context of one cmdlet invocation.</summary>
        public RequestContext(Guid correlationId, string locale, PartnerCenterRequestOptions options = null)
        {
            CorrelationId = correlationId;
            Locale = locale;
            Options = options ?? PartnerCenterRequestOptions.Current;
        }

        /// <summary>Timeout and retry settings for this call's requests.</summary>
        public PartnerCenterRequestOptions Options { get; }

        /// <summary>One id for every request a cmdlet invocation sends (MS-CorrelationId).</summary>
        public Guid CorrelationId { get; }

        /// <summary>The X-Locale header value.</summary>
        public string Locale { get; }
    }

    /// <summary>How to connect; which fields are set depends on <see cref="Flow"/>.</summary>
    public sealed class ConnectRequest
    {
        /// <summary>The sign-in flow.</summary>
        public PartnerCenterAuthenticationType Flow { get; set; }

        /// <summary>The environment (cloud) to use.</summary>
        public PartnerCenterEnvironment Environment { get; set; }

        /// <summary>Tenant id or domain; null for the flow's default.</summary>
        public string Tenant { get; set; }

        /// <summary>The application (client) id.</summary>
        public string ApplicationId { get; set; }

        /// <summary>The application's client secret, for a confidential client; null for a public client.</summary>
        public SecureString ClientSecret { get; set; }

        /// <summary>The refresh token to redeem.</summary>
        public SecureString RefreshToken { get; set; }

        /// <summary>An access token the caller already has.</summary>
        public SecureString AccessToken { get; set; }

        /// <summary>A certificate for the confidential client, instead of a secret.</summary>
        public System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate { get; set; }

        /// <summary>The thumbprint of a certificate in CurrentUser\My or LocalMachine\My, instead of a secret.</summary>
        public string CertificateThumbprint { get; set; }

        /// <summary>Where the session keeps its tokens.</summary>
        public PartnerCenterContextScope ContextScope { get; set; }

        /// <summary>Allows a plain, owner-only file for the CurrentUser cache where no secure store exists.</summary>
        public bool AllowUnencryptedTokenCache { get; set; }

        /// <summary>
        /// Whether the PowerShell host can interact with a person. Interactive sign-in refuses to
        /// start in a host that cannot (runbooks, services), instead of waiting for nobody.
        /// </summary>
        public bool HostIsInteractive { get; set; }

        /// <summary>How long an interactive or device code sign-in may take before it is abandoned.</summary>
        public TimeSpan SignInTimeout { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>The timeout of each sign-in request.</summary>
        public TimeSpan RequestTimeout { get; set; } = PartnerCenterRequestOptions.Current.Timeout;
    }
}
