using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Issue 13, item 2: what the first Connect-PartnerCenter of a process costs, counted rather than
    /// timed, so a loaded machine cannot make it pass or fail.
    /// </summary>
    [Collection(ColdCounterCollection.Name)]
    public sealed class ColdConnectCounterTests
    {
        // The issue's figure for the IL-only engine (the bench's cold Connect row), and its goal: half of it.
        private const int IlOnlyBaseline = 2149;
        private const int Goal = 1074;

        private readonly EmulatorFixture _emulator;
        private readonly ITestOutputHelper _output;

        public ColdConnectCounterTests(EmulatorFixture emulator, ITestOutputHelper output)
        {
            _emulator = emulator;
            _output = output;
            _emulator.Reset();
        }

        [Fact]
        public async Task A_cold_secure_application_model_connect_jit_compiles_at_most_half_the_il_only_count()
        {
            // Counted as the goal's 2,149 was: the first connect of a process, the module imported with
            // its views, the engine and MSAL not yet loaded. What is counted is the methods the connect
            // needs compiled; the runtime's background recompiles of hot methods at a higher tier are
            // left out (DOTNET_TC_CallCounting=0 keeps every method at the code it first got): they are
            // optimisation the connect does not wait for, and how many of them land inside the connect
            // depends only on how busy the machine is (the same build counted 1,002-1,058 with them on a
            // quiet machine and up to 1,274 under a load average of 20; without them 964-1,039 under a
            // load average of 11). The median of three fresh processes, so one process whose threads
            // raced to compile the same method twice does not decide.
            var counts = new List<int>();
            for (int i = 0; i < 3; i++)
            {
                counts.Add(await CountAsync(
                    "$refreshToken = ConvertTo-Secure $env:PCL_REFRESH_TOKEN\n",
                    "$null = Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken $refreshToken -Tenant $env:PCL_TENANT\n",
                    "a cold Connect-PartnerCenter"));
            }

            Assert.Equal(3, _emulator.State.TokenRequestCount);
            int connect = counts.OrderBy(c => c).ElementAt(1);
            Assert.True(
                connect <= Goal,
                $"A cold Connect-PartnerCenter JIT-compiled {connect} methods (the median of {string.Join(", ", counts)}); the goal is at most {Goal}, half of the IL-only engine's {IlOnlyBaseline}.");
        }

        // Methods JIT-compiled by all threads while the command runs, in a fresh process where the
        // module is imported and the Emulator environment added (the prelude); nothing else of the
        // module has run there.
        private async Task<int> CountAsync(string setUp, string command, string what)
        {
            var result = await _emulator.RunAsync(
                setUp
                + "@([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'PartnerCenterLicenses.Engine' }).Count\n"
                + "$before = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)\n"
                + command
                + "$after = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)\n"
                + "$after - $before\n",
                _emulator.WithRefreshToken(new Dictionary<string, string> { ["DOTNET_TC_CallCounting"] = "0" }),

                // "Cold" is the first of a process: in the shared host, earlier runs have compiled it all.
                freshProcess: true,
                prelude: true);

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal(2, result.Output.Count);

            Assert.True(result.Output[0].Text == "0", "The engine was loaded before " + what + ", so its loading was not counted: " + result.Describe());
            int compiled = int.Parse(result.Output[1].Text, CultureInfo.InvariantCulture);
            _output.WriteLine($"{what}: {compiled} methods JIT-compiled.");
            return compiled;
        }
    }
}
