using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Issue 13, item 2: what the first Connect-PartnerCenter of a process costs, counted rather than
    /// timed, so a loaded machine cannot make it pass or fail.
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class ColdConnectCounterTests
    {
        // The figure for the IL-only engine (the bench's cold Connect row), and its goal: half of it.
        private const int IlOnlyBaseline = 2149;
        private const int Goal = 1074;

        private readonly EmulatorFixture _emulator;

        public ColdConnectCounterTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        [Fact]
        public async Task A_cold_secure_application_model_connect_jit_compiles_at_most_half_the_il_only_count()
        {
            // Only the secret's SecureString is made before counting; the engine must not have loaded yet
            // (the prelude's Add-PartnerCenterEnvironment does not load it), so its loading is counted too.
            var result = await _emulator.RunAsync(
                "$refreshToken = ConvertTo-Secure $env:PCL_REFRESH_TOKEN\n"
                + "@([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'PartnerCenterLicenses.Engine' }).Count\n"
                + "$before = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)\n"
                + "$null = Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken $refreshToken -Tenant $env:PCL_TENANT\n"
                + "$after = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)\n"
                + "$after - $before",
                _emulator.WithRefreshToken(),

                // "Cold" is the first connect of a process: in the shared host, earlier runs have compiled it all.
                freshProcess: true);

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(2, result.Output.Count);
            Assert.True(result.Output[0].Text == "0", "The engine was loaded before the connect, so its loading was not counted: " + result.Describe());
            Assert.Equal(1, _emulator.State.TokenRequestCount);

            int compiled = int.Parse(result.Output[1].Text, CultureInfo.InvariantCulture);
            var engine = result.LoadedAssemblies.Single(a => a.Name == "PartnerCenterLicenses.Engine");
            Assert.True(
                compiled <= Goal,
                $"A cold Connect-PartnerCenter JIT-compiled {compiled} methods; the goal is at most {Goal}, half of the IL-only "
                + $"engine's {IlOnlyBaseline}. The engine loaded from {engine.Location}.");
        }
    }
}
