using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>The cold-start and streaming rows of the table, and what lies behind them.</summary>
    internal static partial class Report
    {
        /// <summary>Issue 13: a cold Connect-PartnerCenter JIT-compiled 2,149 methods when the issue was filed; the goal is half.</summary>
        public const long ColdConnectJitTarget = 2149 / 2;

        public const double StreamingPerItemTarget = 1.1;

        public const double StreamingMemoryTargetMb = 20;

        public const double FirstObjectTargetMs = 5;

        private static void ColdRows(StringBuilder text, ColdBenchmark.Result cold)
        {
            var ours = new Stats(cold.Ours.Select(s => s.FirstObjectMs));
            var baseline = new Stats(cold.Baseline.Select(s => s.FirstObjectMs));
            double paired = new Stats(cold.Ours.Zip(cold.Baseline, (o, b) => o.FirstObjectMs - b.FirstObjectMs)).Median;
            Row(text,
                $"Cold: process start to the first object of `Import-Module; Connect-PartnerCenter; Get-PartnerLicenseDeployment` in a fresh process (median of {ours.Count} ABBA pairs)",
                Ms(ours.Median),
                Ms(baseline.Median) + " (`BaselineHttpModule`: the same token POST and GET with a bare HttpClient)",
                $"{Ratio(ours.Median / baseline.Median)} ({Signed(ours.Median - baseline.Median)} ms; pairs {Signed(paired)} ms)",
                "(reported)",
                "—");

            ProcessCounters o = MedianCounters(cold.Ours.Select(s => s.At["first-object"]));
            ProcessCounters b = MedianCounters(cold.Baseline.Select(s => s.At["first-object"]));
            Row(text,
                "Cold: the whole process at the first object: methods JIT-compiled, bytes allocated, assemblies loaded, CPU time (medians)",
                CountersText(o),
                CountersText(b),
                $"+{o.JitMethods - b.JitMethods} methods, {SignedMb(Mb(o.AllocatedBytes - b.AllocatedBytes))}, {o.Assemblies - b.Assemblies:+0;-0;0} assemblies, {Signed(o.CpuMs - b.CpuMs)} ms CPU ({Ratio(o.CpuMs / b.CpuMs)})",
                "(reported)",
                "—");

            ProcessCounters oc = MedianCounters(cold.Ours.Select(s => s.At["connect"] - s.At["environment"]));
            ProcessCounters bc = MedianCounters(cold.Baseline.Select(s => s.At["connect"] - s.At["environment"]));
            Row(text,
                "Cold Connect-PartnerCenter alone (after the import, which loaded the views, and the emulator's Add-PartnerCenterEnvironment): methods JIT-compiled, CPU time (medians)",
                $"{oc.JitMethods:N0} methods, {Ms(oc.CpuMs)} CPU",
                $"{bc.JitMethods:N0} methods, {Ms(bc.CpuMs)} CPU (`Connect-BaselineHttp`)",
                $"+{oc.JitMethods - bc.JitMethods:N0} methods, {Signed(oc.CpuMs - bc.CpuMs)} ms CPU",
                $"≤ {ColdConnectJitTarget:N0} methods (half of 2,149)",
                Met(oc.JitMethods <= ColdConnectJitTarget));
        }

        private static string ColdNotes(ColdBenchmark.Result cold)
        {
            var text = new StringBuilder("Cold start by phase (medians of what each phase added: methods JIT-compiled / bytes allocated / assemblies loaded / process CPU time):");
            string previous = null;
            foreach (string phase in ColdBenchmark.Phases)
            {
                string label = phase switch
                {
                    "engine" => "runtime and engine start, runspace open",
                    "import" => "Import-Module",
                    "environment" => "the emulator's environment (ours: Add-PartnerCenterEnvironment; baseline: nothing)",
                    "connect" => "connect",
                    _ => "first Get to its end",
                };
                string p = previous;
                ProcessCounters o = MedianCounters(cold.Ours.Select(s => p == null ? s.At[phase] : s.At[phase] - s.At[p]));
                ProcessCounters b = MedianCounters(cold.Baseline.Select(s => p == null ? s.At[phase] : s.At[phase] - s.At[p]));
                text.Append($" {label}: ours {PhaseText(o)}, baseline {PhaseText(b)};");
                previous = phase;
            }

            text.Length--;
            text.Append(". The first Get's counters are read when its pipeline ends (two objects, so at the first object in effect).");
            return text.ToString();
        }

        private static void ColdDetails(StringBuilder text, ColdBenchmark.Result cold)
        {
            text.AppendLine("Cold samples, process start to first object, ms (ABBA pairs):");
            text.AppendLine($"  warm-up pair, not counted: ours {cold.WarmUpMs.Ours:0.0}, baseline {cold.WarmUpMs.Baseline:0.0}");
            text.AppendLine("  ours:     " + string.Join(", ", cold.Ours.Select(s => s.FirstObjectMs.ToString("0.0", CultureInfo.InvariantCulture))));
            text.AppendLine("  baseline: " + string.Join(", ", cold.Baseline.Select(s => s.FirstObjectMs.ToString("0.0", CultureInfo.InvariantCulture))));
            text.AppendLine();
        }

        private static void StreamingRows(StringBuilder text, StreamingBenchmark.Result streaming)
        {
            foreach (StreamingBenchmark.Size size in streaming.Sizes)
            {
                var ours = new Stats(size.Of(StreamingBenchmark.Module).Select(r => r.PerItemUs));
                var cmdlet = new Stats(size.Of(StreamingBenchmark.Cmdlet).Select(r => r.PerItemUs));
                double ratio = ours.Median / cmdlet.Median;
                Row(text,
                    $"Streaming, one body of {size.Items:N0} items: time per item (median of {ours.Count})",
                    Us(ours.Median),
                    Us(cmdlet.Median) + " (`Get-BaselineDeployment` reading the same body)",
                    Ratio(ratio),
                    $"≤ {StreamingPerItemTarget:0.0}x",
                    Met(ratio <= StreamingPerItemTarget));
            }

            if (streaming.Sizes.Count >= 2)
            {
                StreamingBenchmark.Size small = streaming.Sizes.OrderBy(s => s.Items).First();
                StreamingBenchmark.Size large = streaming.Sizes.OrderBy(s => s.Items).Last();
                double growth = Mb(large.PeakWorkingSet[StreamingBenchmark.Module] - small.PeakWorkingSet[StreamingBenchmark.Module]);
                double cmdletGrowth = Mb(large.PeakWorkingSet[StreamingBenchmark.Cmdlet] - small.PeakWorkingSet[StreamingBenchmark.Cmdlet]);
                Row(text,
                    $"Streaming: peak working set of a fresh process reading one body of {large.Items:N0} items, against {small.Items:N0}",
                    $"{MbText(large.PeakWorkingSet[StreamingBenchmark.Module])} against {MbText(small.PeakWorkingSet[StreamingBenchmark.Module])}",
                    $"cmdlet: {MbText(large.PeakWorkingSet[StreamingBenchmark.Cmdlet])} against {MbText(small.PeakWorkingSet[StreamingBenchmark.Cmdlet])} ({SignedMb(cmdletGrowth)})",
                    SignedMb(growth),
                    $"≤ +{StreamingMemoryTargetMb:0} MB",
                    Met(growth <= StreamingMemoryTargetMb));
            }

            foreach (StreamingBenchmark.Size size in streaming.Sizes)
            {
                var ours = new Stats(size.Of(StreamingBenchmark.Module).Select(r => r.FirstObjectMs));
                var firstByte = new Stats(size.Of(StreamingBenchmark.Cmdlet).Select(r => r.FirstByteMs));
                var cmdletFirst = new Stats(size.Of(StreamingBenchmark.Cmdlet).Select(r => r.FirstObjectMs));
                double late = ours.Median - firstByte.Median;
                Row(text,
                    $"Streaming, one body of {size.Items:N0} items: time to the first object, against the moment the body's bytes arrive (median of {ours.Count})",
                    Ms(ours.Median),
                    $"first byte {Ms(firstByte.Median)} (the cmdlet's first object {Ms(cmdletFirst.Median)})",
                    $"{Signed(late)} ms",
                    $"≤ +{FirstObjectTargetMs:0} ms",
                    Met(late <= FirstObjectTargetMs));
            }
        }

        private static void StreamingDetails(StringBuilder text, StreamingBenchmark.Result streaming)
        {
            foreach (StreamingBenchmark.Size size in streaming.Sizes)
            {
                text.AppendLine($"Streaming, {size.Items:N0} items (in run order):");
                foreach (StreamingBenchmark.Run run in size.Runs)
                {
                    text.AppendLine(FormattableString.Invariant(
                        $"  {run.Who,-6} {run.Ms,9:0.0} ms, {run.PerItemUs:0.000} µs per item, first object {run.FirstObjectMs:0.0} ms{(double.IsNaN(run.FirstByteMs) ? string.Empty : $", first byte {run.FirstByteMs:0.0} ms")}"));
                }

                foreach (KeyValuePair<string, long> pair in size.PeakWorkingSet)
                {
                    text.AppendLine($"  peak working set, {pair.Key}: {MbText(pair.Value)}");
                }
            }

            text.AppendLine();
        }

        private static ProcessCounters MedianCounters(IEnumerable<ProcessCounters> samples)
        {
            List<ProcessCounters> list = samples.ToList();
            return new ProcessCounters(
                (long)Math.Round(new Stats(list.Select(c => (double)c.JitMethods)).Median),
                (long)Math.Round(new Stats(list.Select(c => (double)c.AllocatedBytes)).Median),
                (int)Math.Round(new Stats(list.Select(c => (double)c.Assemblies)).Median),
                new Stats(list.Select(c => c.CpuMs)).Median);
        }

        private static string CountersText(ProcessCounters c) =>
            $"{c.JitMethods:N0} methods, {MbText(c.AllocatedBytes)}, {c.Assemblies} assemblies, {Ms(c.CpuMs)} CPU";

        private static string PhaseText(ProcessCounters c) =>
            FormattableString.Invariant($"{c.JitMethods:N0} / {Mb(c.AllocatedBytes):0.0} MB / {c.Assemblies} / {c.CpuMs:0} ms");

        private static string MbText(long bytes) => Mb(bytes).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

        private static string Us(double microseconds) => microseconds.ToString("0.00", CultureInfo.InvariantCulture) + " µs";
    }
}
