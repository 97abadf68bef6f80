using System;
using System.Collections.Generic;

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
    }

    /// <summary>An application registration; Entra app registrations are not tied to one tenant here (multi-tenant apps).</summary>
    internal sealed class ClientRegistration
    {
        public ClientRegistration(string clientId, string clientSecret)
        {
            ClientId = clientId;
            ClientSecret = clientSecret;
            ServicePrincipalObjectId = Guid.NewGuid().ToString();
        }

        public string ClientId { get; }

        /// <summary>Null for a public client.</summary>
        public string ClientSecret { get; }

        public bool IsConfidential => ClientSecret != null;

        /// <summary>The <c>oid</c> of app-only tokens, standing in for the service principal's object id.</summary>
        public string ServicePrincipalObjectId { get; }
    }

    internal sealed class RefreshTokenGrant
    {
        public RefreshTokenGrant(string token, string clientId, string tenantId, string userObjectId, DateTimeOffset issuedAt)
        {
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
            DateTimeOffset expiresOn)
        {
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

        public DateTimeOffset ExpiresOn { get; set; }
    }

    internal sealed class ScriptedResponse
    {
        public ScriptedResponse(int statusCode, string body, IReadOnlyDictionary<string, string> headers, TimeSpan delay)
        {
            StatusCode = statusCode;
            Body = body;
            Headers = headers;
            Delay = delay;
        }

        public int StatusCode { get; }

        public string Body { get; }

        public IReadOnlyDictionary<string, string> Headers { get; }

        public TimeSpan Delay { get; }
    }

    /// <summary>What a successful delegated (App+User) token request produces.</summary>
    internal sealed class DelegatedTokens
    {
        public string AccessToken { get; set; }

        public string RefreshToken { get; set; }

        public string IdToken { get; set; }

        public string ClientInfo { get; set; }

        public long ExpiresInSeconds { get; set; }
    }
}
