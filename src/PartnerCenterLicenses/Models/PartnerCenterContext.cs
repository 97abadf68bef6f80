using System;

namespace PartnerCenterLicenses.Models
{
    /// <summary>How the current session obtained its tokens.</summary>
    public enum PartnerCenterAuthenticationType
    {
        /// <summary>A refresh token redeemed by an application (the secure application model).</summary>
        RefreshToken,

        /// <summary>An access token the caller already had; it is not renewed.</summary>
        AccessToken,

        /// <summary>A user signed in on another device with a code (device code flow).</summary>
        DeviceCode,

        /// <summary>A user signed in through the system browser.</summary>
        Interactive,

        /// <summary>A user's tokens found in the persisted token cache of an earlier session.</summary>
        TokenCache,
    }

    /// <summary>Where a session's tokens are kept.</summary>
    public enum PartnerCenterContextScope
    {
        /// <summary>In memory, for this process only (the default): nothing is written to disk.</summary>
        Process,

        /// <summary>In the current user's encrypted token cache, so a later process can reconnect silently.</summary>
        CurrentUser,
    }

    /// <summary>
    /// The connected session as users see it. It deliberately holds no token or secret, so it is safe
    /// to print, log or export.
    /// </summary>
    public sealed class PartnerCenterContext
    {
        /// <summary>Describes a session.</summary>
        public PartnerCenterContext(
            string account,
            string tenant,
            string applicationId,
            string environment,
            PartnerCenterAuthenticationType authenticationType,
            DateTimeOffset? tokenExpiresOn,
            bool? multifactorAuthenticated = null)
        {
            MultifactorAuthenticated = multifactorAuthenticated;
            Account = account;
            Tenant = tenant;
            ApplicationId = applicationId;
            Environment = environment;
            AuthenticationType = authenticationType;
            TokenExpiresOn = tokenExpiresOn;
        }

        /// <summary>The signed-in user (user principal name), when the token names one.</summary>
        public string Account { get; }

        /// <summary>The tenant the token was issued for.</summary>
        public string Tenant { get; }

        /// <summary>The application (client) id the session uses, when known.</summary>
        public string ApplicationId { get; }

        /// <summary>The name of the Partner Center environment (cloud) the session talks to.</summary>
        public string Environment { get; }

        /// <summary>How the session obtains its tokens.</summary>
        public PartnerCenterAuthenticationType AuthenticationType { get; }

        /// <summary>When the access token the session holds expires; a renewable session renews it silently.</summary>
        public DateTimeOffset? TokenExpiresOn { get; }

        /// <summary>
        /// Whether the session's access token shows multifactor authentication (its amr claim lists "mfa").
        /// Partner Center refuses App+User calls without it from April 1, 2026. Null when the token has no
        /// user (app-only) or cannot be read.
        /// </summary>
        public bool? MultifactorAuthenticated { get; }

        /// <summary>The account, tenant and environment; never a token.</summary>
        public override string ToString()
        {
            return Boundary.TerminalText.Clean((Account ?? "(unknown account)") + " @ " + (Tenant ?? "(unknown tenant)") + " [" + Environment + "]");
        }
    }
}
