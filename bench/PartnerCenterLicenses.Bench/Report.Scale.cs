using System;
using System.Globalization;
using System.Linq;
using System.Text;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>The fan-out and paging rows of the table, and what lies behind them.</summary>
    internal static partial class Report
    {
        /// <summary>The bound over the measured wall time, at least (1.25x the bound at most).</summary>
        public const double FanOutEfficiencyTarget = 0.80;

        public const double PagingRatioTarget = 0.70;

        public const double PagingMemoryTargetMb = 20;

        private static void FanOutRows(StringBuilder text, FanOutBenchmark.Result fanOut)
        {
            string bound = $"{Ms(fanOut.BoundMs)} ({fanOut.Customers:N0} x {fanOut.LatencyMs:0} ms / {fanOut.ThrottleLimit})";
            foreach ((string form, string how) in new[] { (FanOutChild.Argument, $"-CustomerId <{fanOut.Customers:N0} ids>"), (FanOutChild.Piped, $"{fanOut.Customers:N0} ids piped in") })
            {
                var runs = new Stats(fanOut.Of(form).Select(r => r.Ms));
                double efficiency = fanOut.BoundMs / runs.Median;
                Row(text,
                    $"Get-PartnerLicenseDeployment fan-out, {how}, -ThrottleLimit {fanOut.ThrottleLimit}, {fanOut.LatencyMs:0} ms per request (median of {runs.Count})",
                    Ms(runs.Median),
                    "bound " + bound,
                    $"{Ratio(runs.Median / fanOut.BoundMs)} (efficiency {efficiency:P0})",
                    $"≤ {1 / FanOutEfficiencyTarget:0.00}x (≥ {FanOutEfficiencyTarget:P0})",
                    Met(efficiency >= FanOutEfficiencyTarget));
            }

            int peak = fanOut.Runs.Max(r => r.PeakConcurrent);
            Row(text,
                "Fan-out: most Partner Center requests in flight at once (the emulator's count, every run)",
                peak.ToString(CultureInfo.InvariantCulture),
                $"-ThrottleLimit {fanOut.ThrottleLimit}",
                "—",
                $"≤ {fanOut.ThrottleLimit}",
                Met(peak <= fanOut.ThrottleLimit));

            double argumentMs = new Stats(fanOut.Of(FanOutChild.Argument).Select(r => r.Ms)).Median;
            double loopScaled = fanOut.LoopMs / fanOut.LoopCustomers * fanOut.Customers;
            Row(text,
                $"Fan-out against a foreach loop calling the cmdlet once per customer (loop timed over {fanOut.LoopCustomers} customers, scaled to {fanOut.Customers:N0})",
                Ms(argumentMs),
                $"{Ms(loopScaled)} ({Ms(fanOut.LoopMs)} for {fanOut.LoopCustomers})",
                $"{loopScaled / argumentMs:0.0}x faster",
                "(reported)",
                "—");
        }

        private static void PagingRows(StringBuilder text, PagingBenchmark.Result paging)
        {
            if (!paging.CommercialAvailable)
            {
                Row(text,
                    $"{PagingBenchmark.CommercialCommand}: rows per second and peak working set",
                    "pending",
                    "bare HttpClient + JsonTextReader loop",
                    "—",
                    $"≥ {PagingRatioTarget:0.00}x; ≤ +{PagingMemoryTargetMb:0} MB",
                    "pending (the module does not export the command yet)");
            }
            else
            {
                PagingBenchmark.Comparison throughput = paging.Throughput;
                var ours = new Stats(throughput.Of(PagingChild.Module).Select(r => r.RowsPerSecond));
                var bare = new Stats(throughput.Of(PagingChild.Bare).Select(r => r.RowsPerSecond));
                double ratio = ours.Median / bare.Median;
                Row(text,
                    $"{PagingBenchmark.CommercialCommand}, {throughput.RowsPerRead:N0} rows in pages of {paging.PageSize:N0}, rows per second (median of {ours.Count})",
                    Rate(ours.Median),
                    Rate(bare.Median) + " (HttpClient + JsonTextReader into plain objects, following @nextLink)",
                    Ratio(ratio),
                    $"≥ {PagingRatioTarget:0.00}x",
                    Met(ratio >= PagingRatioTarget));

                int small = paging.PeakWorkingSet.Keys.Min(k => k.Rows);
                int large = paging.PeakWorkingSet.Keys.Max(k => k.Rows);
                double oursGrowth = Mb(paging.PeakWorkingSet[(PagingChild.Module, large)] - paging.PeakWorkingSet[(PagingChild.Module, small)]);
                double bareGrowth = Mb(paging.PeakWorkingSet[(PagingChild.Bare, large)] - paging.PeakWorkingSet[(PagingChild.Bare, small)]);
                Row(text,
                    $"Peak working set of a fresh process reading {large:N0} rows, against {small:N0}",
                    $"{Mb(paging.PeakWorkingSet[(PagingChild.Module, large)]):0.0} MB against {Mb(paging.PeakWorkingSet[(PagingChild.Module, small)]):0.0} MB",
                    $"bare loop: {Mb(paging.PeakWorkingSet[(PagingChild.Bare, large)]):0.0} MB against {Mb(paging.PeakWorkingSet[(PagingChild.Bare, small)]):0.0} MB ({SignedMb(bareGrowth)})",
                    SignedMb(oursGrowth),
                    $"≤ +{PagingMemoryTargetMb:0} MB",
                    Met(oursGrowth <= PagingMemoryTargetMb));
            }

            foreach (PagingBenchmark.Comparison first in paging.FirstObject)
            {
                var ours = new Stats(first.Of(PagingChild.Module).Select(r => r.FirstRowMs));
                var bareRow = new Stats(first.Of(PagingChild.Bare).Select(r => r.FirstRowMs));
                var bareByte = new Stats(first.Of(PagingChild.Bare).Select(r => r.FirstByteMs));
                Row(text,
                    $"Time to the first object, {first.Label} (median of {ours.Count})",
                    Ms(ours.Median),
                    $"first parsed row {Ms(bareRow.Median)} (first byte {Ms(bareByte.Median)})",
                    $"{Ratio(ours.Median / bareRow.Median)} ({Signed(ours.Median - bareRow.Median)} ms)",
                    "(reported)",
                    "—");
            }
        }

        private static string FanOutNotes(FanOutBenchmark.Result fanOut)
        {
            int expected = fanOut.Customers;
            bool clean = fanOut.Runs.All(r => r.Requests == expected && r.Failed == 0) && fanOut.LoopRequests == fanOut.LoopCustomers;
            return $"Fan-out: each run sent {string.Join("/", fanOut.Runs.Select(r => r.Requests).Distinct())} customer requests for {expected:N0} customers"
                + $" ({fanOut.Runs.Sum(r => r.Failed)} answered with an error){(clean ? string.Empty : " — not one per customer, so the times measure something else")};"
                + $" peak concurrency per run {string.Join(", ", fanOut.Runs.Select(r => r.PeakConcurrent))}; the loop's peak {fanOut.LoopPeakConcurrent}."
                + $" The bound assumes every slot busy from the first request to the last; PowerShell, the TLS connections and the emulator on the same cores come on top.";
        }

        private static string PagingNotes(PagingBenchmark.Result paging)
        {
            var text = new StringBuilder();
            if (paging.Throughput != null)
            {
                PagingBenchmark.Comparison t = paging.Throughput;
                text.Append($"Paging: the emulator served {t.Requests} pages for {t.Runs.Count} reads ({t.Failed} errors); ");
                text.Append("peak working sets are each from a fresh child process that read once (the module's includes the PowerShell engine; the difference between the two row counts is what grows with the rows). ");
            }

            text.Append("Time to the first object counts from the call, so the module's includes PowerShell's pipeline start and the token lookup; the bare loop's first byte is when the body's first byte could be read.");
            return text.ToString();
        }

        private static void FanOutDetails(StringBuilder text, FanOutBenchmark.Result fanOut)
        {
            text.AppendLine($"Fan-out runs ({fanOut.Customers:N0} customers, {fanOut.LatencyMs:0} ms latency, ThrottleLimit {fanOut.ThrottleLimit}; bound {Ms(fanOut.BoundMs)}):");
            foreach (FanOutBenchmark.Run run in fanOut.Runs)
            {
                text.AppendLine(FormattableString.Invariant(
                    $"  {run.Name,-12} {run.Ms,9:0.0} ms, first object {run.FirstObjectMs:0.0} ms, {run.Objects} objects, {run.Requests} requests, {run.Failed} errors, peak {run.PeakConcurrent} in flight"));
            }

            text.AppendLine(FormattableString.Invariant(
                $"  loop         {fanOut.LoopMs,9:0.0} ms for {fanOut.LoopCustomers} customers ({fanOut.LoopMs / fanOut.LoopCustomers:0.0} ms each), {fanOut.LoopObjects} objects, {fanOut.LoopRequests} requests, peak {fanOut.LoopPeakConcurrent}"));
            text.AppendLine();
        }

        private static void PagingDetails(StringBuilder text, PagingBenchmark.Result paging)
        {
            foreach (PagingBenchmark.Comparison comparison in new[] { paging.Throughput }.Concat(paging.FirstObject).Where(c => c != null))
            {
                text.AppendLine($"Paging, {comparison.Label} (in run order; {comparison.Requests} GETs, {comparison.Failed} errors):");
                foreach (PagingBenchmark.Run run in comparison.Runs)
                {
                    text.AppendLine(FormattableString.Invariant(
                        $"  {run.Who,-6} {run.Ms,9:0.0} ms, {run.RowsPerSecond,9:0} rows/s, first row {run.FirstRowMs:0.0} ms{(double.IsNaN(run.FirstByteMs) ? string.Empty : $", first byte {run.FirstByteMs:0.0} ms")}"));
                }
            }

            foreach (var pair in paging.PeakWorkingSet.OrderBy(p => p.Key.Who).ThenBy(p => p.Key.Rows))
            {
                text.AppendLine(FormattableString.Invariant($"  peak working set, {pair.Key.Who}, {pair.Key.Rows:N0} rows: {Mb(pair.Value):0.0} MB"));
            }

            text.AppendLine();
        }

        private static double Mb(long bytes) => bytes / (1024.0 * 1024.0);

        private static string SignedMb(double mb) => (mb >= 0 ? "+" : "-") + Math.Abs(mb).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

        private static string Rate(double rowsPerSecond) => rowsPerSecond.ToString("N0", CultureInfo.InvariantCulture) + " rows/s";
    }
}
