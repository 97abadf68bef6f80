using System;
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
            public int ImportSamples => Quick ? 5 : 15;

            // Calls are cheap; many samples keep the medians steady on a busy 2-core machine.
            public int CallSamples => Quick ? 200 : 1000;

            public int CallWarmUp => Quick ? 50 : 100;

            // Counting stays at a full thousand even in quick mode: it is cheap and it is the unit the target is stated in.
            public int TokenCalls => 1000;
        }

        public static async Task<int> Main(string[] args)
        {
            CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

            if (args.Length > 0 && args[0] == ChildProcess.ChildSwitch)
            {
                return RunChild(args);
            }

            bool quick = false;
            foreach (string arg in args)
            {
                switch (arg)
                {
                    case "--quick":
                        quick = true;
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
                return await RunAsync(new Settings { Quick = quick });
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
                Arguments = (readyToRun ? " -p:BenchReadyToRun=true" : string.Empty) + (quick ? " -- --quick" : string.Empty),
                ReadyToRun = readyToRun,
                LoadAtStart = LoadAverage(),
            };
            WarnIfBusy(conditions.LoadAtStart);

            // Progress goes to standard error so standard output is just the result.
            Action<string> progress = message => Console.Error.WriteLine("  " + message);
            Console.Error.WriteLine($"Import cost: {settings.ImportSamples} fresh engines per module, plus one warm-up pair...");
            ImportBenchmark.Result import = await ImportBenchmark.RunAsync(settings.ImportSamples, progress);

            Console.Error.WriteLine($"Per-call overhead: {settings.CallSamples} interleaved samples, then {settings.TokenCalls:N0} counted calls...");
            CallBenchmark.Result calls = await CallBenchmark.RunAsync(settings.CallSamples, settings.CallWarmUp, settings.TokenCalls, progress);
            CallBenchmark.PhaseCounts counted = calls.Phases["token-calls-end"];
            if (counted.DeploymentRequests != settings.TokenCalls || calls.Phases.Values.Any(p => p.FailedRequests > 0))
            {
                // Retries or failed answers would make the timings measure something else than a plain call.
                Console.Error.WriteLine($"  warning: the emulator saw {counted.DeploymentRequests} GETs for {settings.TokenCalls} calls, or answered some requests with an error; see the counts below.");
            }

            conditions.LoadAtEnd = LoadAverage();
            WarnIfBusy(conditions.LoadAtEnd);
            string table = Report.Build(import, calls, conditions);
            Console.WriteLine();
            Console.WriteLine(Report.Details(import, calls));
            Console.WriteLine(table);

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
            writer.WriteLine("  Build with -p:BenchReadyToRun=true to run the engines ReadyToRun-compiled, as pwsh ships them.");
        }
    }
}
