using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// What a runbook job pays: process start to the first object of
    /// <c>Import-Module; Connect-PartnerCenter; Get-PartnerLicenseDeployment</c> in a fresh process, against
    /// the same token request and GET done by the HTTP baseline module (bench/BaselineHttpModule) in a fresh
    /// process, with counters per phase.
    /// </summary>
    /// <remarks>
    /// Both children host the same engine and open a runspace the same way; the clock starts in the parent
    /// right before the process starts (see <see cref="ChildProcess.SpawnedVariable"/>), so the runtime's
    /// start, the engine's and the module's all count, as they do for a job.
    /// </remarks>
    internal static class ColdBenchmark
    {
        public const string Ours = "ours";
        public const string Baseline = "baseline";

        /// <summary>The phases each child reports counters for, in order.</summary>
        public static readonly IReadOnlyList<string> Phases = new[] { "engine", "import", "environment", "connect", "first-object" };

        private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(2);

        public sealed class Sample
        {
            public double FirstObjectMs { get; init; }

            /// <summary>Counters at the end of each phase, from the process's start.</summary>
            public Dictionary<string, ProcessCounters> At { get; } = new Dictionary<string, ProcessCounters>();
        }

        public sealed class Result
        {
            public List<Sample> Ours { get; } = new List<Sample>();

            public List<Sample> Baseline { get; } = new List<Sample>();

            public (double Ours, double Baseline) WarmUpMs { get; set; }
        }

        public static async Task<Result> RunAsync(int pairs, Action<string> progress)
        {
            await using BenchEmulator emulator = await BenchEmulator.StartAsync();
            var result = new Result();

            // One uncounted pair: the first children of a run read the runtime from disk.
            Sample warmOurs = await MeasureInChildAsync(emulator, Ours);
            Sample warmBaseline = await MeasureInChildAsync(emulator, Baseline);
            result.WarmUpMs = (warmOurs.FirstObjectMs, warmBaseline.FirstObjectMs);
            for (int pair = 0; pair < pairs; pair++)
            {
                bool oursFirst = pair % 2 == 0;
                Sample first = await MeasureInChildAsync(emulator, oursFirst ? Ours : Baseline);
                Sample second = await MeasureInChildAsync(emulator, oursFirst ? Baseline : Ours);
                result.Ours.Add(oursFirst ? first : second);
                result.Baseline.Add(oursFirst ? second : first);
                progress($"cold {pair + 1}/{pairs}: ours {result.Ours[^1].FirstObjectMs:0.0} ms, baseline {result.Baseline[^1].FirstObjectMs:0.0} ms");
            }

            return result;
        }

        private static async Task<Sample> MeasureInChildAsync(BenchEmulator emulator, string which)
        {
            JsonObject document = await ChildProcess.RunAsync(new[] { "cold", which }, emulator.ChildEnvironment, ChildTimeout);
            var sample = new Sample { FirstObjectMs = (double)document["firstObjectMs"] };
            foreach (string phase in Phases)
            {
                sample.At[phase] = ProcessCounters.FromJson(document["at"][phase]);
            }

            if ((int)document["objects"] != 2)
            {
                throw new InvalidOperationException($"The cold {which} child read {(int)document["objects"]} objects instead of 2.");
            }

            return sample;
        }

        /// <summary>Child side: one cold run, from this process's start to the first object.</summary>
        public static JsonObject MeasureInThisProcess(string which)
        {
            long spawned = long.Parse(CallChild.Required(ChildProcess.SpawnedVariable), CultureInfo.InvariantCulture);
            var at = new JsonObject();
            using HostedEngine engine = HostedEngine.Open();
            at["engine"] = ProcessCounters.Now().ToJson();
            string command;
            if (which == Ours)
            {
                engine.Run(ps => ps.AddCommand("Import-Module").AddParameter("Name", BenchPaths.ModuleManifest).AddParameter("ErrorAction", ActionPreference.Stop));
                at["import"] = ProcessCounters.Now().ToJson();
                CallChild.AddEmulatorEnvironment(engine);
                at["environment"] = ProcessCounters.Now().ToJson();
                CallChild.ConnectModuleOnly(engine);
                command = "Get-PartnerLicenseDeployment";
            }
            else if (which == Baseline)
            {
                engine.Run(ps => ps.AddCommand("Import-Module").AddParameter("Name", BenchPaths.BaselineHttpManifest).AddParameter("ErrorAction", ActionPreference.Stop));
                at["import"] = ProcessCounters.Now().ToJson();
                at["environment"] = ProcessCounters.Now().ToJson();
                CallChild.ConnectBaselineHttp(engine);
                command = "Get-BaselineDeployment";
            }
            else
            {
                throw new ArgumentException($"Unknown side '{which}'.", nameof(which));
            }

            at["connect"] = ProcessCounters.Now().ToJson();
            using PowerShell get = engine.NewPipeline();
            get.AddCommand(command);
            PipelineDrain.Drained drained = PipelineDrain.Run(get);
            at["first-object"] = ProcessCounters.Now().ToJson();
            return new JsonObject
            {
                ["firstObjectMs"] = Stopwatch.GetElapsedTime(spawned, drained.FirstObjectTimestamp).TotalMilliseconds,
                ["objects"] = drained.Objects,
                ["at"] = at,
            };
        }
    }
}
