using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// The ways a person or an application signs in, end to end through the module against the
    /// emulator: device code, the system browser, certificates, and the archived module's syntaxes.
    /// </summary>
    [Collection(SignInEmulatorCollection.Name)]
    public sealed class SignInFlowTests : IDisposable
    {
        private const string ConnectCommand = "Connect-PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand";
        private readonly EmulatorFixture _emulator;
        private readonly ScratchFolder _folder = new ScratchFolder("pcl-signin");

        public SignInFlowTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        public void Dispose() => _folder.Dispose();

        private string Scratch => _folder.Path;

        private static string Id(string errorId) => errorId + ",PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand";

        private const string DeviceConnect =
            "Connect-PartnerCenter -Environment Emulator -UseDeviceAuthentication -ApplicationId $env:PCL_PUBLIC_CLIENT_ID -Tenant $env:PCL_TENANT";

        private Dictionary<string, string> PublicClient(Dictionary<string, string> extra = null)
        {
            var variables = new Dictionary<string, string> { ["PCL_PUBLIC_CLIENT_ID"] = EmulatorFixture.PublicClientId };
            foreach (var pair in extra ?? new Dictionary<string, string>())
            {
                variables[pair.Key] = pair.Value;
            }

            return variables;
        }

        [Fact]
        public async Task Device_code_shows_the_code_on_the_warning_stream_and_connects_once_approved()
        {
            // The user approves between the first and the second poll, counted by the emulator rather than
            // timed: a clock would let a slow first poll find the code approved already.
            _emulator.State.DeviceCodePollInterval = TimeSpan.FromSeconds(1);
            _emulator.State.AutoApproveDeviceCodesOnPoll = 2;

            var result = await _emulator.RunAsync(DeviceConnect + "\n(Get-PartnerLicenseDeployment).Count", PublicClient());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            var context = result.Output[0];
            Assert.Equal("DeviceCode", context.Property("AuthenticationType").Value);
            Assert.Equal(EmulatorState.DefaultUserPrincipalName, context.Property("Account").Value);
            Assert.Equal(EmulatorFixture.PublicClientId, context.Property("ApplicationId").Value);
            Assert.Equal("2", result.Output[1].Text);
            string message = Assert.Single(result.Warning);
            Assert.Contains("/devicelogin", message);
            Assert.Matches("[A-Z0-9]{6,}", message);
            Assert.True(_emulator.State.Requests.Count(r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal)) >= 2, "polled at least twice");
        }

        [Fact]
        public async Task An_expired_device_code_is_a_clear_error()
        {
            _emulator.State.DeviceCodePollInterval = TimeSpan.FromSeconds(1);
            _emulator.State.DeviceCodeLifetime = TimeSpan.FromSeconds(2);

            var result = await _emulator.RunAsync(DeviceConnect, PublicClient());

            Assert.Equal(Id("PartnerCenter.DeviceCodeExpired"), result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("AuthenticationError", result.TerminatingError.Category);
            Assert.Contains("-UseDeviceAuthentication", result.TerminatingError.RecommendedAction);
        }

        [Fact]
        public async Task A_declined_device_code_is_a_clear_error()
        {
            _emulator.State.DeviceCodePollInterval = TimeSpan.FromSeconds(1);
            using var stop = new CancellationTokenSource();
            var decliner = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    foreach (var pending in _emulator.State.PendingDeviceCodes)
                    {
                        _emulator.State.DenyDeviceCode(pending.UserCode);
                    }

                    await Task.Delay(100);
                }
            });

            var result = await _emulator.RunAsync(DeviceConnect, PublicClient());
            stop.Cancel();
            await decliner;

            Assert.Equal(Id("PartnerCenter.SignInDeclined"), result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("AuthenticationError", result.TerminatingError.Category);
        }

        [Fact]
        public async Task Ctrl_c_ends_a_device_code_wait_at_once()
        {
            _emulator.State.DeviceCodePollInterval = TimeSpan.FromSeconds(1);

            // Stopped while polling: at the second poll, which comes a poll interval after the first (made
            // as soon as the code is shown), and long before the code expires.
            var result = await _emulator.RunAsync(
                DeviceConnect,
                PublicClient(),
                stopWhen: _emulator.Seen(r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal) && r.Body != null && r.Body.Contains("device_code"), times: 2));

            // "At once" is the behaviour: Stop() returns in tens of milliseconds when the poll loop honours
            // the cancellation, and only when the code expires (15 minutes) when it does not.
            Assert.True(result.Stopped, result.Describe());
            Assert.NotNull(result.StopElapsed);
            Assert.True(result.StopElapsed.Value < TimeSpan.FromSeconds(1), result.StopElapsed.ToString());
            Assert.Single(result.Warning);
        }

        [Fact]
        public async Task Interactive_sign_in_fails_fast_where_no_one_can_use_a_browser()
        {
            var watch = Stopwatch.StartNew();

            var result = await _emulator.RunAsync(
                "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_PUBLIC_CLIENT_ID -Tenant $env:PCL_TENANT",
                PublicClient(new Dictionary<string, string> { ["BROWSER"] = null, ["DISPLAY"] = null, ["WAYLAND_DISPLAY"] = null }));

            Assert.Equal(Id("PartnerCenter.InteractiveNotAvailable"), result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("AuthenticationError", result.TerminatingError.Category);
            Assert.Contains("-UseDeviceAuthentication", result.TerminatingError.RecommendedAction);

            // "Fast" is the behaviour under test, so it keeps a bound; the run itself takes about a second,
            // and 30 s is room for a loaded machine, not a measurement.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30));
            Assert.DoesNotContain(_emulator.State.Requests, r => r.Path.Contains("/oauth2/"));
        }

        private Dictionary<string, string> WithBrowser(out string browserLog)
        {
            browserLog = Path.Combine(Scratch, "browser.log");
            return PublicClient(new Dictionary<string, string>
            {
                ["BROWSER"] = "\"" + (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") + "\" \"" + HostedPowerShell.HostAssemblyPath + "\" --browse",
                ["PCL_FAKE_BROWSER_LOG"] = browserLog,
            });
        }

        [Fact]
        public async Task Interactive_sign_in_uses_the_system_browser_with_a_loopback_redirect()
        {
            var result = await _emulator.RunAsync(
                "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_PUBLIC_CLIENT_ID -Tenant $env:PCL_TENANT\n(Get-PartnerLicenseDeployment).Count",
                WithBrowser(out string browserLog));

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe() + File.ReadAllText(browserLog));
            Assert.Equal("Interactive", result.Output[0].Property("AuthenticationType").Value);
            Assert.Equal("2", result.Output[1].Text);
            // The browser got the authorize page, which (response_mode=form_post) posts the code to
            // MSAL's loopback listener.
            string[] hops = File.ReadAllLines(browserLog);
            Assert.Contains(hops, h => h.StartsWith("200 " + _emulator.Url.ToString().TrimEnd('/'), StringComparison.Ordinal) && h.EndsWith("/oauth2/v2.0/authorize", StringComparison.Ordinal));
            Assert.Contains(hops, h => h.StartsWith("query: ", StringComparison.Ordinal) && h.Contains("code_challenge_method=S256") && h.Contains("redirect_uri=http%3A%2F%2Flocalhost"));
            Assert.Contains(hops, h => h.StartsWith("200 POST http://localhost:", StringComparison.Ordinal) && h.Contains("(code,"));
            var tokenRequest = _emulator.State.Requests.Single(r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
            Assert.Contains("grant_type=authorization_code", tokenRequest.Body);
            Assert.Contains("code_verifier=", tokenRequest.Body);
        }

        [Fact]
        public async Task A_declined_interactive_sign_in_is_a_clear_error()
        {
            _emulator.State.InteractiveSignInDenied = true;
            try
            {
                var result = await _emulator.RunAsync(
                    "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_PUBLIC_CLIENT_ID -Tenant $env:PCL_TENANT",
                    WithBrowser(out _));

                Assert.Equal(Id("PartnerCenter.SignInDeclined"), result.TerminatingError?.FullyQualifiedErrorId);
            }
            finally
            {
                _emulator.State.InteractiveSignInDenied = false;
            }
        }

        private (X509Certificate2 Certificate, string PfxPath) NewCertificate(string clientId, DateTimeOffset? notAfter = null)
        {
            using RSA key = RSA.Create(2048);
            var request = new CertificateRequest("CN=PartnerCenterLicenses test app", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            DateTimeOffset end = notAfter ?? DateTimeOffset.UtcNow.AddDays(2);
            X509Certificate2 certificate = request.CreateSelfSigned(end.AddDays(-10), end);
            string pfx = Path.Combine(Scratch, certificate.Thumbprint + ".pfx");
            File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx));
            _emulator.State.RegisterConfidentialClient(clientId, "unused-" + Guid.NewGuid().ToString("N"));
            _emulator.State.RegisterConfidentialClientCertificate(clientId, X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert)));
            return (certificate, pfx);
        }

        // With a store of its own, the child gets its own HOME, so its CurrentUser\My store is a fresh
        // folder of this test. .NET fixes a process's store folder the first time it opens one, so such a
        // run gets a process of its own (the harness sees HOME and arranges it). A certificate given as an
        // object needs no store, and runs in the pooled host.
        private Dictionary<string, string> CertificateEnvironment(string clientId, string pfx, bool ownStore)
        {
            var environment = new Dictionary<string, string>
            {
                ["PCL_CERT_CLIENT_ID"] = clientId,
                ["PCL_PFX"] = pfx,
                ["PCL_REFRESH_TOKEN"] = _emulator.State.IssueRefreshToken(clientId),
            };
            if (ownStore)
            {
                string home = Path.Combine(Scratch, "home");
                Directory.CreateDirectory(home);
                environment["HOME"] = home;
            }

            return environment;
        }

        private const string ImportToCurrentUserMy = @"
$pfx = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($env:PCL_PFX, [string]::Empty, 'Exportable,PersistKeySet')
$store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
$store.Open('ReadWrite'); $store.Add($pfx); $store.Close()
";

        [Fact]
        public async Task A_certificate_in_the_current_users_store_found_by_thumbprint_signs_the_application_in()
        {
            string clientId = Guid.NewGuid().ToString();
            var (certificate, pfx) = NewCertificate(clientId);

            var result = await _emulator.RunAsync(
                ImportToCurrentUserMy
                + "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CERT_CLIENT_ID -CertificateThumbprint '" + certificate.Thumbprint.ToLowerInvariant()
                + "' -RefreshToken $env:PCL_REFRESH_TOKEN -Tenant $env:PCL_TENANT\n(Get-PartnerLicenseDeployment).Count",
                CertificateEnvironment(clientId, pfx, ownStore: true));

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal("RefreshToken", result.Output[0].Property("AuthenticationType").Value);
            Assert.Equal("2", result.Output[1].Text);
            // This application's token requests only: under load, a flow an earlier test started (a device
            // code still polling) may reach the shared emulator after its reset.
            var token = Assert.Single(_emulator.State.Requests, r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal)
                && r.Body.Contains("client_id=" + clientId, StringComparison.Ordinal));
            Assert.Contains("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer", token.Body);
            Assert.DoesNotContain("client_secret", token.Body);
        }

        [Fact]
        public async Task A_certificate_object_signs_the_application_in()
        {
            string clientId = Guid.NewGuid().ToString();
            var (_, pfx) = NewCertificate(clientId);

            var result = await _emulator.RunAsync(
                "$cert = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($env:PCL_PFX, [string]::Empty)\n"
                + "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CERT_CLIENT_ID -Certificate $cert -RefreshToken $env:PCL_REFRESH_TOKEN -Tenant $env:PCL_TENANT",
                CertificateEnvironment(clientId, pfx, ownStore: false));

            Assert.True(result.TerminatingError == null, result.Describe());
            Assert.Equal(EmulatorState.DefaultUserPrincipalName, result.Output[0].Property("Account").Value);
        }

        [Fact]
        public async Task A_missing_certificate_is_an_error_naming_its_thumbprint()
        {
            string clientId = Guid.NewGuid().ToString();
            var (_, pfx) = NewCertificate(clientId);

            var result = await _emulator.RunAsync(
                "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CERT_CLIENT_ID -CertificateThumbprint 00112233445566778899AABBCCDDEEFF00112233 -RefreshToken $env:PCL_REFRESH_TOKEN",
                CertificateEnvironment(clientId, pfx, ownStore: true));

            Assert.Equal(Id("PartnerCenter.CertificateNotFound"), result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("ObjectNotFound", result.TerminatingError.Category);
            Assert.Contains("00112233445566778899AABBCCDDEEFF00112233", result.TerminatingError.Message);
        }

        [Fact]
        public async Task A_certificate_without_its_private_key_is_an_error_naming_it()
        {
            string clientId = Guid.NewGuid().ToString();
            var (certificate, pfx) = NewCertificate(clientId);
            string cer = Path.Combine(Scratch, "public.cer");
            File.WriteAllBytes(cer, certificate.Export(X509ContentType.Cert));

            var result = await _emulator.RunAsync(
                "$cert = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new('" + cer + "')\n"
                + "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CERT_CLIENT_ID -Certificate $cert -RefreshToken $env:PCL_REFRESH_TOKEN",
                CertificateEnvironment(clientId, pfx, ownStore: false));

            Assert.Equal(Id("PartnerCenter.CertificateWithoutPrivateKey"), result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("InvalidArgument", result.TerminatingError.Category);
            Assert.Contains(certificate.Thumbprint, result.TerminatingError.Message);
        }

        [Fact]
        public async Task An_expired_certificate_is_an_error_naming_it()
        {
            string clientId = Guid.NewGuid().ToString();
            var (certificate, pfx) = NewCertificate(clientId, DateTimeOffset.UtcNow.AddDays(-1));

            var result = await _emulator.RunAsync(
                ImportToCurrentUserMy
                + "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CERT_CLIENT_ID -CertificateThumbprint " + certificate.Thumbprint + " -RefreshToken $env:PCL_REFRESH_TOKEN",
                CertificateEnvironment(clientId, pfx, ownStore: true));

            Assert.Equal(Id("PartnerCenter.CertificateExpired"), result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("InvalidArgument", result.TerminatingError.Category);
            Assert.Contains(certificate.Thumbprint, result.TerminatingError.Message);
        }

        [Fact]
        public async Task Every_syntax_of_the_archived_modules_connect_binds()
        {
            // Each line must get past parameter binding into the module's own handling; what it
            // then does (connect, or a clear error of ours) is asserted per line.
            string[] lines =
            {
                "Connect-PartnerCenter -AccessToken 'not.a.jwt' -Environment Emulator -Tenant $env:PCL_TENANT",
                "Connect-PartnerCenter -AccessToken 'not.a.jwt' -TenantId $env:PCL_TENANT",
                "Connect-PartnerCenter -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken $env:PCL_REFRESH_TOKEN -Environment Emulator -Tenant $env:PCL_TENANT",
                "Connect-PartnerCenter -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken $env:PCL_REFRESH_TOKEN -Environment Emulator -Domain contoso.onmicrosoft.com",
                "Connect-PartnerCenter -ApplicationId $env:PCL_CLIENT_ID -RefreshToken $env:PCL_REFRESH_TOKEN -CertificateThumbprint 00112233445566778899AABBCCDDEEFF00112233 -Environment Emulator",
                "Connect-PartnerCenter -Credential $credential -ServicePrincipal -Tenant $env:PCL_TENANT -Environment Emulator",
                "Connect-PartnerCenter -ApplicationId $env:PCL_CLIENT_ID -CertificateThumbprint 00112233445566778899AABBCCDDEEFF00112233 -ServicePrincipal -Tenant $env:PCL_TENANT",
                "Connect-PartnerCenter -ApplicationId $env:PCL_CLIENT_ID -CertificateThumbprint 00112233445566778899AABBCCDDEEFF00112233 -Tenant $env:PCL_TENANT",
                "Connect-PartnerCenter -Environment Emulator -Tenant $env:PCL_TENANT",
                "Connect-PartnerCenter",
                "Connect-PartnerCenter -Environment AzureCloud -Tenant contoso.onmicrosoft.com -UseDeviceAuthentication:$false",
            };
            string script = "$global:ErrorActionPreference = 'Continue'\n" + string.Join("\n", lines.Select((line, n) =>
                "try { $null = " + line + "; '" + n + " connected' } catch { '" + n + " ' + $_.FullyQualifiedErrorId }"));
            var environment = new Dictionary<string, string>
            {
                ["PCL_REFRESH_TOKEN"] = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId),
                ["BROWSER"] = null,
                ["DISPLAY"] = null,
            };

            var result = await _emulator.RunAsync(script, environment);

            string[] outcomes = result.Output.Select(o => o.Text).ToArray();
            Assert.True(outcomes.Length == lines.Length, result.Describe());
            Assert.Equal(new[]
            {
                "0 connected",
                "1 connected",
                "2 connected",
                "3 connected",
                "4 " + Id("PartnerCenter.CertificateNotFound"),
                "5 " + Id("PartnerCenter.AppOnlyNotSupported"),
                "6 " + Id("PartnerCenter.AppOnlyNotSupported"),
                "7 " + Id("PartnerCenter.AppOnlyNotSupported"),
                "8 " + Id("PartnerCenter.InteractiveNotAvailable"),
                "9 " + Id("PartnerCenter.InteractiveNotAvailable"),
                "10 " + Id("PartnerCenter.InteractiveNotAvailable"),
            }, outcomes);
        }
    }
}
