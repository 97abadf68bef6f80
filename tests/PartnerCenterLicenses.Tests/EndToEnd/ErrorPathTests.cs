using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// The failure paths not covered by the scenario tests, each asserted by its stable id and
    /// category as a script sees them.
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class ErrorPathTests
    {
        private const string Connect = ",PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand";
        private const string Get = ",PartnerCenterLicenses.Commands.GetPartnerLicenseDeploymentCommand";
        private readonly EmulatorFixture _emulator;

        public ErrorPathTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private static void AssertError(HostedRunResult result, string fullyQualifiedErrorId, string category)
        {
            Assert.True(result.TerminatingError != null, result.Describe());
            Assert.True(fullyQualifiedErrorId == result.TerminatingError.FullyQualifiedErrorId, result.Describe());
            Assert.Equal(category, result.TerminatingError.Category);
            Assert.False(string.IsNullOrWhiteSpace(result.TerminatingError.Message));
        }

        // A loopback port nothing listens on: connections are refused at once.
        private static int ClosedPort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        private static string Jwt(DateTimeOffset expires)
        {
            static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            return Part("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Part("{\"upn\":\"someone@contoso.onmicrosoft.com\",\"tid\":\"" + EmulatorState.DefaultTenantId
                + "\",\"scp\":\"user_impersonation\",\"exp\":" + expires.ToUnixTimeSeconds() + "}") + ".c2lnbmF0dXJl";
        }

        [Fact]
        public async Task An_unknown_environment_name_is_an_invalid_argument()
        {
            var result = await _emulator.RunAsync("Connect-PartnerCenter -Environment Nowhere -AccessToken 'x.y.z'");

            AssertError(result, "PartnerCenter.UnknownEnvironment" + Connect, "InvalidArgument");
            Assert.Contains("AzureCloud", result.TerminatingError.Message);
        }

        [Fact]
        public async Task A_custom_environment_over_plain_http_is_refused()
        {
            var result = await _emulator.RunAsync("Add-PartnerCenterEnvironment -Name Plain -ActiveDirectoryAuthority http://127.0.0.1:1 -PartnerCenterEndpoint https://127.0.0.1:2");

            AssertError(result, "PartnerCenter.InvalidEnvironment,PartnerCenterLicenses.Commands.AddPartnerCenterEnvironmentCommand", "InvalidArgument");
        }

        [Fact]
        public async Task A_credential_for_another_application_is_an_invalid_argument()
        {
            var result = await _emulator.RunAsync(
                "Connect-PartnerCenter -Environment Emulator -ApplicationId 11111111-2222-3333-4444-555555555555 -Credential $credential -RefreshToken 'rt'");

            AssertError(result, "PartnerCenter.InvalidArgument" + Connect, "InvalidArgument");
            Assert.Empty(_emulator.State.Requests);
        }

        [Fact]
        public async Task Two_application_credentials_at_once_are_an_invalid_argument()
        {
            var result = await _emulator.RunAsync(
                "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -CertificateThumbprint 00112233445566778899AABBCCDDEEFF00112233 -RefreshToken 'rt'");

            AssertError(result, "PartnerCenter.InvalidArgument" + Connect, "InvalidArgument");
        }

        [Fact]
        public async Task An_expired_access_token_is_refused_at_connect()
        {
            var result = await _emulator.RunAsync(
                "Connect-PartnerCenter -Environment Emulator -AccessToken $env:PCL_ACCESS_TOKEN",
                new Dictionary<string, string> { ["PCL_ACCESS_TOKEN"] = Jwt(DateTimeOffset.UtcNow.AddMinutes(-5)) });

            AssertError(result, "PartnerCenter.AccessTokenExpired" + Connect, "AuthenticationError");
            Assert.Contains("-AccessToken", result.TerminatingError.RecommendedAction);
        }

        [Fact]
        public async Task An_unreachable_authority_is_a_resource_unavailable_error()
        {
            int port = ClosedPort();
            var result = await _emulator.RunAsync(
                "$null = Add-PartnerCenterEnvironment -Name Dead -ActiveDirectoryAuthority https://127.0.0.1:" + port + " -PartnerCenterEndpoint $env:PCL_EMULATOR_URL\n"
                + "Connect-PartnerCenter -Environment Dead -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken 'rt' -Tenant $env:PCL_TENANT",
                timeout: TimeSpan.FromSeconds(90));

            AssertError(result, "PartnerCenter.AuthorityUnreachable" + Connect, "ResourceUnavailable");
            Assert.Contains("127.0.0.1:" + port, result.TerminatingError.Message);
        }

        [Fact]
        public async Task An_unreachable_partner_center_is_a_resource_unavailable_error_after_the_retries()
        {
            int port = ClosedPort();
            var result = await _emulator.RunAsync(
                "Set-PartnerCenterRequestOption -MaximumRetryCount 1 -RetryIntervalSec 0.05\n"
                + "$null = Add-PartnerCenterEnvironment -Name DeadApi -ActiveDirectoryAuthority $env:PCL_EMULATOR_URL -PartnerCenterEndpoint https://127.0.0.1:" + port + "\n"
                + "$null = Connect-PartnerCenter -Environment DeadApi -AccessToken $env:PCL_ACCESS_TOKEN\nGet-PartnerLicenseDeployment",
                new Dictionary<string, string> { ["PCL_ACCESS_TOKEN"] = Jwt(DateTimeOffset.UtcNow.AddHours(1)) });

            AssertError(result, "PartnerCenter.ServiceUnreachable" + Get, "ResourceUnavailable");
            Assert.Contains("Gave up after 1 retries", result.TerminatingError.Message);
        }

        [Fact]
        public async Task A_403_for_a_user_token_is_forbidden()
        {
            _emulator.State.EnqueueResponse("/v1/analytics/licenses/deployment", 403, "{\"code\":403,\"description\":\"The user has no access to analytics.\",\"data\":[],\"source\":\"PartnerFD\"}");

            var result = await _emulator.RunAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\nGet-PartnerLicenseDeployment",
                new Dictionary<string, string> { ["PCL_REFRESH_TOKEN"] = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId) });

            AssertError(result, "PartnerCenter.Forbidden" + Get, "PermissionDenied");
            Assert.Contains("The user has no access to analytics.", result.TerminatingError.Message);
        }

        [Fact]
        public async Task A_module_folder_missing_its_engine_says_to_reinstall()
        {
            using var folder = new ScratchFolder("pcl-broken-module");
            string module = System.IO.Path.Combine(folder.Path, "PartnerCenterLicenses");
            foreach (string file in System.IO.Directory.EnumerateFiles(RepositoryPaths.ModuleFolder, "*", System.IO.SearchOption.AllDirectories))
            {
                string target = System.IO.Path.Combine(module, System.IO.Path.GetRelativePath(RepositoryPaths.ModuleFolder, file));
                System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target));
                System.IO.File.Copy(file, target);
            }

            System.IO.File.Delete(System.IO.Path.Combine(module, "Dependencies", "PartnerCenterLicenses.Engine.dll"));

            var result = await HostedPowerShell.RunAsync(new HostedRunRequest
            {
                // Another copy of the module, whose engine has never loaded: only a new process has neither.
                FreshProcess = true,
                ModulePath = System.IO.Path.Combine(module, "PartnerCenterLicenses.psd1"),
                Script = "$ErrorActionPreference = 'Stop'; Get-PartnerLicenseDeployment",
            });

            AssertError(result, "PartnerCenter.EngineLoadFailed" + Get, "InvalidOperation");
            Assert.Contains("Install-Module PartnerCenterLicenses -Force", result.TerminatingError.Message);
        }

        [Fact]
        public async Task Service_principal_sign_ins_explain_that_app_only_tokens_cannot_read_this_data()
        {
            var result = await _emulator.RunAsync("Connect-PartnerCenter -Credential $credential -ServicePrincipal -Tenant $env:PCL_TENANT -Environment Emulator");

            AssertError(result, "PartnerCenter.AppOnlyNotSupported" + Connect, "InvalidArgument");
            Assert.Contains("-RefreshToken", result.TerminatingError.RecommendedAction);
            Assert.Empty(_emulator.State.Requests);
        }
    }
}
