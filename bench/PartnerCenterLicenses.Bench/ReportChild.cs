using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using Sylvan.Data.Csv;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Child side of the report download benchmark. Modes:
    /// <list type="bullet">
    /// <item><c>compare ROUNDS</c>: Receive-PartnerInsightsReport and the bare reader over the same file, interleaved.</item>
    /// <item><c>memory module|bare</c>: one read, then this process's peak working set.</item>
    /// <item><c>first module|bare</c>: one read to warm up, then one of a file whose body the origin holds after its
    /// first row; the Stopwatch timestamp of that first row (the parent knows when those bytes were flushed).</item>
    /// </list>
    /// The bare reader is the same CSV reader (Sylvan.Data.Csv) over the same bytes: HttpClient GET of the secure
    /// link, every field read as text, nothing else: the limit for any cmdlet built on that reader.
    /// </summary>
    internal static class ReportChild
    {
        public const string LinkVariable = "PCL_BENCH_REPORT_LINK";
        public const string Module = "module";
        public const string Bare = "bare";

        private const string Script =
            "[PartnerCenterLicenses.Models.PartnerInsightsReportExecution]::new('e', 'r', 24, 1, $null, $null, 'csv', 'Completed', "
            + "[PartnerCenterLicenses.Boundary.InsightsReportLink]::Parse($env:" + LinkVariable + "), $null, $null) | Receive-PartnerInsightsReport";

        public static JsonObject Run(string mode, string argument)
        {
            bool needsModule = mode == "compare" || argument == Module;
            using HostedEngine engine = needsModule ? CallChild.OpenConnected(withBaseline: false) : null;
            using var http = new HttpClient();
            ChildProcess.Sync("ready");
            var runs = new JsonArray();
            if (mode == "first")
            {
                // The latency of a process that has read a report before: the first read JIT-compiles the reader
                // (about 20 ms, the same for the module and the bare loop), which is a cold start, not the
                // reader's delay. The parent holds the next file after its first row once this sync is answered.
                JsonObject warm = argument == Module ? ModuleRun(engine) : BareRun(http);
                ChildProcess.Sync("warm");
                runs.Add(argument == Module ? ModuleRun(engine) : BareRun(http));
                return new JsonObject { ["runs"] = runs, ["warmRows"] = warm["rows"].DeepClone() };
            }

            if (mode == "memory")
            {
                runs.Add(argument == Module ? ModuleRun(engine) : BareRun(http));
                using Process self = Process.GetCurrentProcess();
                self.Refresh();
                return new JsonObject { ["runs"] = runs, ["peakWorkingSetBytes"] = self.PeakWorkingSet64 };
            }

            int rounds = int.Parse(argument, System.Globalization.CultureInfo.InvariantCulture);
            ModuleRun(engine);
            BareRun(http);
            ChildProcess.Sync("warm");
            for (int i = 0; i < rounds; i++)
            {
                bool moduleFirst = i % 2 == 0;
                runs.Add(moduleFirst ? ModuleRun(engine) : BareRun(http));
                runs.Add(moduleFirst ? BareRun(http) : ModuleRun(engine));
            }

            ChildProcess.Sync("measured");
            return new JsonObject { ["runs"] = runs };
        }

        private static JsonObject ModuleRun(HostedEngine engine)
        {
            using PowerShell ps = engine.NewPipeline();
            ps.AddScript(Script);
            PipelineDrain.Drained drained = PipelineDrain.Run(ps);
            return new JsonObject
            {
                ["who"] = Module,
                ["rows"] = drained.Objects,
                ["ms"] = drained.TotalMs,
                ["firstRowTimestamp"] = drained.FirstObjectTimestamp,
            };
        }

        private static JsonObject BareRun(HttpClient http)
        {
            long started = Stopwatch.GetTimestamp();
            long firstRow = 0;
            long rows = 0;
            using (HttpResponseMessage response = http.Send(new HttpRequestMessage(HttpMethod.Get, CallChild.Required(LinkVariable)), HttpCompletionOption.ResponseHeadersRead))
            {
                response.EnsureSuccessStatusCode();
                using var text = new StreamReader(response.Content.ReadAsStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
                using CsvDataReader csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',' });
                int fields = csv.FieldCount;
                while (csv.Read())
                {
                    for (int i = 0; i < fields; i++)
                    {
                        GC.KeepAlive(csv.GetString(i));
                    }

                    if (rows++ == 0)
                    {
                        firstRow = Stopwatch.GetTimestamp();
                    }
                }
            }

            return new JsonObject
            {
                ["who"] = Bare,
                ["rows"] = rows,
                ["ms"] = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                ["firstRowTimestamp"] = firstRow,
            };
        }
    }
}
