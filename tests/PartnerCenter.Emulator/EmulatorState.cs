using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PartnerCenter.Emulator.Entra;
using PartnerCenter.Emulator.State;

namespace PartnerCenter.Emulator
{
    /// <summary>
    /// Everything the emulator knows: app registrations, tenants and users, issued tokens, the Partner Center
    /// data it serves, scripted responses and the record of received requests. All members are thread-safe.
    /// </summary>
    public sealed partial class EmulatorState
    {
        /// <summary>Tenant id of the default partner tenant (contoso.onmicrosoft.com).</summary>
        public const string DefaultTenantId = "6b1f3c2e-8d4a-4f7b-9c5e-2a1d0e3f4b58";

        /// <summary>Primary domain of the default tenant; usable in place of the tenant id in Entra URLs.</summary>
        public const string DefaultTenantDomain = "contoso.onmicrosoft.com";

        /// <summary>User principal name of the default user.</summary>
        public const string DefaultUserPrincipalName = "admin@contoso.onmicrosoft.com";

        /// <summary>Object id (<c>oid</c>) of the default user, fixed so tests can assert on account ids.</summary>
        public const string DefaultUserObjectId = "3d7e9a41-5c2b-4e8f-a6d3-91b0c4f2e7a5";

        /// <summary>The Partner Center API's resource identifier, i.e. the <c>aud</c> the API accepts.</summary>
        public const string PartnerCenterResource = "https://api.partnercenter.microsoft.com";

        /// <summary>The documented example body of <c>GET /v1/analytics/licenses/deployment</c>.</summary>
        public const string DefaultDeploymentInsightsJson = """
            {
                "totalCount": 2,
                "items": [{
                        "proratedDeploymentPercent": 0.0,
                        "licensesSold": 343,
                        "processedDateTime": "2017-03-10T00:00:00+00:00",
                        "serviceName": "crm",
                        "channel": "reseller",
                        "attributes": {
                            "objectType": "PartnerLicensesDeploymentInsights"
                        }
                    }, {
                        "proratedDeploymentPercent": 1.0,
                        "licensesSold": 4464,
                        "processedDateTime": "2017-03-14T03:25:16.36+00:00",
                        "serviceName": "o365",
                        "channel": "reseller",
                        "attributes": {
                            "objectType": "PartnerLicensesDeploymentInsights"
                        }
                    }
                ],
                "attributes": {
                    "objectType": "Collection"
                }
            }
            """;

        /// <summary>
        /// Entra issues id tokens with a one hour lifetime independent of the access token policy.
        /// </summary>
        private static readonly TimeSpan IdTokenLifetime = TimeSpan.FromHours(1);

        private readonly object _gate = new object();
        private readonly Dictionary<string, ClientRegistration> _clients =
            new Dictionary<string, ClientRegistration>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, Tenant> _tenants = new Dictionary<string, Tenant>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, RefreshTokenGrant> _refreshTokens = new Dictionary<string, RefreshTokenGrant>(StringComparer.Ordinal);
        private readonly Dictionary<string, AccessTokenGrant> _accessTokens = new Dictionary<string, AccessTokenGrant>(StringComparer.Ordinal);
        private readonly List<string> _issuedAccessTokens = new List<string>();
        private readonly List<string> _issuedRefreshTokens = new List<string>();
        private readonly Dictionary<string, Queue<EmulatorFault>> _scripted =
            new Dictionary<string, Queue<EmulatorFault>>(StringComparer.OrdinalIgnoreCase);

        private readonly Queue<EmulatorFault> _anyPartnerCenterPath = new Queue<EmulatorFault>();
        private readonly List<RecordedRequest> _requests = new List<RecordedRequest>();
        private readonly TokenSigner _signer;
        private int _tokenRequestCount;
        private TimeSpan _accessTokenLifetime = TimeSpan.FromHours(1);
        private bool _enforceMultifactorAuthentication;
        private bool _omitRotatedRefreshToken;
        private string _deploymentInsightsJson = DefaultDeploymentInsightsJson;

        internal EmulatorState(TokenSigner signer)
        {
            _signer = signer;
            Tenant contoso = AddTenant(DefaultTenantId, "Contoso");
            contoso.Domains.Add(DefaultTenantDomain);
            AddUser(contoso, DefaultUserObjectId, DefaultUserPrincipalName, "Contoso Admin");
            AddCustomerLocked(DefaultCustomerId, DefaultCustomerName, DefaultCustomerDomain);
        }

        /// <summary>
        /// Lifetime of access tokens issued from now on (default one hour); also sent as <c>expires_in</c>.
        /// MSAL treats a token as expired five minutes early, so a value just over five minutes makes it
        /// renew on the next call.
        /// </summary>
        public TimeSpan AccessTokenLifetime
        {
            get { lock (_gate) { return _accessTokenLifetime; } }
            set
            {
                if (value < TimeSpan.FromSeconds(1))
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The lifetime must be at least one second; use ExpireAccessToken to expire a token.");
                }

                lock (_gate) { _accessTokenLifetime = value; }
            }
        }

        /// <summary>
        /// When true, Partner Center refuses App+User tokens whose <c>amr</c> claim lacks "mfa" with 401 and
        /// error code 900421, as it does from April 1, 2026; app-only tokens are not affected. Off by default.
        /// </summary>
        public bool EnforceMultifactorAuthentication
        {
            get { lock (_gate) { return _enforceMultifactorAuthentication; } }
            set { lock (_gate) { _enforceMultifactorAuthentication = value; } }
        }

        /// <summary>
        /// When true, a refresh_token grant is answered without a <c>refresh_token</c> (RFC 6749 section 6
        /// allows it): the refresh token that was redeemed stays valid. Off by default (Entra rotates them).
        /// </summary>
        public bool OmitRotatedRefreshToken
        {
            get { lock (_gate) { return _omitRotatedRefreshToken; } }
            set { lock (_gate) { _omitRotatedRefreshToken = value; } }
        }

        /// <summary>
        /// Sets whether a user completes multifactor authentication when signing in with a device code or
        /// in the browser (default true): the tokens of those sign-ins, and every token redeemed from their
        /// refresh tokens, carry <c>amr</c> "mfa" or not.
        /// </summary>
        /// <exception cref="ArgumentException">No tenant has the user.</exception>
        public void SetUserSignsInWithMfa(string userPrincipalName, bool signsInWithMfa)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(userPrincipalName);
            lock (_gate)
            {
                DirectoryUser user = _tenants.Values.Select(t => t.UsersByUpn.TryGetValue(userPrincipalName, out DirectoryUser u) ? u : null).FirstOrDefault(u => u != null)
                    ?? throw new ArgumentException($"No tenant has the user '{userPrincipalName}'.", nameof(userPrincipalName));
                user.SignsInWithMfa = signsInWithMfa;
            }
        }

        /// <summary>
        /// Raw JSON served by <c>GET /v1/analytics/licenses/deployment</c>; defaults to
        /// <see cref="DefaultDeploymentInsightsJson"/>. Served as-is, so invalid JSON can be set on purpose.
        /// </summary>
        public string DeploymentInsightsJson
        {
            get { lock (_gate) { return _deploymentInsightsJson; } }
            set
            {
                ArgumentNullException.ThrowIfNull(value);
                lock (_gate) { _deploymentInsightsJson = value; }
            }
        }

        /// <summary>Snapshot of every request received since start (or the last <see cref="ClearRecords"/>), in arrival order.</summary>
        public IReadOnlyList<RecordedRequest> Requests
        {
            get { lock (_gate) { return _requests.ToArray(); } }
        }

        /// <summary>Number of POSTs to any <c>/{tenant}/oauth2/v2.0/token</c>, scripted ones included.</summary>
        public int TokenRequestCount
        {
            get { lock (_gate) { return _tokenRequestCount; } }
        }

        /// <summary>Every access token issued since start, in order; for scanning output and logs for leaked secrets.</summary>
        public IReadOnlyList<string> IssuedAccessTokens
        {
            get { lock (_gate) { return _issuedAccessTokens.ToArray(); } }
        }

        /// <summary>Every refresh token issued since start, in order.</summary>
        public IReadOnlyList<string> IssuedRefreshTokens
        {
            get { lock (_gate) { return _issuedRefreshTokens.ToArray(); } }
        }

        /// <summary>
        /// Registers (or re-registers with a new secret) a confidential client, which must authenticate
        /// with <c>client_secret</c> (or, once it has one, a certificate) on every token request. Certificates
        /// added with <see cref="RegisterConfidentialClientCertificate"/> are kept.
        /// </summary>
        public void RegisterConfidentialClient(string clientId, string clientSecret)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
            ArgumentException.ThrowIfNullOrEmpty(clientSecret);
            lock (_gate)
            {
                _clients[clientId] = _clients.TryGetValue(clientId, out ClientRegistration existing) && existing.IsConfidential
                    ? existing.WithSecret(clientSecret)
                    : new ClientRegistration(clientId, clientSecret);
            }
        }

        /// <summary>
        /// Sets "Allow public client flows" of a confidential client: with it, device code and refresh token
        /// requests without a client credential are accepted, as Entra ID treats such an app as a public client
        /// where a request has no redirect URI to tell its platform by. A request that does send a credential
        /// must still send a right one.
        /// </summary>
        /// <exception cref="InvalidOperationException">The client is not registered, or is a public client already.</exception>
        public void AllowPublicClientFlows(string clientId, bool allow = true)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
            lock (_gate)
            {
                ClientRegistration client = RequireClient(clientId);
                if (!client.IsConfidential)
                {
                    throw new InvalidOperationException($"Client '{clientId}' is a public client; public client flows are all it has.");
                }

                _clients[clientId] = client.WithPublicClientFlows(allow);
            }
        }

        /// <summary>Registers a public client, which has no secret and must not send one.</summary>
        public void RegisterPublicClient(string clientId)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
            lock (_gate) { _clients[clientId] = new ClientRegistration(clientId, clientSecret: null); }
        }

        /// <summary>
        /// Returns a fresh refresh token for (client, user), as if the user had just consented interactively.
        /// The tenant (a GUID) and the user are created if new; a new tenant also gets the user's UPN domain.
        /// <paramref name="multifactorAuthenticated"/> says whether that sign-in used MFA: the access tokens
        /// redeemed from the refresh token (and from the ones it rotates to) carry <c>amr</c> "mfa" or not.
        /// </summary>
        /// <exception cref="InvalidOperationException">The client is not registered.</exception>
        public string IssueRefreshToken(
            string clientId,
            string tenantId = DefaultTenantId,
            string userPrincipalName = DefaultUserPrincipalName,
            bool multifactorAuthenticated = true)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
            ArgumentException.ThrowIfNullOrWhiteSpace(userPrincipalName);
            string normalizedTenantId = NormalizeTenantId(tenantId);
            int at = userPrincipalName.IndexOf('@');
            if (at <= 0 || at == userPrincipalName.Length - 1)
            {
                throw new ArgumentException("A user principal name looks like user@domain.", nameof(userPrincipalName));
            }

            lock (_gate)
            {
                RequireClient(clientId);
                if (!_tenants.TryGetValue(normalizedTenantId, out Tenant tenant))
                {
                    string domain = userPrincipalName.Substring(at + 1);
                    tenant = AddTenant(normalizedTenantId, domain);
                    if (FindTenantByDomain(domain) == null)
                    {
                        tenant.Domains.Add(domain);
                    }
                }

                if (!tenant.UsersByUpn.TryGetValue(userPrincipalName, out DirectoryUser user))
                {
                    user = AddUser(tenant, Guid.NewGuid().ToString(), userPrincipalName, userPrincipalName.Substring(0, at));
                }

                return AddRefreshToken(clientId, tenant.Id, user.ObjectId, multifactorAuthenticated);
            }
        }

        /// <summary>Revokes a refresh token, as a sign-in session revocation or password reset does.</summary>
        /// <exception cref="ArgumentException">The token was never issued by this emulator.</exception>
        public void RevokeRefreshToken(string refreshToken)
        {
            lock (_gate) { RequireRefreshToken(refreshToken).Revoked = true; }
        }

        /// <summary>
        /// Makes a refresh token expired (as after 90 days of inactivity); redeeming it then fails with AADSTS700082.
        /// </summary>
        /// <exception cref="ArgumentException">The token was never issued by this emulator.</exception>
        public void ExpireRefreshToken(string refreshToken)
        {
            lock (_gate) { RequireRefreshToken(refreshToken).Expired = true; }
        }

        /// <summary>
        /// Makes an issued access token expired now, so Partner Center rejects it with 401. Clients that
        /// cache the token by its <c>expires_in</c> (MSAL does) still believe it is valid.
        /// </summary>
        /// <exception cref="ArgumentException">The token was never issued by this emulator.</exception>
        public void ExpireAccessToken(string accessToken)
        {
            lock (_gate)
            {
                if (accessToken == null || !_accessTokens.TryGetValue(accessToken, out AccessTokenGrant grant))
                {
                    throw new ArgumentException("This access token was not issued by the emulator.", nameof(accessToken));
                }

                grant.ExpiresOn = DateTimeOffset.UtcNow.AddSeconds(-1);
            }
        }

        /// <summary>
        /// Issues an app-only access token (<c>roles</c>, no <c>scp</c>) for Partner Center, as the
        /// client credentials grant would. Partner Center answers such a token with 403 on App+User APIs.
        /// </summary>
        /// <exception cref="InvalidOperationException">The client is not registered.</exception>
        public string IssueAppOnlyAccessToken(string clientId, string tenantId = DefaultTenantId)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
            string normalizedTenantId = NormalizeTenantId(tenantId);
            lock (_gate)
            {
                ClientRegistration client = RequireClient(clientId);
                if (!_tenants.ContainsKey(normalizedTenantId))
                {
                    AddTenant(normalizedTenantId, normalizedTenantId);
                }

                return AddAppOnlyAccessToken(client, normalizedTenantId, PartnerCenterResource);
            }
        }

        /// <summary>
        /// Makes the next request to <paramref name="path"/> (exact path, no query, case-insensitive) get this
        /// response instead of normal handling. Several calls for one path are served first in, first out.
        /// The request is still recorded. A JSON content type is assumed unless <paramref name="headers"/> sets one.
        /// Shorthand for <see cref="EnqueueFault"/> with <see cref="EmulatorFault.Status"/>.
        /// </summary>
        /// <param name="path">Request path starting with '/', e.g. <c>/v1/analytics/licenses/deployment</c>.</param>
        /// <param name="statusCode">HTTP status code to return.</param>
        /// <param name="body">Response body; null or empty for none.</param>
        /// <param name="headers">Extra response headers, e.g. <c>Retry-After</c>.</param>
        /// <param name="delay">Time to wait before answering, for client timeout tests.</param>
        public void EnqueueResponse(
            string path,
            int statusCode,
            string body,
            IDictionary<string, string> headers = null,
            TimeSpan delay = default)
        {
            if (statusCode < 100 || statusCode > 599)
            {
                throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "Not an HTTP status code.");
            }

            if (delay < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(delay), delay, "The delay cannot be negative.");
            }

            EnqueueFault(path, new EmulatorFault
            {
                StatusCode = statusCode,
                Body = body,
                Headers = headers == null ? null : new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase),
                DelayBeforeHeaders = delay,
            });
        }

        /// <summary>
        /// Makes the next request to <paramref name="path"/> (exact path, no query, case-insensitive; Partner
        /// Center and Entra paths alike, e.g. <c>/organizations/oauth2/v2.0/token</c>) get <paramref name="fault"/>
        /// instead of normal handling. Shares one first-in, first-out queue per path with <see cref="EnqueueResponse"/>.
        /// The request is still recorded: <see cref="RecordedRequest.StatusCode"/> is 0 when no status line was
        /// sent, and <see cref="RecordedRequest.Aborted"/> tells whether the connection was cut.
        /// </summary>
        /// <exception cref="ArgumentException">The path does not start with '/' or the fault's settings contradict each other.</exception>
        public void EnqueueFault(string path, EmulatorFault fault)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            ArgumentNullException.ThrowIfNull(fault);
            if (path[0] != '/')
            {
                throw new ArgumentException("The path must start with '/' (no scheme, host or query).", nameof(path));
            }

            fault.Validate();
            lock (_gate)
            {
                if (!_scripted.TryGetValue(path, out Queue<EmulatorFault> queue))
                {
                    queue = new Queue<EmulatorFault>();
                    _scripted.Add(path, queue);
                }

                queue.Enqueue(fault);
            }
        }

        /// <summary>
        /// Makes the next Partner Center request, whatever its path (Entra's endpoints excepted), get
        /// <paramref name="fault"/>: what the standalone emulator's <c>--fault</c> switch queues, for a user who
        /// wants to see the module meet a failure without knowing which request comes next. Faults queued for
        /// the request's own path with <see cref="EnqueueFault"/> are served first.
        /// </summary>
        public void EnqueuePartnerCenterFault(EmulatorFault fault)
        {
            ArgumentNullException.ThrowIfNull(fault);
            fault.Validate();
            lock (_gate)
            {
                _anyPartnerCenterPath.Enqueue(fault);
            }
        }

        /// <summary>
        /// Forgets recorded requests and resets <see cref="TokenRequestCount"/> and <see cref="PeakConcurrentRequests"/>
        /// (to the Partner Center requests in flight at that moment). Issued tokens, registrations
        /// and pending scripted responses are kept: tokens stay valid and stay listed for leak scans.
        /// </summary>
        public void ClearRecords()
        {
            lock (_gate)
            {
                _requests.Clear();
                _tokenRequestCount = 0;
                ResetPeakConcurrency();
            }
        }

        /// <summary>
        /// Drops scripted responses and faults not yet served, so one test's leftovers (a test that
        /// failed before sending the request it scripted) cannot reach the next test.
        /// </summary>
        public void ClearScriptedResponses()
        {
            lock (_gate)
            {
                _scripted.Clear();
                _anyPartnerCenterPath.Clear();
                ClearEntraRefusalsLocked();
            }
        }

        internal string CreateJwksJson() => _signer.CreateJwksJson();

        internal void Record(RecordedRequest request, bool isTokenRequest)
        {
            lock (_gate)
            {
                _requests.Add(request);
                if (isTokenRequest)
                {
                    _tokenRequestCount++;
                }
            }
        }

        internal EmulatorFault TryDequeueFault(string path)
        {
            lock (_gate)
            {
                if (_scripted.TryGetValue(path, out Queue<EmulatorFault> queue) && queue.Count > 0)
                {
                    return queue.Dequeue();
                }

                return null;
            }
        }

        internal EmulatorFault TryDequeuePartnerCenterFault()
        {
            lock (_gate)
            {
                return _anyPartnerCenterPath.Count > 0 ? _anyPartnerCenterPath.Dequeue() : null;
            }
        }

        /// <summary>Finds a tenant by id (GUID) or by one of its domains.</summary>
        internal Tenant FindTenant(string idOrDomain)
        {
            lock (_gate)
            {
                if (_tenants.TryGetValue(idOrDomain, out Tenant tenant))
                {
                    return tenant;
                }

                return FindTenantByDomain(idOrDomain);
            }
        }

        internal ClientRegistration FindClient(string clientId)
        {
            lock (_gate)
            {
                return _clients.TryGetValue(clientId, out ClientRegistration client) ? client : null;
            }
        }

        internal RefreshTokenGrant FindRefreshToken(string refreshToken)
        {
            lock (_gate)
            {
                return _refreshTokens.TryGetValue(refreshToken, out RefreshTokenGrant grant) ? grant : null;
            }
        }

        internal AccessTokenGrant FindAccessToken(string accessToken)
        {
            lock (_gate)
            {
                return _accessTokens.TryGetValue(accessToken, out AccessTokenGrant grant) ? grant : null;
            }
        }

        internal DirectoryUser FindUser(string tenantId, string objectId)
        {
            lock (_gate)
            {
                return _tenants.TryGetValue(tenantId, out Tenant tenant)
                    ? tenant.UsersByUpn.Values.FirstOrDefault(u => u.ObjectId == objectId)
                    : null;
            }
        }

        internal DirectoryUser FindUserByUpn(string tenantId, string userPrincipalName)
        {
            lock (_gate)
            {
                return _tenants.TryGetValue(tenantId, out Tenant tenant)
                    && tenant.UsersByUpn.TryGetValue(userPrincipalName, out DirectoryUser user)
                    ? user
                    : null;
            }
        }

        /// <summary>
        /// Issues the token set of a successful grant. The refresh token is new (Entra rotates them) unless
        /// <paramref name="rotateRefreshToken"/> is false; the id token and client_info are only produced when
        /// the request asked for them. <paramref name="multifactorAuthenticated"/> decides the <c>amr</c> claim.
        /// </summary>
        internal DelegatedTokens IssueDelegatedTokens(
            ClientRegistration client,
            DirectoryUser user,
            string resource,
            string scp,
            bool includeIdToken,
            bool includeClientInfo,
            string idTokenIssuer,
            bool multifactorAuthenticated = true,
            bool rotateRefreshToken = true)
        {
            lock (_gate)
            {
                DateTimeOffset now = DateTimeOffset.UtcNow;
                DateTimeOffset expiresOn = now + _accessTokenLifetime;
                var claims = new JsonObject
                {
                    ["aud"] = resource,
                    ["iss"] = $"https://sts.windows.net/{user.TenantId}/",
                    ["iat"] = now.ToUnixTimeSeconds(),
                    ["nbf"] = now.ToUnixTimeSeconds(),
                    ["exp"] = expiresOn.ToUnixTimeSeconds(),
                    ["acr"] = "1",
                    ["amr"] = multifactorAuthenticated ? new JsonArray("pwd", "mfa") : new JsonArray("pwd"),
                    ["appid"] = client.ClientId,
                    ["appidacr"] = client.IsConfidential ? "1" : "0",
                    ["name"] = user.DisplayName,
                    ["oid"] = user.ObjectId,
                    ["scp"] = scp,
                    ["sub"] = PairwiseSubject(user.ObjectId, client.ClientId),
                    ["tid"] = user.TenantId,
                    ["unique_name"] = user.UserPrincipalName,
                    ["upn"] = user.UserPrincipalName,
                    ["uti"] = NewTokenId(),
                    ["ver"] = "1.0",
                };

                string accessToken = _signer.CreateJwt(claims);
                _accessTokens.Add(accessToken, new AccessTokenGrant(accessToken, client.ClientId, user.TenantId, resource, user.ObjectId, expiresOn, multifactorAuthenticated));
                _issuedAccessTokens.Add(accessToken);

                var tokens = new DelegatedTokens
                {
                    AccessToken = accessToken,
                    RefreshToken = rotateRefreshToken ? AddRefreshToken(client.ClientId, user.TenantId, user.ObjectId, multifactorAuthenticated) : null,
                    ExpiresInSeconds = (long)_accessTokenLifetime.TotalSeconds,
                };

                if (includeIdToken)
                {
                    tokens.IdToken = _signer.CreateJwt(new JsonObject
                    {
                        ["aud"] = client.ClientId,
                        ["iss"] = $"{idTokenIssuer}/{user.TenantId}/v2.0",
                        ["iat"] = now.ToUnixTimeSeconds(),
                        ["nbf"] = now.ToUnixTimeSeconds(),
                        ["exp"] = (now + IdTokenLifetime).ToUnixTimeSeconds(),
                        ["name"] = user.DisplayName,
                        ["oid"] = user.ObjectId,
                        ["preferred_username"] = user.UserPrincipalName,
                        ["sub"] = PairwiseSubject(user.ObjectId, client.ClientId),
                        ["tid"] = user.TenantId,
                        ["uti"] = NewTokenId(),
                        ["ver"] = "2.0",
                    });
                }

                if (includeClientInfo)
                {
                    // MSAL derives the account's home_account_id ("uid.utid") from this, not from the id token.
                    string clientInfo = new JsonObject { ["uid"] = user.ObjectId, ["utid"] = user.TenantId }.ToJsonString();
                    tokens.ClientInfo = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(clientInfo));
                }

                return tokens;
            }
        }

        internal (string AccessToken, long ExpiresInSeconds) IssueClientCredentialsToken(ClientRegistration client, string tenantId, string resource)
        {
            lock (_gate)
            {
                return (AddAppOnlyAccessToken(client, tenantId, resource), (long)_accessTokenLifetime.TotalSeconds);
            }
        }

        private static string NormalizeTenantId(string tenantId)
        {
            if (!Guid.TryParse(tenantId, out Guid parsed))
            {
                throw new ArgumentException("The tenant id must be a GUID.", nameof(tenantId));
            }

            return parsed.ToString();
        }

        /// <summary>Entra's <c>sub</c> is pairwise: stable per (user, app) and different across apps.</summary>
        private static string PairwiseSubject(string objectId, string clientId) =>
            Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(objectId + "|" + clientId.ToLowerInvariant()))).Substring(0, 43);

        private static string NewTokenId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

        private string AddAppOnlyAccessToken(ClientRegistration client, string tenantId, string resource)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            DateTimeOffset expiresOn = now + _accessTokenLifetime;
            var claims = new JsonObject
            {
                ["aud"] = resource,
                ["iss"] = $"https://sts.windows.net/{tenantId}/",
                ["iat"] = now.ToUnixTimeSeconds(),
                ["nbf"] = now.ToUnixTimeSeconds(),
                ["exp"] = expiresOn.ToUnixTimeSeconds(),
                ["appid"] = client.ClientId,
                ["appidacr"] = "1",
                ["idp"] = $"https://sts.windows.net/{tenantId}/",
                ["oid"] = client.ServicePrincipalObjectId,
                // Entra lists granted application permissions here; the name is the emulator's own and
                // only the presence of roles (and absence of scp) matters to Partner Center.
                ["roles"] = new JsonArray("Application.ReadWrite"),
                ["sub"] = client.ServicePrincipalObjectId,
                ["tid"] = tenantId,
                ["uti"] = NewTokenId(),
                ["ver"] = "1.0",
            };

            string accessToken = _signer.CreateJwt(claims);
            _accessTokens.Add(accessToken, new AccessTokenGrant(accessToken, client.ClientId, tenantId, resource, userObjectId: null, expiresOn));
            _issuedAccessTokens.Add(accessToken);
            return accessToken;
        }

        private string AddRefreshToken(string clientId, string tenantId, string userObjectId, bool multifactorAuthenticated)
        {
            // Entra refresh tokens are opaque (encrypted) strings, not JWTs; clients must not parse them.
            string token = "1.A" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(96));
            _refreshTokens.Add(token, new RefreshTokenGrant(token, clientId, tenantId, userObjectId, DateTimeOffset.UtcNow, multifactorAuthenticated));
            _issuedRefreshTokens.Add(token);
            return token;
        }

        private Tenant AddTenant(string id, string displayName)
        {
            var tenant = new Tenant(id, displayName);
            _tenants.Add(id, tenant);
            return tenant;
        }

        private static DirectoryUser AddUser(Tenant tenant, string objectId, string userPrincipalName, string displayName)
        {
            var user = new DirectoryUser(objectId, tenant.Id, userPrincipalName, displayName);
            tenant.UsersByUpn.Add(userPrincipalName, user);
            return user;
        }

        private Tenant FindTenantByDomain(string domain) =>
            _tenants.Values.FirstOrDefault(t => t.Domains.Contains(domain));

        private ClientRegistration RequireClient(string clientId)
        {
            if (!_clients.TryGetValue(clientId, out ClientRegistration client))
            {
                throw new InvalidOperationException(
                    $"Client '{clientId}' is not registered; call RegisterConfidentialClient or RegisterPublicClient first.");
            }

            return client;
        }

        private RefreshTokenGrant RequireRefreshToken(string refreshToken)
        {
            if (refreshToken == null || !_refreshTokens.TryGetValue(refreshToken, out RefreshTokenGrant grant))
            {
                throw new ArgumentException("This refresh token was not issued by the emulator.", nameof(refreshToken));
            }

            return grant;
        }
    }
}
