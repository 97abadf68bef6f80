using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using PartnerCenter.Emulator.Hosting;
using PartnerCenter.Emulator.State;

namespace PartnerCenter.Emulator.Entra
{
    /// <summary>
    /// The device authorization grant (RFC 8628) as Entra implements it: <c>POST /{tenant}/oauth2/v2.0/devicecode</c>
    /// hands out the codes, the token endpoint's device_code grant is polled until the user acts, and
    /// <c>/devicelogin</c> stands in for the page where the user enters the code.
    /// </summary>
    internal sealed class DeviceCodeEndpoint
    {
        public const string VerificationPath = "/devicelogin";

        private readonly EmulatorState _state;
        private readonly ILogger _logger;

        public DeviceCodeEndpoint(EmulatorState state, ILogger logger)
        {
            _state = state;
            _logger = logger;
        }

        public void Map(IEndpointRouteBuilder routes)
        {
            routes.MapPost("/{tenant}/oauth2/v2.0/devicecode", DeviceAuthorizationAsync);
            routes.MapGet(VerificationPath, VerificationPageAsync);
        }

        /// <summary>The token endpoint's half: one poll with a device code.</summary>
        public async Task RedeemAsync(HttpContext context, IFormCollection form, TenantSegment tenant, ClientRegistration client, TokenEndpoint tokens)
        {
            string deviceCode = form["device_code"];
            if (string.IsNullOrEmpty(deviceCode))
            {
                await TokenEndpoint.MissingParameterAsync(context, "device_code");
                return;
            }

            EmulatorState.DevicePoll poll = _state.PollDeviceCode(deviceCode, client.ClientId);
            switch (poll.Outcome)
            {
                case EmulatorState.DevicePollOutcome.Unknown:
                    await TokenEndpoint.InvalidGrantAsync(context, 70000, "Provided grant is invalid or malformed.");
                    break;
                case EmulatorState.DevicePollOutcome.WrongClient:
                    await TokenEndpoint.InvalidGrantAsync(context, 70000, "Provided grant is invalid or malformed. The device code was issued to a different client.");
                    break;
                case EmulatorState.DevicePollOutcome.AlreadyRedeemed:
                    await TokenEndpoint.InvalidGrantAsync(context, 70000, "Provided grant is invalid or malformed. The device code has already been redeemed.");
                    break;
                case EmulatorState.DevicePollOutcome.Pending:
                    await PollErrorAsync(context, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
                    break;
                case EmulatorState.DevicePollOutcome.SlowDown:
                    // Entra documents no AADSTS code for slow_down, so the body carries none.
                    int seconds = (int)poll.PollInterval.TotalSeconds;
                    await PollErrorAsync(
                        context,
                        "slow_down",
                        null,
                        $"OAuth 2.0 device flow error. The client is polling too quickly; wait at least {seconds.ToString(CultureInfo.InvariantCulture)} seconds between requests.");
                    break;
                case EmulatorState.DevicePollOutcome.Declined:
                    await PollErrorAsync(context, "authorization_declined", 65004, "User declined to consent to access the app.");
                    break;
                case EmulatorState.DevicePollOutcome.Expired:
                    await PollErrorAsync(context, "expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired.");
                    break;
                default:
                    // The token is for what the device asked for when it got the code, whatever this poll says.
                    await tokens.IssueUserTokensAsync(context, form, tenant, client, poll.UserTenantId, poll.UserObjectId, poll.Scope);
                    break;
            }
        }

        private static Task PollErrorAsync(HttpContext context, string error, int? code, string message) =>
            EntraResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error, code, message);

        private async Task DeviceAuthorizationAsync(HttpContext context)
        {
            var read = await TokenEndpoint.ReadTenantFormAsync(context, _state);
            if (read == null)
            {
                return;
            }

            var (tenant, form) = read.Value;

            string clientId = form["client_id"];
            if (string.IsNullOrEmpty(clientId))
            {
                await TokenEndpoint.MissingParameterAsync(context, "client_id");
                return;
            }

            ClientRegistration client = _state.FindClient(clientId);
            if (client == null)
            {
                await TokenEndpoint.UnknownClientAsync(context, tenant, clientId);
                return;
            }

            string scope = form["scope"];
            if (string.IsNullOrWhiteSpace(scope))
            {
                await TokenEndpoint.MissingParameterAsync(context, "scope");
                return;
            }

            // Checked now, as Entra does, so a bad scope fails before the user is sent to sign in.
            string[] scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!TokenEndpoint.TryParseResourceScopes(scopes, out _, out _, out (int Code, string Message) scopeError))
            {
                await EntraResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_scope", scopeError.Code, scopeError.Message);
                return;
            }

            DeviceAuthorization authorization = _state.CreateDeviceAuthorization(client.ClientId, string.Join(' ', scopes));
            string verificationUri = context.Request.PublicOrigin() + VerificationPath;
            _logger.LogInformation(
                "Device code {UserCode} issued to client {ClientId}; approve it at {VerificationUri}?user_code={UserCode}",
                authorization.UserCode,
                client.ClientId,
                verificationUri,
                authorization.UserCode);

            var body = new JsonObject
            {
                ["user_code"] = authorization.UserCode,
                ["device_code"] = authorization.DeviceCode,
                ["verification_uri"] = verificationUri,
                ["expires_in"] = (long)(authorization.ExpiresAt - authorization.CreatedAt).TotalSeconds,
                ["interval"] = (long)authorization.PollInterval.TotalSeconds,
                ["message"] = $"To sign in, use a web browser to open the page {verificationUri} and enter the code {authorization.UserCode} to authenticate.",
            };
            await EntraResponses.WriteJsonAsync(context, body);
        }

        /// <summary>
        /// The verification page. Without parameters it lists the pending codes with a form; with
        /// <c>user_code</c> it approves that code (as <c>login_hint</c> when given, else the default user),
        /// or declines it with <c>action=deny</c>. GET with side effects, so that a person can approve from
        /// a browser's address bar or with curl.
        /// </summary>
        private Task VerificationPageAsync(HttpContext context)
        {
            string userCode = context.Request.Query["user_code"];
            if (string.IsNullOrWhiteSpace(userCode))
            {
                return WritePageAsync(context, StatusCodes.Status200OK, "Enter code", FormAndPendingCodes());
            }

            bool deny = string.Equals(context.Request.Query["action"], "deny", StringComparison.OrdinalIgnoreCase);
            string loginHint = context.Request.Query["login_hint"];
            string userPrincipalName = string.IsNullOrWhiteSpace(loginHint) ? EmulatorState.DefaultUserPrincipalName : loginHint.Trim();
            bool done;
            try
            {
                done = deny ? _state.DenyDeviceCode(userCode) : _state.ApproveDeviceCode(userCode, userPrincipalName);
            }
            catch (ArgumentException e)
            {
                return WritePageAsync(context, StatusCodes.Status400BadRequest, "Sign-in failed", $"<p>{Encode(e.Message)}</p>");
            }

            if (!done)
            {
                return WritePageAsync(
                    context,
                    StatusCodes.Status400BadRequest,
                    "Code not recognised",
                    $"<p>The code '{Encode(userCode)}' is not waiting for approval: it is wrong, expired or already used.</p>" + FormAndPendingCodes());
            }

            string outcome = deny
                ? "You declined to sign in. You can close this window."
                : $"You have signed in as {Encode(userPrincipalName)} on your device. You can close this window.";
            return WritePageAsync(context, StatusCodes.Status200OK, deny ? "Sign-in declined" : "Signed in", $"<p>{outcome}</p>");
        }

        private string FormAndPendingCodes()
        {
            var html = new StringBuilder();
            html.Append("<form method=\"get\"><label>Code <input name=\"user_code\" autofocus></label> ")
                .Append("<label>User <input name=\"login_hint\" placeholder=\"").Append(Encode(EmulatorState.DefaultUserPrincipalName)).Append("\"></label> ")
                .Append("<button name=\"action\" value=\"approve\">Approve</button> <button name=\"action\" value=\"deny\">Deny</button></form>");
            IReadOnlyList<PendingDeviceCode> pending = _state.PendingDeviceCodes;
            if (pending.Count > 0)
            {
                html.Append("<h2>Waiting</h2><ul>");
                foreach (PendingDeviceCode code in pending)
                {
                    string query = Uri.EscapeDataString(code.UserCode);
                    html.Append("<li><code>").Append(Encode(code.UserCode)).Append("</code> for ").Append(Encode(code.ClientId))
                        .Append(" (").Append(Encode(code.Scope)).Append(") ")
                        .Append("<a href=\"").Append(VerificationPath.TrimStart('/')).Append("?user_code=").Append(query).Append("\">approve</a> ")
                        .Append("<a href=\"").Append(VerificationPath.TrimStart('/')).Append("?user_code=").Append(query).Append("&amp;action=deny\">deny</a></li>");
                }

                html.Append("</ul>");
            }

            return html.ToString();
        }

        private static Task WritePageAsync(HttpContext context, int statusCode, string title, string content)
        {
            string html = $"""
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>{Encode(title)} - PartnerCenter.Emulator</title></head>
                <body><h1>{Encode(title)}</h1>{content}</body></html>
                """;
            EntraResponses.AddStandardHeaders(context);
            return context.Response.WriteTextAsync(statusCode, HttpExtensions.HtmlContentType, html);
        }

        private static string Encode(string text) => HtmlEncoder.Default.Encode(text ?? string.Empty);
    }
}
