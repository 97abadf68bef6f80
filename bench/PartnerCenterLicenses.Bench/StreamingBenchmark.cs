using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Streaming: Get-PartnerLicenseDeployment over one body of 100,000 and of 1,000,000 items, against
    /// Get-BaselineDeployment (bench/BaselineHttpModule), a trivial cmdlet reading the same body with the
    /// same JSON library and writing each item as it is read. Per item time, the peak working set of a
    /// fresh process at both sizes, and the first object against the moment the body's bytes arrive.
    /// </summary>
    internal static class StreamingBenchmark
    {
        public const string Module = "module";
        public const string Cmdlet = "cmdlet";

        private const string ModuleCommand = "Get-PartnerLicenseDeployment";
        private const string CmdletCommand = "Get-BaselineDeployment";
        private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(10);

        public sealed class Run
        {
            public string Who { get; init; }

            public long Items { get; init; }

            public double Ms { get; init; }

            public double FirstObjectMs { get; init; }

            /// <summary>The cmdlet's only: when the body's first byte could be read, from the same start.</summary>
            public double FirstByteMs { get; init; }

            public double PerItemUs => Ms * 1000.0 / Items;
        }

        public sealed class Size
        {
            public int Items { get; init; }

            public List<Run> Runs { get; } = new List<Run>();

            /// <summary>Peak working set of a fresh process that read the body once, by who.</summary>
            public Dictionary<string, long> PeakWorkingSet { get; } = new Dictionary<string, long>();

            public IEnumerable<Run> Of(string who) => Runs.Where(r => r.Who == who);
        }

        public sealed class Result
        {
            public List<Size> Sizes { get; } = new List<Size>();
        }

        public static async Task<Result> RunAsync(IReadOnlyList<int> sizes, int rounds, Action<string> progress)
        {
            var result = new Result();
            await using BenchEmulator emulator = await BenchEmulator.StartAsync();
            foreach (int items in sizes)
            {
                var size = new Size { Items = items };
                emulator.State.DeploymentInsightsJson = PagingBenchmark.DeploymentBody(items);
                JsonObject document = await ChildProcess.RunAsync(
                    new[] { "streaming", "compare", rounds.ToString(CultureInfo.InvariantCulture) },
                    emulator.ChildEnvironment,
                    ChildTimeout);
                foreach (JsonNode node in document["runs"].AsArray())
                {
                    size.Runs.Add(new Run
                    {
                        Who = (string)node["who"],
                        Items = (long)node["items"],
                        Ms = (double)node["ms"],
                        FirstObjectMs = (double)node["firstObjectMs"],
                        FirstByteMs = node["firstByteMs"] is JsonNode b ? (double)b : double.NaN,
                    });
                }

                CheckItems(size.Runs.Select(r => (r.Who, r.Items)), items);
                progress($"streaming, {items:N0} items: per item ours {new Stats(size.Of(Module).Select(r => r.PerItemUs)).Median:0.00} µs, cmdlet {new Stats(size.Of(Cmdlet).Select(r => r.PerItemUs)).Median:0.00} µs");

                foreach (string who in new[] { Module, Cmdlet })
                {
                    JsonObject memory = await ChildProcess.RunAsync(new[] { "streaming", "memory", who }, emulator.ChildEnvironment, ChildTimeout);
                    CheckItems(new[] { (who, (long)memory["items"]) }, items);
                    size.PeakWorkingSet[who] = (long)memory["peakWorkingSetBytes"];
                    progress($"streaming, {items:N0} items: peak working set, {who}: {size.PeakWorkingSet[who] / 1048576.0:0.0} MB");
                }

                result.Sizes.Add(size);
            }

            return result;
        }

        private static void CheckItems(IEnumerable<(string Who, long Items)> runs, long expected)
        {
            foreach ((string who, long items) in runs)
            {
                if (items != expected)
                {
                    throw new InvalidOperationException($"Streaming: '{who}' read {items} items instead of {expected}.");
                }
            }
        }

        /// <summary>
        /// Child side. <c>compare ROUNDS</c>: one uncounted read each, then ROUNDS pairs in alternating order in
        /// one engine. <c>memory module|cmdlet</c>: one cold read in a fresh engine, then the process's peak working set.
        /// </summary>
        public static JsonObject RunChild(string mode, string argument)
        {
            bool memory = mode == "memory";
            bool needsModule = !memory || argument == Module;
            bool needsCmdlet = !memory || argument == Cmdlet;
            using HostedEngine engine = needsModule ? CallChild.OpenConnected(withBaseline: false) : HostedEngine.Open();
            if (needsCmdlet)
            {
                engine.Run(ps => ps.AddCommand("Import-Module").AddParameter("Name", BenchPaths.BaselineHttpManifest).AddParameter("ErrorAction", ActionPreference.Stop));
                CallChild.ConnectBaselineHttp(engine);
            }

            if (memory)
            {
                JsonObject run = Read(engine, argument);
                using Process self = Process.GetCurrentProcess();
                self.Refresh();
                return new JsonObject { ["items"] = (long)run["items"], ["peakWorkingSetBytes"] = self.PeakWorkingSet64 };
            }

            int rounds = int.Parse(argument, CultureInfo.InvariantCulture);
            Read(engine, Module);
            Read(engine, Cmdlet);
            var runs = new JsonArray();
            for (int i = 0; i < rounds; i++)
            {
                bool moduleFirst = i % 2 == 0;
                runs.Add(Read(engine, moduleFirst ? Module : Cmdlet));
                runs.Add(Read(engine, moduleFirst ? Cmdlet : Module));
            }

            return new JsonObject { ["runs"] = runs };
        }

        private static JsonObject Read(HostedEngine engine, string who)
        {
            using PowerShell ps = engine.NewPipeline();
            ps.AddCommand(who == Module ? ModuleCommand : CmdletCommand);
            long started = Stopwatch.GetTimestamp();
            PipelineDrain.Drained drained = PipelineDrain.Run(ps);
            var run = new JsonObject
            {
                ["who"] = who,
                ["items"] = drained.Objects,
                ["ms"] = drained.TotalMs,
                ["firstObjectMs"] = Stopwatch.GetElapsedTime(started, drained.FirstObjectTimestamp).TotalMilliseconds,
            };
            if (who == Cmdlet)
            {
                long firstByte = Convert.ToInt64(engine.Runspace.SessionStateProxy.GetVariable("BaselineFirstByteTimestamp"), CultureInfo.InvariantCulture);
                run["firstByteMs"] = Stopwatch.GetElapsedTime(started, firstByte).TotalMilliseconds;
            }

            return run;
        }
    }
}
