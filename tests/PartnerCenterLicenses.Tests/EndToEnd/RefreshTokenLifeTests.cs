using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// The refresh token's whole life through the built module: an admin agent signs in once
    /// (browser with a secret or a certificate, device code), the token object connects, a runbook
    /// renews it without a person, and an expired or revoked one says exactly what to run. No token
    /// text reaches any stream, error, formatting or transcript, and nothing reaches the disk.
    /// Each run costs seconds, so each test asks several questions of one run.
    /// </summary>
    [Collection(SignInEmulatorCollection.Name)]
    public sealed class RefreshTokenLifeTests : IDisposable
    {
        /// <summary>A confidential app of its own (the fixture's secret) that also allows public client flows.</summary>
        private const string ClientId = "5e2b7c9d-1a3f-4e6b-8d0c-2f4a6b8c0e1d";

        /// <summary>A confidential app that does not allow public client flows.</summary>
        private const string StrictClientId = "7c4d1e8f-2b5a-4c9d-a0e3-6f1b7d2c8e4a";

        private const string Command = ",PartnerCenterLicenses.Commands.NewPartnerCenterRefreshTokenCommand";

        // Only a digest of a token is ever printed, so the tests can tell tokens apart without the
        // scripts writing token text anywhere.
        private const string Digest = @"
function Get-Digest([securestring] $secure) {
    $text = [System.Net.NetworkCredential]::new('', $secure).Password
    [System.Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData([System.Text.Encoding]::UTF8.GetBytes($text)))
}
";

        private const string RenewStored =
            "New-PartnerCenterRefreshToken -Environment Emulator -RefreshToken (ConvertTo-Secure $env:PCL_REFRESH_TOKEN) "
            + "-ApplicationId $env:PCL_CLIENT_ID -Credential $credential -Tenant $env:PCL_TENANT";

        private readonly EmulatorFixture _emulator;
        private readonly ScratchFolder _folder = new ScratchFolder("pcl-rt");

        public RefreshTokenLifeTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
            _emulator.State.RegisterConfidentialClient(ClientId, _emulator.ClientSecret);
            _emulator.State.AllowPublicClientFlows(ClientId);
            _emulator.State.RegisterConfidentialClient(StrictClientId, _emulator.ClientSecret);
        }

        public void Dispose() => _folder.Dispose();

        private static string Sha(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

        private string IssuedRefreshTokenWithDigest(string digest) =>
            _emulator.State.IssuedRefreshTokens.SingleOrDefault(t => Sha(t) == digest);

        private IEnumerable<RecordedRequest> TokenRequests =>
            _emulator.State.Requests.Where(r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));

        /// <summary>
        /// The child's own HOME and XDG folders and token cache directory, so anything the module wrote
        /// would be found there; the fake browser, and the fixture's secrets for this test's app.
        /// </summary>
        private Dictionary<string, string> Environment(Dictionary<string, string> extra = null)
        {
            string home = Path.Combine(_folder.Path, "home");
            Directory.CreateDirectory(home);
            var variables = new Dictionary<string, string>
            {
                ["PCL_CLIENT_ID"] = ClientId,
                ["HOME"] = home,
                ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
                ["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share"),
                ["XDG_CACHE_HOME"] = Path.Combine(home, ".cache"),
                ["PARTNERCENTERLICENSES_TOKEN_CACHE_DIRECTORY"] = TokenCacheDirectory,
                ["BROWSER"] = "\"" + (System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") + "\" \"" + HostedPowerShell.HostAssemblyPath + "\" --browse",
                ["PCL_FAKE_BROWSER_LOG"] = BrowserLog,
            };
            foreach (var pair in extra ?? new Dictionary<string, string>())
            {
                variables[pair.Key] = pair.Value;
            }

            return variables;
        }

        private string TokenCacheDirectory => Path.Combine(_folder.Path, "token-cache");

        private string BrowserLog => Path.Combine(_folder.Path, "browser.log");

        private void AssertNoSecretIn(IEnumerable<string> texts, string where)
        {
            string[] secrets = _emulator.State.IssuedRefreshTokens
                .Concat(_emulator.State.IssuedAccessTokens)
                .Append(_emulator.ClientSecret)
                .ToArray();
            foreach (string text in texts.Where(t => !string.IsNullOrEmpty(t)))
            {
                foreach (string secret in secrets)
                {
                    Assert.False(text.Contains(secret, StringComparison.Ordinal), "A token or secret appeared in " + where + ": " + text.Replace(secret, "<secret>"));
                }
            }
        }

        // Nothing the module wrote under the child's home holds a token, and no token cache was made.
        private void AssertNothingOnDisk()
        {
            Assert.False(Directory.Exists(TokenCacheDirectory), "The token cache directory was created.");
            string home = Path.Combine(_folder.Path, "home");
            var files = Directory.EnumerateFiles(home, "*", SearchOption.AllDirectories).ToList();
            Assert.DoesNotContain(files, f => f.Contains("msalcache", StringComparison.OrdinalIgnoreCase) || f.Contains("PartnerCenterLicenses", StringComparison.OrdinalIgnoreCase));
            AssertNoSecretIn(files.Select(f => File.ReadAllText(f)), "a file under HOME");
        }

        [Fact]
        public async Task Browser_sign_in_with_a_secret_writes_one_token_object_that_connects_and_leaves_nothing_on_disk()
        {
            var result = await _emulator.RunAsync(
                Digest + @"
$t = New-PartnerCenterRefreshToken -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -Tenant $env:PCL_TENANT -Verbose -Debug -WarningAction Continue
@($t).Count
$t
$t.GetType().FullName
$t.RefreshToken.GetType().FullName + ' ' + $t.RefreshToken.IsReadOnly()
$t.IssuedOn.GetType().FullName
$t.ToString()
($t.PSObject.Properties | ForEach-Object Name) -join ','
Get-Digest $t.RefreshToken
$context = $t | Connect-PartnerCenter -Credential $credential
$context.AuthenticationType.ToString() + ' ' + $context.Account + ' ' + $context.Environment
(Get-PartnerLicenseDeployment).Count
",
                Environment());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe() + ReadBrowserLog());
            string[] text = result.Output.Select(o => o.Text).ToArray();
            Assert.Equal("1", text[0]);
            HostedObject token = result.Output[1];
            Assert.Equal(EmulatorState.DefaultUserPrincipalName, token.Property("Account").Value);
            Assert.Equal(EmulatorState.DefaultTenantId, token.Property("Tenant").Value);
            Assert.Equal(ClientId, token.Property("ApplicationId").Value);
            Assert.Equal("Emulator", token.Property("Environment").Value);
            Assert.Equal("System.Security.SecureString", token.Property("RefreshToken").Value);
            Assert.Equal("PartnerCenterLicenses.Models.PartnerCenterRefreshToken", text[2]);
            Assert.Equal("System.Security.SecureString True", text[3]);
            Assert.Equal("System.DateTimeOffset", text[4]);
            Assert.StartsWith("Refresh token for " + EmulatorState.DefaultUserPrincipalName + " @ " + EmulatorState.DefaultTenantId, text[5]);
            Assert.Equal("RefreshToken,ApplicationId,Tenant,Account,Environment,IssuedOn", text[6]);
            Assert.Equal("RefreshToken " + EmulatorState.DefaultUserPrincipalName + " Emulator", text[8]);
            Assert.Equal("2", text[9]);

            // The token written is the one the authorization code was redeemed for, and Connect redeemed it.
            RecordedRequest[] tokens = TokenRequests.ToArray();
            Assert.Equal(2, tokens.Length);
            Assert.Contains("grant_type=authorization_code", tokens[0].Body);
            Assert.Contains("code_verifier=", tokens[0].Body);
            Assert.Contains("client_secret=", tokens[0].Body);
            Assert.Contains("offline_access", Uri.UnescapeDataString(tokens[0].Body.Replace('+', ' ')));
            string issued = IssuedRefreshTokenWithDigest(text[7]);
            Assert.NotNull(issued);
            Assert.Equal(_emulator.State.IssuedRefreshTokens[^2], issued);
            Assert.Contains("refresh_token=" + Uri.EscapeDataString(issued), tokens[1].Body);

            // The browser was sent to the authorize page with PKCE and the module's loopback address,
            // and brought the code back there.
            string[] hops = File.ReadAllLines(BrowserLog);
            Assert.Contains(hops, h => h.StartsWith("query: ", StringComparison.Ordinal) && h.Contains("code_challenge_method=S256")
                && h.Contains("redirect_uri=http%3A%2F%2Flocalhost%3A") && h.Contains("state="));
            Assert.Contains(hops, h => h.StartsWith("200 ", StringComparison.Ordinal) && h.Contains("http://localhost:"));

            AssertNoSecretIn(EmulatorFixture.EverythingVisible(result), "the run");
            Assert.NotEmpty(result.Verbose);
            AssertNothingOnDisk();
        }

        [Fact]
        public async Task Browser_sign_in_with_a_certificate_redeems_the_code_with_a_client_assertion()
        {
            string clientId = Guid.NewGuid().ToString();
            string pfx = NewCertificate(clientId);

            var result = await _emulator.RunAsync(
                @"
$cert = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($env:PCL_PFX, [string]::Empty)
$t = New-PartnerCenterRefreshToken -Environment Emulator -ApplicationId $env:PCL_CERT_CLIENT_ID -Certificate $cert -Tenant $env:PCL_TENANT
$t.Account
($t | Connect-PartnerCenter -Certificate $cert).Account
",
                Environment(new Dictionary<string, string> { ["PCL_CERT_CLIENT_ID"] = clientId, ["PCL_PFX"] = pfx }));

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe() + ReadBrowserLog());
            Assert.Equal(new[] { EmulatorState.DefaultUserPrincipalName, EmulatorState.DefaultUserPrincipalName }, result.Output.Select(o => o.Text));
            RecordedRequest code = TokenRequests.First();
            Assert.Contains("grant_type=authorization_code", code.Body);
            Assert.Contains("client_assertion=", code.Body);
            Assert.DoesNotContain("client_secret", code.Body);
            AssertNoSecretIn(EmulatorFixture.EverythingVisible(result), "the run");
        }

        [Fact]
        public async Task Device_code_signs_in_as_a_public_client_and_the_confidential_app_redeems_the_token_once()
        {
            _emulator.State.DeviceCodePollInterval = TimeSpan.FromSeconds(1);
            _emulator.State.AutoApproveDeviceCodesAfter = TimeSpan.FromSeconds(1.5);

            var result = await _emulator.RunAsync(
                Digest + @"
$t = New-PartnerCenterRefreshToken -Environment Emulator -UseDeviceAuthentication -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -Tenant $env:PCL_TENANT
$t.Account
Get-Digest $t.RefreshToken
try {
    New-PartnerCenterRefreshToken -Environment Emulator -DeviceCode -ApplicationId $env:PCL_STRICT_CLIENT_ID -Tenant $env:PCL_TENANT
} catch { $_.FullyQualifiedErrorId; $_.ErrorDetails.RecommendedAction }
",
                Environment(new Dictionary<string, string> { ["PCL_STRICT_CLIENT_ID"] = StrictClientId }),
                timeout: TimeSpan.FromSeconds(90));

            Assert.True(result.TerminatingError == null, result.Describe());
            string[] text = result.Output.Select(o => o.Text).ToArray();
            Assert.Equal(EmulatorState.DefaultUserPrincipalName, text[0]);
            Assert.Equal(2, result.Warning.Count);
            Assert.All(result.Warning, w => Assert.Contains("/devicelogin", w));

            // Polled without a credential; then one refresh token grant with the app's secret, whose
            // rotated token is the one written.
            RecordedRequest[] tokens = TokenRequests.ToArray();
            RecordedRequest[] ours = tokens.Where(r => r.Body.Contains(ClientId, StringComparison.Ordinal)).ToArray();
            Assert.All(ours.Where(r => r.Body.Contains("device_code", StringComparison.Ordinal)), r => Assert.DoesNotContain("client_secret", r.Body));
            RecordedRequest redeemed = Assert.Single(ours, r => r.Body.Contains("grant_type=refresh_token", StringComparison.Ordinal));
            Assert.Contains("client_secret=", redeemed.Body);
            Assert.Equal(_emulator.State.IssuedRefreshTokens[^1], IssuedRefreshTokenWithDigest(text[1]));

            // An app that does not allow public client flows is told which setting to change.
            Assert.Equal("PartnerCenter.InvalidClientCredential" + Command, text[2]);
            Assert.Contains("Allow public client flows", text[3]);
            AssertNoSecretIn(EmulatorFixture.EverythingVisible(result), "the run");
        }

        [Fact]
        public async Task A_runbook_renews_the_stored_token_connects_with_the_new_one_and_a_revoked_or_expired_token_names_the_command_to_sign_in_again()
        {
            string stored = _emulator.State.IssueRefreshToken(ClientId);

            var renewal = await _emulator.RunAsync(
                Digest + @"
$t1 = " + RenewStored + @" -Verbose -Debug
$t2 = $t1 | New-PartnerCenterRefreshToken -Credential $credential
Get-Digest $t1.RefreshToken
Get-Digest $t2.RefreshToken
$t2.ApplicationId + ' ' + $t2.Tenant + ' ' + $t2.Environment + ' ' + $t2.Account
($t2 | Connect-PartnerCenter -Credential $credential).AuthenticationType.ToString()
(Get-PartnerLicenseDeployment).Count
# The stored token is still valid after being renewed, until it expires or is revoked.
(Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken (ConvertTo-Secure $env:PCL_REFRESH_TOKEN) -Tenant $env:PCL_TENANT).Account
$t2
",
                Environment(new Dictionary<string, string> { ["PCL_REFRESH_TOKEN"] = stored }));

            Assert.True(renewal.TerminatingError == null && renewal.Errors.Count == 0, renewal.Describe());
            string[] text = renewal.Output.Select(o => o.Text).ToArray();
            string first = IssuedRefreshTokenWithDigest(text[0]);
            string second = IssuedRefreshTokenWithDigest(text[1]);
            Assert.NotNull(first);
            Assert.NotNull(second);
            Assert.NotEqual(stored, first);
            Assert.NotEqual(first, second);
            Assert.Equal(ClientId + " " + EmulatorState.DefaultTenantId + " Emulator " + EmulatorState.DefaultUserPrincipalName, text[2]);
            Assert.Equal("RefreshToken", text[3]);
            Assert.Equal("2", text[4]);
            Assert.Equal(EmulatorState.DefaultUserPrincipalName, text[5]);
            Assert.Contains(TokenRequests, r => r.Body.Contains("refresh_token=" + Uri.EscapeDataString(second), StringComparison.Ordinal));
            AssertNoSecretIn(EmulatorFixture.EverythingVisible(renewal), "the renewal run");
            Assert.NotEmpty(renewal.Verbose);

            // The stored token revoked, the first renewal's expired: both end the same way, with the
            // exact command to sign in again, in every cmdlet that redeems them.
            _emulator.State.RevokeRefreshToken(stored);
            _emulator.State.ExpireRefreshToken(first);
            var failures = await _emulator.RunAsync(
                @"
foreach ($token in $env:PCL_REFRESH_TOKEN, $env:PCL_EXPIRED_TOKEN) {
    try { New-PartnerCenterRefreshToken -Environment Emulator -RefreshToken (ConvertTo-Secure $token) -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -Tenant $env:PCL_TENANT -Verbose -Debug }
    catch { $_.FullyQualifiedErrorId; $_.ErrorDetails.RecommendedAction }
}
try { Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken (ConvertTo-Secure $env:PCL_REFRESH_TOKEN) -Tenant $env:PCL_TENANT -Verbose -Debug }
catch { $_.FullyQualifiedErrorId; $_.ErrorDetails.RecommendedAction }
try { New-PartnerCenterRefreshToken -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Tenant $env:PCL_TENANT }
catch { $_.FullyQualifiedErrorId; $_.ErrorDetails.RecommendedAction }
$Error | ForEach-Object { $_.ToString(); $_.Exception.ToString(); $_.ErrorDetails.Message; $_.ScriptStackTrace }
",
                Environment(new Dictionary<string, string>
                {
                    ["PCL_REFRESH_TOKEN"] = stored,
                    ["PCL_EXPIRED_TOKEN"] = first,
                    ["BROWSER"] = null,
                    ["DISPLAY"] = null,
                    ["WAYLAND_DISPLAY"] = null,
                }));

            Assert.True(failures.TerminatingError == null, failures.Describe());
            string[] lines = failures.Output.Select(o => o.Text).ToArray();
            string exact = "New-PartnerCenterRefreshToken -ApplicationId '" + ClientId + "' -Credential (Get-Credential -UserName '" + ClientId + "') -Tenant '"
                + EmulatorState.DefaultTenantId + "' -Environment 'Emulator'";
            Assert.Equal("PartnerCenter.RefreshTokenExpired" + Command, lines[0]);
            Assert.Contains(exact, lines[1]);
            Assert.Equal("PartnerCenter.RefreshTokenExpired" + Command, lines[2]);
            Assert.Contains(exact, lines[3]);
            Assert.Equal("PartnerCenter.RefreshTokenExpired,PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand", lines[4]);
            Assert.Contains(exact, lines[5]);
            Assert.Equal("PartnerCenter.InteractiveNotAvailable" + Command, lines[6]);
            Assert.Contains("-UseDeviceAuthentication", lines[7]);
            Assert.True(lines.Length > 8, "$Error was empty: " + failures.Describe());
            AssertNoSecretIn(EmulatorFixture.EverythingVisible(failures), "the failed runs, $Error included");
            AssertNothingOnDisk();
        }

        [Fact]
        public async Task In_real_pwsh_Format_List_ConvertTo_Json_and_a_transcript_show_no_token_text()
        {
            Assert.True(File.Exists(RepositoryPaths.Pwsh), "Build the solution first: " + RepositoryPaths.Pwsh + " is missing.");
            string stored = _emulator.State.IssueRefreshToken(ClientId);
            string transcript = Path.Combine(_folder.Path, "transcript.txt");
            string script = Path.Combine(_folder.Path, "script.ps1");
            File.WriteAllText(script, "Import-Module '" + RepositoryPaths.ModuleManifest.Replace("'", "''") + "'\n" + EmulatorFixture.Prelude + @"
$PSStyle.OutputRendering = 'PlainText'
$DebugPreference = 'Continue'; $VerbosePreference = 'Continue'
Start-Transcript -Path $env:PCL_TRANSCRIPT | Out-Null
$t = " + RenewStored + @"
$t
$t | Format-List *
$t | Format-Table
'json:'
$t | ConvertTo-Json
$t | Connect-PartnerCenter -Credential $credential | Format-List
try { New-PartnerCenterRefreshToken -Environment Emulator -RefreshToken 'not-a-token' -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -Tenant $env:PCL_TENANT }
catch { $_ | Format-List * -Force }
$Error | Format-List * -Force
Stop-Transcript | Out-Null
");

            var (exitCode, output, error) = await RunPwshAsync(script, Environment(new Dictionary<string, string>
            {
                ["PCL_REFRESH_TOKEN"] = stored,
                ["PCL_TRANSCRIPT"] = transcript,
            }));

            Assert.True(exitCode == 0, "pwsh exited with " + exitCode + ":\n" + output + "\n" + error);
            Assert.Matches(@"RefreshToken\s*:\s*System\.Security\.SecureString", output);
            Assert.Matches(@"ApplicationId\s*:\s*" + ClientId, output);
            string json = output.Substring(output.IndexOf("json:", StringComparison.Ordinal));
            Assert.Contains("\"ApplicationId\": \"" + ClientId + "\"", json);
            Assert.Contains("\"Account\": \"" + EmulatorState.DefaultUserPrincipalName + "\"", json);
            Assert.Contains("PartnerCenter.RefreshTokenExpired", output);
            Assert.True(File.Exists(transcript), "No transcript was written.\n" + output + error);
            string transcribed = File.ReadAllText(transcript);
            Assert.Contains("SecureString", transcribed);
            Assert.Contains("VERBOSE:", transcribed);
            AssertNoSecretIn(new[] { output, error, transcribed }, "pwsh's output, error stream or transcript");
        }

        private string ReadBrowserLog() => File.Exists(BrowserLog) ? "\nbrowser:\n" + File.ReadAllText(BrowserLog) : string.Empty;

        private string NewCertificate(string clientId)
        {
            using RSA key = RSA.Create(2048);
            var request = new CertificateRequest("CN=PartnerCenterLicenses refresh token test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
            string pfx = Path.Combine(_folder.Path, "app.pfx");
            File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx));
            _emulator.State.RegisterConfidentialClient(clientId, "unused-" + Guid.NewGuid().ToString("N"));
            _emulator.State.RegisterConfidentialClientCertificate(clientId, X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert)));
            return pfx;
        }

        // The real console host, with every built-in module (Format-List, ConvertTo-Json, transcripts),
        // which the hosted engine of the other tests lacks.
        private async Task<(int ExitCode, string Output, string Error)> RunPwshAsync(string scriptPath, Dictionary<string, string> extra)
        {
            using var pwsh = new SupervisedProcess(SupervisedProcess.Dotnet, new[] { RepositoryPaths.Pwsh, "-NoLogo", "-NoProfile", "-NonInteractive", "-File", scriptPath })
            {
                Name = "pwsh",
                Environment = _emulator.EnvironmentFor(extra),
                OfflinePowerShell = true,
            };
            int exitCode = await pwsh.Start().WaitForExitAsync(TimeSpan.FromSeconds(90));
            return (exitCode, pwsh.Output, pwsh.Error);
        }
    }
}
