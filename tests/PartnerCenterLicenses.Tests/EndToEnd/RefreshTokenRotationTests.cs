using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Entra ID may answer a refresh token grant without a new refresh token (RFC 6749 section 6): the
    /// one redeemed stays valid and stays the one to keep. An answer with one always replaces it.
    /// </summary>
    [Collection(SignInEmulatorCollection.Name)]
    public sealed class RefreshTokenRotationTests
    {
        private const string Digest = @"
function Get-Digest([securestring] $secure) {
    $text = [System.Net.NetworkCredential]::new('', $secure).Password
    [System.Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData([System.Text.Encoding]::UTF8.GetBytes($text)))
}
";

        private const string Renew =
            "New-PartnerCenterRefreshToken -Environment Emulator -RefreshToken (ConvertTo-Secure $env:PCL_REFRESH_TOKEN) "
            + "-ApplicationId $env:PCL_CLIENT_ID -Credential $credential -Tenant $env:PCL_TENANT";

        private readonly EmulatorFixture _emulator;

        public RefreshTokenRotationTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private static string Sha(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

        [Fact]
        public async Task An_answer_without_a_new_refresh_token_keeps_the_one_redeemed_for_the_session_and_the_renewal_and_says_so()
        {
            _emulator.State.OmitRotatedRefreshToken = true;
            _emulator.State.AccessTokenLifetime = TimeSpan.FromMinutes(5);
            var environment = _emulator.WithRefreshToken();
            string stored = environment["PCL_REFRESH_TOKEN"];

            var result = await _emulator.RunAsync(
                Digest + @"
$t = " + Renew + @" -Verbose
Get-Digest $t.RefreshToken
$null = " + EmulatorFixture.ConnectWithRefreshToken + @"
(Get-PartnerLicenseDeployment).Count
(Get-PartnerLicenseDeployment).Count
",
                environment);

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            string[] text = result.Output.Select(o => o.Text).ToArray();
            Assert.Equal(Sha(stored), text[0]);
            Assert.Equal(new[] { "2", "2" }, text.Skip(1));
            Assert.Contains(result.Verbose, v => v.Contains("no new refresh token", StringComparison.OrdinalIgnoreCase)
                && v.Contains("keeps", StringComparison.OrdinalIgnoreCase));

            // Connect redeemed the stored token, and every renewal inside the session (a token that lives
            // five minutes is within MSAL's renewal margin from the start, so each call renews) redeemed
            // that same token again.
            var grants = _emulator.State.Requests
                .Where(r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal) && r.Body.Contains("grant_type=refresh_token", StringComparison.Ordinal))
                .ToArray();
            Assert.True(grants.Length >= 3, "Expected the renewal, the connect and a renewal in the session; saw " + grants.Length);
            Assert.All(grants, g => Assert.Contains("refresh_token=" + Uri.EscapeDataString(stored), g.Body));
            Assert.DoesNotContain(EmulatorFixture.EverythingVisible(result), t => t != null && t.Contains(stored, StringComparison.Ordinal));
        }

        [Fact]
        public async Task An_answer_with_a_new_refresh_token_always_replaces_the_one_redeemed()
        {
            var environment = _emulator.WithRefreshToken();
            string stored = environment["PCL_REFRESH_TOKEN"];

            var result = await _emulator.RunAsync(Digest + "$t = " + Renew + "\nGet-Digest $t.RefreshToken\n", environment);

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            string digest = Assert.Single(result.Output).Text;
            Assert.NotEqual(Sha(stored), digest);
            Assert.Equal(Sha(_emulator.State.IssuedRefreshTokens[^1]), digest);
        }
    }
}
