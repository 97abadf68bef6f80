using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// The seed scenario through the built module in a real PowerShell engine: connect with the
    /// secure application model against the emulator and read the documented example.
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class SeedScenarioTests
    {
        private const string DeploymentPath = "/v1/analytics/licenses/deployment";
        private const string InsightsType = "PartnerCenterLicenses.Models.PartnerLicensesDeploymentInsights";
        private readonly EmulatorFixture _emulator;

        public SeedScenarioTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private Dictionary<string, string> WithRefreshToken(out string refreshToken)
        {
            refreshToken = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId);
            return new Dictionary<string, string> { ["PCL_REFRESH_TOKEN"] = refreshToken };
        }

        private static void AssertSucceeded(HostedRunResult result)
        {
            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
        }

        [Fact]
        public async Task Get_emits_one_typed_object_per_item_in_the_documented_example()
        {
            var result = await _emulator.RunAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\nGet-PartnerLicenseDeployment",
                WithRefreshToken(out _));

            AssertSucceeded(result);
            Assert.Equal(2, result.Output.Count);
            Assert.All(result.Output, o => Assert.Equal(InsightsType, o.TypeNames[0]));

            var crm = result.Output[0];
            Assert.Equal(("System.String", "crm"), crm.Property("ServiceName"));
            Assert.Equal(("System.String", "reseller"), crm.Property("Channel"));
            Assert.Equal(("System.Int64", "343"), crm.Property("LicensesSold"));
            Assert.Equal(("System.Double", "0"), crm.Property("ProratedDeploymentPercent"));
            Assert.Equal(("System.DateTimeOffset", "2017-03-10T00:00:00.0000000+00:00"), crm.Property("ProcessedDateTime"));

            var o365 = result.Output[1];
            Assert.Equal(("System.String", "o365"), o365.Property("ServiceName"));
            Assert.Equal(("System.String", "reseller"), o365.Property("Channel"));
            Assert.Equal(("System.Int64", "4464"), o365.Property("LicensesSold"));
            Assert.Equal(("System.Double", "1"), o365.Property("ProratedDeploymentPercent"));
            Assert.Equal(("System.DateTimeOffset", "2017-03-14T03:25:16.3600000+00:00"), o365.Property("ProcessedDateTime"));
        }

        [Fact]
        public async Task Connect_writes_a_context_that_names_the_user_and_tenant_but_no_token()
        {
            var result = await _emulator.RunAsync(EmulatorFixture.ConnectWithRefreshToken, WithRefreshToken(out _));

            AssertSucceeded(result);
            var context = Assert.Single(result.Output);
            Assert.Equal("PartnerCenterLicenses.Models.PartnerCenterContext", context.TypeNames[0]);
            Assert.Equal(EmulatorState.DefaultUserPrincipalName, context.Property("Account").Value);
            Assert.Equal(EmulatorState.DefaultTenantId, context.Property("Tenant").Value);
            Assert.Equal(EmulatorFixture.ClientId, context.Property("ApplicationId").Value);
            Assert.Equal("Emulator", context.Property("Environment").Value);
            Assert.Equal("RefreshToken", context.Property("AuthenticationType").Value);
            Assert.Equal("System.DateTimeOffset", context.Property("TokenExpiresOn").Type);
            Assert.Equal("true", context.Property("MultifactorAuthenticated").Value);
            Assert.Equal(
                new[] { "Account", "ApplicationId", "AuthenticationType", "Environment", "MultifactorAuthenticated", "Tenant", "TokenExpiresOn" },
                context.Properties.Keys.OrderBy(k => k, StringComparer.Ordinal));
        }

        [Fact]
        public async Task Get_sends_the_documented_headers_with_a_new_request_id_per_request_and_one_correlation_id_per_call()
        {
            var result = await _emulator.RunAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n$null = Get-PartnerLicenseDeployment\n$null = Get-PartnerLicenseDeployment",
                WithRefreshToken(out _));

            AssertSucceeded(result);
            var calls = _emulator.State.Requests.Where(r => r.Path == DeploymentPath).ToList();
            Assert.Equal(2, calls.Count);
            foreach (var call in calls)
            {
                Assert.Equal("GET", call.Method);
                Assert.Equal(200, call.StatusCode);
                string authorization = call.Headers["Authorization"];
                Assert.StartsWith("Bearer ", authorization);
                Assert.Contains(authorization.Substring("Bearer ".Length), _emulator.State.IssuedAccessTokens);
                Assert.Equal("application/json", call.Headers["Accept"]);
                Assert.True(Guid.TryParse(call.Headers["MS-RequestId"], out _), call.Headers["MS-RequestId"]);
                Assert.True(Guid.TryParse(call.Headers["MS-CorrelationId"], out _), call.Headers["MS-CorrelationId"]);
                Assert.Matches("^[a-z]{2,3}(-[A-Za-z0-9]+)+$", call.Headers["X-Locale"]);
            }

            Assert.NotEqual(calls[0].Headers["MS-RequestId"], calls[1].Headers["MS-RequestId"]);
            Assert.NotEqual(calls[0].Headers["MS-CorrelationId"], calls[1].Headers["MS-CorrelationId"]);
        }

        [Fact]
        public async Task Two_gets_in_one_session_cause_one_token_request()
        {
            var result = await _emulator.RunAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n$a = @(Get-PartnerLicenseDeployment)\n$b = @(Get-PartnerLicenseDeployment)\n$a.Count + $b.Count",
                WithRefreshToken(out _));

            AssertSucceeded(result);
            Assert.Equal("4", Assert.Single(result.Output).Text);
            Assert.Equal(1, _emulator.State.TokenRequestCount);
        }

        [Fact]
        public async Task A_plain_string_refresh_token_binds_as_old_runbooks_pass_it()
        {
            var result = await _emulator.RunAsync(
                "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken $env:PCL_REFRESH_TOKEN -Tenant $env:PCL_TENANT\n"
                + "(Get-PartnerLicenseDeployment).Count",
                WithRefreshToken(out _));

            AssertSucceeded(result);
            Assert.Equal("RefreshToken", result.Output[0].Property("AuthenticationType").Value);
            Assert.Equal("2", result.Output[1].Text);
        }

        [Fact]
        public async Task Without_a_session_get_fails_with_not_connected()
        {
            var result = await _emulator.RunAsync("Get-PartnerLicenseDeployment");

            var error = result.TerminatingError;
            Assert.NotNull(error);
            Assert.Equal("PartnerCenter.NotConnected,PartnerCenterLicenses.Commands.GetPartnerLicenseDeploymentCommand", error.FullyQualifiedErrorId);
            Assert.Equal("AuthenticationError", error.Category);
            Assert.Contains("Connect-PartnerCenter", error.Message);
            Assert.Empty(_emulator.State.Requests);
        }

        [Fact]
        public async Task After_disconnect_get_fails_with_not_connected_and_the_context_is_gone()
        {
            var result = await _emulator.RunAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n"
                + "(Get-PartnerCenterContext).Account\nDisconnect-PartnerCenter\n@(Get-PartnerCenterContext).Count\nGet-PartnerLicenseDeployment",
                WithRefreshToken(out _));

            Assert.Equal(new[] { EmulatorState.DefaultUserPrincipalName, "0" }, result.Output.Select(o => o.Text));
            Assert.StartsWith("PartnerCenter.NotConnected,", result.TerminatingError?.FullyQualifiedErrorId);
        }

        [Fact]
        public async Task An_app_only_token_is_refused_with_an_error_that_says_app_plus_user_is_needed()
        {
            string appOnly = _emulator.State.IssueAppOnlyAccessToken(EmulatorFixture.ClientId);
            var result = await _emulator.RunAsync(
                "$null = Connect-PartnerCenter -Environment Emulator -AccessToken $env:PCL_ACCESS_TOKEN\nGet-PartnerLicenseDeployment",
                new Dictionary<string, string> { ["PCL_ACCESS_TOKEN"] = appOnly });

            var error = result.TerminatingError;
            Assert.NotNull(error);
            Assert.Equal("PartnerCenter.AppOnlyTokenRejected,PartnerCenterLicenses.Commands.GetPartnerLicenseDeploymentCommand", error.FullyQualifiedErrorId);
            Assert.Equal("PermissionDenied", error.Category);
            Assert.Contains("App+User", error.Message);
            var call = Assert.Single(_emulator.State.Requests, r => r.Path == DeploymentPath);
            Assert.Equal(403, call.StatusCode);
            Assert.Contains(call.Headers["MS-RequestId"], error.Message);
            Assert.Contains(call.Headers["MS-CorrelationId"], error.Message);
            Assert.Contains(result.Warning, w => w.Contains("app-only"));
        }

        [Fact]
        public async Task An_access_token_the_caller_has_is_used_as_is()
        {
            string refreshToken = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId);
            // Obtain a user token the way a caller's own tooling would, then hand it to the module.
            var tokenRun = await _emulator.RunAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken,
                new Dictionary<string, string> { ["PCL_REFRESH_TOKEN"] = refreshToken });
            AssertSucceeded(tokenRun);
            string userToken = _emulator.State.IssuedAccessTokens.Last();
            _emulator.State.ClearRecords();

            var result = await _emulator.RunAsync(
                "Connect-PartnerCenter -Environment Emulator -AccessToken $env:PCL_ACCESS_TOKEN\n(Get-PartnerLicenseDeployment).Count",
                new Dictionary<string, string> { ["PCL_ACCESS_TOKEN"] = userToken });

            AssertSucceeded(result);
            Assert.Equal("AccessToken", result.Output[0].Property("AuthenticationType").Value);
            Assert.Equal(EmulatorState.DefaultUserPrincipalName, result.Output[0].Property("Account").Value);
            Assert.Equal("2", result.Output[1].Text);
            Assert.Equal(0, _emulator.State.TokenRequestCount);
        }

        [Fact]
        public async Task A_revoked_refresh_token_fails_connect_with_refresh_token_expired()
        {
            var environment = WithRefreshToken(out string refreshToken);
            _emulator.State.RevokeRefreshToken(refreshToken);

            var result = await _emulator.RunAsync(EmulatorFixture.ConnectWithRefreshToken, environment);

            var error = result.TerminatingError;
            Assert.NotNull(error);
            Assert.Equal("PartnerCenter.RefreshTokenExpired,PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand", error.FullyQualifiedErrorId);
            Assert.Equal("AuthenticationError", error.Category);
            Assert.Contains("refresh token", error.RecommendedAction);
        }

        [Fact]
        public async Task A_wrong_client_secret_fails_connect_with_invalid_client_credential_and_does_not_leak_it()
        {
            var environment = WithRefreshToken(out _);
            environment["PCL_CLIENT_SECRET"] = "wrong-" + Guid.NewGuid().ToString("N");

            var result = await _emulator.RunAsync(EmulatorFixture.ConnectWithRefreshToken, environment);

            var error = result.TerminatingError;
            Assert.NotNull(error);
            Assert.Equal("PartnerCenter.InvalidClientCredential,PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand", error.FullyQualifiedErrorId);
            Assert.Equal("AuthenticationError", error.Category);
            Assert.DoesNotContain(EmulatorFixture.EverythingVisible(result), t => t != null && t.Contains(environment["PCL_CLIENT_SECRET"]));
        }

        [Theory]
        [InlineData(404, "PartnerCenter.NotFound", "ObjectNotFound")]
        [InlineData(500, "PartnerCenter.ServiceError", "ResourceUnavailable")]
        [InlineData(400, "PartnerCenter.RequestFailed", "InvalidOperation")]
        public async Task An_http_failure_carries_partner_centers_code_and_the_request_ids(int status, string errorId, string category)
        {
            // A 5xx is retried first; one quick retry keeps the test short.
            const string body = "{\"code\":\"600012\",\"description\":\"Injected failure for the test.\",\"data\":[],\"source\":\"PartnerFD\"}";
            for (int attempt = 0; attempt < (status >= 500 ? 2 : 1); attempt++)
            {
                _emulator.State.EnqueueResponse(DeploymentPath, status, body);
            }

            var result = await _emulator.RunAsync(
                "Set-PartnerCenterRequestOption -MaximumRetryCount 1 -RetryIntervalSec 0.05\n$null = " + EmulatorFixture.ConnectWithRefreshToken + "\nGet-PartnerLicenseDeployment",
                WithRefreshToken(out _));

            var error = result.TerminatingError;
            Assert.NotNull(error);
            Assert.Equal(errorId + ",PartnerCenterLicenses.Commands.GetPartnerLicenseDeploymentCommand", error.FullyQualifiedErrorId);
            Assert.Equal(category, error.Category);
            Assert.Contains("600012", error.Message);
            Assert.Contains("Injected failure for the test.", error.Message);
            var calls = _emulator.State.Requests.Where(r => r.Path == DeploymentPath).ToList();
            Assert.Equal(status >= 500 ? 2 : 1, calls.Count);
            Assert.Contains(calls.Last().Headers["MS-RequestId"], error.Message);
            Assert.Contains(calls.Last().Headers["MS-CorrelationId"], error.Message);
        }

        [Fact]
        public async Task A_401_renews_the_token_once_and_retries_once()
        {
            _emulator.State.EnqueueResponse(DeploymentPath, 401, "{\"code\":900420,\"description\":\"Token rejected for the test.\",\"data\":[],\"source\":\"PartnerFD\"}");

            var result = await _emulator.RunAsync("$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n(Get-PartnerLicenseDeployment).Count", WithRefreshToken(out _));

            AssertSucceeded(result);
            Assert.Equal("2", Assert.Single(result.Output).Text);
            Assert.Equal(2, _emulator.State.Requests.Count(r => r.Path == DeploymentPath));
            Assert.Equal(2, _emulator.State.TokenRequestCount);
        }

        [Fact]
        public async Task A_401_that_persists_after_renewal_is_an_unauthorized_error_not_a_loop()
        {
            const string body = "{\"code\":900420,\"description\":\"Token rejected for the test.\",\"data\":[],\"source\":\"PartnerFD\"}";
            _emulator.State.EnqueueResponse(DeploymentPath, 401, body);
            _emulator.State.EnqueueResponse(DeploymentPath, 401, body);

            var result = await _emulator.RunAsync("$null = " + EmulatorFixture.ConnectWithRefreshToken + "\nGet-PartnerLicenseDeployment", WithRefreshToken(out _));

            Assert.Equal("PartnerCenter.Unauthorized,PartnerCenterLicenses.Commands.GetPartnerLicenseDeploymentCommand", result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("AuthenticationError", result.TerminatingError.Category);
            Assert.Equal(2, _emulator.State.Requests.Count(r => r.Path == DeploymentPath));
        }

        [Fact]
        public async Task With_verbose_and_debug_no_stream_output_or_error_shows_a_secret_or_token()
        {
            var environment = WithRefreshToken(out string refreshToken);
            var result = await _emulator.RunAsync(
                "$VerbosePreference = 'Continue'; $DebugPreference = 'Continue'\n"
                + "$c = " + EmulatorFixture.ConnectWithRefreshToken + " -Verbose -Debug\n$c\n$c.ToString()\n"
                + "Get-PartnerLicenseDeployment -Verbose -Debug\n(Get-PartnerCenterContext).ToString()\n"
                + "$global:ErrorActionPreference = 'Continue'\n"
                + "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken 'not-a-valid-token' -Tenant $env:PCL_TENANT -Verbose -Debug",
                environment);

            Assert.NotEmpty(result.Verbose);
            Assert.NotEmpty(result.Debug);
            Assert.Contains(result.Debug, d => d.Contains("Bearer <redacted>"));
            Assert.Equal(2, result.Output.Count(o => o.TypeNames[0] == InsightsType));
            Assert.NotNull(result.TerminatingError ?? result.Errors.FirstOrDefault());

            var secrets = new List<string> { _emulator.ClientSecret, refreshToken, "not-a-valid-token" };
            secrets.AddRange(_emulator.State.IssuedAccessTokens);
            secrets.AddRange(_emulator.State.IssuedRefreshTokens);
            Assert.True(_emulator.State.IssuedAccessTokens.Count > 0);
            var visible = EmulatorFixture.EverythingVisible(result).Where(t => !string.IsNullOrEmpty(t)).ToList();
            foreach (string secret in secrets)
            {
                Assert.DoesNotContain(visible, t => t.Contains(secret));
            }
        }
    }
}
