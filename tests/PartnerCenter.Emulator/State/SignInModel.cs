using System;

namespace PartnerCenter.Emulator.State
{
    internal enum DeviceCodeStatus
    {
        Pending,
        Approved,
        Declined,
        Redeemed,
    }

    /// <summary>
    /// One device authorization (RFC 8628): what the device asked for, and what the user did about it.
    /// Mutable fields are only touched under the state lock.
    /// </summary>
    internal sealed class DeviceAuthorization
    {
        public DeviceAuthorization(
            string deviceCode,
            string userCode,
            string clientId,
            string scope,
            DateTimeOffset createdAt,
            DateTimeOffset expiresAt,
            TimeSpan pollInterval,
            DateTimeOffset? autoApproveAt,
            int? autoApproveOnPoll,
            string autoApproveUserPrincipalName)
        {
            DeviceCode = deviceCode;
            UserCode = userCode;
            ClientId = clientId;
            Scope = scope;
            CreatedAt = createdAt;
            ExpiresAt = expiresAt;
            PollInterval = pollInterval;
            AutoApproveAt = autoApproveAt;
            AutoApproveOnPoll = autoApproveOnPoll;
            AutoApproveUserPrincipalName = autoApproveUserPrincipalName;
        }

        public string DeviceCode { get; }

        public string UserCode { get; }

        public string ClientId { get; }

        /// <summary>The space-separated scopes of the device authorization request; the token is issued for these.</summary>
        public string Scope { get; }

        public DateTimeOffset CreatedAt { get; }

        public DateTimeOffset ExpiresAt { get; }

        /// <summary>The interval the client was told to keep; grows by five seconds with each slow_down (RFC 8628 section 3.5).</summary>
        public TimeSpan PollInterval { get; set; }

        /// <summary>When set, the code counts as approved by <see cref="AutoApproveUserPrincipalName"/> from this instant on.</summary>
        public DateTimeOffset? AutoApproveAt { get; }

        /// <summary>When set, the code counts as approved by <see cref="AutoApproveUserPrincipalName"/> from this poll on (1 is the first).</summary>
        public int? AutoApproveOnPoll { get; }

        /// <summary>How many times the client has polled for this code.</summary>
        public int Polls { get; set; }

        public string AutoApproveUserPrincipalName { get; }

        public DateTimeOffset? LastPolledAt { get; set; }

        public DeviceCodeStatus Status { get; set; }

        /// <summary>Home tenant and object id of the approving user, once approved.</summary>
        public string UserTenantId { get; set; }

        public string UserObjectId { get; set; }
    }

    /// <summary>An authorization code handed out by the authorize endpoint, waiting to be redeemed once.</summary>
    internal sealed class AuthorizationCodeGrant
    {
        public AuthorizationCodeGrant(
            string code,
            string clientId,
            string redirectUri,
            string scope,
            string codeChallenge,
            string codeChallengeMethod,
            string userTenantId,
            string userObjectId,
            DateTimeOffset expiresAt)
        {
            Code = code;
            ClientId = clientId;
            RedirectUri = redirectUri;
            Scope = scope;
            CodeChallenge = codeChallenge;
            CodeChallengeMethod = codeChallengeMethod;
            UserTenantId = userTenantId;
            UserObjectId = userObjectId;
            ExpiresAt = expiresAt;
        }

        public string Code { get; }

        public string ClientId { get; }

        /// <summary>Exactly as sent to the authorize endpoint; the token request must repeat it verbatim.</summary>
        public string RedirectUri { get; }

        public string Scope { get; }

        /// <summary>Null when the authorization request carried no PKCE challenge.</summary>
        public string CodeChallenge { get; }

        /// <summary><c>S256</c> or <c>plain</c>.</summary>
        public string CodeChallengeMethod { get; }

        public string UserTenantId { get; }

        public string UserObjectId { get; }

        public DateTimeOffset ExpiresAt { get; }

        public bool Redeemed { get; set; }
    }
}
