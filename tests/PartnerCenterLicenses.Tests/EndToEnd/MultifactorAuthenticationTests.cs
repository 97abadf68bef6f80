using System;
using System.Linq;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// From April 1, 2026 Partner Center refuses App+User calls whose token shows no MFA (401, error
    /// 900421). The session says whether its token shows MFA, Connect and New-PartnerCenterRefreshToken
    /// warn when it does not, and the refusal is PartnerCenter.MfaRequired with the exact command to get
    /// a refresh token from a sign-in with MFA.
    /// </summary>
    [Collection(SignInEmulatorCollection.Name)]
    public sealed class MultifactorAuthenticationTests
    {
        private const string Command = ",PartnerCenterLicenses.Commands.";

        private readonly EmulatorFixture _emulator;

        public MultifactorAuthenticationTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        [Fact]
        public async Task A_refresh_token_from_a_sign_in_without_mfa_warns_on_connect_and_renewal_and_the_enforced_refusal_names_the_command()
        {
            _emulator.State.EnforceMultifactorAuthentication = true;
            string withoutMfa = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId, multifactorAuthenticated: false);
            var environment = _emulator.WithRefreshToken(new System.Collections.Generic.Dictionary<string, string> { ["PCL_REFRESH_TOKEN"] = withoutMfa });

            var result = await _emulator.RunAsync(
                @"
$t = New-PartnerCenterRefreshToken -Environment Emulator -RefreshToken (ConvertTo-Secure $env:PCL_REFRESH_TOKEN) -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -Tenant $env:PCL_TENANT
'warnings after renewal: ' + $t.Account
$context = $t | Connect-PartnerCenter -Credential $credential
'mfa ' + $context.MultifactorAuthenticated
'context mfa ' + (Get-PartnerCenterContext).MultifactorAuthenticated
try { Get-PartnerLicenseDeployment } catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category.ToString(); $_.ErrorDetails.RecommendedAction; $_.Exception.Message }
",
                environment);

            Assert.True(result.TerminatingError == null, result.Describe());
            string[] text = result.Output.Select(o => o.Text).ToArray();
            Assert.Equal("mfa False", text[1]);
            Assert.Equal("context mfa False", text[2]);
            Assert.Equal("PartnerCenter.MfaRequired" + Command + "GetPartnerLicenseDeploymentCommand", text[3]);
            Assert.Equal("AuthenticationError", text[4]);
            Assert.Equal(
                "An admin agent signs in with multifactor authentication: New-PartnerCenterRefreshToken -ApplicationId '" + EmulatorFixture.ClientId
                + "' -Credential (Get-Credential -UserName '" + EmulatorFixture.ClientId + "') -Tenant '" + EmulatorState.DefaultTenantId + "'"
                + " -Environment 'Emulator' (in the browser, or with -UseDeviceAuthentication), completing the MFA prompt; the refresh token it writes replaces "
                + "the stored one, and Connect-PartnerCenter takes it (pipe the object to it).",
                text[5]);
            Assert.Contains("900421", text[6]);

            // One warning from the renewal, one from Connect.
            Assert.Equal(2, result.Warning.Count);
            Assert.Contains("did not use multifactor authentication", result.Warning[0]);
            Assert.Contains("New-PartnerCenterRefreshToken", result.Warning[1]);
            Assert.All(result.Warning, w => Assert.Contains("PartnerCenter.MfaRequired", w));
        }

        [Fact]
        public async Task A_device_code_sign_in_inherits_the_users_mfa_and_a_session_with_mfa_passes_enforcement_without_a_warning()
        {
            // An app of its own that allows public client flows, and a user of its own without MFA.
            string clientId = Guid.NewGuid().ToString();
            _emulator.State.RegisterConfidentialClient(clientId, _emulator.ClientSecret);
            _emulator.State.AllowPublicClientFlows(clientId);
            string plainUser = "nomfa-" + Guid.NewGuid().ToString("N").Substring(0, 8) + "@" + EmulatorState.DefaultTenantDomain;
            _emulator.State.IssueRefreshToken(clientId, userPrincipalName: plainUser);
            _emulator.State.SetUserSignsInWithMfa(plainUser, false);
            _emulator.State.EnforceMultifactorAuthentication = true;
            _emulator.State.DeviceCodePollInterval = TimeSpan.FromSeconds(1);
            _emulator.State.AutoApproveDeviceCodesOnPoll = 1;
            _emulator.State.InteractiveUserPrincipalName = plainUser;

            var result = await _emulator.RunAsync(
                @"
$t = New-PartnerCenterRefreshToken -Environment Emulator -UseDeviceAuthentication -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -Tenant $env:PCL_TENANT
'device code: ' + $t.Account
$credential = [pscredential]::new($env:PCL_MAIN_CLIENT_ID, (ConvertTo-Secure $env:PCL_CLIENT_SECRET))
$null = " + EmulatorFixture.ConnectWithRefreshToken.Replace("$env:PCL_CLIENT_ID", "$env:PCL_MAIN_CLIENT_ID") + @"
'with mfa ' + (Get-PartnerCenterContext).MultifactorAuthenticated
(Get-PartnerLicenseDeployment).Count
",
                _emulator.WithRefreshToken(new System.Collections.Generic.Dictionary<string, string>
                {
                    ["PCL_CLIENT_ID"] = clientId,
                    ["PCL_MAIN_CLIENT_ID"] = EmulatorFixture.ClientId,
                }),
                timeout: TimeSpan.FromSeconds(90));

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            string[] text = result.Output.Select(o => o.Text).ToArray();
            Assert.Equal("device code: " + plainUser, text[0]);
            Assert.Equal("with mfa True", text[1]);
            Assert.Equal("2", text[2]);

            // The device code message (a warning, the way it reaches a person) and one MFA warning for the
            // device code sign-in's token; none for the session with MFA.
            Assert.Single(result.Warning, w => w.Contains("/devicelogin", StringComparison.Ordinal));
            Assert.Single(result.Warning, w => w.Contains("did not use multifactor authentication", StringComparison.Ordinal));
        }

        [Fact]
        public async Task Under_verbose_and_debug_the_kept_refresh_token_the_mfa_refusal_the_browser_failure_and_the_insights_routes_show_no_secret()
        {
            // The paths added after the first secrets test: a renewal whose answer has no new refresh token
            // (the redeemed one is kept), the MFA warnings and refusal, a browser that cannot start, and the
            // insights routes (refused for MFA, then for a missing role). Everything a user can see of the
            // run is searched for every secret the run had.
            _emulator.State.OmitRotatedRefreshToken = true;
            _emulator.State.EnforceMultifactorAuthentication = true;
            string withoutMfa = _emulator.State.IssueRefreshToken(EmulatorFixture.ClientId, multifactorAuthenticated: false);
            var environment = _emulator.WithRefreshToken(new System.Collections.Generic.Dictionary<string, string>
            {
                ["PCL_REFRESH_TOKEN"] = withoutMfa,
                ["BROWSER"] = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "no-such-browser-" + Guid.NewGuid().ToString("N")),
            });

            var result = await _emulator.RunAsync(
                @"
$VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $ErrorActionPreference = 'Continue'
# -Debug alone makes a warning ask for confirmation (PowerShell's rule for -Debug), which a host without a console cannot.
$t = New-PartnerCenterRefreshToken -Environment Emulator -RefreshToken (ConvertTo-Secure $env:PCL_REFRESH_TOKEN) -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -Tenant $env:PCL_TENANT -Verbose -Debug -WarningAction Continue
$t; $t.ToString(); $t.PSObject.Properties | ForEach-Object { $_.Name + '=' + $_.Value }
$c = $t | Connect-PartnerCenter -Credential $credential -Verbose -Debug -WarningAction Continue
$c; $c.ToString(); $c.PSObject.Properties | ForEach-Object { $_.Name + '=' + $_.Value }
Get-PartnerLicenseDeployment -Verbose -Debug -WarningAction Continue
Get-PartnerInsightsDataset -Verbose -Debug -WarningAction Continue
New-PartnerCenterRefreshToken -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -Tenant $env:PCL_TENANT -Verbose -Debug -WarningAction Continue
$Error | ForEach-Object { $_.ToString(); $_.Exception.ToString(); $_.ErrorDetails.RecommendedAction; $_.TargetObject }
",
                environment);

            Assert.NotEmpty(result.Verbose);
            Assert.True(result.Debug.Count > 0, result.Describe());
            Assert.NotEmpty(result.Warning);
            string errors = string.Join("\n", result.Errors.Select(e => e.FullyQualifiedErrorId));
            Assert.Contains("PartnerCenter.MfaRequired" + Command + "GetPartnerLicenseDeploymentCommand", errors);
            Assert.Contains("PartnerCenter.MfaRequired" + Command + "GetPartnerInsightsDatasetCommand", errors);
            Assert.Contains("PartnerCenter.InteractiveNotAvailable" + Command + "NewPartnerCenterRefreshTokenCommand", errors);
            Assert.Contains(result.Verbose, v => v.Contains("no new refresh token", StringComparison.OrdinalIgnoreCase));

            var secrets = new System.Collections.Generic.List<string> { _emulator.ClientSecret, withoutMfa };
            secrets.AddRange(_emulator.State.IssuedAccessTokens);
            secrets.AddRange(_emulator.State.IssuedRefreshTokens);
            Assert.True(_emulator.State.IssuedAccessTokens.Count > 0);
            var visible = EmulatorFixture.EverythingVisible(result).Where(t => !string.IsNullOrEmpty(t)).ToList();
            foreach (string secret in secrets)
            {
                Assert.DoesNotContain(visible, t => t.Contains(secret, StringComparison.Ordinal));
            }
        }
    }
}
