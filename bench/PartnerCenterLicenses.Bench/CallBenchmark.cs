using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using PartnerCenter.Emulator;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Parent side of the per-call benchmarks: starts the emulator, runs one child that trusts it, and
    /// reads the emulator's counters at the child's sync points (see <see cref="CallChild"/>).
    /// </summary>
    internal static class CallBenchmark
    {
        public const string DeploymentPath = "/v1/analytics/licenses/deployment";

        private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(10);

        /// <summary>What the emulator saw between two sync points.</summary>
        public sealed class PhaseCounts
        {
            public int TokenRequests { get; init; }

            public int DeploymentRequests { get; init; }

            public int FailedRequests { get; init; }
        }

        public sealed class Result
        {
            /// <summary>Per-call milliseconds by operation name (<see cref="CallChild.Operations"/>).</summary>
            public Dictionary<string, List<double>> Samples { get; } = new Dictionary<string, List<double>>();

            /// <summary>Emulator counts by the sync point that closed the phase.</summary>
            public Dictionary<string, PhaseCounts> Phases { get; } = new Dictionary<string, PhaseCounts>();

            public int TokenCalls { get; set; }

            public double TokenCallsTotalMs { get; set; }
        }

        public static async Task<Result> RunAsync(int samples, int warmUp, int tokenCalls, Action<string> progress)
        {
            await using BenchEmulator emulator = await BenchEmulator.StartAsync();
            EmulatorServer server = emulator.Server;
            var result = new Result();
            server.State.ClearRecords();
            JsonObject document = await ChildProcess.RunAsync(
                new[] { "calls", samples.ToString(), warmUp.ToString(), tokenCalls.ToString() },
                emulator.ChildEnvironment,
                ChildTimeout,
                name =>
                {
                    result.Phases[name] = Snapshot(server.State);
                    progress($"calls: {name}");
                });

            foreach (KeyValuePair<string, JsonNode> operation in document["samples"].AsObject())
            {
                result.Samples[operation.Key] = operation.Value.AsArray().Select(n => (double)n).ToList();
            }

            result.TokenCalls = (int)document["tokenCalls"];
            result.TokenCallsTotalMs = (double)document["tokenCallsTotalMs"];
            return result;
        }

        // Counts the phase that just ended and starts the next from zero. The emulator records a
        // request before answering it, so by the time the child reaches a sync point every request
        // of the phase is in the record.
        private static PhaseCounts Snapshot(EmulatorState state)
        {
            IReadOnlyList<RecordedRequest> requests = state.Requests;
            var counts = new PhaseCounts
            {
                TokenRequests = state.TokenRequestCount,
                DeploymentRequests = requests.Count(r => r.Method == "GET" && string.Equals(r.Path, DeploymentPath, StringComparison.OrdinalIgnoreCase)),
                FailedRequests = requests.Count(r => r.StatusCode != 200),
            };
            state.ClearRecords();
            return counts;
        }
    }
}
