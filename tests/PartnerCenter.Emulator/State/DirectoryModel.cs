using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace PartnerCenter.Emulator.State
{
    /// <summary>An Entra tenant: its id, the domains that resolve to it, and its users.</summary>
    internal sealed class Tenant
    {
        public Tenant(string id, string displayName)
        {
            Id = id;
            DisplayName = displayName;
        }

        public string Id { get; }

        public string DisplayName { get; }

        public HashSet<string> Domains { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, DirectoryUser> UsersByUpn { get; } =
            new Dictionary<string, DirectoryUser>(StringComparer.OrdinalIgnoreCase);
    }

    internal sealed class DirectoryUser
    {
        public DirectoryUser(string objectId, string tenantId, string userPrincipalName, string displayName)
        {
            ObjectId = objectId;
            TenantId = tenantId;
            UserPrincipalName = userPrincipalName;
            DisplayName = displayName;
        }

        public string ObjectId { get; }

        public string TenantId { get; }

        public string UserPrincipalName { get; }

        public string DisplayName { get; }

        /// <summary>
        /// Whether the user completes multifactor authentication when signing in (device code, browser);
        /// tokens of such a sign-in carry <c>amr</c> "mfa". Only touched under the state lock.
        /// </summary>
        public bool SignsInWithMfa { get; set; } = true;
    }

    /// <summary>
    /// An application registration; Entra app registrations are not tied to one tenant here (multi-tenant apps).
    /// Immutable: adding a credential replaces the registration with a copy, so a request that already
    /// looked the client up keeps a consistent view without holding the state lock.
    /// </summary>
    internal sealed class ClientRegistration
    {
        public ClientRegistration(string clientId, string clientSecret)
            : this(clientId, clientSecret, Array.Empty<X509Certificate2>(), Guid.NewGuid().ToString(), allowsPublicClientFlows: false)
        {
        }

        private ClientRegistration(
            string clientId, string clientSecret, IReadOnlyList<X509Certificate2> certificates, string servicePrincipalObjectId, bool allowsPublicClientFlows)
        {
            ClientId = clientId;
            ClientSecret = clientSecret;
            Certificates = certificates;
            ServicePrincipalObjectId = servicePrincipalObjectId;
            AllowsPublicClientFlows = allowsPublicClientFlows;
        }

        public string ClientId { get; }

        /// <summary>Null for a public client, and for a confidential client that only has certificates.</summary>
        public string ClientSecret { get; }

        /// <summary>Public certificates whose keys may sign client assertions; owned by the registration.</summary>
        public IReadOnlyList<X509Certificate2> Certificates { get; }

        public bool IsConfidential => ClientSecret != null || Certificates.Count > 0;

        /// <summary>
        /// The portal's "Allow public client flows" (the manifest's <c>isFallbackPublicClient</c>): a confidential
        /// app is treated as a public client in requests that carry no redirect URI to tell its platform by, that
        /// is the device code and refresh token grants, which may then come without a client credential. The
        /// authorization code grant still needs the credential.
        /// </summary>
        public bool AllowsPublicClientFlows { get; }

        /// <summary>The <c>oid</c> of app-only tokens, standing in for the service principal's object id.</summary>
        public string ServicePrincipalObjectId { get; }

        /// <summary>The same app (same service principal) with a new secret and the certificates it had.</summary>
        public ClientRegistration WithSecret(string clientSecret) =>
            new ClientRegistration(ClientId, clientSecret, Certificates, ServicePrincipalObjectId, AllowsPublicClientFlows);

        /// <summary>The same app with "Allow public client flows" set as given.</summary>
        public ClientRegistration WithPublicClientFlows(bool allow) =>
            new ClientRegistration(ClientId, ClientSecret, Certificates, ServicePrincipalObjectId, allow);

        /// <summary>The same app with one more certificate; a certificate with the same thumbprint is replaced.</summary>
        public ClientRegistration WithCertificate(X509Certificate2 certificate)
        {
            var certificates = new List<X509Certificate2>(Certificates.Count + 1);
            foreach (X509Certificate2 existing in Certificates)
            {
                if (!existing.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
                {
                    certificates.Add(existing);
                }
            }

            certificates.Add(certificate);
            return new ClientRegistration(ClientId, ClientSecret, certificates.AsReadOnly(), ServicePrincipalObjectId, AllowsPublicClientFlows);
        }
    }

    internal sealed class RefreshTokenGrant
    {
        public RefreshTokenGrant(string token, string clientId, string tenantId, string userObjectId, DateTimeOffset issuedAt, bool multifactorAuthenticated)
        {
            MultifactorAuthenticated = multifactorAuthenticated;
            Token = token;
            ClientId = clientId;
            TenantId = tenantId;
            UserObjectId = userObjectId;
            IssuedAt = issuedAt;
        }

        public string Token { get; }

        public string ClientId { get; }

        public string TenantId { get; }

        public string UserObjectId { get; }

        public DateTimeOffset IssuedAt { get; }

        /// <summary>Whether the sign-in the grant comes from used MFA; tokens redeemed from it inherit it.</summary>
        public bool MultifactorAuthenticated { get; }

        public bool Revoked { get; set; }

        public bool Expired { get; set; }
    }

    internal sealed class AccessTokenGrant
    {
        public AccessTokenGrant(
            string token,
            string clientId,
            string tenantId,
            string audience,
            string userObjectId,
            DateTimeOffset expiresOn,
            bool multifactorAuthenticated = false)
        {
            MultifactorAuthenticated = multifactorAuthenticated;
            Token = token;
            ClientId = clientId;
            TenantId = tenantId;
            Audience = audience;
            UserObjectId = userObjectId;
            ExpiresOn = expiresOn;
        }

        public string Token { get; }

        public string ClientId { get; }

        public string TenantId { get; }

        public string Audience { get; }

        /// <summary>Null for an app-only token.</summary>
        public string UserObjectId { get; }

        public bool IsAppOnly => UserObjectId == null;

        /// <summary>Whether the token's <c>amr</c> claim contains "mfa".</summary>
        public bool MultifactorAuthenticated { get; }

        public DateTimeOffset ExpiresOn { get; set; }
    }

    /// <summary>What a successful delegated (App+User) token request produces.</summary>
    internal sealed class DelegatedTokens
    {
        public string AccessToken { get; set; }

        /// <summary>Null when the answer carries no refresh token (<see cref="EmulatorState.OmitRotatedRefreshToken"/>).</summary>
        public string RefreshToken { get; set; }

        public string IdToken { get; set; }

        public string ClientInfo { get; set; }

        public long ExpiresInSeconds { get; set; }
    }
}
