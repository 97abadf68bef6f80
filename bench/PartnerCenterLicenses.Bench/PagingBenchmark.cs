using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using PartnerCenter.Emulator;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Parent side of the paging benchmarks: rows per second of the commercial API's reader against a
    /// bare HttpClient + JsonTextReader loop over the same pages, the peak working set at two row
    /// counts, and the time to the first object of one very large page.
    /// </summary>
    internal static class PagingBenchmark
    {
        public const string CommercialCommand = "Get-PartnerCommercialLicenseDeployment";
        public const string CommercialPath = "/partner/v1/analytics/commercial/deployment/license";
        public const string PartnerCommand = "Get-PartnerLicenseDeployment";

        private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(10);

        public sealed class Run
        {
            public string Who { get; init; }

            public long Rows { get; init; }

            public double Ms { get; init; }

            public double FirstRowMs { get; init; }

            public double FirstByteMs { get; init; }

            public double RowsPerSecond => Rows / (Ms / 1000.0);
        }

        /// <summary>Module and bare runs of one comparison, with what the emulator saw.</summary>
        public sealed class Comparison
        {
            public string Label { get; init; }

            public long RowsPerRead { get; init; }

            public List<Run> Runs { get; } = new List<Run>();

            public int Requests { get; set; }

            public int Failed { get; set; }

            public IEnumerable<Run> Of(string who) => Runs.Where(r => r.Who == who);
        }

        public sealed class Result
        {
            /// <summary>False when the module does not export the commercial command yet; then only the partner-level page is measured.</summary>
            public bool CommercialAvailable { get; init; }

            public int PageSize { get; init; }

            public Comparison Throughput { get; set; }

            /// <summary>Peak working set in bytes by (who, rows).</summary>
            public Dictionary<(string Who, int Rows), long> PeakWorkingSet { get; } = new Dictionary<(string, int), long>();

            public List<Comparison> FirstObject { get; } = new List<Comparison>();
        }

        public static async Task<Result> RunAsync(int rows, int smallRows, int pageSize, int bigPage, int rounds, Action<string> progress)
        {
            bool commercial = File.ReadAllText(BenchPaths.ModuleManifest).Contains("'" + CommercialCommand + "'", StringComparison.OrdinalIgnoreCase);
            var result = new Result { CommercialAvailable = commercial, PageSize = pageSize };
            await using BenchEmulator emulator = await BenchEmulator.StartAsync();
            EmulatorState state = emulator.State;
            string commercialFirst = CommercialPath + "?top=" + pageSize.ToString(CultureInfo.InvariantCulture);

            if (commercial)
            {
                state.SetCommercialRows("deployment", rows);
                result.Throughput = await CompareAsync(emulator, $"{rows:N0} rows", rows, CommercialCommand, commercialFirst, rounds, progress);

                foreach (int count in new[] { smallRows, rows })
                {
                    state.SetCommercialRows("deployment", count);
                    foreach (string who in new[] { PagingChild.Module, PagingChild.Bare })
                    {
                        JsonObject document = await ChildProcess.RunAsync(
                            new[] { "paging", "memory", who },
                            Environment(emulator, CommercialCommand, commercialFirst),
                            ChildTimeout);
                        CheckRows(document["runs"].AsArray(), count, "memory " + who);
                        result.PeakWorkingSet[(who, count)] = (long)document["peakWorkingSetBytes"];
                        progress($"paging: peak working set, {who}, {count:N0} rows: {(long)document["peakWorkingSetBytes"] / 1048576.0:0.0} MB");
                    }
                }

                state.SetCommercialRows("deployment", bigPage);
                state.CommercialPageSize = bigPage;
                result.FirstObject.Add(await CompareAsync(emulator, $"commercial, one page of {bigPage:N0} rows", bigPage, CommercialCommand, commercialFirst, rounds, progress));
                state.CommercialPageSize = null;
            }

            // The partner-level body (one body of many items) is the streaming case's (StreamingBenchmark).
            return result;
        }

        private static async Task<Comparison> CompareAsync(BenchEmulator emulator, string label, int rows, string command, string firstPage, int rounds, Action<string> progress)
        {
            var comparison = new Comparison { Label = label, RowsPerRead = rows };
            emulator.State.ClearRecords();
            JsonObject document = await ChildProcess.RunAsync(
                new[] { "paging", "compare", rounds.ToString(CultureInfo.InvariantCulture) },
                Environment(emulator, command, firstPage),
                ChildTimeout,
                name =>
                {
                    IReadOnlyList<RecordedRequest> requests = emulator.State.Requests;
                    if (name == "measured")
                    {
                        comparison.Requests = requests.Count(r => r.Method == "GET" && r.StatusCode == 200 && !r.Path.Contains("/oauth2/", StringComparison.Ordinal));
                        comparison.Failed = requests.Count(r => r.StatusCode != 200);
                    }

                    emulator.State.ClearRecords();
                    progress($"paging: {label}: {name}");
                });
            JsonArray runs = document["runs"].AsArray();
            CheckRows(runs, rows, label);
            foreach (JsonNode node in runs)
            {
                comparison.Runs.Add(new Run
                {
                    Who = (string)node["who"],
                    Rows = (long)node["rows"],
                    Ms = (double)node["ms"],
                    FirstRowMs = (double)node["firstRowMs"],
                    FirstByteMs = node["firstByteMs"] is JsonNode b ? (double)b : double.NaN,
                });
            }

            return comparison;
        }

        // A run that read fewer rows measured something else; say so rather than report a fast number.
        private static void CheckRows(JsonArray runs, long expected, string label)
        {
            foreach (JsonNode node in runs)
            {
                if ((long)node["rows"] != expected)
                {
                    throw new InvalidOperationException($"Paging ({label}): '{(string)node["who"]}' read {(long)node["rows"]} rows instead of {expected}.");
                }
            }
        }

        private static Dictionary<string, string> Environment(BenchEmulator emulator, string command, string firstPage)
        {
            return emulator.EnvironmentWith(new Dictionary<string, string>
            {
                [PagingChild.CommandVariable] = command,
                [PagingChild.FirstPageVariable] = firstPage,
            });
        }

        // The partner-level deployment envelope with many items, for the first-object figure on the
        // reader every v1 collection shares.
        internal static string DeploymentBody(int items)
        {
            var json = new StringBuilder(items * 200);
            json.Append("{\"totalCount\":").Append(items).Append(",\"items\":[");
            for (int i = 0; i < items; i++)
            {
                if (i > 0)
                {
                    json.Append(',');
                }

                json.Append(CultureInfo.InvariantCulture, $"{{\"proratedDeploymentPercent\":{i % 100 / 100.0},\"licensesSold\":{i + 1},\"processedDateTime\":\"2017-03-14T03:25:16.36+00:00\",\"serviceName\":\"service{i:D6}\",\"channel\":\"reseller\",\"attributes\":{{\"objectType\":\"PartnerLicensesDeploymentInsights\"}}}}");
            }

            json.Append("],\"attributes\":{\"objectType\":\"Collection\"}}");
            return json.ToString();
        }
    }
}
