using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using PartnerCenterLicenses.Tests.Hosting;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Runs this program again as a child (<c>--child ...</c>) and talks to it over its standard streams.
    /// </summary>
    /// <remarks>
    /// A child exists for two reasons: a fresh process is the only fresh engine (the module loads
    /// into process-wide state), and only a child's environment can carry <c>SSL_CERT_FILE</c> to
    /// trust the emulator. The process is started, waited for and killed the way the tests do it
    /// (<see cref="SupervisedProcess"/>). The protocol is line-based on standard output and only lines
    /// starting with <see cref="Prefix"/> count, so anything else a child prints cannot be mistaken for
    /// a result:
    /// <list type="bullet">
    /// <item><c>@bench sync NAME</c>: the child waits until the parent has run its handler for NAME and
    /// echoed NAME on standard input (the parent reads emulator counters at such points).</item>
    /// <item><c>@bench result JSON</c>: the child's measurements; it exits right after.</item>
    /// </list>
    /// </remarks>
    internal static class ChildProcess
    {
        public const string ChildSwitch = "--child";

        /// <summary>
        /// The parent's Stopwatch timestamp taken right before the child is started. Stopwatch reads the
        /// system's monotonic clock, which every process shares, so a child can time from its own start.
        /// </summary>
        public const string SpawnedVariable = "PCL_BENCH_SPAWNED";

        private const string Prefix = "@bench ";
        private const string SyncVerb = "sync ";
        private const string ResultVerb = "result ";

        /// <summary>Starts a child, answers its sync points with <paramref name="onSync"/>, and returns its result document.</summary>
        public static async Task<JsonObject> RunAsync(
            IReadOnlyList<string> arguments,
            IReadOnlyDictionary<string, string> environment,
            TimeSpan timeout,
            Action<string> onSync = null)
        {
            (string fileName, List<string> commandLine) = CommandLine();
            commandLine.Add(ChildSwitch);
            commandLine.AddRange(arguments);
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> variable in environment ?? new Dictionary<string, string>())
            {
                variables[variable.Key] = variable.Value;
            }

            JsonObject result = null;
            SupervisedProcess child = null;
            bool TakeProtocolLine(string line)
            {
                if (!line.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    return false;
                }

                string message = line.Substring(Prefix.Length);
                if (message.StartsWith(SyncVerb, StringComparison.Ordinal))
                {
                    string name = message.Substring(SyncVerb.Length);
                    onSync?.Invoke(name);
                    child.Input.WriteLine(name);
                    child.Input.Flush();
                }
                else if (message.StartsWith(ResultVerb, StringComparison.Ordinal))
                {
                    result = JsonNode.Parse(message.Substring(ResultVerb.Length)).AsObject();
                }

                return true;
            }

            string description = $"the bench child ({string.Join(' ', arguments)})";
            using (child = new SupervisedProcess(fileName, commandLine)
            {
                Name = description,
                Environment = variables,
                KeepInputOpen = true,
                OutputLineHandler = TakeProtocolLine,

                // PowerShell's telemetry belongs to pwsh's console host, not to a hosted engine, but say
                // no anyway: a benchmark must never reach for the network on its own.
                OfflinePowerShell = true,
            })
            {
                variables[SpawnedVariable] = Stopwatch.GetTimestamp().ToString(System.Globalization.CultureInfo.InvariantCulture);
                int exitCode = await child.Start().WaitForExitAsync(timeout);
                if (exitCode != 0 || result == null)
                {
                    throw new InvalidOperationException(
                        $"{description} exited with code {exitCode}"
                        + (result == null ? " without a result." : ".")
                        + SupervisedProcess.Section("Standard error", child.Error)
                        + SupervisedProcess.Section("Standard output", child.Output));
                }

                return result;
            }
        }

        /// <summary>Child side: waits until the parent has handled sync point <paramref name="name"/>.</summary>
        public static void Sync(string name)
        {
            Console.Out.WriteLine(Prefix + SyncVerb + name);
            Console.Out.Flush();
            string answer = Console.In.ReadLine();
            if (answer != name)
            {
                throw new InvalidOperationException($"The parent answered sync point '{name}' with '{answer}'.");
            }
        }

        /// <summary>Child side: hands the measurements to the parent.</summary>
        public static void WriteResult(JsonObject result)
        {
            Console.Out.WriteLine(Prefix + ResultVerb + result.ToJsonString());
            Console.Out.Flush();
        }

        // The same program, started the way it was started: through its apphost, or through the
        // dotnet muxer when run as 'dotnet PartnerCenterLicenses.Bench.dll'. With the ReadyToRun
        // opt-in, the same program from its ReadyToRun publish folder instead.
        private static (string FileName, List<string> Arguments) CommandLine()
        {
            string processPath = Environment.ProcessPath
                ?? throw new InvalidOperationException("The bench cannot tell which executable it runs in.");
            string assemblyPath = typeof(ChildProcess).Assembly.Location;
            string childDirectory = BenchPaths.ChildDirectory;
            bool viaMuxer = string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.OrdinalIgnoreCase);
            if (childDirectory != null)
            {
                assemblyPath = Path.Combine(childDirectory, Path.GetFileName(assemblyPath));
                if (!viaMuxer)
                {
                    processPath = Path.Combine(childDirectory, Path.GetFileName(processPath));
                }
            }

            return (processPath, viaMuxer ? new List<string> { assemblyPath } : new List<string>());
        }
    }
}
