using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Custody of the credential, tried the way an attacker or a hurried script would: a look-alike
    /// of a built-in environment, a tenant that is really a path or query, and the -WhatIf and
    /// -Confirm switches runbooks pass. Each script batches several attempts, since every hosted run
    /// starts a process. The scripts write tab-separated lines: what was tried, then what happened.
    /// </summary>
    [Collection(SignInEmulatorCollection.Name)]
    public sealed class CredentialCustodyCmdletTests
    {
        private const string ConnectFailure = "PartnerCenter.InvalidArgument,PartnerCenterLicenses.Commands.ConnectPartnerCenterCommand";
        private const string AddFailure = "PartnerCenter.InvalidEnvironment,PartnerCenterLicenses.Commands.AddPartnerCenterEnvironmentCommand";
        private readonly EmulatorFixture _emulator;

        public CredentialCustodyCmdletTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }


        private static Dictionary<string, string[]> Lines(HostedRunResult result)
        {
            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            return result.Output.Select(o => o.Text.Split('\t')).ToDictionary(fields => fields[0], fields => fields.Skip(1).ToArray());
        }

        private int RequestsSinceReset(string pathEnding = "")
        {
            return _emulator.State.Requests.Count(r => r.ReceivedAt >= _emulator.ResetAt && r.Path.EndsWith(pathEnding));
        }

        [Fact]
        public async Task A_padded_or_tabbed_built_in_name_is_refused_and_AzureCloud_still_signs_in_at_Microsoft()
        {
            var result = await _emulator.RunAsync("""
                $names = [ordered]@{ trailing = 'AzureCloud '; leading = ' AzureCloud'; tab = "AzureCloud`t"; inner = "Azure`tCloud"; lower = "azurecloud`t"; newline = "Emulator2`r`nAzureCloud" }
                foreach ($key in $names.Keys) {
                    try {
                        $null = Add-PartnerCenterEnvironment -Name $names[$key] -ActiveDirectoryAuthority $env:PCL_EMULATOR_URL -PartnerCenterEndpoint $env:PCL_EMULATOR_URL
                        "$key`tadded"
                    }
                    catch {
                        "$key`t$($_.FullyQualifiedErrorId)`t$($_.CategoryInfo.Category)"
                    }
                }
                $azure = Get-PartnerCenterEnvironment AzureCloud
                "AzureCloud`t$($azure.ActiveDirectoryAuthority.Host)`t$($azure.PartnerCenterEndpoint.Host)`t$(@(Get-PartnerCenterEnvironment).Count)"
                """);

            var lines = Lines(result);
            foreach (string attempt in new[] { "trailing", "leading", "tab", "inner", "lower", "newline" })
            {
                Assert.Equal(new[] { AddFailure, "InvalidArgument" }, lines[attempt]);
            }

            // The three built-in clouds and the prelude's Emulator, nothing more.
            Assert.Equal(new[] { "login.microsoftonline.com", "api.partnercenter.microsoft.com", "4" }, lines["AzureCloud"]);
            Assert.Equal(0, RequestsSinceReset());
        }

        [Fact]
        public async Task A_tenant_that_is_a_path_or_a_query_is_refused_before_any_request_is_sent()
        {
            var result = await _emulator.RunAsync("""
                $tenants = [ordered]@{ traversal = "$env:PCL_TENANT/../evil-tenant"; encoded = "$env:PCL_TENANT%2F..%2Fevil"; header = "contoso.com`r`nX-Evil: 1"; consumers = 'consumers' }
                foreach ($key in $tenants.Keys) {
                    try {
                        $null = Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken (ConvertTo-Secure $env:PCL_REFRESH_TOKEN) -Tenant $tenants[$key]
                        "$key`tconnected"
                    }
                    catch {
                        "$key`t$($_.FullyQualifiedErrorId)`t$($_.CategoryInfo.Category)"
                    }
                }
                Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken (ConvertTo-Secure $env:PCL_REFRESH_TOKEN) -Tenant '?x=1#frag'
                """,
                _emulator.WithRefreshToken());

            Assert.True(result.TerminatingError != null, result.Describe());
            Assert.Equal(ConnectFailure, result.TerminatingError.FullyQualifiedErrorId);
            Assert.Equal("InvalidArgument", result.TerminatingError.Category);
            Assert.Contains("contoso.onmicrosoft.com", result.TerminatingError.Message);

            var lines = result.Output.Select(o => o.Text.Split('\t')).ToDictionary(fields => fields[0], fields => fields.Skip(1).ToArray());
            foreach (string attempt in new[] { "traversal", "encoded", "header", "consumers" })
            {
                Assert.Equal(new[] { ConnectFailure, "InvalidArgument" }, lines[attempt]);
            }

            Assert.Equal(0, RequestsSinceReset());
        }

        [Fact]
        public async Task WhatIf_changes_nothing_and_Confirm_false_is_accepted_by_every_cmdlet_that_changes_state()
        {
            var result = await _emulator.RunAsync("""
                $connect = @{ Environment = 'Emulator'; ApplicationId = $env:PCL_CLIENT_ID; Credential = $credential; RefreshToken = (ConvertTo-Secure $env:PCL_REFRESH_TOKEN); Tenant = $env:PCL_TENANT }

                $written = Connect-PartnerCenter @connect -WhatIf
                "connect-whatif`t$($null -eq $written)`t$($null -eq (Get-PartnerCenterContext))"
                $null = Add-PartnerCenterEnvironment -Name WhatIfOnly -ActiveDirectoryAuthority $env:PCL_EMULATOR_URL -PartnerCenterEndpoint $env:PCL_EMULATOR_URL -WhatIf
                "add-whatif`t$(@((Get-PartnerCenterEnvironment).Where({ $_.Name -eq 'WhatIfOnly' })).Count)"
                $written = Set-PartnerCenterRequestOption -TimeoutSec 7 -MaximumFieldLength 4096 -PassThru -WhatIf
                "set-whatif`t$($null -eq $written)`t$((Get-PartnerCenterRequestOption).Timeout.TotalSeconds)`t$((Get-PartnerCenterRequestOption).MaxFieldLength)"

                $null = Connect-PartnerCenter @connect -Confirm:$false
                "connect-confirm`t$((Get-PartnerCenterContext).Tenant)"
                Disconnect-PartnerCenter -WhatIf
                "disconnect-whatif`t$((Get-PartnerCenterContext).Tenant)"
                Disconnect-PartnerCenter -Confirm:$false
                "disconnect-confirm`t$($null -eq (Get-PartnerCenterContext))"
                $null = Add-PartnerCenterEnvironment -Name Confirmed -ActiveDirectoryAuthority $env:PCL_EMULATOR_URL -PartnerCenterEndpoint $env:PCL_EMULATOR_URL -Confirm:$false
                "add-confirm`t$((Get-PartnerCenterEnvironment Confirmed).Name)"
                Set-PartnerCenterRequestOption -TimeoutSec 7 -Confirm:$false
                "set-confirm`t$((Get-PartnerCenterRequestOption).Timeout.TotalSeconds)"
                """,
                _emulator.WithRefreshToken());

            var lines = Lines(result);
            Assert.Equal(new[] { "True", "True" }, lines["connect-whatif"]);
            Assert.Equal(new[] { "0" }, lines["add-whatif"]);
            Assert.Equal(new[] { "True", "100", "1048576" }, lines["set-whatif"]);
            Assert.Equal(new[] { EmulatorState.DefaultTenantId }, lines["connect-confirm"]);
            Assert.Equal(new[] { EmulatorState.DefaultTenantId }, lines["disconnect-whatif"]);
            Assert.Equal(new[] { "True" }, lines["disconnect-confirm"]);
            Assert.Equal(new[] { "Confirmed" }, lines["add-confirm"]);
            Assert.Equal(new[] { "7" }, lines["set-confirm"]);

            // One sign-in: the connect with -Confirm:$false; the one with -WhatIf sent nothing.
            Assert.Equal(1, RequestsSinceReset("/oauth2/v2.0/token"));
        }

        [Fact]
        public async Task Options_piped_from_Get_to_Set_come_back_as_they_were()
        {
            var result = await _emulator.RunAsync("""
                Set-PartnerCenterRequestOption -TimeoutSec 42 -MaximumRetryCount 2 -MaximumRetryWaitSec 30 -RetryIntervalSec 0.5 -MaximumFieldLength 4096
                $saved = Get-PartnerCenterRequestOption
                Set-PartnerCenterRequestOption -Default
                $saved | Set-PartnerCenterRequestOption
                $o = Get-PartnerCenterRequestOption
                "restored`t$($o.Timeout.TotalSeconds)`t$($o.MaxRetryCount)`t$($o.MaxRetryWait.TotalSeconds)`t$($o.RetryBaseDelay.TotalSeconds)`t$($o.MaxFieldLength)"
                $o = Get-PartnerCenterRequestOption | Set-PartnerCenterRequestOption -PassThru
                "piped`t$($o.Timeout.TotalSeconds)`t$($o.MaxRetryCount)`t$($o.MaxRetryWait.TotalSeconds)`t$($o.RetryBaseDelay.TotalSeconds)`t$($o.MaxFieldLength)"
                $o = Set-PartnerCenterRequestOption -TimeoutSec ([timespan]::FromMinutes(5)) -PassThru
                "timespan`t$($o.Timeout.TotalSeconds)`t$($o.MaxFieldLength)"
                """);

            var lines = Lines(result);
            Assert.Equal(new[] { "42", "2", "30", "0.5", "4096" }, lines["restored"]);
            Assert.Equal(new[] { "42", "2", "30", "0.5", "4096" }, lines["piped"]);
            Assert.Equal(new[] { "300", "4096" }, lines["timespan"]);
        }
    }
}
