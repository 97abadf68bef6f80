using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// The credential and the data go only where the user pointed the module, tried the way an
    /// attacker or a hostile network would: redirects from the authority and from Partner Center,
    /// a downgrade to plain HTTP, token answers a session cannot live on, and certificates nobody trusts.
    /// </summary>
    [Collection(SignInEmulatorCollection.Name)]
    public sealed class CredentialCustodyTests
    {
        private const string DeploymentPath = "/v1/analytics/licenses/deployment";
        private const string Connect = ",PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand";
        private const string Get = ",PartnerCenterLicenses.Commands.GetPartnerLicenseDeploymentCommand";
        private static readonly string TokenPath = "/" + EmulatorState.DefaultTenantId + "/oauth2/v2.0/token";
        private readonly EmulatorFixture _emulator;

        public CredentialCustodyTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }


        private static void AssertError(HostedRunResult result, string fullyQualifiedErrorId, string category)
        {
            Assert.True(result.TerminatingError != null, result.Describe());
            Assert.True(fullyQualifiedErrorId == result.TerminatingError.FullyQualifiedErrorId, result.Describe());
            Assert.Equal(category, result.TerminatingError.Category);
        }

        private void AssertNoSecretVisible(HostedRunResult result, string refreshToken)
        {
            foreach (string text in EmulatorFixture.EverythingVisible(result).Where(t => t != null))
            {
                Assert.DoesNotContain(_emulator.ClientSecret, text);
                Assert.DoesNotContain(refreshToken, text);
            }
        }

        [Theory]
        [InlineData(307)]
        [InlineData(308)]
        [InlineData(302)]
        public async Task A_redirect_from_the_token_endpoint_is_refused_and_no_credential_reaches_its_target(int status)
        {
            string target = _emulator.Other.BaseUri.ToString().TrimEnd('/') + TokenPath;
            _emulator.State.EnqueueFault(TokenPath, EmulatorFault.Status(status).WithHeader("Location", target));
            var environment = _emulator.WithRefreshToken();

            var result = await _emulator.RunAsync(
                "try { " + EmulatorFixture.ConnectWithRefreshToken + " } finally { 'session: ' + ($null -ne (Get-PartnerCenterContext)) }",
                environment);

            AssertError(result, "PartnerCenter.AuthorityRedirectRefused" + Connect, "AuthenticationError");
            Assert.Contains(target, result.TerminatingError.Message);
            Assert.Equal("session: False", Assert.Single(result.Output).Text);
            Assert.Empty(_emulator.Other.State.Requests);
            Assert.Equal(1, _emulator.State.TokenRequestCount);
            AssertNoSecretVisible(result, environment["PCL_REFRESH_TOKEN"]);
        }

        [Fact]
        public async Task A_redirect_to_plain_http_is_refused_and_nothing_is_read_from_it()
        {
            using var plain = new ConnectionCounter();
            _emulator.State.EnqueueFault(DeploymentPath, EmulatorFault.Status(302).WithHeader("Location", plain.Url + DeploymentPath.TrimStart('/')));

            var result = await _emulator.RunAsync(
                "Set-PartnerCenterRequestOption -TimeoutSec 5\n$null = " + EmulatorFixture.ConnectWithRefreshToken + "\nGet-PartnerLicenseDeployment",
                _emulator.WithRefreshToken());

            AssertError(result, "PartnerCenter.InsecureRedirectRefused" + Get, "SecurityError");
            Assert.Contains(plain.Url, result.TerminatingError.Message);
            Assert.Empty(result.Output);
            Assert.Equal(0, plain.Connections);
        }

        [Fact]
        public async Task A_redirect_target_does_not_stick_for_the_retry_and_never_gets_the_token()
        {
            string target = _emulator.Other.BaseUri.ToString().TrimEnd('/') + DeploymentPath;
            _emulator.State.EnqueueFault(DeploymentPath, EmulatorFault.Status(307).WithHeader("Location", target));
            _emulator.Other.State.EnqueueFault(DeploymentPath, EmulatorFault.Status(503, "{\"code\":503,\"description\":\"busy\"}"));

            var result = await _emulator.RunAsync(
                "Set-PartnerCenterRequestOption -RetryIntervalSec 0.05\n$null = " + EmulatorFixture.ConnectWithRefreshToken + "\nGet-PartnerLicenseDeployment",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(new[] { "crm", "o365" }, result.Output.Select(o => o.Property("ServiceName").Value));
            var home = _emulator.State.Requests.Where(r => r.Path == DeploymentPath).ToList();
            Assert.Equal(2, home.Count);
            Assert.All(home, r => Assert.StartsWith("Bearer ", r.Headers["Authorization"]));
            var redirected = Assert.Single(_emulator.Other.State.Requests);
            Assert.False(redirected.Headers.ContainsKey("Authorization"));
        }

        [Fact]
        public async Task A_401_from_a_redirect_target_renews_no_token()
        {
            string target = _emulator.Other.BaseUri.ToString().TrimEnd('/') + DeploymentPath;
            _emulator.State.EnqueueFault(DeploymentPath, EmulatorFault.Status(307).WithHeader("Location", target));
            _emulator.Other.State.EnqueueFault(DeploymentPath, EmulatorFault.Status(401, "{\"code\":900420,\"description\":\"no\"}"));

            var result = await _emulator.RunAsync("$null = " + EmulatorFixture.ConnectWithRefreshToken + "\nGet-PartnerLicenseDeployment", _emulator.WithRefreshToken());

            AssertError(result, "PartnerCenter.Unauthorized" + Get, "AuthenticationError");
            Assert.Equal(1, _emulator.State.TokenRequestCount);
            Assert.Single(_emulator.State.Requests, r => r.Path == DeploymentPath);
            Assert.Single(_emulator.Other.State.Requests);
        }

        [Fact]
        public async Task A_token_answer_a_session_cannot_live_on_is_a_sign_in_error_and_opens_no_session()
        {
            string jwtHeader = "eyJhbGciOiJub25lIn0";
            var answers = new[]
            {
                EmulatorFault.Status(200, "<html><body>Sign in to the captive portal</body></html>").WithHeader("Content-Type", "text/html"),
                EmulatorFault.Status(200, "[{\"access_token\":\"a\"}]"),
                EmulatorFault.Status(200, "{\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"r\"}"),
                EmulatorFault.Status(200, "{\"token_type\":\"Bearer\",\"access_token\":\"\",\"expires_in\":3600}"),
                EmulatorFault.Status(200, "{\"token_type\":\"Bearer\",\"access_token\":\"x.y.z\",\"expires_in\":\"soon\"}"),
                EmulatorFault.Status(200, "{\"token_type\":\"Bearer\",\"access_token\":\"x.y.z\",\"expires_in\":3600,\"id_token\":\"" + jwtHeader + ".!!!.sig\"}"),
            };
            foreach (var answer in answers)
            {
                _emulator.State.EnqueueFault(TokenPath, answer);
            }

            var environment = _emulator.WithRefreshToken();
            var result = await _emulator.RunAsync(
                "foreach ($i in 1.." + answers.Length + ") { try { $null = " + EmulatorFixture.ConnectWithRefreshToken + "; 'connected' } "
                + "catch { $_.FullyQualifiedErrorId + ' | ' + $_.CategoryInfo.Category + ' | ' + $_.Exception.Message } }\n"
                + "'session: ' + ($null -ne (Get-PartnerCenterContext))",
                environment);

            Assert.True(result.TerminatingError == null, result.Describe());
            var lines = result.Output.Select(o => o.Text).ToList();
            Assert.Equal(answers.Length + 1, lines.Count);
            string[] problems = { "not JSON", "not an object", "no access_token", "no access_token", "expires_in", "id_token" };
            for (int i = 0; i < answers.Length; i++)
            {
                Assert.StartsWith("PartnerCenter.InvalidTokenResponse" + Connect + " | AuthenticationError | ", lines[i]);
                Assert.Contains(problems[i], lines[i]);
                Assert.Contains("No session was opened", lines[i]);
            }

            Assert.Equal("session: False", lines.Last());
            Assert.Equal(answers.Length, _emulator.State.TokenRequestCount);
            AssertNoSecretVisible(result, environment["PCL_REFRESH_TOKEN"]);
        }

        [Fact]
        public async Task An_untrusted_certificate_is_refused_at_once_and_named_for_sign_in_and_for_calls()
        {
            string untrusted = _emulator.Untrusted.BaseUri.ToString().TrimEnd('/');
            var result = await _emulator.RunAsync(
                "$null = Add-PartnerCenterEnvironment -Name Intercepted -ActiveDirectoryAuthority $env:PCL_UNTRUSTED -PartnerCenterEndpoint $env:PCL_UNTRUSTED\n"
                + "$null = Add-PartnerCenterEnvironment -Name InterceptedApi -ActiveDirectoryAuthority $env:PCL_EMULATOR_URL -PartnerCenterEndpoint $env:PCL_UNTRUSTED\n"
                + "try { Connect-PartnerCenter -Environment Intercepted -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken (ConvertTo-Secure $env:PCL_REFRESH_TOKEN) -Tenant $env:PCL_TENANT }\n"
                + "catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category; $_.Exception.Message }\n"
                + "$null = Connect-PartnerCenter -Environment InterceptedApi -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken (ConvertTo-Secure $env:PCL_REFRESH_TOKEN) -Tenant $env:PCL_TENANT\n"
                + "Get-PartnerLicenseDeployment -Verbose",
                new Dictionary<string, string> { ["PCL_REFRESH_TOKEN"] = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId), ["PCL_UNTRUSTED"] = untrusted });

            var lines = result.Output.Select(o => o.Text).ToList();
            Assert.True(lines.Count == 3, result.Describe());
            Assert.Equal("PartnerCenter.ServerCertificateUntrusted" + Connect, lines[0]);
            Assert.Equal("SecurityError", lines[1]);
            foreach (string message in new[] { lines[2], result.TerminatingError?.Message ?? string.Empty })
            {
                Assert.Contains(untrusted, message);
                Assert.Contains("CN=PartnerCenter.Emulator", message);
                Assert.Contains("UntrustedRoot", message);
                Assert.DoesNotContain("inner exception", message, StringComparison.OrdinalIgnoreCase);
            }

            AssertError(result, "PartnerCenter.ServerCertificateUntrusted" + Get, "SecurityError");
            Assert.Contains("root CA", result.TerminatingError.RecommendedAction);
            Assert.DoesNotContain(result.Verbose, v => v.Contains("Retrying"));
            Assert.Empty(_emulator.Untrusted.State.Requests);
        }

        /// <summary>A plain TCP listener that only counts who connects to it.</summary>
        private sealed class ConnectionCounter : IDisposable
        {
            private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
            private readonly CancellationTokenSource _stop = new CancellationTokenSource();
            private int _connections;

            public ConnectionCounter()
            {
                _listener.Start();
                Url = "http://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port + "/";
                _ = AcceptAsync();
            }

            public string Url { get; }

            public int Connections => Volatile.Read(ref _connections);

            private async Task AcceptAsync()
            {
                try
                {
                    while (!_stop.IsCancellationRequested)
                    {
                        using TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
                        Interlocked.Increment(ref _connections);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException || e is SocketException || e is ObjectDisposedException)
                {
                }
            }

            public void Dispose()
            {
                _stop.Cancel();
                _listener.Stop();
            }
        }
    }
}
