using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// A server's words reach the console only without terminal control characters: ESC sequences (an
    /// OSC 52 that would set the clipboard, a CSI that clears the screen), BEL, backspace and C1 controls
    /// become '?', in errors, recommended actions, warnings (the device code message) and objects' text
    /// form. Objects' property values stay exactly as sent.
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class ServerTextCleaningTests
    {
        // OSC 52 (set the clipboard) ended by BEL, backspaces, a CSI that clears the screen, a C1 CSI, a lone CR,
        // a right-to-left override closed by a pop, and a right-to-left isolate closed by its pop.
        private const string Hostile = "\u001b]52;c;SGVsbG8=\u0007Evil\b\b\u001b[2J\u009b31m\rtail\u202Edesrever\u202C\u2067ti\u2069";

        private readonly EmulatorFixture _emulator;

        public ServerTextCleaningTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private static void AssertClean(IEnumerable<string> texts)
        {
            foreach (string text in texts.Where(t => t != null))
            {
                Assert.False(
                    text.Any(c => (c < ' ' && c != '\n' && c != '\t' && c != '\r') || IsHidden(c)),
                    "A control character reached the user: " + string.Concat(text.Select(c => c < ' ' || IsHidden(c) ? "\\u" + ((int)c).ToString("x4") : c.ToString())));
            }
        }

        private static bool IsHidden(char c) => (c >= '\u007F' && c <= '\u009F') || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');

        private static IEnumerable<string> Visible(HostedRunResult result) =>
            result.Output.Select(o => o.Text)
                .Concat(result.Streams.Select(s => s.Text))
                .Concat(result.Errors.Concat(new[] { result.TerminatingError }).Where(e => e != null)
                    .SelectMany(e => new[] { e.ToString(), e.Message, e.ErrorDetailsMessage, e.RecommendedAction }));

        [Fact]
        public async Task A_Partner_Center_error_description_and_a_customer_name_reach_the_user_cleaned_while_the_property_keeps_them()
        {
            _emulator.State.AddCustomer(Guid.NewGuid().ToString(), "Contoso" + Hostile, "hostile.onmicrosoft.com");
            _emulator.State.EnqueueResponse(
                "/v1/analytics/licenses/deployment",
                400,
                JsonSerializer.Serialize(new { code = 600012, description = "Bad things" + Hostile, data = Array.Empty<string>(), source = "PartnerFD" }));

            var result = await _emulator.RunAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + @"
try { Get-PartnerLicenseDeployment } catch { $_.FullyQualifiedErrorId; $_.Exception.Message; $_.ErrorDetails.RecommendedAction; $_.ToString() }
$typed = Get-PartnerCustomer | Where-Object Domain -eq 'hostile.onmicrosoft.com'
$typed.ToString()
'kept ' + ($typed.CompanyName -ceq ('Contoso' + $env:PCL_HOSTILE))
",
                _emulator.WithRefreshToken(new Dictionary<string, string> { ["PCL_HOSTILE"] = Hostile }));

            Assert.True(result.TerminatingError == null, result.Describe());
            string[] text = result.Output.Select(o => o.Text).ToArray();
            Assert.StartsWith("PartnerCenter.RequestFailed", text[0]);
            Assert.Contains("Bad things?]52;c;SGVsbG8=?Evil???[2J?31m?tail?desrever??ti?", text[1]);
            Assert.Contains("Contoso?]52;c;SGVsbG8=?Evil", text.Single(t => t != null && t.StartsWith("Contoso", StringComparison.Ordinal)));
            Assert.Equal("kept True", text[^1]);
            AssertClean(Visible(result));
        }

        [Fact]
        public async Task An_Entra_ID_error_description_reaches_the_user_cleaned()
        {
            _emulator.State.EnqueueResponse(
                "/" + EmulatorState.DefaultTenantId + "/oauth2/v2.0/token",
                400,
                JsonSerializer.Serialize(new { error = "invalid_request", error_description = "AADSTS900144: Nope" + Hostile, error_codes = new[] { 900144 } }));

            var result = await _emulator.RunAsync(
                "try { " + EmulatorFixture.ConnectWithRefreshToken + " } catch { $_.FullyQualifiedErrorId; $_.Exception.Message; $_.ToString() }",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null, result.Describe());
            string[] text = result.Output.Select(o => o.Text).ToArray();
            // AADSTS900144 (a missing parameter) is recognised since issue 21: the user's value to fix.
            Assert.StartsWith("PartnerCenter.InvalidArgument", text[0]);
            Assert.Contains("Nope?]52;c;SGVsbG8=?Evil", text[1]);
            AssertClean(Visible(result));
        }

        [Fact]
        public async Task The_device_code_message_is_a_warning_without_control_characters()
        {
            _emulator.State.EnqueueResponse(
                "/" + EmulatorState.DefaultTenantId + "/oauth2/v2.0/devicecode",
                200,
                JsonSerializer.Serialize(new
                {
                    device_code = "not-a-code",
                    user_code = "ABCDEFGHJ",
                    verification_uri = _emulator.Url + "devicelogin",
                    expires_in = 900,
                    interval = 1,
                    message = "Sign in" + Hostile,
                }));

            var result = await _emulator.RunAsync(
                "try { Connect-PartnerCenter -Environment Emulator -UseDeviceAuthentication -ApplicationId $env:PCL_PUBLIC_CLIENT_ID -Tenant $env:PCL_TENANT } "
                + "catch { $_.FullyQualifiedErrorId }",
                new Dictionary<string, string> { ["PCL_PUBLIC_CLIENT_ID"] = EmulatorFixture.PublicClientId },
                timeout: TimeSpan.FromSeconds(60));

            Assert.True(result.TerminatingError == null, result.Describe());
            string message = Assert.Single(result.Warning);
            Assert.StartsWith("Sign in?]52;c;SGVsbG8=?Evil", message);
            AssertClean(Visible(result));
        }
    }
}
