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

        public static string Build(ImportBenchmark.Result import, CallBenchmark.Result calls, FanOutBenchmark.Result fanOut, PagingBenchmark.Result paging, RunConditions conditions)
        {
            var text = new StringBuilder();
            text.AppendLine("| benchmark | ours | baseline | ratio / difference | target | met? |");
            text.AppendLine("| --- | --- | --- | --- | --- | --- |");
            if (import != null)
            {
                ImportRows(text, import);
            }

            if (calls != null)
            {
                CallRows(text, calls);
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
            Row(text,
                $"Import-Module + Get-Command, first import in a fresh engine (median of {oursImport.Count} each)",
                Ms(oursImport.Median),
                Ms(baseImport.Median) + " (one-cmdlet binary module)",
                $"{Signed(added)} ms ({Ratio(oursImport.Median / baseImport.Median)})",
                $"< {ImportAddedTargetMs:0} ms added",
                Met(added < ImportAddedTargetMs));
        }

        private static void CallRows(StringBuilder text, CallBenchmark.Result calls)
        {
            var module = new Stats(calls.Samples[CallChild.Module]);
            var direct = new Stats(calls.Samples[CallChild.HttpAndParse]);
            double pipelineFloor = new Stats(calls.Samples[CallChild.PipelineFloor]).Median;
            double medianRatio = module.Median / direct.Median;
            double p90Ratio = module.P90 / direct.P90;
            double ownShareRatio = module.Median / (pipelineFloor + direct.Median);

            CallBenchmark.PhaseCounts connect = calls.Phases["connected"];
            CallBenchmark.PhaseCounts timed = calls.Phases["timed-end"];
            CallBenchmark.PhaseCounts counted = calls.Phases["token-calls-end"];
            int extraPerThousand = (int)Math.Round(counted.TokenRequests * 1000.0 / calls.TokenCalls);

            Row(text,
                $"Get-PartnerLicenseDeployment per call (median of {module.Count})",
                Ms(module.Median),
                Ms(direct.Median) + " (HttpClient GET + JSON parse)",
                Ratio(medianRatio),
                $"≤ {CallRatioTarget:0.0}x",
                Met(medianRatio <= CallRatioTarget));
            Row(text,
                "Get-PartnerLicenseDeployment per call, p90",
                Ms(module.P90),
                Ms(direct.P90),
                Ratio(p90Ratio),
                "(reported)",
                "—");
            Row(text,
                "Get-PartnerLicenseDeployment per call, against a trivial cmdlet's pipeline + the same GET and parse",
                Ms(module.Median),
                $"{Ms(pipelineFloor + direct.Median)} ({Ms(pipelineFloor)} + {Ms(direct.Median)})",
                Ratio(ownShareRatio),
                "(reported)",
                "—");
            Row(text,
                $"Token requests per 1,000 calls with a valid token ({calls.TokenCalls:N0} calls counted)",
                $"{extraPerThousand} (+{connect.TokenRequests} at connect)",
                "0 (+1 up front)",
                $"{extraPerThousand} extra",
                $"{ExtraTokenRequestsTarget} extra (only the connect's)",
                Met(extraPerThousand <= ExtraTokenRequestsTarget && timed.TokenRequests == 0));

        }

        /// <summary>Everything behind the table, for the console only: every import sample, spreads, and the emulator's counts.</summary>
        public static string Details(ImportBenchmark.Result import, CallBenchmark.Result calls, FanOutBenchmark.Result fanOut, PagingBenchmark.Result paging)
        {
            var text = new StringBuilder();
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
            double pipeline = new Stats(calls.Samples[CallChild.PipelineFloor]).Median;
            double http = new Stats(calls.Samples[CallChild.HttpOnly]).Median;
            double direct = new Stats(calls.Samples[CallChild.HttpAndParse]).Median;
            double own = module - pipeline - http;
            return "Per-call breakdown (medians of the same interleaved run): "
                + $"Get-PartnerLicenseDeployment {Ms(module)} ≈ PowerShell pipeline of a trivial binary cmdlet {Ms(pipeline)}"
                + $" + HttpClient GET without parsing {Ms(http)} + the module's own work {Ms(own)}"
                + " (token lookup, request set-up, thread hand-offs, streaming JSON reader, output objects)."
                + $" A module adding nothing to the GET and parse would still measure {Ratio((pipeline + direct) / direct)} against the bare baseline.";
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
