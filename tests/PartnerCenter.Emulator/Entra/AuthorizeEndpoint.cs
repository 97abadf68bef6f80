using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
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
    /// The authorization code flow with PKCE behind an interactive sign-in. No browser or sign-in page is
    /// involved: <c>GET /{tenant}/oauth2/v2.0/authorize</c> signs in <see cref="EmulatorState.InteractiveUserPrincipalName"/>
    /// at once and redirects to the app's redirect URI with the code, exactly as Entra's final redirect
    /// does, so that a client (e.g. MSAL through a custom web UI) can follow it. The token endpoint's
    /// authorization_code grant redeems the code once, checking the PKCE verifier.
    /// </summary>
    internal sealed class AuthorizeEndpoint
    {
        /// <summary>RFC 7636 section 4.2: a code challenge (and verifier) is 43 to 128 characters.</summary>
        private const int MinimumChallengeLength = 43;

        private const int MaximumChallengeLength = 128;

        private readonly EmulatorState _state;

        public AuthorizeEndpoint(EmulatorState state)
        {
            _state = state;
        }

        public void Map(IEndpointRouteBuilder routes)
        {
            routes.MapGet("/{tenant}/oauth2/v2.0/authorize", AuthorizeAsync);
        }

        /// <summary>The token endpoint's half: redeems an authorization code.</summary>
        public async Task RedeemAsync(HttpContext context, IFormCollection form, TenantSegment tenant, ClientRegistration client, TokenEndpoint tokens)
        {
            string code = form["code"];
            if (string.IsNullOrEmpty(code))
            {
                await TokenEndpoint.MissingParameterAsync(context, "code");
                return;
            }

            AuthorizationCodeGrant grant = _state.FindAuthorizationCode(code);
            if (grant == null)
            {
                await TokenEndpoint.InvalidGrantAsync(context, 9002313, "Invalid request. Request is malformed or invalid.");
                return;
            }

            if (!string.Equals(grant.ClientId, client.ClientId, StringComparison.OrdinalIgnoreCase))
            {
                await TokenEndpoint.InvalidGrantAsync(context, 70000, "Provided grant is invalid or malformed. The authorization code was issued to a different client.");
                return;
            }

            if (_state.IsRedeemed(grant))
            {
                await AlreadyRedeemedAsync(context);
                return;
            }

            if (DateTimeOffset.UtcNow >= grant.ExpiresAt)
            {
                await TokenEndpoint.InvalidGrantAsync(
                    context,
                    70008,
                    "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
                return;
            }

            string redirectUri = form["redirect_uri"];
            if (string.IsNullOrEmpty(redirectUri))
            {
                await TokenEndpoint.MissingParameterAsync(context, "redirect_uri");
                return;
            }

            if (!string.Equals(redirectUri, grant.RedirectUri, StringComparison.Ordinal))
            {
                await TokenEndpoint.InvalidGrantAsync(
                    context,
                    50011,
                    $"The reply address '{redirectUri}' does not match the reply address '{grant.RedirectUri}' provided when requesting Authorization code.");
                return;
            }

            if (grant.CodeChallenge != null)
            {
                string verifier = form["code_verifier"];
                if (string.IsNullOrEmpty(verifier))
                {
                    await TokenEndpoint.MissingParameterAsync(context, "code_verifier");
                    return;
                }

                if (!VerifierMatches(verifier, grant.CodeChallenge, grant.CodeChallengeMethod))
                {
                    await TokenEndpoint.InvalidGrantAsync(context, 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
                    return;
                }
            }

            // Consumed only now, so a request with a wrong verifier does not burn the code for the real client.
            if (!_state.TryRedeem(grant))
            {
                await AlreadyRedeemedAsync(context);
                return;
            }

            string scope = form["scope"];
            await tokens.IssueUserTokensAsync(context, form, tenant, client, grant.UserTenantId, grant.UserObjectId, string.IsNullOrWhiteSpace(scope) ? grant.Scope : scope);
        }

        private static Task AlreadyRedeemedAsync(HttpContext context) =>
            TokenEndpoint.InvalidGrantAsync(
                context,
                54005,
                "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");

        /// <summary>RFC 7636 section 4.6: S256 compares BASE64URL(SHA256(ASCII(verifier))) with the challenge; plain compares them directly.</summary>
        private static bool VerifierMatches(string verifier, string challenge, string method)
        {
            string expected = method == "S256"
                ? Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))
                : verifier;
            return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(challenge));
        }

        private async Task AuthorizeAsync(HttpContext context)
        {
            IQueryCollection query = context.Request.Query;
            var tenant = TenantSegment.Parse(_state, (string)context.GetRouteValue("tenant"));
            if (tenant.IsUnknown)
            {
                await EntraResponses.WriteErrorPageAsync(context, 90002, tenant.NotFoundMessage);
                return;
            }

            // Until the app and its redirect URI are known to be good, errors are shown, not redirected:
            // sending them to an unvetted address would make the sign-in page an open redirector.
            string clientId = query["client_id"];
            if (string.IsNullOrEmpty(clientId))
            {
                await EntraResponses.WriteErrorPageAsync(context, 900144, "The request body must contain the following parameter: 'client_id'.");
                return;
            }

            ClientRegistration client = _state.FindClient(clientId);
            if (client == null)
            {
                string directory = tenant.Tenant?.DisplayName ?? tenant.Raw;
                await EntraResponses.WriteErrorPageAsync(
                    context,
                    700016,
                    $"Application with identifier '{clientId}' was not found in the directory '{directory}'. " +
                    "This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. " +
                    "You may have sent your authentication request to the wrong tenant.");
                return;
            }

            string redirectUri = query["redirect_uri"];
            if (string.IsNullOrEmpty(redirectUri))
            {
                await EntraResponses.WriteErrorPageAsync(context, 900144, "The request body must contain the following parameter: 'redirect_uri'.");
                return;
            }

            if (!IsAllowedRedirectUri(redirectUri, out Uri redirect))
            {
                await EntraResponses.WriteErrorPageAsync(
                    context,
                    50011,
                    $"The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{client.ClientId}'. " +
                    "Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. " +
                    "The emulator's apps have the loopback redirect URIs http://localhost and http://127.0.0.1, any port and path.");
                return;
            }

            var reply = new Reply(context, redirect, query["state"], query["response_mode"]);
            string responseType = query["response_type"];
            if (string.IsNullOrEmpty(responseType))
            {
                await reply.ErrorAsync("invalid_request", 900144, "The request body must contain the following parameter: 'response_type'.");
                return;
            }

            if (responseType != "code")
            {
                await reply.ErrorAsync("unsupported_response_type", 700054, $"response_type '{responseType}' is not enabled for the application.");
                return;
            }

            string scope = query["scope"];
            if (string.IsNullOrWhiteSpace(scope))
            {
                await reply.ErrorAsync("invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
                return;
            }

            string[] scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!TokenEndpoint.TryParseResourceScopes(scopes, out _, out _, out (int Code, string Message) scopeError))
            {
                await reply.ErrorAsync("invalid_scope", scopeError.Code, scopeError.Message);
                return;
            }

            string challenge = query["code_challenge"];
            string method = query["code_challenge_method"];
            if (!string.IsNullOrEmpty(challenge))
            {
                // RFC 7636: the method defaults to plain when absent.
                method = string.IsNullOrEmpty(method) ? "plain" : method;
                if (method != "S256" && method != "plain")
                {
                    await reply.ErrorAsync("invalid_request", 50149, "Invalid Code_Challenge_method parameter.");
                    return;
                }

                if (challenge.Length < MinimumChallengeLength || challenge.Length > MaximumChallengeLength)
                {
                    await reply.ErrorAsync("invalid_request", 501491, "Invalid size of Code_Challenge parameter.");
                    return;
                }
            }
            else
            {
                challenge = null;
                method = null;
            }

            // The "person at the browser": declines, or signs in as the configured user.
            if (_state.InteractiveSignInDenied)
            {
                await reply.ErrorAsync("access_denied", 65004, "User declined to consent to access the app.");
                return;
            }

            DirectoryUser user = _state.ResolveInteractiveUser(out string userPrincipalName);
            if (user == null)
            {
                await reply.ErrorAsync("invalid_request", 50034, $"The user account {userPrincipalName} does not exist in the directory.");
                return;
            }

            if (tenant.Tenant != null && !string.Equals(tenant.Tenant.Id, user.TenantId, StringComparison.OrdinalIgnoreCase))
            {
                DirectoryUser guest = _state.FindUserByUpn(tenant.Tenant.Id, user.UserPrincipalName);
                if (guest == null)
                {
                    await reply.ErrorAsync(
                        "access_denied",
                        50020,
                        $"User account '{user.UserPrincipalName}' from identity provider 'https://sts.windows.net/{user.TenantId}/' does not exist in tenant '{tenant.Tenant.DisplayName}' " +
                        $"and cannot access the application '{client.ClientId}' in that tenant. The account needs to be added as an external user in the tenant first.");
                    return;
                }

                user = guest;
            }

            string code = _state.IssueAuthorizationCode(client.ClientId, redirectUri, string.Join(' ', scopes), challenge, method, user);
            var parameters = new List<KeyValuePair<string, string>> { new("code", code) };
            if (query["client_info"] == "1")
            {
                // MSAL reads the account's home ids from this before it has any token.
                string clientInfo = new JsonObject { ["uid"] = user.ObjectId, ["utid"] = user.TenantId }.ToJsonString();
                parameters.Add(new("client_info", Base64Url.EncodeToString(Encoding.UTF8.GetBytes(clientInfo))));
            }

            await reply.SendAsync(parameters, includeSessionState: true);
        }

        /// <summary>
        /// Entra lets public clients use loopback redirect URIs with any port: http on localhost, 127.0.0.1
        /// or [::1], any path, no fragment. Nothing else is registered for the emulator's apps.
        /// </summary>
        private static bool IsAllowedRedirectUri(string value, out Uri redirect)
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out redirect)
                || redirect.Scheme != Uri.UriSchemeHttp
                || !string.IsNullOrEmpty(redirect.UserInfo)
                || !string.IsNullOrEmpty(redirect.Fragment))
            {
                return false;
            }

            return string.Equals(redirect.Host, "localhost", StringComparison.OrdinalIgnoreCase)
                || (IPAddress.TryParse(redirect.Host.Trim('[', ']'), out IPAddress address) && IPAddress.IsLoopback(address));
        }

        /// <summary>Sends the result of an authorize request back to the app in the response mode it asked for.</summary>
        private sealed class Reply
        {
            private readonly HttpContext _context;
            private readonly Uri _redirect;
            private readonly string _state;
            private readonly string _responseMode;

            public Reply(HttpContext context, Uri redirect, string state, string responseMode)
            {
                _context = context;
                _redirect = redirect;
                _state = state;
                _responseMode = string.IsNullOrEmpty(responseMode) ? "query" : responseMode;
            }

            public Task ErrorAsync(string error, int aadstsCode, string message)
            {
                ErrorDetails details = EntraResponses.Describe(_context, aadstsCode, message);
                return SendAsync(
                    new List<KeyValuePair<string, string>> { new("error", error), new("error_description", details.Description) },
                    includeSessionState: false);
            }

            /// <summary>
            /// Query (the default for response_type=code) and fragment answer with a 302 to the redirect URI;
            /// form_post answers with the self-submitting form Entra uses.
            /// </summary>
            public Task SendAsync(List<KeyValuePair<string, string>> parameters, bool includeSessionState)
            {
                if (_state != null)
                {
                    parameters.Add(new("state", _state));
                }

                if (includeSessionState)
                {
                    parameters.Add(new("session_state", Guid.NewGuid().ToString()));
                }

                EntraResponses.AddStandardHeaders(_context);
                if (_responseMode == "form_post")
                {
                    var html = new StringBuilder();
                    html.Append("<html><head><title>Working...</title></head><body><form method=\"POST\" name=\"hiddenform\" action=\"")
                        .Append(HtmlEncoder.Default.Encode(_redirect.OriginalString)).Append("\">");
                    foreach (KeyValuePair<string, string> parameter in parameters)
                    {
                        html.Append("<input type=\"hidden\" name=\"").Append(HtmlEncoder.Default.Encode(parameter.Key))
                            .Append("\" value=\"").Append(HtmlEncoder.Default.Encode(parameter.Value)).Append("\" />");
                    }

                    html.Append("<noscript><p>Script is disabled. Click Submit to continue.</p><input type=\"submit\" value=\"Submit\" /></noscript></form>")
                        .Append("<script language=\"javascript\">document.forms[0].submit();</script></body></html>");
                    return _context.Response.WriteTextAsync(StatusCodes.Status200OK, HttpExtensions.HtmlContentType, html.ToString());
                }

                string encoded = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
                string location = _responseMode == "fragment"
                    ? _redirect.OriginalString + "#" + encoded
                    : _redirect.OriginalString + (string.IsNullOrEmpty(_redirect.Query) ? "?" : "&") + encoded;
                _context.Response.StatusCode = StatusCodes.Status302Found;
                _context.Response.Headers.Location = location;
                return Task.CompletedTask;
            }
        }
    }
}
