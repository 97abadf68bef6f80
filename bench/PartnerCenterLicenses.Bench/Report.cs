using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Turns the measurements into the markdown table the README shows. Only ratios and differences
    /// against the same run's baseline have targets; the absolute numbers are there to read them by.
    /// </summary>
    internal static partial class Report
    {
        /// <summary>What the table's reader needs to know about the run itself.</summary>
        public sealed class RunConditions
        {
            /// <summary>What the run added to the plain command (build property, switches), for the command line shown with the table.</summary>
            public string Arguments { get; init; }

            public bool ReadyToRun { get; init; }

            /// <summary>The 1-minute load average (Linux), because other processes on a small machine move every number.</summary>
            public string LoadAtStart { get; init; }

            public string LoadAtEnd { get; set; }
        }

        public const double ImportAddedTargetMs = 30;
        public const double CallRatioTarget = 1.5;
        public const int ExtraTokenRequestsTarget = 0;

        /// <summary>Issue 13's import goals, in counters that do not depend on timing.</summary>
        public const long ImportJitTarget = 30;

        public const double ImportBytesTargetMb = 0.5;

        public static string Build(ColdBenchmark.Result cold, ImportBenchmark.Result import, CallBenchmark.Result calls, StreamingBenchmark.Result streaming, FanOutBenchmark.Result fanOut, PagingBenchmark.Result paging, RunConditions conditions)
        {
            var text = new StringBuilder();
            text.AppendLine(EngineLine(conditions));
            text.AppendLine();
            text.AppendLine("| benchmark | ours | baseline | ratio / difference | target | met? |");
            text.AppendLine("| --- | --- | --- | --- | --- | --- |");
            if (cold != null)
            {
                ColdRows(text, cold);
            }

            if (import != null)
            {
                ImportRows(text, import);
            }

            if (calls != null)
            {
                CallRows(text, calls);
            }

            if (streaming != null)
            {
                StreamingRows(text, streaming);
            }

            if (fanOut != null)
            {
                FanOutRows(text, fanOut);
            }

            if (paging != null)
            {
                PagingRows(text, paging);
            }

            text.AppendLine();
            text.AppendLine(MachineLine(conditions));
            if (cold != null)
            {
                text.AppendLine();
                text.AppendLine(ColdNotes(cold));
            }

            if (import != null)
            {
                text.AppendLine();
                text.AppendLine(ImportCrossChecks(import));
            }

            if (calls != null)
            {
                text.AppendLine();
                text.AppendLine(Breakdown(calls));
            }

            if (fanOut != null)
            {
                text.AppendLine();
                text.AppendLine(FanOutNotes(fanOut));
            }

            if (paging != null)
            {
                text.AppendLine();
                text.AppendLine(PagingNotes(paging));
            }

            return text.ToString();
        }

        private static void ImportRows(StringBuilder text, ImportBenchmark.Result import)
        {
            var oursImport = new Stats(import.OursMs);
            var baseImport = new Stats(import.BaselineMs);
            double added = oursImport.Median - baseImport.Median;
            if (import.OursCpuMs.Count > 0)
            {
                var oursCpu = new Stats(import.OursCpuMs);
                var baseCpu = new Stats(import.BaselineCpuMs);
                double paired = new Stats(import.OursCpuMs.Zip(import.BaselineCpuMs, (o, b) => o - b)).Median;
                Row(text,
                    $"Import-Module + Get-Command, first import in a fresh engine: the importing thread's CPU time (median of {oursCpu.Count} ABBA pairs)",
                    Ms(oursCpu.Median),
                    Ms(baseCpu.Median) + " (one-cmdlet binary module with one view, both through FormatsToProcess)",
                    $"{Ratio(oursCpu.Median / baseCpu.Median)} ({Signed(oursCpu.Median - baseCpu.Median)} ms; median of pair differences {Signed(paired)} ms)",
                    "(reported)",
                    "—");
            }

            Row(text,
                $"Import-Module + Get-Command, wall time (same {oursImport.Count} pairs)",
                Ms(oursImport.Median),
                Ms(baseImport.Median),
                $"{Signed(added)} ms ({Ratio(oursImport.Median / baseImport.Median)})",
                $"< {ImportAddedTargetMs:0} ms added",
                Met(added < ImportAddedTargetMs));

            ProcessCounters ours = MedianCounters(import.OursCounters);
            ProcessCounters baseline = MedianCounters(import.BaselineCounters);
            Row(text,
                "Import: methods JIT-compiled (medians)",
                ours.JitMethods.ToString(CultureInfo.InvariantCulture),
                baseline.JitMethods.ToString(CultureInfo.InvariantCulture),
                $"+{ours.JitMethods - baseline.JitMethods} ({Ratio((double)ours.JitMethods / baseline.JitMethods)})",
                $"≤ +{ImportJitTarget}",
                Met(ours.JitMethods - baseline.JitMethods <= ImportJitTarget));
            Row(text,
                "Import: bytes allocated, assemblies loaded (medians)",
                $"{MbText(ours.AllocatedBytes)}, {ours.Assemblies} assemblies",
                $"{MbText(baseline.AllocatedBytes)}, {baseline.Assemblies} assemblies",
                $"{SignedMb(Mb(ours.AllocatedBytes - baseline.AllocatedBytes))} ({Ratio((double)ours.AllocatedBytes / baseline.AllocatedBytes)}), {ours.Assemblies - baseline.Assemblies:+0;-0;0} assemblies",
                $"≤ +{ImportBytesTargetMb:0.0} MB",
                Met(Mb(ours.AllocatedBytes - baseline.AllocatedBytes) <= ImportBytesTargetMb));
        }

        private static void CallRows(StringBuilder text, CallBenchmark.Result calls)
        {
            var module = new Stats(calls.Samples[CallChild.Module]);
            var cmdlet = new Stats(calls.Samples[CallChild.BaselineCmdlet]);
            var direct = new Stats(calls.Samples[CallChild.HttpAndParse]);
            double medianRatio = module.Median / direct.Median;

            CallBenchmark.PhaseCounts connect = calls.Phases["connected"];
            CallBenchmark.PhaseCounts timed = calls.Phases["timed-end"];
            CallBenchmark.PhaseCounts counted = calls.Phases["token-calls-end"];
            int extraPerThousand = (int)Math.Round(counted.TokenRequests * 1000.0 / calls.TokenCalls);

            Row(text,
                $"Warm: `$null = Get-PartnerLicenseDeployment` per call, against a trivial binary cmdlet doing the same GET and parse, `$null =` too (median of {module.Count})",
                Ms(module.Median),
                Ms(cmdlet.Median) + " (`Get-BaselineDeployment`: HttpClient + JsonTextReader, items written as read)",
                Ratio(module.Median / cmdlet.Median),
                "(reported; the limit for any cmdlet)",
                "—");
            Row(text,
                "Warm, the same, p90",
                Ms(module.P90),
                Ms(cmdlet.P90),
                Ratio(module.P90 / cmdlet.P90),
                "(reported)",
                "—");
            Row(text,
                "Warm, against a bare HttpClient GET + JSON parse without PowerShell (reference)",
                Ms(module.Median),
                Ms(direct.Median),
                Ratio(medianRatio),
                $"≤ {CallRatioTarget:0.0}x",
                Met(medianRatio <= CallRatioTarget));
            Row(text,
                $"Token requests per 1,000 calls with a valid token ({calls.TokenCalls:N0} calls counted)",
                $"{extraPerThousand} (+{connect.TokenRequests} at connect)",
                "0 (+1 up front)",
                $"{extraPerThousand} extra",
                $"{ExtraTokenRequestsTarget} extra (only the connect's)",
                Met(extraPerThousand <= ExtraTokenRequestsTarget && timed.TokenRequests == 0));
        }

        /// <summary>Everything behind the table, for the console only: every import sample, spreads, and the emulator's counts.</summary>
        public static string Details(ColdBenchmark.Result cold, ImportBenchmark.Result import, CallBenchmark.Result calls, StreamingBenchmark.Result streaming, FanOutBenchmark.Result fanOut, PagingBenchmark.Result paging)
        {
            var text = new StringBuilder();
            if (cold != null)
            {
                ColdDetails(text, cold);
            }

            if (streaming != null)
            {
                StreamingDetails(text, streaming);
            }

            if (import != null)
            {
                ImportDetails(text, import);
            }

            if (calls != null)
            {
                CallDetails(text, calls);
            }

            if (fanOut != null)
            {
                FanOutDetails(text, fanOut);
            }

            if (paging != null)
            {
                PagingDetails(text, paging);
            }

            return text.ToString();
        }

        private static void ImportDetails(StringBuilder text, ImportBenchmark.Result import)
        {
            text.AppendLine($"Import samples, ms, in run order (ABBA pairs); Get-Command listed {import.Commands.Ours} commands for ours, {import.Commands.Baseline} for the baseline:");
            text.AppendLine($"  warm-up pair, not counted: ours {import.WarmUpMs.Ours:0.0}, baseline {import.WarmUpMs.Baseline:0.0}");
            text.AppendLine("  ours:     " + string.Join(", ", import.OursMs.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture))));
            text.AppendLine("  baseline: " + string.Join(", ", import.BaselineMs.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture))));
            text.AppendLine(Spread("  ours", new Stats(import.OursMs)));
            text.AppendLine(Spread("  baseline", new Stats(import.BaselineMs)));
            if (import.OursCpuMs.Count > 0)
            {
                text.AppendLine("  importing thread's CPU time, ours:     " + string.Join(", ", import.OursCpuMs.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture))));
                text.AppendLine("  importing thread's CPU time, baseline: " + string.Join(", ", import.BaselineCpuMs.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture))));
            }
            text.AppendLine();
        }

        private static void CallDetails(StringBuilder text, CallBenchmark.Result calls)
        {
            text.AppendLine("Per-call samples, ms (interleaved in one process):");
            foreach (string operation in CallChild.Operations)
            {
                text.AppendLine(Spread("  " + operation.PadRight(10), new Stats(calls.Samples[operation])));
            }

            text.AppendLine($"  {calls.TokenCalls:N0} counted calls took {calls.TokenCallsTotalMs / calls.TokenCalls:0.000} ms each on average");
            text.AppendLine();
            text.AppendLine("Emulator counts per phase (token requests / deployment GETs / non-200 answers):");
            foreach (KeyValuePair<string, CallBenchmark.PhaseCounts> phase in calls.Phases)
            {
                text.AppendLine($"  {phase.Key,-16} {phase.Value.TokenRequests} / {phase.Value.DeploymentRequests} / {phase.Value.FailedRequests}");
            }

            text.AppendLine();
        }

        // Two other estimates of the import difference, so a reader can tell a real difference from
        // noise: pairs ran back to back, so their differences cancel slow drift that two separate
        // medians only average out; the importing thread's CPU time is not stretched by other
        // processes' load at all.
        private static string ImportCrossChecks(ImportBenchmark.Result import)
        {
            double paired = new Stats(import.OursMs.Zip(import.BaselineMs, (o, b) => o - b)).Median;
            string text = $"Import difference cross-checks: median of the per-pair differences {Signed(paired)} ms";
            if (import.OursCpuMs.Count > 0)
            {
                double oursCpu = new Stats(import.OursCpuMs).Median;
                double baselineCpu = new Stats(import.BaselineCpuMs).Median;
                text += $"; importing thread's CPU time {Ms(oursCpu)} vs {Ms(baselineCpu)} (medians), {Signed(oursCpu - baselineCpu)} ms";
            }

            return text + ".";
        }

        // Where a module call's time goes, from the same interleaved run: what PowerShell costs for
        // any cmdlet, what the HTTP exchange costs, and the rest, which is the module's own. Also the
        // best ratio any module could reach against the bare baseline, since no module can make
        // PowerShell's own per-call cost go away.
        private static string Breakdown(CallBenchmark.Result calls)
        {
            double module = new Stats(calls.Samples[CallChild.Module]).Median;
            double cmdlet = new Stats(calls.Samples[CallChild.BaselineCmdlet]).Median;
            double pipeline = new Stats(calls.Samples[CallChild.PipelineFloor]).Median;
            double http = new Stats(calls.Samples[CallChild.HttpOnly]).Median;
            double direct = new Stats(calls.Samples[CallChild.HttpAndParse]).Median;
            return "Per-call breakdown (medians of the same interleaved run, output to `$null` on every PowerShell side): "
                + $"a trivial cmdlet writing a constant {Ms(pipeline)}; HttpClient GET without parsing {Ms(http)}, with the parse {Ms(direct)};"
                + $" the trivial cmdlet doing the GET and parse {Ms(cmdlet)}; Get-PartnerLicenseDeployment {Ms(module)},"
                + $" i.e. {Ms(module - cmdlet)} per call over the least a cmdlet can do (token lookup, request set-up, thread hand-offs, output objects).";
        }

        private static string EngineLine(RunConditions conditions)
        {
            return conditions.ReadyToRun
                ? "Engine: **ReadyToRun** (`-p:BenchReadyToRun=true`: the hosted engine and the bench precompiled, as an installed pwsh ships its engine)."
                : "Engine: **IL-only** (the System.Management.Automation package as NuGet ships it: everything the engine runs the first time is JIT-compiled, unlike an installed pwsh).";
        }

        private static string MachineLine(RunConditions conditions)
        {
            string cpu = CpuModel();
            string engine = conditions.ReadyToRun
                ? "ReadyToRun-compiled, as pwsh ships it"
                : "IL-only as the NuGet package ships it, so first uses are JIT-compiled";
            string load = conditions.LoadAtStart == null
                ? string.Empty
                : $"Load average {conditions.LoadAtStart} at start, {conditions.LoadAtEnd} at end. ";
            return $"Machine: {Environment.ProcessorCount} cores{(cpu == null ? string.Empty : " (" + cpu + ")")}, "
                + $"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}; "
                + $"PowerShell: hosted System.Management.Automation {SmaVersion()} ({engine}); "
                + $"{DateTime.UtcNow:yyyy-MM-dd} UTC. {load}"
                + $"Command: `dotnet run -c Release --project bench/PartnerCenterLicenses.Bench{conditions.Arguments}`.";
        }

        // The package version (7.6.9); the assembly version only says 7.6.0.
        private static string SmaVersion()
        {
            string version = typeof(System.Management.Automation.PowerShell).Assembly
                .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
            int cut = version.IndexOfAny(new[] { '+', ' ' });
            return cut > 0 ? version.Substring(0, cut) : version;
        }

        private static string CpuModel()
        {
            try
            {
                const string Key = "model name";
                string line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith(Key, StringComparison.Ordinal));
                return line?.Substring(line.IndexOf(':') + 1).Trim();
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }

        private static void Row(StringBuilder text, params string[] cells)
        {
            text.AppendLine("| " + string.Join(" | ", cells) + " |");
        }

        private static string Spread(string label, Stats stats)
        {
            return FormattableString.Invariant(
                $"{label}: n={stats.Count} min {stats.Min:0.000} median {stats.Median:0.000} p90 {stats.P90:0.000} max {stats.Max:0.000}");
        }

        // Milliseconds with enough digits for sub-millisecond calls and no false precision on imports.
        private static string Ms(double milliseconds)
        {
            string format = Math.Abs(milliseconds) >= 10 ? "0.0" : "0.000";
            return milliseconds.ToString(format, CultureInfo.InvariantCulture) + " ms";
        }

        private static string Signed(double milliseconds)
        {
            return (milliseconds >= 0 ? "+" : "-") + Math.Abs(milliseconds).ToString("0.0", CultureInfo.InvariantCulture);
        }

        private static string Ratio(double ratio)
        {
            return ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x";
        }

        private static string Met(bool met)
        {
            return met ? "yes" : "**no**";
        }
    }
}
