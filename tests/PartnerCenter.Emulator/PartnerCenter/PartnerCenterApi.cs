using System;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PartnerCenter.Emulator.Hosting;
using PartnerCenter.Emulator.State;

namespace PartnerCenter.Emulator.PartnerCenter
{
    /// <summary>
    /// The Partner Center REST operations the module uses, behind Partner Center's bearer token checks.
    /// </summary>
    internal sealed partial class PartnerCenterApi
    {
        /// <summary>
        /// Partner Center's "kind of error" code for a token it does not accept (seen e.g. for a token
        /// with another audience).
        /// </summary>
        private const int InvalidTokenCode = 900420;

        /// <summary>
        /// Partner Center's code for an App+User token without multifactor authentication, answered with
        /// 401 from April 1, 2026 on ("Partner Center authentication" and "Mandating MFA for partner tenants":
        /// https://learn.microsoft.com/partner-center/developer/partner-center-authentication,
        /// https://learn.microsoft.com/partner-center/security/partner-security-requirements-mandating-mfa).
        /// App-only tokens are not affected. The body is Partner Center's usual REST error body.
        /// </summary>
        private const int MfaRequiredCode = 900421;

        private readonly EmulatorState _state;

        public PartnerCenterApi(EmulatorState state)
        {
            _state = state;
        }

        public void Map(IEndpointRouteBuilder routes)
        {
            routes.MapGet("/v1/analytics/licenses/deployment", GetLicensesDeploymentAsync);
            routes.MapGet("/v1/analytics/licenses/usage", GetLicensesUsageAsync);
            MapCustomers(routes);
            MapCommercialAnalytics(routes);
            MapInsights(routes);
        }

        public Task NotFoundAsync(HttpContext context) =>
            WriteErrorAsync(
                context,
                StatusCodes.Status404NotFound,
                404,
                $"The requested resource '{context.Request.Method} {context.Request.Path}' was not found.");

        private Task GetLicensesDeploymentAsync(HttpContext context)
        {
            Task rejected = RejectUnlessAppUserToken(context);
            if (rejected != null)
            {
                return rejected;
            }

            return WriteJsonAsync(context, StatusCodes.Status200OK, _state.DeploymentInsightsJson);
        }

        private Task GetLicensesUsageAsync(HttpContext context)
        {
            Task rejected = RejectUnlessAppUserToken(context);
            if (rejected != null)
            {
                return rejected;
            }

            return WriteJsonAsync(context, StatusCodes.Status200OK, _state.LicenseUsageJson);
        }

        /// <summary>
        /// Writes the 401/403 response if the request does not carry a valid delegated (App+User) Partner
        /// Center token; returns null when the request may proceed.
        /// </summary>
        private Task RejectUnlessAppUserToken(HttpContext context)
        {
            if (!AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out AuthenticationHeaderValue header)
                || !string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
                || string.IsNullOrWhiteSpace(header.Parameter))
            {
                return UnauthorizedAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized: Invalid Authorization header");
            }

            AccessTokenGrant grant = _state.FindAccessToken(header.Parameter);
            if (grant == null)
            {
                return UnauthorizedAsync(context, InvalidTokenCode, "Invalid Token: the access token was not issued by the expected authority or is malformed.");
            }

            if (grant.ExpiresOn <= DateTimeOffset.UtcNow)
            {
                return UnauthorizedAsync(context, InvalidTokenCode, "Invalid Token: the access token has expired.");
            }

            if (!string.Equals(grant.Audience, EmulatorState.PartnerCenterResource, StringComparison.OrdinalIgnoreCase))
            {
                return UnauthorizedAsync(context, InvalidTokenCode, $"The audience '{grant.Audience}' in the token is invalid and is not supported in Partner Center API.");
            }

            if (grant.IsAppOnly)
            {
                return WriteErrorAsync(
                    context,
                    StatusCodes.Status403Forbidden,
                    StatusCodes.Status403Forbidden,
                    "This resource can't be accessed by application credentials. This operation requires App+User (delegated) credentials.");
            }

            if (_state.EnforceMultifactorAuthentication && !grant.MultifactorAuthenticated)
            {
                return UnauthorizedAsync(
                    context,
                    MfaRequiredCode,
                    "Multifactor authentication is required: the access token's amr claim does not contain mfa. Sign in with MFA and try again.");
            }

            return null;
        }

        private Task UnauthorizedAsync(HttpContext context, int code, string description)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return WriteErrorAsync(context, StatusCodes.Status401Unauthorized, code, description);
        }

        /// <summary>Partner Center's REST error body: code, description, data and source.</summary>
        private Task WriteErrorAsync(HttpContext context, int statusCode, int code, string description)
        {
            var body = new JsonObject
            {
                ["code"] = code,
                ["description"] = description,
                ["data"] = new JsonArray(),
                ["source"] = "PartnerFD",
            };
            return WriteJsonAsync(context, statusCode, body.ToJsonString(JsonText.Options));
        }

        /// <summary>
        /// Every Partner Center JSON body goes out here, so the byte order mark is decided once. The fallback
        /// 404 also answers unknown Entra paths, which never get one.
        /// </summary>
        private Task WriteJsonAsync(HttpContext context, int statusCode, string json) =>
            context.Response.WriteJsonAsync(statusCode, json, _state.ByteOrderMark && !RequestPipeline.IsEntraPath(context.Request.Path));
    }
}
