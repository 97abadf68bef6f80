using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using PartnerCenter.Emulator;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Parent side of the fan-out benchmark: many customers behind a fixed per-request latency, so the
    /// best any client can do is known in advance (customers x latency / ThrottleLimit), and the
    /// emulator's own count of concurrent requests checks the limit.
    /// </summary>
    internal static class FanOutBenchmark
    {
        private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(10);

        public sealed class Run
        {
            public string Name { get; init; }

            public string Form { get; init; }

            public double Ms { get; init; }

            public double FirstObjectMs { get; init; }

            public long Objects { get; init; }

            public int Requests { get; set; }

            public int Failed { get; set; }

            public int PeakConcurrent { get; set; }
        }

        public sealed class Result
        {
            public int Customers { get; init; }

            public int ThrottleLimit { get; init; }

            public double LatencyMs { get; init; }

            public List<Run> Runs { get; } = new List<Run>();

            public int LoopCustomers { get; set; }

            public double LoopMs { get; set; }

            public long LoopObjects { get; set; }

            public int LoopRequests { get; set; }

            public int LoopPeakConcurrent { get; set; }

            /// <summary>The best wall time any client could reach: every slot busy for the whole run.</summary>
            public double BoundMs => Customers * LatencyMs / ThrottleLimit;

            public IEnumerable<Run> Of(string form) => Runs.Where(r => r.Form == form);
        }

        public static async Task<Result> RunAsync(int customers, TimeSpan latency, int throttleLimit, int repetitions, int loopCustomers, Action<string> progress)
        {
            await using BenchEmulator emulator = await BenchEmulator.StartAsync();
            EmulatorState state = emulator.State;
            var ids = new List<string>(customers);
            for (int n = 1; n <= customers; n++)
            {
                string id = string.Create(CultureInfo.InvariantCulture, $"{n:x8}-fa70-4000-8000-{n:x12}");
                state.AddCustomer(id, "Bench Customer " + n.ToString("D4", CultureInfo.InvariantCulture));
                ids.Add(id);
            }

            string idsFile = emulator.RunFile("customer-ids.txt");
            File.WriteAllLines(idsFile, ids);
            state.PartnerCenterLatency = latency;

            var result = new Result { Customers = customers, ThrottleLimit = throttleLimit, LatencyMs = latency.TotalMilliseconds };
            var counts = new Dictionary<string, (int Requests, int Failed, int Peak)>();
            state.ClearRecords();
            JsonObject document = await ChildProcess.RunAsync(
                new[] { "fanout", throttleLimit.ToString(CultureInfo.InvariantCulture), repetitions.ToString(CultureInfo.InvariantCulture), loopCustomers.ToString(CultureInfo.InvariantCulture) },
                emulator.EnvironmentWith(new Dictionary<string, string> { [FanOutChild.IdsFileVariable] = idsFile }),
                ChildTimeout,
                name =>
                {
                    IReadOnlyList<RecordedRequest> requests = state.Requests;
                    counts[name] = (
                        requests.Count(r => r.Method == "GET" && r.Path.EndsWith("/analytics/licenses/deployment", StringComparison.OrdinalIgnoreCase) && r.Path.StartsWith("/v1/customers/", StringComparison.OrdinalIgnoreCase)),
                        requests.Count(r => r.StatusCode != 200),
                        state.PeakConcurrentRequests);
                    state.ClearRecords();
                    progress($"fan-out: {name}");
                });

            foreach (JsonNode node in document["runs"].AsArray())
            {
                var run = new Run
                {
                    Name = (string)node["name"],
                    Form = (string)node["form"],
                    Ms = (double)node["ms"],
                    FirstObjectMs = (double)node["firstObjectMs"],
                    Objects = (long)node["objects"],
                };
                (run.Requests, run.Failed, run.PeakConcurrent) = counts[run.Name];
                result.Runs.Add(run);
            }

            result.LoopCustomers = (int)document["loopCustomers"];
            result.LoopMs = (double)document["loopMs"];
            result.LoopObjects = (long)document["loopObjects"];
            (result.LoopRequests, _, result.LoopPeakConcurrent) = counts[FanOutChild.Loop];
            return result;
        }
    }
}
