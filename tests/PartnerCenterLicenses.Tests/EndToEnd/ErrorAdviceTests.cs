using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Errors a new user meets at sign-in say what happened and what to do, in a few lines: empty secrets
    /// are refused before anything is sent, Entra ID's refusals are recognised by their AADSTS code, a
    /// missing certificate gets this platform's way to import it, a cause is said once, and the browser's
    /// wait is announced and bounded by -SignInTimeoutSec.
    /// </summary>
    [Collection(SignInEmulatorCollection.Name)]
    public sealed class ErrorAdviceTests
    {
        private const string Connect = ",PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand";
        private const string NewToken = ",PartnerCenterLicenses.Commands.NewPartnerCenterRefreshTokenCommand";

        // "At most a few lines at 80 columns".
        private const int FewLines = 5 * 80;

        // Each caught error as one line of fields the assertions pick apart.
        private const string Report =
            "catch { $_.FullyQualifiedErrorId + '|' + $_.CategoryInfo.Category + '|' + $_.ErrorDetails.RecommendedAction + '|' + $_.Exception.Message }";

        private readonly EmulatorFixture _emulator;

        public ErrorAdviceTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private sealed record Caught(string Id, string Category, string Action, string Message);

        private static Caught[] CaughtErrors(HostedRunResult result)
        {
            Assert.True(result.TerminatingError == null, result.Describe());
            return result.Output.Select(o => o.Text.Split('|', 4)).Select(f => new Caught(f[0], f[1], f[2], f[3])).ToArray();
        }

        [Fact]
        public async Task Empty_secrets_and_tokens_are_refused_before_anything_is_sent()
        {
            var result = await _emulator.RunAsync(
                "$empty = [pscredential]::new($env:PCL_CLIENT_ID, [securestring]::new())\n"
                + "try { Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $empty -RefreshToken 'rt' -Tenant $env:PCL_TENANT } " + Report + "\n"
                + "try { New-PartnerCenterRefreshToken -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $empty -RefreshToken 'rt' } " + Report + "\n"
                + "try { Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken '' -Tenant $env:PCL_TENANT } " + Report + "\n"
                + "try { New-PartnerCenterRefreshToken -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken '' } " + Report + "\n"
                + "try { Connect-PartnerCenter -Environment Emulator -AccessToken '' } " + Report);

            Caught[] errors = CaughtErrors(result);
            Assert.Equal(5, errors.Length);
            Assert.Equal(
                new[] { Connect, NewToken, Connect, NewToken, Connect }.Select(c => "PartnerCenter.InvalidArgument" + c),
                errors.Select(e => e.Id));
            Assert.All(errors, e => Assert.Equal("InvalidArgument", e.Category));
            Assert.All(errors, e => Assert.Contains("Nothing was sent", e.Message));
            Assert.All(errors, e => Assert.DoesNotContain("ArgumentNullException", e.Message));
            Assert.Contains("empty password", errors[0].Message);
            Assert.Contains("-Credential (Get-Credential -UserName '" + EmulatorFixture.ClientId + "')", errors[0].Action);
            Assert.Equal(errors[0].Action, errors[1].Action);
            Assert.StartsWith("-RefreshToken is empty", errors[2].Message);
            Assert.Contains("New-PartnerCenterRefreshToken", errors[2].Action);
            Assert.Equal(errors[2].Action, errors[3].Action);
            Assert.StartsWith("-AccessToken is empty", errors[4].Message);
            Assert.Contains("-RefreshToken", errors[4].Action);

            // Nothing reached Entra ID or Partner Center.
            Assert.DoesNotContain(_emulator.State.Requests, r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal) && r.ReceivedAt >= _emulator.ResetAt
                && (r.Body ?? string.Empty).Contains("client_id=" + EmulatorFixture.ClientId));
            Assert.DoesNotContain(_emulator.State.Requests, r => r.Headers.ContainsKey("MS-CorrelationId"));
        }

        public static TheoryData<int, string, string, string> Refusals => new TheoryData<int, string, string, string>
        {
            { 900144, "PartnerCenter.InvalidArgument", "InvalidArgument", "-RefreshToken" },
            { 70000, "PartnerCenter.RefreshTokenExpired", "AuthenticationError", "New-PartnerCenterRefreshToken -ApplicationId '" + EmulatorFixture.ClientId + "'" },
            { 70008, "PartnerCenter.RefreshTokenExpired", "AuthenticationError", "New-PartnerCenterRefreshToken -ApplicationId '" + EmulatorFixture.ClientId + "'" },
            { 700082, "PartnerCenter.RefreshTokenExpired", "AuthenticationError", "New-PartnerCenterRefreshToken -ApplicationId '" + EmulatorFixture.ClientId + "'" },
            { 50173, "PartnerCenter.RefreshTokenExpired", "AuthenticationError", "New-PartnerCenterRefreshToken -ApplicationId '" + EmulatorFixture.ClientId + "'" },
            { 50076, "PartnerCenter.MfaRequired", "AuthenticationError", "multifactor authentication" },
            { 50079, "PartnerCenter.MfaRequired", "AuthenticationError", "multifactor authentication" },
            { 90002, "PartnerCenter.TenantNotFound", "InvalidArgument", "Check -Tenant" },
            { 900023, "PartnerCenter.TenantNotFound", "InvalidArgument", "Check -Tenant" },
            { 7000215, "PartnerCenter.InvalidClientCredential", "AuthenticationError", "secret's value (not its id)" },
            { 7000222, "PartnerCenter.InvalidClientCredential", "AuthenticationError", "Create a new client secret" },
            { 700016, "PartnerCenter.ApplicationNotFound", "InvalidArgument", "Check -ApplicationId" },
            { 65001, "PartnerCenter.ConsentRequired", "PermissionDenied", "Grant admin consent" },
        };

        [Fact]
        public async Task Every_recognised_Entra_ID_refusal_is_a_module_error_with_advice_in_a_few_lines()
        {
            // One run for all of them: each Connect-PartnerCenter sends one token request, which the
            // emulator refuses as Entra ID does, in order.
            var refusals = Refusals.Select(row => ((int)row[0], (string)row[1], (string)row[2], (string)row[3])).ToArray();
            foreach (var refusal in refusals)
            {
                _emulator.State.RefuseNextTokenRequest(refusal.Item1);
            }

            string script = string.Concat(refusals.Select(_ => "try { " + EmulatorFixture.ConnectWithRefreshToken + " } " + Report + "\n"));
            var result = await _emulator.RunAsync(script, _emulator.WithRefreshToken());

            Caught[] errors = CaughtErrors(result);
            Assert.Equal(refusals.Length, errors.Length);
            for (int i = 0; i < refusals.Length; i++)
            {
                var (code, id, category, advice) = refusals[i];
                Caught error = errors[i];
                string context = code + ": " + error;
                Assert.True(id + Connect == error.Id, context);
                Assert.True(category == error.Category, context);
                Assert.True(error.Action.Contains(advice, StringComparison.Ordinal), context);
                Assert.True(error.Message.Contains("AADSTS" + code + ":", StringComparison.Ordinal), context);
                Assert.True(!error.Message.Contains("Trace ID", StringComparison.Ordinal) && !error.Message.Contains('\n'), context);
                // The advice may carry a command to paste (the application's New-PartnerCenterRefreshToken
                // line with its ids), so it is allowed a little more room than the message.
                Assert.True(error.Message.Length <= FewLines && error.Action.Length <= 2 * FewLines, context);
            }
        }

        [Fact]
        public async Task The_emulator_refuses_a_token_request_with_Entra_IDs_v2_error_body()
        {
            _emulator.State.RefuseNextTokenRequest(65001);
            using HttpClient client = _emulator.NewTrustingHttpClient();
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["client_id"] = EmulatorFixture.ClientId });
            using HttpResponseMessage response = await client.PostAsync("/" + EmulatorState.DefaultTenantId + "/oauth2/v2.0/token", form);

            Assert.Equal(400, (int)response.StatusCode);
            using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            JsonElement root = body.RootElement;
            Assert.Equal("invalid_grant", root.GetProperty("error").GetString());
            Assert.StartsWith("AADSTS65001: ", root.GetProperty("error_description").GetString());
            Assert.Equal(65001, root.GetProperty("error_codes")[0].GetInt32());
            Assert.True(Guid.TryParse(root.GetProperty("trace_id").GetString(), out _));
            Assert.True(Guid.TryParse(root.GetProperty("correlation_id").GetString(), out _));
            Assert.False(string.IsNullOrEmpty(root.GetProperty("timestamp").GetString()));
        }

        [Fact]
        public async Task A_certificate_not_in_the_store_gets_this_platforms_way_to_import_it()
        {
            var result = await _emulator.RunAsync(
                "try { Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -CertificateThumbprint ('AB' * 20) -RefreshToken 'rt' -Tenant $env:PCL_TENANT } " + Report);

            Caught error = Assert.Single(CaughtErrors(result));
            Assert.Equal("PartnerCenter.CertificateNotFound" + Connect, error.Id);
            Assert.Contains("-Certificate ", error.Action);
            if (OperatingSystem.IsWindows())
            {
                Assert.Contains("Import-PfxCertificate", error.Action);
            }
            else
            {
                Assert.Contains("[System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')", error.Action);
                Assert.DoesNotContain("Cert:\\", error.Action + error.Message);
                Assert.DoesNotContain("Import-PfxCertificate", error.Action);
            }
        }

        [Fact]
        public async Task A_refused_port_and_an_unknown_host_are_said_once()
        {
            int port = ClosedPort();
            var result = await _emulator.RunAsync(
                "$null = Add-PartnerCenterEnvironment -Name Refused -ActiveDirectoryAuthority https://127.0.0.1:" + port + " -PartnerCenterEndpoint $env:PCL_EMULATOR_URL\n"
                + "$null = Add-PartnerCenterEnvironment -Name Nowhere -ActiveDirectoryAuthority https://pcl-nowhere.invalid -PartnerCenterEndpoint $env:PCL_EMULATOR_URL\n"
                + "try { Connect-PartnerCenter -Environment Refused -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken 'rt' -Tenant $env:PCL_TENANT } " + Report + "\n"
                + "try { Connect-PartnerCenter -Environment Nowhere -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken 'rt' -Tenant $env:PCL_TENANT } " + Report,
                timeout: TimeSpan.FromSeconds(90));

            Caught[] errors = CaughtErrors(result);
            Assert.Equal(2, errors.Length);
            Assert.All(errors, e => Assert.Equal("PartnerCenter.AuthorityUnreachable" + Connect, e.Id));
            Assert.Contains("127.0.0.1:" + port, errors[0].Message);
            Assert.Contains("pcl-nowhere.invalid", errors[1].Message);
            foreach (Caught error in errors)
            {
                // Whatever words the platform uses, no clause of the cause is said twice.
                string cause = error.Message.Substring(error.Message.IndexOf(": ", StringComparison.Ordinal) + 2);
                string[] clauses = cause.Split(new[] { ": ", " (" }, StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim().TrimEnd(')', '.')).ToArray();
                Assert.True(clauses.Length == clauses.Distinct(StringComparer.OrdinalIgnoreCase).Count(), error.Message);
            }
        }

        [Fact]
        public async Task The_browser_sign_in_says_what_it_waits_for_and_stops_at_the_sign_in_timeout()
        {
            // A browser command that starts and ends without loading the page: nobody signs in.
            var result = await _emulator.RunAsync(
                "try { Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_PUBLIC_CLIENT_ID -Tenant $env:PCL_TENANT -SignInTimeoutSec 1 } " + Report + "\n"
                + "try { New-PartnerCenterRefreshToken -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -Tenant $env:PCL_TENANT -SignInTimeoutSec 1 } " + Report,
                new Dictionary<string, string> { ["PCL_PUBLIC_CLIENT_ID"] = EmulatorFixture.PublicClientId, ["BROWSER"] = "true" });

            Caught[] errors = CaughtErrors(result);
            Assert.Equal(new[] { "PartnerCenter.SignInTimedOut" + Connect, "PartnerCenter.SignInTimedOut" + NewToken }, errors.Select(e => e.Id));
            Assert.All(errors, e => Assert.Equal("OperationTimeout", e.Category));
            Assert.All(errors, e => Assert.Contains("within 1 second", e.Message));
            Assert.All(errors, e => Assert.Contains("-SignInTimeoutSec", e.Action));

            // Said once per sign-in, with what, where and how long.
            Assert.Equal(2, result.Warning.Count);
            Assert.All(result.Warning, w =>
            {
                Assert.StartsWith("A browser was opened to sign in. Waiting up to 1 second for the sign-in to come back to http://localhost:", w);
                Assert.Contains("-SignInTimeoutSec", w);
            });
        }

        private static int ClosedPort()
        {
            var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }
    }
}
