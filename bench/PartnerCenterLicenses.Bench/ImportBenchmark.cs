using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Import cost: Import-Module + Get-Command of PartnerCenterLicenses against the same for the one-cmdlet
    /// baseline module, each the first import in a fresh engine in a fresh process. Both have views
    /// (FormatsToProcess), so both pay PowerShell's rebuild of the whole format table.
    /// </summary>
    /// <remarks>
    /// A fresh engine's first import pays for things no module controls (the parser, the module and
    /// command-discovery code paths being compiled for the first time): here about 300 ms with the
    /// IL-only engine package and 75 ms with the engine ReadyToRun-compiled.
    /// The baseline pays exactly the same, so the difference is what this module adds, and that is
    /// the number with a target.
    /// </remarks>
    internal static class ImportBenchmark
    {
        private const string Ours = "ours";
        private const string Baseline = "baseline";
        private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(120);

        public sealed class Result
        {
            public List<double> OursMs { get; } = new List<double>();

            public List<double> BaselineMs { get; } = new List<double>();

            /// <summary>
            /// CPU time of the thread that ran the import, over the same span (empty where the clock is
            /// missing). Other processes stretch wall time far more than this, so it is the cross-check
            /// that holds up best on a busy machine. Work on other threads (background JIT, GC) is not
            /// in it.
            /// </summary>
            public List<double> OursCpuMs { get; } = new List<double>();

            public List<double> BaselineCpuMs { get; } = new List<double>();

            /// <summary>What the import added to the process's counters (JIT-compiled methods, bytes, assemblies, process CPU), per sample.</summary>
            public List<ProcessCounters> OursCounters { get; } = new List<ProcessCounters>();

            public List<ProcessCounters> BaselineCounters { get; } = new List<ProcessCounters>();

            /// <summary>The first pair, run before the counted ones and reported apart (see <see cref="RunAsync"/>).</summary>
            public (double Ours, double Baseline) WarmUpMs { get; set; }

            /// <summary>How many commands Get-Command listed for each module, as a check that both imports really happened.</summary>
            public (int Ours, int Baseline) Commands { get; set; }
        }

        /// <summary>Parent side: alternates fresh children for the two modules.</summary>
        public static async Task<Result> RunAsync(int samplesEach, Action<string> progress)
        {
            var result = new Result();

            // The first child of a run reads the runtime and SMA from disk rather than from the page
            // cache; one uncounted pair absorbs that, and its numbers are still printed.
            Sample warmOurs = await MeasureInChildAsync(Ours);
            Sample warmBaseline = await MeasureInChildAsync(Baseline);
            result.WarmUpMs = (warmOurs.Milliseconds, warmBaseline.Milliseconds);
            result.Commands = (warmOurs.Commands, warmBaseline.Commands);

            for (int pair = 0; pair < samplesEach; pair++)
            {
                // ABBA order: drift (thermal, page cache, a noisy neighbour) hits both modules alike,
                // and neither always runs right after the other.
                bool oursFirst = pair % 2 == 0;
                string first = oursFirst ? Ours : Baseline;
                string second = oursFirst ? Baseline : Ours;
                Sample firstSample = await MeasureInChildAsync(first);
                Sample secondSample = await MeasureInChildAsync(second);
                Sample ours = oursFirst ? firstSample : secondSample;
                Sample baseline = oursFirst ? secondSample : firstSample;
                result.OursMs.Add(ours.Milliseconds);
                result.OursCounters.Add(ours.Counters);
                result.BaselineCounters.Add(baseline.Counters);
                result.BaselineMs.Add(baseline.Milliseconds);
                if (ours.CpuMilliseconds is double oursCpu && baseline.CpuMilliseconds is double baselineCpu)
                {
                    result.OursCpuMs.Add(oursCpu);
                    result.BaselineCpuMs.Add(baselineCpu);
                }
                progress($"import {pair + 1}/{samplesEach}: ours {result.OursMs[^1]:0.0} ms, baseline {result.BaselineMs[^1]:0.0} ms");
            }

            return result;
        }

        /// <summary>Child side: one first import in a fresh engine.</summary>
        public static JsonObject MeasureInThisProcess(string which)
        {
            (string manifest, string name) = which switch
            {
                Ours => (BenchPaths.ModuleManifest, BenchPaths.ModuleName),
                Baseline => (BenchPaths.BaselineManifest, BenchPaths.BaselineModuleName),
                _ => throw new ArgumentException($"Unknown module '{which}'.", nameof(which)),
            };

            // Opening the runspace is the host's cost, not the import's, so it stays outside the clock.
            // The pipeline runs on this thread, so this thread's CPU clock covers the import's work.
            using HostedEngine engine = HostedEngine.Open(onCallingThread: true);
            using PowerShell ps = engine.NewPipeline();
            ps.AddCommand("Import-Module").AddParameter("Name", manifest).AddParameter("ErrorAction", ActionPreference.Stop)
                .AddStatement()
                .AddCommand("Get-Command").AddParameter("Module", name);

            ProcessCounters before = ProcessCounters.Now();
            double? cpuBefore = ThreadCpuClock.NowMilliseconds();
            long started = Stopwatch.GetTimestamp();
            var commands = ps.Invoke();
            int count = commands.Count(c => c?.BaseObject is CommandInfo);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
            double? cpuMilliseconds = ThreadCpuClock.NowMilliseconds() - cpuBefore;
            ProcessCounters added = ProcessCounters.Now() - before;

            HostedEngine.ThrowIfFailed(ps);
            if (count == 0)
            {
                throw new InvalidOperationException($"Get-Command -Module {name} listed no commands: the import did not export anything.");
            }

            return new JsonObject
            {
                ["milliseconds"] = elapsed.TotalMilliseconds,
                ["cpuMilliseconds"] = cpuMilliseconds,
                ["commands"] = count,
                ["counters"] = added.ToJson(),
            };
        }

        private static async Task<Sample> MeasureInChildAsync(string which)
        {
            JsonObject result = await ChildProcess.RunAsync(new[] { "import", which }, environment: null, ChildTimeout);
            return new Sample((double)result["milliseconds"], (double?)result["cpuMilliseconds"], (int)result["commands"], ProcessCounters.FromJson(result["counters"]));
        }

        private sealed record Sample(double Milliseconds, double? CpuMilliseconds, int Commands, ProcessCounters Counters);
    }
}
