using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using PartnerCenter.Emulator.State;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Parent side of the report download benchmark (issue 20): rows per second of Receive-PartnerInsightsReport
    /// against the same CSV reader over the same bytes in a bare loop, the peak working set of a fresh process at
    /// two file sizes, and how long after the first row's bytes leave the download origin the first row is
    /// written. Writes its own table to results/issue20-reports.md.
    /// </summary>
    internal static class ReportBenchmark
    {
        private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(15);

        private const string Header = "CustomerTenantId,CustomerName,Product,Month,TotalSoldSeats,TotalAssignedSeats,BilledRevenueUSD\r\n";

        public static async Task<string> RunAsync(int smallRows, int rows, int rounds, Action<string> progress)
        {
            await using BenchEmulator emulator = await BenchEmulator.StartAsync();
            DownloadStore downloads = emulator.State.Downloads;
            string small = emulator.RunFile("small.csv");
            string large = emulator.RunFile("large.csv");
            WriteFile(small, smallRows);
            WriteFile(large, rows);
            Uri smallLink = downloads.Publish("small.csv", () => File.OpenRead(small), DateTimeOffset.UtcNow.AddHours(2));
            Uri largeLink = downloads.Publish("large.csv", () => File.OpenRead(large), DateTimeOffset.UtcNow.AddHours(2));

            var table = new StringBuilder();
            table.AppendLine("| measure | module | bare Sylvan loop | ratio / goal |").AppendLine("| --- | --- | --- | --- |");

            // Throughput, interleaved in one child.
            JsonObject compared = await ChildProcess.RunAsync(new[] { "reports", "compare", rounds.ToString(CultureInfo.InvariantCulture) },
                emulator.EnvironmentWith(new Dictionary<string, string> { [ReportChild.LinkVariable] = largeLink.ToString() }), ChildTimeout,
                name => progress("reports: " + name));
            JsonArray runs = compared["runs"].AsArray();
            Check(runs, rows);
            double moduleRate = Median(runs, ReportChild.Module, r => (long)r["rows"] / ((double)r["ms"] / 1000));
            double bareRate = Median(runs, ReportChild.Bare, r => (long)r["rows"] / ((double)r["ms"] / 1000));
            table.AppendLine(CultureInfo.InvariantCulture, $"| rows/s, {rows:N0}-row file (median of {rounds}) | {moduleRate:N0} | {bareRate:N0} | {moduleRate / bareRate:0.00}x (goal >= 0.8x) |");

            progress($"reports: {moduleRate:N0} rows/s against {bareRate:N0}");

            // Peak working set, a fresh process per figure.
            var peaks = new Dictionary<(string, int), long>();
            foreach ((Uri link, int count) in new[] { (smallLink, smallRows), (largeLink, rows) })
            {
                foreach (string who in new[] { ReportChild.Module, ReportChild.Bare })
                {
                    JsonObject document = await ChildProcess.RunAsync(new[] { "reports", "memory", who },
                        emulator.EnvironmentWith(new Dictionary<string, string> { [ReportChild.LinkVariable] = link.ToString() }), ChildTimeout);
                    Check(document["runs"].AsArray(), count);
                    peaks[(who, count)] = (long)document["peakWorkingSetBytes"];
                    progress($"reports: peak working set, {who}, {count:N0} rows: {peaks[(who, count)] / 1048576.0:0.0} MB");
                }
            }

            foreach (string who in new[] { ReportChild.Module, ReportChild.Bare })
            {
                table.Append(CultureInfo.InvariantCulture, $"| peak working set, {smallRows:N0} -> {rows:N0} rows ({who}) | ");
                string figure = $"{peaks[(who, smallRows)] / 1048576.0:0.0} -> {peaks[(who, rows)] / 1048576.0:0.0} MB";
                table.Append(who == ReportChild.Module ? figure + " | | " : " | " + figure + " | ");
                table.AppendLine(CultureInfo.InvariantCulture, $"+{(peaks[(who, rows)] - peaks[(who, smallRows)]) / 1048576.0:0.0} MB (goal: flat) |");
            }

            // First row: the origin holds the body after the first row (of the second file the child reads: the first warms
            // it up); the latency is from its flush to the row.
            // The file starts with a UTF-8 byte order mark (3 bytes), then the header and the first row.
            int firstRowBytes = 3 + Encoding.UTF8.GetByteCount(Header + Row(0));
            foreach (string who in new[] { ReportChild.Module, ReportChild.Bare })
            {
                var latencies = new List<double>();
                for (int i = 0; i < Math.Max(3, rounds); i++)
                {
                    long flushed = 0;
                    Task release = Task.CompletedTask;
                    void HoldNextFile(string point)
                    {
                        if (point != "warm")
                        {
                            return;
                        }

                        DownloadStall stall = downloads.StallAfter(firstRowBytes);
                        release = Task.Run(async () =>
                        {
                            await stall.Reached;
                            flushed = Stopwatch.GetTimestamp();
                            await Task.Delay(500);
                            stall.Release();
                        });
                    }

                    JsonObject document = await ChildProcess.RunAsync(new[] { "reports", "first", who },
                        emulator.EnvironmentWith(new Dictionary<string, string> { [ReportChild.LinkVariable] = smallLink.ToString() }), ChildTimeout, HoldNextFile);
                    await release;
                    long first = (long)document["runs"][0]["firstRowTimestamp"];
                    latencies.Add(Stopwatch.GetElapsedTime(flushed, first).TotalMilliseconds);
                }

                latencies.Sort();
                string median = latencies[latencies.Count / 2].ToString("0.0", CultureInfo.InvariantCulture) + " ms";
                string line = "| first row after its bytes were flushed, median of " + latencies.Count + " (" + who + ") | "
                    + (who == ReportChild.Module ? median + " | | goal <= 5 ms |" : " | " + median + " | |");
                table.AppendLine(line);
            }

            string result = table.ToString();
            Directory.CreateDirectory(BenchPaths.ResultsFolder);
            File.WriteAllText(Path.Combine(BenchPaths.ResultsFolder, "issue20-reports-latest.md"),
                "<!-- Written by bench/PartnerCenterLicenses.Bench --cases reports. -->\n" + result);
            return result;
        }

        private static string Row(int i) =>
            string.Format(CultureInfo.InvariantCulture, "{0:D8}-1111-4111-8111-{1:D12},\"Customer {0}, Ltd\",Microsoft 365 E3,2026-{2:D2}-01,{3},{4},{5}.25\r\n",
                i, i, i % 12 + 1, i % 500 + 1, i % 400, i % 10000);

        private static void WriteFile(string path, int rows)
        {
            using var writer = new StreamWriter(path, false, new UTF8Encoding(true), 1 << 16);
            writer.Write(Header);
            for (int i = 0; i < rows; i++)
            {
                writer.Write(Row(i));
            }
        }

        private static void Check(JsonArray runs, long expected)
        {
            foreach (JsonNode run in runs)
            {
                if ((long)run["rows"] != expected)
                {
                    throw new InvalidOperationException($"Reports: '{(string)run["who"]}' read {(long)run["rows"]} rows instead of {expected}.");
                }
            }
        }

        private static double Median(JsonArray runs, string who, Func<JsonNode, double> value)
        {
            double[] values = runs.Where(r => (string)r["who"] == who).Select(value).OrderBy(v => v).ToArray();
            return values[values.Length / 2];
        }
    }
}
