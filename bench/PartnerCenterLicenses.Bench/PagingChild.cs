using System;
using System.Diagnostics;
using System.Management.Automation;
using System.Net.Http;
using System.Text.Json.Nodes;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Child side of the paging benchmarks. Modes:
    /// <list type="bullet">
    /// <item><c>throughput ROUNDS</c>: the module's command and the bare reader over the same pages, interleaved.</item>
    /// <item><c>memory module|bare</c>: one read, then this process's peak working set (a process of its own
    /// per figure, since the peak never goes down).</item>
    /// <item><c>first ROUNDS</c>: the moment of the first object against the bare reader's first byte and first row.</item>
    /// </list>
    /// What is read (the command and the URL of its first page) comes from the parent, which also sets the rows.
    /// </summary>
    internal static class PagingChild
    {
        public const string CommandVariable = "PCL_BENCH_COMMAND";
        public const string FirstPageVariable = "PCL_BENCH_FIRST_PAGE";

        public const string Module = "module";
        public const string Bare = "bare";

        public static JsonObject Run(string mode, string argument)
        {
            string url = CallChild.Required(CallChild.UrlVariable);
            string command = CallChild.Required(CommandVariable);
            var firstPage = new Uri(url + CallChild.Required(FirstPageVariable));
            bool needsModule = mode != "memory" || argument == Module;
            bool needsBare = mode != "memory" || argument == Bare;

            using HostedEngine engine = needsModule ? CallChild.OpenConnected(withBaseline: false) : null;
            using var http = new HttpClient();
            BareReader bare = null;
            if (needsBare)
            {
                bare = new BareReader(http, CallChild.RequestToken(http, url));
            }

            ChildProcess.Sync("ready");
            var runs = new JsonArray();
            if (mode == "memory")
            {
                // One cold read, as a runbook makes it: the peak is what that costs, warm-up included.
                runs.Add(argument == Module ? ModuleRun(engine, command) : BareRun(bare, firstPage));
                using Process self = Process.GetCurrentProcess();
                self.Refresh();
                return new JsonObject { ["runs"] = runs, ["peakWorkingSetBytes"] = self.PeakWorkingSet64 };
            }

            int rounds = int.Parse(argument, System.Globalization.CultureInfo.InvariantCulture);

            // One uncounted read each: the first reads pay for JIT and connections.
            ModuleRun(engine, command);
            BareRun(bare, firstPage);
            ChildProcess.Sync("warm");
            for (int i = 0; i < rounds; i++)
            {
                bool moduleFirst = i % 2 == 0;
                runs.Add(moduleFirst ? ModuleRun(engine, command) : BareRun(bare, firstPage));
                runs.Add(moduleFirst ? BareRun(bare, firstPage) : ModuleRun(engine, command));
            }

            ChildProcess.Sync("measured");
            return new JsonObject { ["runs"] = runs };
        }

        private static JsonObject ModuleRun(HostedEngine engine, string command)
        {
            using PowerShell ps = engine.NewPipeline();
            ps.AddCommand(command);
            PipelineDrain.Drained drained = PipelineDrain.Run(ps);
            return new JsonObject
            {
                ["who"] = Module,
                ["rows"] = drained.Objects,
                ["ms"] = drained.TotalMs,
                ["firstRowMs"] = drained.FirstObjectMs,
            };
        }

        private static JsonObject BareRun(BareReader bare, Uri firstPage)
        {
            BareReader.Read read = bare.ReadAll(firstPage);
            return new JsonObject
            {
                ["who"] = Bare,
                ["rows"] = read.Rows,
                ["pages"] = read.Pages,
                ["ms"] = read.TotalMs,
                ["firstByteMs"] = read.FirstByteMs,
                ["firstRowMs"] = read.FirstRowMs,
            };
        }
    }
}
