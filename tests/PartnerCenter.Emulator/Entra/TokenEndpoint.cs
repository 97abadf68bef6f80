using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PartnerCenter.Emulator.Hosting;
using PartnerCenter.Emulator.State;

namespace PartnerCenter.Emulator.Entra
{
    /// <summary>
    /// <c>POST /{tenant}/oauth2/v2.0/token</c> for the refresh_token, client_credentials, authorization_code
    /// and device_code grants, with client authentication by secret or certificate assertion, and Entra's
    /// error codes for the failures a client can meet in practice.
    /// </summary>
    internal sealed class TokenEndpoint
    {
        private const string GraphResource = "https://graph.microsoft.com";

        /// <summary>
        /// The only delegated permission the emulated APIs expose, so <c>.default</c> (all consented
        /// permissions) expands to it, as it does for Partner Center.
        /// </summary>
        private const string DefaultDelegatedPermission = "user_impersonation";

        private static readonly HashSet<string> OpenIdScopes =
            new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "openid", "profile", "offline_access", "email" };

        /// <summary>RFC 8628's grant type; Entra also accepts the bare <c>device_code</c>, which is what MSAL.NET sends.</summary>
        private const string DeviceCodeGrantType = "urn:ietf:params:oauth:grant-type:device_code";

        private static readonly HashSet<string> SupportedGrantTypes = new HashSet<string>(StringComparer.Ordinal)
        {
            "refresh_token", "client_credentials", "authorization_code", "device_code", DeviceCodeGrantType,
        };

        private readonly EmulatorState _state;
        private readonly DeviceCodeEndpoint _deviceCodes;
        private readonly AuthorizeEndpoint _authorize;

        public TokenEndpoint(EmulatorState state, DeviceCodeEndpoint deviceCodes, AuthorizeEndpoint authorize)
        {
            _state = state;
            _deviceCodes = deviceCodes;
            _authorize = authorize;
        }

        public void Map(IEndpointRouteBuilder routes)
        {
            routes.MapPost("/{tenant}/oauth2/v2.0/token", HandleAsync);
        }

        /// <summary>
        /// The start every form-posting Entra endpoint shares: the tenant of the route and the form.
        /// Null when the tenant is unknown, after the Entra error has been written.
        /// </summary>
        internal static async Task<(TenantSegment Tenant, IFormCollection Form)?> ReadTenantFormAsync(HttpContext context, EmulatorState state)
        {
            var tenant = TenantSegment.Parse(state, (string)context.GetRouteValue("tenant"));
            if (tenant.IsUnknown)
            {
                await EntraResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request", 90002, tenant.NotFoundMessage);
                return null;
            }

            IFormCollection form = context.Request.HasFormContentType
                ? await context.Request.ReadFormAsync(context.RequestAborted)
                : FormCollection.Empty;
            return (tenant, form);
        }

        private async Task HandleAsync(HttpContext context)
        {
            var read = await ReadTenantFormAsync(context, _state);
            if (read == null)
            {
                return;
            }

            var (tenant, form) = read.Value;

            EntraRefusal refusal = _state.TryDequeueEntraRefusal();
            if (refusal != null)
            {
                await EntraResponses.WriteErrorAsync(context, refusal.StatusCode, refusal.Error, refusal.AadstsCode, refusal.Message);
                return;
            }

            string grantType = form["grant_type"];
            if (string.IsNullOrEmpty(grantType))
            {
                await MissingParameterAsync(context, "grant_type");
                return;
            }

            if (!SupportedGrantTypes.Contains(grantType))
            {
                await EntraResponses.WriteErrorAsync(
                    context,
                    StatusCodes.Status400BadRequest,
                    "unsupported_grant_type",
                    70003,
                    $"The app requested an unsupported grant type '{grantType}'.");
                return;
            }

            ClientCredentials credentials = ReadClientCredentials(context.Request, form);
            if (string.IsNullOrEmpty(credentials.ClientId))
            {
                await MissingParameterAsync(context, "client_id");
                return;
            }

            ClientRegistration client = _state.FindClient(credentials.ClientId);
            if (client == null)
            {
                await UnknownClientAsync(context, tenant, credentials.ClientId);
                return;
            }

            if (!await AuthenticateClientAsync(context, tenant, client, credentials, grantType))
            {
                return;
            }

            switch (grantType)
            {
                case "refresh_token":
                    await RefreshTokenGrantAsync(context, form, tenant, client);
                    break;
                case "client_credentials":
                    await ClientCredentialsGrantAsync(context, form, tenant, client);
                    break;
                case "authorization_code":
                    await _authorize.RedeemAsync(context, form, tenant, client, this);
                    break;
                default:
                    await _deviceCodes.RedeemAsync(context, form, tenant, client, this);
                    break;
            }
        }

        /// <summary>Entra reports an unknown application as unauthorized_client, not invalid_client.</summary>
        internal static Task UnknownClientAsync(HttpContext context, TenantSegment tenant, string clientId)
        {
            string directory = tenant.Tenant?.DisplayName ?? tenant.Raw;
            return EntraResponses.WriteErrorAsync(
                context,
                StatusCodes.Status400BadRequest,
                "unauthorized_client",
                700016,
                $"Application with identifier '{clientId}' was not found in the directory '{directory}'. " +
                "This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. " +
                "You may have sent your authentication request to the wrong tenant.");
        }

        private async Task RefreshTokenGrantAsync(HttpContext context, IFormCollection form, TenantSegment tenant, ClientRegistration client)
        {
            string refreshToken = form["refresh_token"];
            if (string.IsNullOrEmpty(refreshToken))
            {
                await MissingParameterAsync(context, "refresh_token");
                return;
            }

            RefreshTokenGrant grant = _state.FindRefreshToken(refreshToken);
            if (grant == null)
            {
                await InvalidGrantAsync(context, 70000, "Provided grant is invalid or malformed.");
                return;
            }

            if (!string.Equals(grant.ClientId, client.ClientId, StringComparison.OrdinalIgnoreCase))
            {
                await InvalidGrantAsync(context, 70000, "Provided grant is invalid or malformed. The refresh token was issued to a different client.");
                return;
            }

            if (grant.Revoked)
            {
                await InvalidGrantAsync(
                    context,
                    50173,
                    "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. " +
                    $"The grant was issued on '{FormatInstant(grant.IssuedAt)}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{FormatInstant(DateTimeOffset.UtcNow)}'.");
                return;
            }

            if (grant.Expired)
            {
                await InvalidGrantAsync(
                    context,
                    700082,
                    $"The refresh token has expired due to inactivity. The token was issued on {FormatInstant(grant.IssuedAt)} and was inactive for 90.00:00:00.");
                return;
            }

            // A redeemed refresh token passes on how its sign-in was made (amr), and, when the answer
            // rotates nothing, stays the one to use.
            await IssueUserTokensAsync(
                context, form, tenant, client, grant.TenantId, grant.UserObjectId, form["scope"], grant.MultifactorAuthenticated, rotateRefreshToken: !_state.OmitRotatedRefreshToken);
        }

        /// <summary>
        /// The success (or failure) of every grant that ends with a user's tokens: checks the scopes, moves the
        /// user into the tenant of the URL when that is another tenant (only if the user exists there, as a
        /// guest would), and writes access, refresh and (when asked for) id token and client_info.
        /// </summary>
        internal async Task IssueUserTokensAsync(
            HttpContext context,
            IFormCollection form,
            TenantSegment tenant,
            ClientRegistration client,
            string homeTenantId,
            string userObjectId,
            string scopeParameter,
            bool? multifactorAuthenticated = null,
            bool rotateRefreshToken = true)
        {
            if (string.IsNullOrWhiteSpace(scopeParameter))
            {
                await MissingParameterAsync(context, "scope");
                return;
            }

            string[] scopes = scopeParameter.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!TryParseResourceScopes(scopes, out string resource, out List<string> permissions, out (int Code, string Message) scopeError))
            {
                await EntraResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_scope", scopeError.Code, scopeError.Message);
                return;
            }

            DirectoryUser user = _state.FindUser(homeTenantId, userObjectId);

            // A fresh sign-in (device code, browser) uses MFA when the user does.
            bool mfa = multifactorAuthenticated ?? user.SignsInWithMfa;
            string targetTenantId = tenant.IsTenantIndependent ? homeTenantId : tenant.Tenant.Id;
            if (!string.Equals(targetTenantId, homeTenantId, StringComparison.OrdinalIgnoreCase))
            {
                // A user's grant can be used in another tenant only where the user also exists (e.g. as a guest).
                DirectoryUser inTarget = _state.FindUserByUpn(targetTenantId, user.UserPrincipalName);
                if (inTarget == null)
                {
                    await InvalidGrantAsync(
                        context,
                        50020,
                        $"User account '{user.UserPrincipalName}' from identity provider 'https://sts.windows.net/{homeTenantId}/' does not exist in tenant '{tenant.Tenant.DisplayName}' " +
                        $"and cannot access the application '{client.ClientId}' in that tenant. The account needs to be added as an external user in the tenant first.");
                    return;
                }

                user = inTarget;
            }

            DelegatedTokens tokens = _state.IssueDelegatedTokens(
                client,
                user,
                resource,
                string.Join(' ', permissions),
                includeIdToken: scopes.Contains("openid", StringComparer.OrdinalIgnoreCase),
                includeClientInfo: form["client_info"] == "1",
                idTokenIssuer: $"{context.Request.Scheme}://{context.Request.Host}",
                multifactorAuthenticated: mfa,
                rotateRefreshToken: rotateRefreshToken);

            var body = new JsonObject
            {
                ["token_type"] = "Bearer",
                ["scope"] = ResponseScope(resource, permissions, scopes),
                ["expires_in"] = tokens.ExpiresInSeconds,
                ["ext_expires_in"] = tokens.ExpiresInSeconds,
                ["access_token"] = tokens.AccessToken,
            };
            if (tokens.RefreshToken != null)
            {
                body["refresh_token"] = tokens.RefreshToken;
            }
            if (tokens.IdToken != null)
            {
                body["id_token"] = tokens.IdToken;
            }

            if (tokens.ClientInfo != null)
            {
                body["client_info"] = tokens.ClientInfo;
            }

            await EntraResponses.WriteJsonAsync(context, body);
        }

        private async Task ClientCredentialsGrantAsync(HttpContext context, IFormCollection form, TenantSegment tenant, ClientRegistration client)
        {
            if (tenant.IsTenantIndependent)
            {
                // There is no user to pick the tenant from, so Entra needs it in the URL.
                await EntraResponses.WriteErrorAsync(
                    context,
                    StatusCodes.Status400BadRequest,
                    "invalid_request",
                    50059,
                    "No tenant-identifying information found in either the request or implied by any provided credentials.");
                return;
            }

            string scopeParameter = form["scope"];
            if (string.IsNullOrWhiteSpace(scopeParameter))
            {
                await MissingParameterAsync(context, "scope");
                return;
            }

            string[] scopes = scopeParameter.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (scopes.Length != 1
                || !TrySplitScope(scopes[0], out string resource, out string permission)
                || permission != ".default")
            {
                await EntraResponses.WriteErrorAsync(
                    context,
                    StatusCodes.Status400BadRequest,
                    "invalid_scope",
                    1002012,
                    $"The provided value for scope {scopeParameter} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
                return;
            }

            (string accessToken, long expiresIn) = _state.IssueClientCredentialsToken(client, tenant.Tenant.Id, resource);
            var body = new JsonObject
            {
                ["token_type"] = "Bearer",
                ["expires_in"] = expiresIn,
                ["ext_expires_in"] = expiresIn,
                ["access_token"] = accessToken,
            };
            await EntraResponses.WriteJsonAsync(context, body);
        }

        /// <summary>
        /// Splits the requested scopes into the one resource they target and its permission names, dropping
        /// the OpenID Connect scopes MSAL always adds. On failure, <paramref name="error"/> is Entra's
        /// invalid_scope code and text.
        /// </summary>
        internal static bool TryParseResourceScopes(
            string[] scopes,
            out string resource,
            out List<string> permissions,
            out (int Code, string Message) error)
        {
            resource = null;
            permissions = new List<string>();
            error = default;
            foreach (string scope in scopes.Where(s => !OpenIdScopes.Contains(s)))
            {
                if (!TrySplitScope(scope, out string scopeResource, out string permission))
                {
                    error = (70011, $"The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid.");
                    return false;
                }

                if (resource != null && !string.Equals(resource, scopeResource, StringComparison.OrdinalIgnoreCase))
                {
                    error = (28000, $"Provided value for the input parameter scope is not valid because it contains more than one resource. Scope {string.Join(' ', scopes)} is not valid.");
                    return false;
                }

                resource = scopeResource;
                string granted = permission == ".default" ? DefaultDelegatedPermission : permission;
                if (!permissions.Contains(granted, StringComparer.OrdinalIgnoreCase))
                {
                    permissions.Add(granted);
                }
            }

            if (resource == null)
            {
                error = (70011, $"The provided value for the input parameter 'scope' is not valid. The scope '{string.Join(' ', scopes)}' does not name a resource; " +
                    $"this emulator only issues tokens for resource scopes such as {EmulatorState.PartnerCenterResource}/user_impersonation.");
                return false;
            }

            return true;
        }

        /// <summary>
        /// The granted scopes as Entra reports them: the permissions, plus <c>{resource}/.default</c> when that
        /// was asked for. MSAL files the access token under these scopes, so without the echoed .default a
        /// silent request for .default would never be served from its cache.
        /// </summary>
        private static string ResponseScope(string resource, List<string> permissions, string[] requestedScopes)
        {
            IEnumerable<string> granted = permissions.Select(p => resource + "/" + p);
            string defaultScope = resource + "/.default";
            if (requestedScopes.Contains(defaultScope, StringComparer.OrdinalIgnoreCase))
            {
                granted = granted.Append(defaultScope);
            }

            return string.Join(' ', granted);
        }

        /// <summary>
        /// A scope is "{resource}/{permission}"; a bare name such as "User.Read" means Microsoft Graph.
        /// </summary>
        private static bool TrySplitScope(string scope, out string resource, out string permission)
        {
            int slash = scope.LastIndexOf('/');
            if (slash < 0)
            {
                resource = GraphResource;
                permission = scope;
                return true;
            }

            if (slash == scope.Length - 1 || scope[slash - 1] == '/')
            {
                resource = null;
                permission = null;
                return false;
            }

            resource = scope.Substring(0, slash);
            permission = scope.Substring(slash + 1);
            return true;
        }

        /// <summary>
        /// Client authentication: a confidential client must prove a secret or present an assertion signed by
        /// one of its certificates; a public client must send neither, and cannot use client credentials at all.
        /// </summary>
        private static async Task<bool> AuthenticateClientAsync(
            HttpContext context,
            TenantSegment tenant,
            ClientRegistration client,
            ClientCredentials credentials,
            string grantType)
        {
            const string missingSecret = "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.";
            bool hasSecret = !string.IsNullOrEmpty(credentials.Secret);
            bool hasAssertion = !string.IsNullOrEmpty(credentials.Assertion) || !string.IsNullOrEmpty(credentials.AssertionType);
            if (!client.IsConfidential)
            {
                if (hasSecret || hasAssertion)
                {
                    await EntraResponses.WriteErrorAsync(
                        context,
                        StatusCodes.Status401Unauthorized,
                        "invalid_client",
                        700025,
                        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");
                    return false;
                }

                if (grantType == "client_credentials")
                {
                    await EntraResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "invalid_client", 7000218, missingSecret);
                    return false;
                }

                return true;
            }

            if (hasSecret && hasAssertion)
            {
                // RFC 6749 section 2.3: one authentication method per request. Entra's code for this case is
                // not documented, so none is invented.
                await EntraResponses.WriteErrorAsync(
                    context,
                    StatusCodes.Status400BadRequest,
                    "invalid_request",
                    aadstsCode: null,
                    "The request presents both 'client_secret' and 'client_assertion'; a client must use only one authentication method per request.");
                return false;
            }

            if (hasAssertion)
            {
                return await AuthenticateWithAssertionAsync(context, tenant, client, credentials);
            }

            if (!hasSecret && client.AllowsPublicClientFlows && IsWithoutRedirectUri(grantType))
            {
                return true;
            }

            if (!hasSecret)
            {
                await EntraResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "invalid_client", 7000218, missingSecret);
                return false;
            }

            if (client.ClientSecret == null || !string.Equals(credentials.Secret, client.ClientSecret, StringComparison.Ordinal))
            {
                await EntraResponses.WriteErrorAsync(
                    context,
                    StatusCodes.Status401Unauthorized,
                    "invalid_client",
                    7000215,
                    $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client.ClientId}'.");
                return false;
            }

            return true;
        }

        /// <summary>The grants whose requests carry no redirect URI, where "Allow public client flows" applies.</summary>
        private static bool IsWithoutRedirectUri(string grantType) =>
            grantType is "device_code" or DeviceCodeGrantType or "refresh_token";

        private static async Task<bool> AuthenticateWithAssertionAsync(HttpContext context, TenantSegment tenant, ClientRegistration client, ClientCredentials credentials)
        {
            if (string.IsNullOrEmpty(credentials.AssertionType))
            {
                await MissingParameterAsync(context, "client_assertion_type");
                return false;
            }

            if (!string.Equals(credentials.AssertionType, ClientAssertion.JwtBearerType, StringComparison.Ordinal))
            {
                await EntraResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request", 90011, "Unexpected client assertion type.");
                return false;
            }

            if (string.IsNullOrEmpty(credentials.Assertion))
            {
                await MissingParameterAsync(context, "client_assertion");
                return false;
            }

            ClientAssertion.Failure failure = ClientAssertion.Validate(credentials.Assertion, client, AcceptedAudiences(context.Request, tenant), DateTimeOffset.UtcNow);
            if (failure != null)
            {
                await EntraResponses.WriteErrorAsync(context, failure.StatusCode, failure.Error, failure.Code, failure.Message);
                return false;
            }

            return true;
        }

        /// <summary>
        /// The <c>aud</c> values a client assertion may carry for this request: this instance's token endpoint
        /// (v2 or v1) for the tenant in the URL, spelled as in the URL, as the tenant id or as any of its
        /// domains. For common/organizations, the other alias is accepted too.
        /// </summary>
        private static IReadOnlyCollection<string> AcceptedAudiences(HttpRequest request, TenantSegment tenant)
        {
            var tenantNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { tenant.Raw };
            if (tenant.Tenant != null)
            {
                tenantNames.Add(tenant.Tenant.Id);
                tenantNames.UnionWith(tenant.Tenant.Domains);
            }
            else
            {
                tenantNames.Add("common");
                tenantNames.Add("organizations");
            }

            string origin = request.PublicOrigin();
            return tenantNames
                .SelectMany(name => new[] { $"{origin}/{name}/oauth2/v2.0/token", $"{origin}/{name}/oauth2/token" })
                .ToArray();
        }

        /// <summary>
        /// Form fields (client_secret_post, private_key_jwt) or, failing a secret there, HTTP Basic
        /// (client_secret_basic).
        /// </summary>
        private static ClientCredentials ReadClientCredentials(HttpRequest request, IFormCollection form)
        {
            var credentials = new ClientCredentials
            {
                ClientId = form["client_id"],
                Secret = form["client_secret"],
                AssertionType = form["client_assertion_type"],
                Assertion = form["client_assertion"],
            };

            if (string.IsNullOrEmpty(credentials.Secret)
                && AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out AuthenticationHeaderValue header)
                && string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
                && header.Parameter != null)
            {
                string decoded;
                try
                {
                    decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
                }
                catch (FormatException)
                {
                    return credentials;
                }

                int colon = decoded.IndexOf(':');
                if (colon > 0)
                {
                    // RFC 6749 section 2.3.1: both parts are form-urlencoded before being joined.
                    credentials.ClientId ??= Uri.UnescapeDataString(decoded.Substring(0, colon).Replace('+', ' '));
                    credentials.Secret = Uri.UnescapeDataString(decoded.Substring(colon + 1).Replace('+', ' '));
                }
            }

            return credentials;
        }

        internal static Task MissingParameterAsync(HttpContext context, string name) =>
            EntraResponses.WriteErrorAsync(
                context,
                StatusCodes.Status400BadRequest,
                "invalid_request",
                900144,
                $"The request body must contain the following parameter: '{name}'.");

        internal static Task InvalidGrantAsync(HttpContext context, int code, string message) =>
            EntraResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_grant", code, message);

        private static string FormatInstant(DateTimeOffset instant) =>
            instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

        private sealed class ClientCredentials
        {
            public string ClientId { get; set; }

            public string Secret { get; set; }

            public string AssertionType { get; set; }

            public string Assertion { get; set; }
        }
    }
}
