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
    /// Invoke-PartnerCenterRequest asks before it changes state (-WhatIf, -Confirm, ConfirmImpact per
    /// method), and a request that retries for more than a few seconds says so on the warning stream.
    /// The hosted engine has no user interface, as a runbook has none: a prompt there fails instead of
    /// waiting, so a command that succeeds was not asked.
    /// </summary>
    [Collection(ReportsEmulatorCollection.Name)]
    public sealed class ConfirmAndWaitTests
    {
        private const string Connect = "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n";
        private const string Customer = "/v1/customers/" + "0c39d6d5-c70d-4c55-bc02-f620844f3fd1";
        private readonly EmulatorFixture _emulator;

        public ConfirmAndWaitTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private IEnumerable<RecordedRequest> PartnerCenterRequests => _emulator.State.Requests.Where(r => r.Headers.ContainsKey("MS-CorrelationId"));

        [Fact]
        public async Task WhatIf_sends_nothing_for_a_method_that_changes_state()
        {
            var result = await _emulator.RunAsync(
                Connect
                + "Invoke-PartnerCenterRequest -Method POST -Path /v1/customers -Body @{ companyProfile = @{ domain = 'whatif.onmicrosoft.com' } } -WhatIf\n"
                + "Invoke-PartnerCenterRequest -Method PUT -Path " + Customer + " -Body '{}' -WhatIf\n"
                + "Invoke-PartnerCenterRequest -Method PATCH -Path " + Customer + " -Body '{}' -WhatIf\n"
                + "Invoke-PartnerCenterRequest -Method DELETE -Path " + Customer + " -WhatIf\n"
                + "'done'",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal("done", Assert.Single(result.Output).Text);
            Assert.Empty(PartnerCenterRequests);
        }

        [Fact]
        public async Task Confirm_false_sends_and_a_get_is_never_asked()
        {
            _emulator.State.EnqueueResponse(Customer, 204, null);
            var result = await _emulator.RunAsync(
                Connect
                + "$ConfirmPreference = 'Low'\n"
                + "@(Invoke-PartnerCenterRequest -Path /v1/customers -Confirm).Count\n"
                + "$ConfirmPreference = 'High'\n"
                + "(Invoke-PartnerCenterRequest -Method POST -Path /v1/customers -Body @{ companyProfile = @{ domain = 'confirmed.onmicrosoft.com' } } -Confirm:$false).id -ne $null\n"
                + "Invoke-PartnerCenterRequest -Method DELETE -Path " + Customer + " -Confirm:$false\n"
                + "'done'",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(new[] { "1", "true", "done" }, result.Output.Select(o => o.Text));
            Assert.Equal(new[] { "GET", "POST", "DELETE" }, PartnerCenterRequests.Select(r => r.Method));
        }

        [Fact]
        public async Task A_post_is_sent_without_asking_under_the_default_preference_and_a_delete_asks()
        {
            // A POST is Medium, which the default $ConfirmPreference (High) does not ask about; a DELETE is
            // High and asks, which in a host without a user interface fails before anything is sent.
            var result = await _emulator.RunAsync(
                Connect
                + "(Invoke-PartnerCenterRequest -Method POST -Path /v1/customers -Body @{ companyProfile = @{ domain = 'unasked.onmicrosoft.com' } }).id -ne $null\n"
                + "try { Invoke-PartnerCenterRequest -Method DELETE -Path " + Customer + " } catch { 'asked' }",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null, result.Describe());
            Assert.Equal(new[] { "true", "asked" }, result.Output.Select(o => o.Text));
            Assert.Equal(new[] { "POST" }, PartnerCenterRequests.Select(r => r.Method));
        }

        [Fact]
        public async Task Retries_that_go_on_for_seconds_show_a_warning_without_verbose()
        {
            // The 503 asks for 3 s, past the few seconds retries stay silent for: the wait is announced
            // before it starts, once, and the call then succeeds.
            _emulator.State.EnqueueResponse("/v1/analytics/licenses/deployment", 503, "{}", new Dictionary<string, string> { ["Retry-After"] = "3" });
            var result = await _emulator.RunAsync(
                Connect + "(Get-PartnerLicenseDeployment).Count",
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal("2", Assert.Single(result.Output).Text);
            string warning = Assert.Single(result.Warning);
            Assert.Contains("Partner Center answered 503", warning);
            Assert.Contains("Retrying in 3.0 s (retry 1 of", warning);
            Assert.Contains("Ctrl+C", warning);
            Assert.Empty(result.Verbose);
        }
    }
}
