using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// The emulator itself keeps the documented contracts the module is tested against: if it drifted,
    /// the end-to-end tests would prove less. These talk to it directly, trusting its certificate as a
    /// custom root (never by switching validation off).
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class EmulatorContractTests : IDisposable
    {
        private const string DeploymentPath = "v1/analytics/licenses/deployment";
        private readonly EmulatorFixture _emulator;
        private readonly HttpClient _http;

        public EmulatorContractTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
            _http = _emulator.NewTrustingHttpClient();
        }

        public void Dispose() => _http.Dispose();

        private async Task<(HttpResponseMessage Response, JsonElement Body)> TokenAsync(Dictionary<string, string> form)
        {
            var response = await _http.PostAsync(EmulatorState.DefaultTenantId + "/oauth2/v2.0/token", new FormUrlEncodedContent(form));
            string text = await response.Content.ReadAsStringAsync();
            return (response, JsonDocument.Parse(text).RootElement);
        }

        [Fact]
        public async Task The_deployment_api_serves_the_documented_example_byte_for_byte_with_the_ids_echoed()
        {
            string refreshToken = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId);
            var (_, token) = await TokenAsync(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token", ["client_id"] = EmulatorFixture.ClientId, ["client_secret"] = _emulator.ClientSecret,
                ["refresh_token"] = refreshToken, ["scope"] = "https://api.partnercenter.microsoft.com/user_impersonation offline_access openid profile", ["client_info"] = "1",
            });
            var request = new HttpRequestMessage(HttpMethod.Get, DeploymentPath);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("access_token").GetString());
            request.Headers.Add("MS-RequestId", "25b6edd5-1f53-456b-b48c-c64f60ec2dda");
            request.Headers.Add("MS-CorrelationId", "6492b9d6-5629-429b-934c-040b1946e760");

            var response = await _http.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType.ToString());
            Assert.Equal(EmulatorState.DefaultDeploymentInsightsJson, await response.Content.ReadAsStringAsync());
            Assert.Equal("25b6edd5-1f53-456b-b48c-c64f60ec2dda", Assert.Single(response.Headers.GetValues("MS-RequestId")));
            Assert.Equal("6492b9d6-5629-429b-934c-040b1946e760", Assert.Single(response.Headers.GetValues("MS-CorrelationId")));
            Assert.True(response.Headers.Contains("MS-CV"));
            Assert.True(response.Headers.Contains("MS-ServerId"));
            Assert.Equal("Bearer", token.GetProperty("token_type").GetString());
            Assert.True(token.TryGetProperty("refresh_token", out var rotated) && rotated.GetString() != refreshToken);
            Assert.True(token.TryGetProperty("client_info", out _));
            Assert.True(token.TryGetProperty("id_token", out _));
        }

        [Fact]
        public async Task The_deployment_api_answers_401_without_a_token_and_with_an_unknown_one()
        {
            var missing = await _http.GetAsync(DeploymentPath);
            var unknown = new HttpRequestMessage(HttpMethod.Get, DeploymentPath);
            unknown.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "eyJ.unknown.token");
            var rejected = await _http.SendAsync(unknown);

            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
            Assert.Contains(rejected.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
            var body = JsonDocument.Parse(await rejected.Content.ReadAsStringAsync()).RootElement;
            Assert.True(body.TryGetProperty("code", out _));
            Assert.True(body.TryGetProperty("description", out _));
        }

        [Fact]
        public async Task The_deployment_api_refuses_an_app_only_token_with_a_partner_center_error_body()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, DeploymentPath);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _emulator.State.IssueAppOnlyAccessToken(EmulatorFixture.ClientId));

            var response = await _http.SendAsync(request);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            foreach (string field in new[] { "code", "description", "data", "source" })
            {
                Assert.True(body.TryGetProperty(field, out _), field);
            }
        }

        [Fact]
        public async Task Token_errors_use_the_entra_error_format()
        {
            var (response, body) = await TokenAsync(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token", ["client_id"] = EmulatorFixture.ClientId, ["client_secret"] = _emulator.ClientSecret,
                ["refresh_token"] = "not-a-refresh-token", ["scope"] = "https://api.partnercenter.microsoft.com/user_impersonation",
            });

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
            Assert.StartsWith("AADSTS", body.GetProperty("error_description").GetString());
            foreach (string field in new[] { "error_codes", "timestamp", "trace_id", "correlation_id", "error_uri" })
            {
                Assert.True(body.TryGetProperty(field, out _), field);
            }
        }

        [Fact]
        public async Task A_wrong_client_secret_is_invalid_client_with_401()
        {
            var (response, body) = await TokenAsync(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token", ["client_id"] = EmulatorFixture.ClientId, ["client_secret"] = "wrong",
                ["refresh_token"] = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId), ["scope"] = "https://api.partnercenter.microsoft.com/user_impersonation",
            });

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        }

        [Fact]
        public async Task Discovery_documents_name_the_endpoints_msal_uses()
        {
            var configuration = JsonDocument.Parse(await _http.GetStringAsync("organizations/v2.0/.well-known/openid-configuration")).RootElement;
            var instance = JsonDocument.Parse(await _http.GetStringAsync("common/discovery/instance?api-version=1.1&authorization_endpoint=" + Uri.EscapeDataString(_emulator.Url + "organizations/oauth2/v2.0/authorize"))).RootElement;

            Assert.EndsWith("/oauth2/v2.0/token", configuration.GetProperty("token_endpoint").GetString());
            Assert.EndsWith("/oauth2/v2.0/authorize", configuration.GetProperty("authorization_endpoint").GetString());
            Assert.EndsWith("/oauth2/v2.0/devicecode", configuration.GetProperty("device_authorization_endpoint").GetString());
            Assert.True(instance.TryGetProperty("tenant_discovery_endpoint", out _));
            Assert.True(instance.TryGetProperty("metadata", out _));
        }
    }
}
