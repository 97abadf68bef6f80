using System;
using System.Security;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// A refresh token of the secure application model, with what it belongs to: the application, the
    /// partner tenant, the admin agent who signed in and the environment. Its property names are
    /// Connect-PartnerCenter's parameter names, so the object can be piped to it. The token itself is
    /// only ever a SecureString: printing, formatting or exporting the object shows no token text.
    /// </summary>
    public sealed class PartnerCenterRefreshToken
    {
        /// <summary>Describes a refresh token.</summary>
        public PartnerCenterRefreshToken(
            SecureString refreshToken,
            string applicationId,
            string tenant,
            string account,
            string environment,
            DateTimeOffset issuedOn)
        {
            RefreshToken = refreshToken ?? throw new ArgumentNullException(nameof(refreshToken));
            ApplicationId = applicationId;
            Tenant = tenant;
            Account = account;
            Environment = environment;
            IssuedOn = issuedOn;
        }

        /// <summary>The refresh token, for -RefreshToken of Connect-PartnerCenter or a secret store.</summary>
        public SecureString RefreshToken { get; }

        /// <summary>The application (client) id the token was issued to; only this application can redeem it.</summary>
        public string ApplicationId { get; }

        /// <summary>The partner tenant's id, as the id token named it.</summary>
        public string Tenant { get; }

        /// <summary>The user the token acts for (user principal name).</summary>
        public string Account { get; }

        /// <summary>The name of the environment (cloud) the token was issued in.</summary>
        public string Environment { get; }

        /// <summary>When Microsoft Entra ID issued the token (as the module received it).</summary>
        public DateTimeOffset IssuedOn { get; }

        /// <summary>Who, where and when; never the token.</summary>
        public override string ToString()
        {
            return Boundary.TerminalText.Clean("Refresh token for " + (Account ?? "(unknown account)") + " @ " + (Tenant ?? "(unknown tenant)")
                + ", application " + ApplicationId + " [" + Environment + "], issued " + IssuedOn.ToString("u"));
        }
    }
}
