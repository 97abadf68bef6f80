using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PartnerCenter.Emulator.State;

namespace PartnerCenter.Emulator
{
    /// <summary>
    /// The user-facing sign-in flows: device code (RFC 8628), the authorization code flow behind the
    /// interactive sign-in, and certificate credentials of confidential clients.
    /// </summary>
    public sealed partial class EmulatorState
    {
        /// <summary>Entra's device codes live 15 minutes (<c>expires_in</c> 900).</summary>
        private static readonly TimeSpan DefaultDeviceCodeLifetime = TimeSpan.FromMinutes(15);

        /// <summary>Entra tells device code clients to poll every 5 seconds.</summary>
        private static readonly TimeSpan DefaultDeviceCodePollInterval = TimeSpan.FromSeconds(5);

        /// <summary>RFC 8628 section 3.5: after slow_down the interval grows by 5 seconds for good.</summary>
        private static readonly TimeSpan SlowDownIncrement = TimeSpan.FromSeconds(5);

        /// <summary>
        /// Polls are compared by arrival time on the server, and a client that waits exactly the interval can
        /// land a few milliseconds early (timer rounding, the previous poll's own latency counted on its side).
        /// </summary>
        private static readonly TimeSpan PollIntervalTolerance = TimeSpan.FromMilliseconds(50);

        /// <summary>Entra's authorization codes are short-lived; ten minutes is the commonly cited limit.</summary>
        private static readonly TimeSpan AuthorizationCodeLifetime = TimeSpan.FromMinutes(10);

        /// <summary>
        /// Upper-case letters and digits without I, O, 0 and 1, which people misread; Entra's codes are
        /// 8 or 9 such characters (e.g. <c>BPPVYQZMA</c>).
        /// </summary>
        private const string UserCodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

        private const int UserCodeLength = 9;

        private readonly Dictionary<string, DeviceAuthorization> _deviceCodes = new Dictionary<string, DeviceAuthorization>(StringComparer.Ordinal);

        /// <summary>People type user codes in any case, so lookups ignore it.</summary>
        private readonly Dictionary<string, DeviceAuthorization> _deviceCodesByUserCode =
            new Dictionary<string, DeviceAuthorization>(StringComparer.OrdinalIgnoreCase);

        private readonly Dictionary<string, AuthorizationCodeGrant> _authorizationCodes =
            new Dictionary<string, AuthorizationCodeGrant>(StringComparer.Ordinal);

        private TimeSpan _deviceCodeLifetime = DefaultDeviceCodeLifetime;
        private TimeSpan _deviceCodePollInterval = DefaultDeviceCodePollInterval;
        private bool _enforceDeviceCodePollInterval = true;
        private TimeSpan? _autoApproveDeviceCodesAfter;
        private int? _autoApproveDeviceCodesOnPoll;
        private string _interactiveUserPrincipalName = DefaultUserPrincipalName;
        private bool _interactiveSignInDenied;

        /// <summary>What one device code poll came to; the user and scope are set only for <see cref="DevicePollOutcome.Approved"/>.</summary>
        internal readonly record struct DevicePoll(
            DevicePollOutcome Outcome,
            string Scope = null,
            string UserTenantId = null,
            string UserObjectId = null,
            TimeSpan PollInterval = default);

        internal enum DevicePollOutcome
        {
            Unknown,
            WrongClient,
            Pending,
            SlowDown,
            Declined,
            Expired,
            AlreadyRedeemed,
            Approved,
        }

        /// <summary>
        /// How long a device code stays usable from issue, sent as <c>expires_in</c> (default 15 minutes).
        /// Whole seconds, at least one, because the wire format is an integer number of seconds.
        /// </summary>
        public TimeSpan DeviceCodeLifetime
        {
            get { lock (_gate) { return _deviceCodeLifetime; } }
            set
            {
                RequireWholeSeconds(value, minimumSeconds: 1);
                lock (_gate) { _deviceCodeLifetime = value; }
            }
        }

        /// <summary>
        /// The polling interval sent as <c>interval</c> with new device codes (default 5 seconds). MSAL waits
        /// exactly this long between polls, so tests set one second. Whole seconds; zero is allowed.
        /// </summary>
        public TimeSpan DeviceCodePollInterval
        {
            get { lock (_gate) { return _deviceCodePollInterval; } }
            set
            {
                RequireWholeSeconds(value, minimumSeconds: 0);
                lock (_gate) { _deviceCodePollInterval = value; }
            }
        }

        /// <summary>
        /// When true (the default), a poll that arrives sooner than the code's interval after the previous poll
        /// of the same code gets <c>slow_down</c>, and the code's interval grows by five seconds as RFC 8628
        /// requires. The first poll is never early. Note that MSAL.NET treats slow_down as a failure.
        /// </summary>
        public bool EnforceDeviceCodePollInterval
        {
            get { lock (_gate) { return _enforceDeviceCodePollInterval; } }
            set { lock (_gate) { _enforceDeviceCodePollInterval = value; } }
        }

        /// <summary>
        /// When set, every device code issued from now on counts as approved by
        /// <see cref="InteractiveUserPrincipalName"/> (as it is at issue time) once this much time has passed
        /// since issue. Evaluated when the code is polled, so there is no timer to race with.
        /// Null (the default) leaves approval to <see cref="ApproveDeviceCode"/>.
        /// </summary>
        public TimeSpan? AutoApproveDeviceCodesAfter
        {
            get { lock (_gate) { return _autoApproveDeviceCodesAfter; } }
            set
            {
                if (value < TimeSpan.Zero)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The delay cannot be negative.");
                }

                lock (_gate) { _autoApproveDeviceCodesAfter = value; }
            }
        }

        /// <summary>
        /// When set, every device code issued from now on counts as approved by
        /// <see cref="InteractiveUserPrincipalName"/> (as it is at issue time) when the client polls for it
        /// the given time (1 is the first poll): "the user approves between the first and second poll",
        /// whatever the machine's speed. Null (the default) leaves approval to
        /// <see cref="AutoApproveDeviceCodesAfter"/> or <see cref="ApproveDeviceCode"/>.
        /// </summary>
        public int? AutoApproveDeviceCodesOnPoll
        {
            get { lock (_gate) { return _autoApproveDeviceCodesOnPoll; } }
            set
            {
                if (value < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "Polls are counted from 1.");
                }

                lock (_gate) { _autoApproveDeviceCodesOnPoll = value; }
            }
        }

        /// <summary>Device codes waiting for the user (not approved, declined, redeemed or expired), oldest first.</summary>
        public IReadOnlyList<PendingDeviceCode> PendingDeviceCodes
        {
            get
            {
                lock (_gate)
                {
                    DateTimeOffset now = DateTimeOffset.UtcNow;
                    return _deviceCodes.Values
                        .Where(d => { ApplyAutoApproval(d, now); return d.Status == DeviceCodeStatus.Pending && now < d.ExpiresAt; })
                        .OrderBy(d => d.CreatedAt)
                        .Select(d => new PendingDeviceCode(d.UserCode, d.ClientId, d.Scope, d.CreatedAt, d.ExpiresAt))
                        .ToArray();
                }
            }
        }

        /// <summary>
        /// The user who signs in at the emulated browser: the authorize endpoint issues its codes for this
        /// user, and auto-approved device codes are approved by this user. Defaults to
        /// <see cref="DefaultUserPrincipalName"/>. A user in a known tenant's domain is created if new.
        /// </summary>
        /// <exception cref="ArgumentException">No tenant has the user's domain (create one with <see cref="IssueRefreshToken"/>).</exception>
        public string InteractiveUserPrincipalName
        {
            get { lock (_gate) { return _interactiveUserPrincipalName; } }
            set
            {
                lock (_gate)
                {
                    // Resolved now, so a typo fails in the test that set it rather than inside a sign-in.
                    RequireSignInUser(value, nameof(value));
                    _interactiveUserPrincipalName = value;
                }
            }
        }

        /// <summary>
        /// When true, the authorize endpoint answers as if the user declined: it redirects back with
        /// <c>error=access_denied</c> instead of a code. Default false.
        /// </summary>
        public bool InteractiveSignInDenied
        {
            get { lock (_gate) { return _interactiveSignInDenied; } }
            set { lock (_gate) { _interactiveSignInDenied = value; } }
        }

        /// <summary>
        /// Approves a pending device code as the given user, as if that user had entered the code at the
        /// verification page and signed in. The user is created if new and the UPN's domain belongs to a tenant.
        /// </summary>
        /// <returns>False when no pending, unexpired code has this user code.</returns>
        /// <exception cref="ArgumentException">The user cannot be found or created.</exception>
        public bool ApproveDeviceCode(string userCode, string userPrincipalName = DefaultUserPrincipalName)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(userCode);
            lock (_gate)
            {
                DirectoryUser user = RequireSignInUser(userPrincipalName, nameof(userPrincipalName));
                DeviceAuthorization authorization = FindPendingDeviceCode(userCode.Trim());
                if (authorization == null)
                {
                    return false;
                }

                Approve(authorization, user);
                return true;
            }
        }

        /// <summary>Declines a pending device code, as if the user had refused at the verification page.</summary>
        /// <returns>False when no pending, unexpired code has this user code.</returns>
        public bool DenyDeviceCode(string userCode)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(userCode);
            lock (_gate)
            {
                DeviceAuthorization authorization = FindPendingDeviceCode(userCode.Trim());
                if (authorization == null)
                {
                    return false;
                }

                authorization.Status = DeviceCodeStatus.Declined;
                return true;
            }
        }

        /// <summary>
        /// Adds a certificate credential to a confidential client, creating the client (without a secret) if it
        /// is not registered. The client may then authenticate with a <c>client_assertion</c> JWT signed by the
        /// certificate's private key, and still with its secret if it has one. Only the public part is kept.
        /// </summary>
        /// <exception cref="ArgumentException">The certificate has no RSA key (Entra accepts RSA keys for assertions).</exception>
        /// <exception cref="InvalidOperationException">The client is registered as a public client.</exception>
        public void RegisterConfidentialClientCertificate(string clientId, X509Certificate2 publicCertificate)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
            ArgumentNullException.ThrowIfNull(publicCertificate);
            using (RSA key = publicCertificate.GetRSAPublicKey())
            {
                if (key == null)
                {
                    throw new ArgumentException("The certificate must have an RSA key.", nameof(publicCertificate));
                }
            }

            // A private copy without the private key: the caller may dispose its instance.
            X509Certificate2 copy = X509CertificateLoader.LoadCertificate(publicCertificate.RawData);
            lock (_gate)
            {
                if (_clients.TryGetValue(clientId, out ClientRegistration existing))
                {
                    if (!existing.IsConfidential)
                    {
                        throw new InvalidOperationException($"Client '{clientId}' is a public client, which cannot have credentials.");
                    }

                    _clients[clientId] = existing.WithCertificate(copy);
                }
                else
                {
                    _clients[clientId] = new ClientRegistration(clientId, clientSecret: null).WithCertificate(copy);
                }
            }
        }

        /// <summary>
        /// Makes a self-signed certificate (RSA 2048, valid from a day ago for a week) and adds it to the
        /// client with <see cref="RegisterConfidentialClientCertificate"/>, as an admin uploading an app's
        /// certificate would. Returns it with its private key, for the caller to hand to the app (as a PFX).
        /// </summary>
        public X509Certificate2 CreateClientCertificate(string clientId)
        {
            using RSA key = RSA.Create(2048);
            var request = new CertificateRequest("CN=PartnerCenter.Emulator client " + clientId, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            X509Certificate2 certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));
            RegisterConfidentialClientCertificate(clientId, certificate);
            return certificate;
        }

        internal DeviceAuthorization CreateDeviceAuthorization(string clientId, string scope)
        {
            lock (_gate)
            {
                DateTimeOffset now = DateTimeOffset.UtcNow;
                string userCode;
                do
                {
                    userCode = RandomNumberGenerator.GetString(UserCodeAlphabet, UserCodeLength);
                }
                while (_deviceCodesByUserCode.ContainsKey(userCode));

                // Entra's device codes are long opaque strings; clients must only echo them back.
                string deviceCode = "DAQAB" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(96));
                var authorization = new DeviceAuthorization(
                    deviceCode,
                    userCode,
                    clientId,
                    scope,
                    now,
                    now + _deviceCodeLifetime,
                    _deviceCodePollInterval,
                    now + _autoApproveDeviceCodesAfter,
                    _autoApproveDeviceCodesOnPoll,
                    _interactiveUserPrincipalName);
                _deviceCodes.Add(deviceCode, authorization);
                _deviceCodesByUserCode.Add(userCode, authorization);
                return authorization;
            }
        }

        /// <summary>
        /// One poll of the token endpoint with a device code, decided atomically: the outcome, and on
        /// approval the code is consumed so that a second poll cannot redeem it again. The result is a copy
        /// taken under the lock, so the caller never reads the live authorization.
        /// </summary>
        internal DevicePoll PollDeviceCode(string deviceCode, string clientId)
        {
            lock (_gate)
            {
                DateTimeOffset now = DateTimeOffset.UtcNow;
                if (!_deviceCodes.TryGetValue(deviceCode, out DeviceAuthorization authorization))
                {
                    return new DevicePoll(DevicePollOutcome.Unknown);
                }

                if (!string.Equals(authorization.ClientId, clientId, StringComparison.OrdinalIgnoreCase))
                {
                    return new DevicePoll(DevicePollOutcome.WrongClient);
                }

                DateTimeOffset? previousPoll = authorization.LastPolledAt;
                authorization.LastPolledAt = now;
                authorization.Polls++;
                ApplyAutoApproval(authorization, now);
                switch (authorization.Status)
                {
                    case DeviceCodeStatus.Redeemed:
                        return new DevicePoll(DevicePollOutcome.AlreadyRedeemed);
                    case DeviceCodeStatus.Declined:
                        return new DevicePoll(DevicePollOutcome.Declined);
                }

                if (now >= authorization.ExpiresAt)
                {
                    return new DevicePoll(DevicePollOutcome.Expired);
                }

                if (authorization.Status == DeviceCodeStatus.Approved)
                {
                    authorization.Status = DeviceCodeStatus.Redeemed;
                    return new DevicePoll(DevicePollOutcome.Approved, authorization.Scope, authorization.UserTenantId, authorization.UserObjectId);
                }

                if (_enforceDeviceCodePollInterval
                    && previousPoll is DateTimeOffset previous
                    && now - previous < authorization.PollInterval - PollIntervalTolerance)
                {
                    authorization.PollInterval += SlowDownIncrement;
                    return new DevicePoll(DevicePollOutcome.SlowDown, PollInterval: authorization.PollInterval);
                }

                return new DevicePoll(DevicePollOutcome.Pending);
            }
        }

        /// <summary>The user the authorize endpoint signs in, or null (with the reason) if there is none to sign in.</summary>
        internal DirectoryUser ResolveInteractiveUser(out string userPrincipalName)
        {
            lock (_gate)
            {
                userPrincipalName = _interactiveUserPrincipalName;
                return ResolveSignInUser(userPrincipalName);
            }
        }

        internal string IssueAuthorizationCode(
            string clientId,
            string redirectUri,
            string scope,
            string codeChallenge,
            string codeChallengeMethod,
            DirectoryUser user)
        {
            lock (_gate)
            {
                // Opaque like Entra's codes; only the emulator ever looks inside (it doesn't, it looks them up).
                string code = "1.A" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(96));
                _authorizationCodes.Add(code, new AuthorizationCodeGrant(
                    code,
                    clientId,
                    redirectUri,
                    scope,
                    codeChallenge,
                    codeChallengeMethod,
                    user.TenantId,
                    user.ObjectId,
                    DateTimeOffset.UtcNow + AuthorizationCodeLifetime));
                return code;
            }
        }

        internal AuthorizationCodeGrant FindAuthorizationCode(string code)
        {
            lock (_gate)
            {
                return _authorizationCodes.TryGetValue(code, out AuthorizationCodeGrant grant) ? grant : null;
            }
        }

        internal bool IsRedeemed(AuthorizationCodeGrant grant)
        {
            lock (_gate) { return grant.Redeemed; }
        }

        /// <summary>Consumes the code; false if another request redeemed it first.</summary>
        internal bool TryRedeem(AuthorizationCodeGrant grant)
        {
            lock (_gate)
            {
                if (grant.Redeemed)
                {
                    return false;
                }

                grant.Redeemed = true;
                return true;
            }
        }

        private static void RequireWholeSeconds(TimeSpan value, int minimumSeconds)
        {
            if (value < TimeSpan.FromSeconds(minimumSeconds) || value.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Must be a whole number of seconds, at least {minimumSeconds}.");
            }
        }

        private DeviceAuthorization FindPendingDeviceCode(string userCode)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            if (!_deviceCodesByUserCode.TryGetValue(userCode, out DeviceAuthorization authorization))
            {
                return null;
            }

            ApplyAutoApproval(authorization, now);
            return authorization.Status == DeviceCodeStatus.Pending && now < authorization.ExpiresAt ? authorization : null;
        }

        private void ApplyAutoApproval(DeviceAuthorization authorization, DateTimeOffset now)
        {
            bool approveByTime = authorization.AutoApproveAt is DateTimeOffset approveAt && now >= approveAt && approveAt < authorization.ExpiresAt;
            bool approveByPoll = authorization.AutoApproveOnPoll is int poll && authorization.Polls >= poll && now < authorization.ExpiresAt;
            if (authorization.Status == DeviceCodeStatus.Pending && (approveByTime || approveByPoll))
            {
                // The UPN was validated when it was set and users are never removed, so this resolves; if it
                // ever did not, the code simply stays pending and expires, as an unanswered one would.
                DirectoryUser user = ResolveSignInUser(authorization.AutoApproveUserPrincipalName);
                if (user != null)
                {
                    Approve(authorization, user);
                }
            }
        }

        private static void Approve(DeviceAuthorization authorization, DirectoryUser user)
        {
            authorization.Status = DeviceCodeStatus.Approved;
            authorization.UserTenantId = user.TenantId;
            authorization.UserObjectId = user.ObjectId;
        }

        private DirectoryUser RequireSignInUser(string userPrincipalName, string parameterName)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(userPrincipalName, parameterName);
            int at = userPrincipalName.IndexOf('@');
            if (at <= 0 || at == userPrincipalName.Length - 1)
            {
                throw new ArgumentException("A user principal name looks like user@domain.", parameterName);
            }

            return ResolveSignInUser(userPrincipalName)
                ?? throw new ArgumentException(
                    $"No tenant has the domain of '{userPrincipalName}'; call IssueRefreshToken with a tenant id to create one.",
                    parameterName);
        }

        /// <summary>
        /// The user signing in with this UPN: the one in the tenant that owns the UPN's domain (created there if
        /// new), else any tenant's user with that UPN. Null when neither exists. Caller holds the lock.
        /// </summary>
        private DirectoryUser ResolveSignInUser(string userPrincipalName)
        {
            int at = userPrincipalName.IndexOf('@');
            if (at <= 0)
            {
                return null;
            }

            Tenant home = FindTenantByDomain(userPrincipalName.Substring(at + 1));
            if (home != null)
            {
                return home.UsersByUpn.TryGetValue(userPrincipalName, out DirectoryUser existing)
                    ? existing
                    : AddUser(home, Guid.NewGuid().ToString(), userPrincipalName, userPrincipalName.Substring(0, at));
            }

            return _tenants.Values
                .Select(t => t.UsersByUpn.TryGetValue(userPrincipalName, out DirectoryUser user) ? user : null)
                .FirstOrDefault(u => u != null);
        }
    }
}
