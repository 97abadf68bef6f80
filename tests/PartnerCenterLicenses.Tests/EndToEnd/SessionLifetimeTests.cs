using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// How a session lives: silent renewal, revoked refresh tokens, many runspaces at once, and the
    /// opt-in token cache that outlives the process.
    /// </summary>
    [Collection(SignInEmulatorCollection.Name)]
    public sealed class SessionLifetimeTests : IDisposable
    {
        private const string DeploymentPath = "/v1/analytics/licenses/deployment";
        private readonly EmulatorFixture _emulator;
        private readonly ScratchFolder _folder = new ScratchFolder("pcl-session");

        public SessionLifetimeTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        public void Dispose() => _folder.Dispose();

        private string Scratch => _folder.Path;


        private int TokenRequests => _emulator.State.Requests.Count(r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));

        [Fact]
        public async Task Tokens_are_reused_until_shortly_before_expiry_and_renewed_silently()
        {
            // A token is renewed in its last five minutes, so 303 s tokens serve for about 3 s. The script
            // calls until it has seen the session on its third token, and notes for every call the
            // token's expiry before and after it and when it started and ended: each call is judged by
            // the token's own expiry, not by a window of wall-clock time a slow machine could miss.
            _emulator.State.AccessTokenLifetime = TimeSpan.FromSeconds(303);

            var result = await _emulator.RunAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n"
                + "$seen = [Collections.Generic.HashSet[DateTimeOffset]]::new(); $null = $seen.Add((Get-PartnerCenterContext).TokenExpiresOn)\n"
                + "$deadline = [DateTimeOffset]::UtcNow.AddSeconds(60)\n"
                + "while ($seen.Count -lt 3 -and [DateTimeOffset]::UtcNow -lt $deadline) {\n"
                + "  $before = (Get-PartnerCenterContext).TokenExpiresOn; $started = [DateTimeOffset]::UtcNow\n"
                + "  $null = Get-PartnerLicenseDeployment\n"
                + "  $ended = [DateTimeOffset]::UtcNow; $after = (Get-PartnerCenterContext).TokenExpiresOn; $null = $seen.Add($after)\n"
                + "  '{0:o}|{1:o}|{2:o}|{3:o}' -f $before, $started, $ended, $after\n"
                + "  [Threading.Thread]::Sleep(50)\n"
                + "}",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            var calls = result.Output.Select(o => o.Text.Split('|').Select(t => DateTimeOffset.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToArray())
                .Select(f => (Before: f[0], Started: f[1], Ended: f[2], After: f[3])).ToList();
            var tokensUsed = calls.Select(c => c.After).Distinct().ToList();
            Assert.True(calls.Select(c => c.Before).Concat(tokensUsed).Distinct().Count() == 3, "The session did not reach its third token: " + result.Describe());

            // Renewed silently, one token request per token, and each call sent the token it was given.
            Assert.Equal(calls.Count, _emulator.State.Requests.Count(r => r.Path == DeploymentPath));
            Assert.Equal(3, _emulator.State.TokenRequestCount);
            var bearers = _emulator.State.Requests.Where(r => r.Path == DeploymentPath).Select(r => r.Headers["Authorization"]).Distinct().Count();
            Assert.Equal(tokensUsed.Count, bearers);

            // Reused while it had more than five minutes left, for the whole of a call; renewed by a call
            // that began with less. A call during which the token crossed the line may do either.
            TimeSpan margin = TimeSpan.FromMinutes(5);
            var reused = calls.Where(c => c.Before - margin > c.Ended).ToList();
            Assert.All(reused, c => Assert.Equal(c.Before, c.After));
            Assert.All(calls.Where(c => c.Before - margin <= c.Started), c => Assert.True(c.After > c.Before, $"A call at {c.Started:o} kept a token that expires at {c.Before:o}."));

            // The first two tokens each served about three seconds of calls of tens of milliseconds.
            Assert.True(reused.Count >= 2, reused.Count + " calls reused a token: " + result.Describe());
        }

        [Fact]
        public async Task A_refresh_token_revoked_during_the_session_gives_refresh_token_expired_on_the_next_renewal()
        {
            _emulator.State.AccessTokenLifetime = TimeSpan.FromSeconds(301);
            string signal = Path.Combine(Scratch, "signal");
            var environment = _emulator.WithRefreshToken(new Dictionary<string, string> { ["PCL_SIGNAL"] = signal });

            // The script connects, reads once, then waits while the test revokes every refresh token
            // the user has (MSAL holds the rotated one), and reads again after the token expired.
            Task<HostedRunResult> run = _emulator.RunAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n(Get-PartnerLicenseDeployment).Count\n"
                + "[IO.File]::WriteAllText($env:PCL_SIGNAL, 'revoke'); while ([IO.File]::Exists($env:PCL_SIGNAL)) { [Threading.Thread]::Sleep(50) }\n"
                + "[Threading.Thread]::Sleep(1500)\nGet-PartnerLicenseDeployment",
                environment);
            var deadline = DateTime.UtcNow.AddSeconds(50);
            while (!File.Exists(signal) && !run.IsCompleted && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            foreach (string refreshToken in _emulator.State.IssuedRefreshTokens)
            {
                _emulator.State.RevokeRefreshToken(refreshToken);
            }

            File.Delete(signal);
            HostedRunResult result = await run;

            Assert.Equal("PartnerCenter.RefreshTokenExpired,PartnerCenterLicenses.Commands.GetPartnerLicenseDeploymentCommand", result.TerminatingError?.FullyQualifiedErrorId);
            Assert.Equal("AuthenticationError", result.TerminatingError.Category);
            Assert.Contains("Connect-PartnerCenter", result.TerminatingError.RecommendedAction);
            Assert.Equal("2", Assert.Single(result.Output).Text);
        }

        [Fact]
        public async Task One_session_serves_eight_runspaces_at_once_with_one_token_request()
        {
            var result = await _emulator.RunAsync(
                "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n"
                + "$state = [initialsessionstate]::CreateDefault2(); $state.ImportPSModule('" + RepositoryPaths.ModuleManifest + "')\n"
                + "$pool = [runspacefactory]::CreateRunspacePool(8, 8, $state, $Host); $pool.Open()\n"
                + "$jobs = foreach ($n in 1..8) {\n"
                + "  $ps = [powershell]::Create(); $ps.RunspacePool = $pool\n"
                + "  $null = $ps.AddScript({ $ErrorActionPreference = 'Stop'; $items = 0; foreach ($i in 1..25) { $items += @(Get-PartnerLicenseDeployment).Count }; $items })\n"
                + "  [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }\n"
                + "}\n"
                + "foreach ($job in $jobs) { $job.PowerShell.EndInvoke($job.Handle); $job.PowerShell.Streams.Error.Count; $job.PowerShell.Dispose() }\n"
                + "$pool.Close()",
                _emulator.WithRefreshToken(),
                timeout: TimeSpan.FromSeconds(120));

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            var texts = result.Output.Select(o => o.Text).ToList();
            Assert.Equal(16, texts.Count);
            for (int job = 0; job < 8; job++)
            {
                Assert.Equal("50", texts[2 * job]);
                Assert.Equal("0", texts[2 * job + 1]);
            }

            Assert.Equal(200, _emulator.State.Requests.Count(r => r.Path == DeploymentPath && r.StatusCode == 200));
            Assert.Equal(1, _emulator.State.TokenRequestCount);
        }

        [Fact]
        public async Task The_current_user_scope_refuses_to_write_tokens_in_clear_without_a_secure_store()
        {
            _emulator.State.DeviceCodePollInterval = TimeSpan.FromSeconds(1);
            _emulator.State.AutoApproveDeviceCodesAfter = TimeSpan.FromSeconds(1);
            string cache = Path.Combine(Scratch, "cache");

            // An application of its own: a device code flow an earlier test left running in its process
            // may still reach the shared emulator, and must not count as this one's.
            string clientId = Guid.NewGuid().ToString();
            _emulator.State.RegisterPublicClient(clientId);
            Dictionary<string, string> environment = CacheEnvironment(cache);
            environment["PCL_OWN_CLIENT_ID"] = clientId;
            var result = await _emulator.RunAsync(
                "Connect-PartnerCenter -Environment Emulator -UseDeviceAuthentication -ApplicationId $env:PCL_OWN_CLIENT_ID -Tenant $env:PCL_TENANT -ContextScope CurrentUser",
                environment);

            if (result.TerminatingError == null)
            {
                // A machine with a working Secret Service: the cache is encrypted, which is the point.
                Assert.Equal("DeviceCode", result.Output[0].Property("AuthenticationType").Value);
                return;
            }

            Assert.Equal("PartnerCenter.SecureTokenCacheUnavailable,PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand", result.TerminatingError.FullyQualifiedErrorId);
            Assert.Equal("InvalidOperation", result.TerminatingError.Category);
            Assert.Contains("-AllowUnencryptedTokenCache", result.TerminatingError.RecommendedAction);
            Assert.Contains("-ContextScope Process", result.TerminatingError.RecommendedAction);
            Assert.True(result.TerminatingError.Message.Length <= 4 * 80, result.TerminatingError.Message);
            Assert.False(File.Exists(Path.Combine(cache, "PartnerCenterLicenses.msalcache")) && new FileInfo(Path.Combine(cache, "PartnerCenterLicenses.msalcache")).Length > 0);
            Assert.DoesNotContain(_emulator.State.PendingDeviceCodes, pending => pending.ClientId == clientId);
        }

        // The token cache tests give the child a HOME of their own (the scratch folder, checked for what
        // was written there), so each of their runs has a process of its own: .NET's certificate stores
        // and native code take HOME once, when a process starts, and the harness sees the variable.
        private Dictionary<string, string> CacheEnvironment(string cache)
        {
            return new Dictionary<string, string>
            {
                ["PCL_PUBLIC_CLIENT_ID"] = EmulatorFixture.PublicClientId,
                ["PARTNERCENTERLICENSES_TOKEN_CACHE_DIRECTORY"] = cache,
                ["HOME"] = Scratch,
                ["BROWSER"] = null,
                ["DISPLAY"] = null,
            };
        }

        [Fact]
        public async Task With_the_current_user_scope_a_new_process_reconnects_silently_until_disconnect()
        {
            _emulator.State.DeviceCodePollInterval = TimeSpan.FromSeconds(1);
            _emulator.State.AutoApproveDeviceCodesAfter = TimeSpan.FromSeconds(1);
            string cache = Path.Combine(Scratch, "cache");
            const string connect =
                "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_PUBLIC_CLIENT_ID -Tenant $env:PCL_TENANT -ContextScope CurrentUser -AllowUnencryptedTokenCache";

            // Each run is a process of its own: what is under test is the cache that outlives one.
            var first = await _emulator.RunAsync(connect + " -UseDeviceAuthentication", CacheEnvironment(cache), freshProcess: true);
            Assert.True(first.TerminatingError == null, first.Describe());
            Assert.Equal("DeviceCode", first.Output[0].Property("AuthenticationType").Value);
            string file = Path.Combine(cache, "PartnerCenterLicenses.msalcache");
            Assert.True(new FileInfo(file).Length > 0);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            _emulator.State.ClearRecords();
            var second = await _emulator.RunAsync(connect + "\n(Get-PartnerLicenseDeployment).Count\nDisconnect-PartnerCenter", CacheEnvironment(cache), freshProcess: true);
            Assert.True(second.TerminatingError == null && second.Errors.Count == 0, second.Describe());
            Assert.Equal("TokenCache", second.Output[0].Property("AuthenticationType").Value);
            Assert.Equal("2", second.Output[1].Text);
            Assert.DoesNotContain(_emulator.State.Requests, r => r.Path.EndsWith("/devicecode", StringComparison.Ordinal));

            var third = await _emulator.RunAsync(connect, CacheEnvironment(cache), freshProcess: true);
            Assert.Equal("PartnerCenter.InteractiveNotAvailable,PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand", third.TerminatingError?.FullyQualifiedErrorId);
        }

        [Fact]
        public async Task Connecting_again_in_the_same_process_keeps_the_cached_account_usable()
        {
            // The replaced session must not sign out the account the new one took from the cache.
            _emulator.State.DeviceCodePollInterval = TimeSpan.FromSeconds(1);
            _emulator.State.AutoApproveDeviceCodesAfter = TimeSpan.FromSeconds(1);
            _emulator.State.AccessTokenLifetime = TimeSpan.FromSeconds(301);
            const string connect =
                "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_PUBLIC_CLIENT_ID -Tenant $env:PCL_TENANT -ContextScope CurrentUser -AllowUnencryptedTokenCache";

            var result = await _emulator.RunAsync(
                "$null = " + connect + " -UseDeviceAuthentication\n(" + connect + ").AuthenticationType.ToString()\n"
                + "[Threading.Thread]::Sleep(1500)\n(Get-PartnerLicenseDeployment).Count",
                CacheEnvironment(Path.Combine(Scratch, "cache")));

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(new[] { "TokenCache", "2" }, result.Output.Select(o => o.Text));
        }

        [Fact]
        public async Task The_process_scope_writes_nothing_to_disk()
        {
            _emulator.State.DeviceCodePollInterval = TimeSpan.FromSeconds(1);
            _emulator.State.AutoApproveDeviceCodesAfter = TimeSpan.FromSeconds(1);
            string cache = Path.Combine(Scratch, "cache");

            var result = await _emulator.RunAsync(
                "Connect-PartnerCenter -Environment Emulator -UseDeviceAuthentication -ApplicationId $env:PCL_PUBLIC_CLIENT_ID -Tenant $env:PCL_TENANT\n(Get-PartnerLicenseDeployment).Count",
                CacheEnvironment(cache));

            Assert.True(result.TerminatingError == null, result.Describe());
            Assert.False(Directory.Exists(cache));
            Assert.Empty(Directory.EnumerateFiles(Scratch, "*", SearchOption.AllDirectories));
        }
    }
}
