using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// dotnet run -c Release --project bench/PartnerCenterLicenses.Bench [-- --quick]
    /// Runs every benchmark, prints a markdown table of ratios against baselines measured in the same
    /// run, and writes it to bench/results/latest.md. Run by hand; it is not a test.
    /// </summary>
    internal static class Program
    {
        private sealed class Settings
        {
            public bool Quick { get; init; }

            // A fresh process per import sample makes these the slow part (about 1.5 s each).
            // At least 20 pairs: the import's CPU time is judged by the median of pairs in ABBA order.
            public int ImportSamples => Quick ? 6 : 20;

            // A fresh process per side and sample, each importing, connecting and calling (about 2-4 s each).
            public int ColdPairs => Quick ? 2 : 6;

            public int[] StreamingSizes => new[] { 100_000, 1_000_000 };

            public int StreamingRounds => Quick ? 1 : 3;

            // Calls are cheap; many samples keep the medians steady on a busy 2-core machine.
            public int CallSamples => Quick ? 200 : 1000;

            public int CallWarmUp => Quick ? 50 : 100;

            // Counting stays at a full thousand even in quick mode: it is cheap and it is the unit the target is stated in.
            public int TokenCalls => 1000;

            /// <summary>The benchmarks to run (<see cref="AllCases"/> by default).</summary>
            public IReadOnlySet<string> Cases { get; init; }

            // The issue's sizes in every mode (the targets are stated for them); quick only repeats less.
            // One repetition is an argument run and a piped run of about 3.2 s each.
            public int FanOutRepetitions => Quick ? 1 : 3;

            public int FanOutCustomers => 1000;

            public TimeSpan FanOutLatency => TimeSpan.FromMilliseconds(50);

            public int FanOutThrottleLimit => 16;

            // A loop of one call per customer takes a latency per customer; a tenth of them tells the per-customer cost.
            public int LoopCustomers => 100;

            public int PagingRows => 200_000;

            public int PagingSmallRows => 20_000;

            public int PageSize => 10_000;

            public int BigPage => 100_000;

            public int PagingRounds => Quick ? 1 : 3;

            // The report sizes the issue names; PCL_BENCH_REPORT_ROWS and PCL_BENCH_REPORT_SMALL_ROWS change them
            // (for instance 1,000,000 and 2,000,000, to see whether memory levels off).
            public int ReportRows => RowsFromEnvironment("PCL_BENCH_REPORT_ROWS", 1_000_000);

            public int ReportSmallRows => RowsFromEnvironment("PCL_BENCH_REPORT_SMALL_ROWS", 100_000);

            private static int RowsFromEnvironment(string name, int standard) =>
                int.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int rows) && rows > 0 ? rows : standard;

            public bool Runs(string name) => Cases.Contains(name);
        }

        private const string ImportCase = "import";
        private const string CallsCase = "calls";
        private const string FanOutCase = "fanout";
        private const string PagingCase = "paging";
        private const string ColdCase = "cold";
        private const string StreamingCase = "streaming";
        private const string ReportsCase = "reports";
        private static readonly string[] AllCases = { ColdCase, ImportCase, CallsCase, StreamingCase, FanOutCase, PagingCase, ReportsCase };

        public static async Task<int> Main(string[] args)
        {
            CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

            if (args.Length > 0 && args[0] == ChildProcess.ChildSwitch)
            {
                return RunChild(args);
            }

            bool quick = false;
            var cases = new HashSet<string>(AllCases);
            for (int i = 0; i < args.Length; i++)
            {
                string arg = args[i];
                switch (arg)
                {
                    case "--quick":
                        quick = true;
                        break;
                    case "--cases" when i + 1 < args.Length:
                        cases = new HashSet<string>(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);
                        string unknown = cases.FirstOrDefault(c => !AllCases.Contains(c, StringComparer.OrdinalIgnoreCase));
                        if (unknown != null || cases.Count == 0)
                        {
                            Console.Error.WriteLine($"Unknown case '{unknown}'; the cases are {string.Join(", ", AllCases)}.");
                            return 2;
                        }

                        break;
                    case "-h":
                    case "--help":
                        PrintUsage(Console.Out);
                        return 0;
                    default:
                        Console.Error.WriteLine($"Unknown argument '{arg}'.");
                        PrintUsage(Console.Error);
                        return 2;
                }
            }

            try
            {
                return await RunAsync(new Settings { Quick = quick, Cases = cases });
            }
            catch (Exception e) when (e is InvalidOperationException || e is TimeoutException || e is IOException)
            {
                Console.Error.WriteLine("The bench failed: " + e.Message);
                return 1;
            }
        }

        private static async Task<int> RunAsync(Settings settings)
        {
            bool quick = settings.Quick;
            BenchPaths.RequireModules();
            bool readyToRun = BenchPaths.ChildDirectory != null;
            var conditions = new Report.RunConditions
            {
                Arguments = (readyToRun ? " -p:BenchReadyToRun=true" : string.Empty)
                    + (quick || settings.Cases.Count < AllCases.Length ? " --" : string.Empty)
                    + (quick ? " --quick" : string.Empty)
                    + (settings.Cases.Count < AllCases.Length ? " --cases " + string.Join(',', AllCases.Where(settings.Runs)) : string.Empty),
                ReadyToRun = readyToRun,
                LoadAtStart = LoadAverage(),
            };
            WarnIfBusy(conditions.LoadAtStart);

            // Progress goes to standard error so standard output is just the result.
            Action<string> progress = message => Console.Error.WriteLine("  " + message);
            ColdBenchmark.Result cold = null;
            if (settings.Runs(ColdCase))
            {
                Console.Error.WriteLine($"Cold start: {settings.ColdPairs} pairs of fresh processes (import, connect, first Get), plus one warm-up pair...");
                cold = await ColdBenchmark.RunAsync(settings.ColdPairs, progress);
            }

            ImportBenchmark.Result import = null;
            if (settings.Runs(ImportCase))
            {
                Console.Error.WriteLine($"Import cost: {settings.ImportSamples} fresh engines per module, plus one warm-up pair...");
                import = await ImportBenchmark.RunAsync(settings.ImportSamples, progress);
            }

            CallBenchmark.Result calls = null;
            if (settings.Runs(CallsCase))
            {
                Console.Error.WriteLine($"Per-call overhead: {settings.CallSamples} interleaved samples, then {settings.TokenCalls:N0} counted calls...");
                calls = await CallBenchmark.RunAsync(settings.CallSamples, settings.CallWarmUp, settings.TokenCalls, progress);
                CallBenchmark.PhaseCounts counted = calls.Phases["token-calls-end"];
                if (counted.DeploymentRequests != settings.TokenCalls || calls.Phases.Values.Any(p => p.FailedRequests > 0))
                {
                    // Retries or failed answers would make the timings measure something else than a plain call.
                    Console.Error.WriteLine($"  warning: the emulator saw {counted.DeploymentRequests} GETs for {settings.TokenCalls} calls, or answered some requests with an error; see the counts below.");
                }
            }

            StreamingBenchmark.Result streaming = null;
            if (settings.Runs(StreamingCase))
            {
                Console.Error.WriteLine($"Streaming: one body of {string.Join(" and ", settings.StreamingSizes.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))} items, {settings.StreamingRounds} interleaved round(s) each, and a fresh process per side and size for the peak working set...");
                streaming = await StreamingBenchmark.RunAsync(settings.StreamingSizes, settings.StreamingRounds, progress);
            }

            FanOutBenchmark.Result fanOut = null;
            if (settings.Runs(FanOutCase))
            {
                Console.Error.WriteLine($"Fan-out: {settings.FanOutCustomers:N0} customers, {settings.FanOutLatency.TotalMilliseconds:0} ms per request, ThrottleLimit {settings.FanOutThrottleLimit}, {settings.FanOutRepetitions} argument and piped run(s), then a loop over {settings.LoopCustomers}...");
                fanOut = await FanOutBenchmark.RunAsync(settings.FanOutCustomers, settings.FanOutLatency, settings.FanOutThrottleLimit, settings.FanOutRepetitions, settings.LoopCustomers, progress);
            }

            PagingBenchmark.Result paging = null;
            if (settings.Runs(PagingCase))
            {
                Console.Error.WriteLine($"Paging: {settings.PagingRows:N0} rows in pages of {settings.PageSize:N0}, {settings.PagingRounds} interleaved round(s); peak working set at {settings.PagingSmallRows:N0} and {settings.PagingRows:N0}; first object of a {settings.BigPage:N0}-row page...");
                paging = await PagingBenchmark.RunAsync(settings.PagingRows, settings.PagingSmallRows, settings.PageSize, settings.BigPage, settings.PagingRounds, progress);
            }

            string reports = null;
            if (settings.Runs(ReportsCase))
            {
                Console.Error.WriteLine($"Reports: Receive-PartnerInsightsReport over a {settings.ReportRows:N0}-row CSV against a bare Sylvan loop, {settings.PagingRounds} interleaved round(s); peak working set at {settings.ReportSmallRows:N0} and {settings.ReportRows:N0}; first row after its bytes...");
                reports = await ReportBenchmark.RunAsync(settings.ReportSmallRows, settings.ReportRows, settings.PagingRounds, progress);
            }

            conditions.LoadAtEnd = LoadAverage();
            WarnIfBusy(conditions.LoadAtEnd);
            string table = Report.Build(cold, import, calls, streaming, fanOut, paging, conditions);
            Console.WriteLine();
            Console.WriteLine(Report.Details(cold, import, calls, streaming, fanOut, paging));
            Console.WriteLine(table);
            if (reports != null)
            {
                Console.WriteLine(reports);
            }

            Directory.CreateDirectory(BenchPaths.ResultsFolder);
            string latest = Path.Combine(BenchPaths.ResultsFolder, "latest.md");
            File.WriteAllText(latest, "<!-- Written by bench/PartnerCenterLicenses.Bench; paste into the README's Performance section. -->\n" + table);
            Console.Error.WriteLine($"Written to {latest}");
            return 0;
        }

        private static int RunChild(string[] args)
        {
            try
            {
                JsonObject result = args.Length switch
                {
                    3 when args[1] == "import" => ImportBenchmark.MeasureInThisProcess(args[2]),
                    3 when args[1] == "cold" => ColdBenchmark.MeasureInThisProcess(args[2]),
                    4 when args[1] == "streaming" => StreamingBenchmark.RunChild(args[2], args[3]),
                    5 when args[1] == "fanout" => FanOutChild.Run(
                        int.Parse(args[2], CultureInfo.InvariantCulture),
                        int.Parse(args[3], CultureInfo.InvariantCulture),
                        int.Parse(args[4], CultureInfo.InvariantCulture)),
                    4 when args[1] == "paging" => PagingChild.Run(args[2], args[3]),
                    4 when args[1] == "reports" => ReportChild.Run(args[2], args[3]),
                    5 when args[1] == "calls" => CallChild.Run(
                        int.Parse(args[2], CultureInfo.InvariantCulture),
                        int.Parse(args[3], CultureInfo.InvariantCulture),
                        int.Parse(args[4], CultureInfo.InvariantCulture)),
                    _ => throw new ArgumentException("Unknown child command: " + string.Join(' ', args)),
                };
                ChildProcess.WriteResult(result);
                return 0;
            }
            catch (Exception e)
            {
                Console.Error.WriteLine(e);
                return 1;
            }
        }

        // The 1-minute load average, where the system has one (Linux); null elsewhere.
        private static string LoadAverage()
        {
            try
            {
                return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : null;
            }
            catch (IOException)
            {
                return null;
            }
        }

        // Interleaving protects the ratios from drift, not from a machine that is busy throughout: say so.
        private static void WarnIfBusy(string load)
        {
            if (load != null
                && double.TryParse(load, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                && value > Environment.ProcessorCount)
            {
                Console.Error.WriteLine($"  warning: load average {load} exceeds the {Environment.ProcessorCount} cores; expect noisier numbers.");
            }
        }

        private static void PrintUsage(TextWriter writer)
        {
            writer.WriteLine("Usage: dotnet run -c Release --project bench/PartnerCenterLicenses.Bench [-- --quick]");
            writer.WriteLine("  Measures import cost, per-call overhead and token requests against baselines run alongside,");
            writer.WriteLine("  prints a markdown table and writes it to bench/results/latest.md.");
            writer.WriteLine("  --quick   fewer samples, for a sanity check.");
            writer.WriteLine("  --cases   a comma-separated subset of cold,import,calls,streaming,fanout,paging,reports (default: all);");
            writer.WriteLine("            bench/README.md says how long each takes. E.g. --cases cold,import runs only those.");
            writer.WriteLine("  Build with -p:BenchReadyToRun=true to run the engines ReadyToRun-compiled, as pwsh ships them.");
        }
    }
}
