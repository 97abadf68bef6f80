using System;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PartnerCenter.Emulator.Hosting;

namespace PartnerCenter.Emulator.Entra
{
    /// <summary>
    /// Entra's metadata endpoints: instance discovery (MSAL's authority validation and alias lookup),
    /// the OpenID Connect configuration document, and the signing keys.
    /// </summary>
    internal sealed class DiscoveryEndpoints
    {
        private readonly EmulatorState _state;

        public DiscoveryEndpoints(EmulatorState state)
        {
            _state = state;
        }

        public void Map(IEndpointRouteBuilder routes)
        {
            routes.MapGet("/{tenant}/discovery/instance", InstanceDiscoveryAsync);
            routes.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", OpenIdConfigurationAsync);
            routes.MapGet("/{tenant}/discovery/v2.0/keys", KeysAsync);
            routes.MapGet("/{tenant}/discovery/keys", KeysAsync);
        }

        private Task InstanceDiscoveryAsync(HttpContext context)
        {
            HttpRequest request = context.Request;
            string tenant = (string)context.GetRouteValue("tenant");
            string authorizationEndpoint = request.Query["authorization_endpoint"];
            if (!string.IsNullOrEmpty(authorizationEndpoint))
            {
                // The authority being validated must be this instance; anything else is what Entra calls an unknown instance.
                if (!Uri.TryCreate(authorizationEndpoint, UriKind.Absolute, out Uri endpoint)
                    || endpoint.Scheme != Uri.UriSchemeHttps
                    || !string.Equals(endpoint.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
                    || endpoint.Segments.Length < 2)
                {
                    return EntraResponses.WriteErrorAsync(
                        context,
                        StatusCodes.Status400BadRequest,
                        "invalid_instance",
                        50049,
                        "Unknown or invalid instance.");
                }

                tenant = endpoint.Segments[1].TrimEnd('/');
            }

            // Aliases are host names without the port: MSAL keys its metadata cache by Uri.Host and swaps
            // preferred_network into the authority with UriBuilder.Host, which keeps the authority's port.
            string host = request.Host.Host;
            var body = new JsonObject
            {
                ["tenant_discovery_endpoint"] = $"{request.PublicOrigin()}/{tenant}/v2.0/.well-known/openid-configuration",
                ["api-version"] = "1.1",
                ["metadata"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["preferred_network"] = host,
                        ["preferred_cache"] = host,
                        ["aliases"] = new JsonArray(host),
                    },
                },
            };
            return EntraResponses.WriteJsonAsync(context, body);
        }

        private Task OpenIdConfigurationAsync(HttpContext context)
        {
            var tenant = TenantSegment.Parse(_state, (string)context.GetRouteValue("tenant"));
            if (tenant.IsUnknown)
            {
                return EntraResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_tenant", 90002, tenant.NotFoundMessage);
            }

            // Like Entra: a domain is normalised to the tenant id, while common/organizations stay as they are
            // and the issuer carries the literal "{tenantid}" placeholder.
            string pathTenant = tenant.IsTenantIndependent ? tenant.Raw.ToLowerInvariant() : tenant.Tenant.Id;
            string issuerTenant = tenant.IsTenantIndependent ? "{tenantid}" : tenant.Tenant.Id;
            string origin = context.Request.PublicOrigin();
            string baseUrl = $"{origin}/{pathTenant}";

            var body = new JsonObject
            {
                ["token_endpoint"] = $"{baseUrl}/oauth2/v2.0/token",
                ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "private_key_jwt", "client_secret_basic"),
                ["jwks_uri"] = $"{baseUrl}/discovery/v2.0/keys",
                ["response_modes_supported"] = new JsonArray("query", "fragment", "form_post"),
                ["subject_types_supported"] = new JsonArray("pairwise"),
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
                ["response_types_supported"] = new JsonArray("code", "id_token", "code id_token", "id_token token"),
                ["scopes_supported"] = new JsonArray("openid", "profile", "email", "offline_access"),
                ["issuer"] = $"{origin}/{issuerTenant}/v2.0",
                ["request_uri_parameter_supported"] = false,
                ["authorization_endpoint"] = $"{baseUrl}/oauth2/v2.0/authorize",
                ["device_authorization_endpoint"] = $"{baseUrl}/oauth2/v2.0/devicecode",
                ["http_logout_supported"] = true,
                ["frontchannel_logout_supported"] = true,
                ["end_session_endpoint"] = $"{baseUrl}/oauth2/v2.0/logout",
                ["claims_supported"] = new JsonArray(
                    "sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host",
                    "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash",
                    "c_hash", "email"),
                ["tenant_region_scope"] = tenant.IsTenantIndependent ? null : "NA",
                ["cloud_instance_name"] = context.Request.Host.Host,
                ["cloud_graph_host_name"] = "graph.windows.net",
                ["msgraph_host"] = "graph.microsoft.com",
            };
            return EntraResponses.WriteJsonAsync(context, body);
        }

        private Task KeysAsync(HttpContext context)
        {
            EntraResponses.AddStandardHeaders(context);
            return context.Response.WriteJsonAsync(StatusCodes.Status200OK, _state.CreateJwksJson());
        }
    }
}
