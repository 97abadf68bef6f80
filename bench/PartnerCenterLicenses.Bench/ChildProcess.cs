using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Runs this program again as a child (<c>--child ...</c>) and talks to it over its standard streams.
    /// </summary>
    /// <remarks>
    /// A child exists for two reasons: a fresh process is the only fresh engine (the module loads
    /// into process-wide state), and only a child's environment can carry <c>SSL_CERT_FILE</c> to
    /// trust the emulator. The protocol is line-based on standard output and only lines starting with
    /// <see cref="Prefix"/> count, so anything else a child prints cannot be mistaken for a result:
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
            var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            var startInfo = new ProcessStartInfo
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardInputEncoding = utf8,
                StandardOutputEncoding = utf8,
                StandardErrorEncoding = utf8,
            };
            SetCommandLine(startInfo);
            startInfo.ArgumentList.Add(ChildSwitch);
            foreach (string argument in arguments)
            {
                startInfo.ArgumentList.Add(argument);
            }

            // PowerShell's telemetry belongs to pwsh's console host, not to a hosted engine, but say
            // no anyway: a benchmark must never reach for the network on its own.
            startInfo.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
            if (environment != null)
            {
                foreach (KeyValuePair<string, string> variable in environment)
                {
                    startInfo.Environment[variable.Key] = variable.Value;
                }
            }

            using var process = new Process { StartInfo = startInfo };
            try
            {
                startInfo.Environment[SpawnedVariable] = Stopwatch.GetTimestamp().ToString(System.Globalization.CultureInfo.InvariantCulture);
                process.Start();
            }
            catch (Win32Exception e)
            {
                throw new InvalidOperationException($"Could not start the bench child '{startInfo.FileName}'.", e);
            }

            // Standard error is drained from the start so a chatty child can never block on a full pipe.
            Task<string> standardError = process.StandardError.ReadToEndAsync();
            var otherOutput = new StringBuilder();
            JsonObject result = null;

            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                string line;
                while ((line = await process.StandardOutput.ReadLineAsync(deadline.Token)) != null)
                {
                    if (!line.StartsWith(Prefix, StringComparison.Ordinal))
                    {
                        otherOutput.AppendLine(line);
                        continue;
                    }

                    string message = line.Substring(Prefix.Length);
                    if (message.StartsWith(SyncVerb, StringComparison.Ordinal))
                    {
                        string name = message.Substring(SyncVerb.Length);
                        onSync?.Invoke(name);
                        await process.StandardInput.WriteLineAsync(name);
                        await process.StandardInput.FlushAsync();
                    }
                    else if (message.StartsWith(ResultVerb, StringComparison.Ordinal))
                    {
                        result = JsonNode.Parse(message.Substring(ResultVerb.Length)).AsObject();
                    }
                }

                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException(
                    $"The bench child ({string.Join(' ', arguments)}) did not finish within {timeout.TotalSeconds:0} s and was killed."
                    + Section("Standard output", otherOutput.ToString()));
            }

            string errors = await standardError;
            if (process.ExitCode != 0 || result == null)
            {
                throw new InvalidOperationException(
                    $"The bench child ({string.Join(' ', arguments)}) exited with code {process.ExitCode}"
                    + (result == null ? " without a result." : ".")
                    + Section("Standard error", errors)
                    + Section("Standard output", otherOutput.ToString()));
            }

            return result;
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
        private static void SetCommandLine(ProcessStartInfo startInfo)
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

            startInfo.FileName = processPath;
            if (viaMuxer)
            {
                startInfo.ArgumentList.Add(assemblyPath);
            }
        }

        private static string Section(string title, string text)
        {
            return string.IsNullOrWhiteSpace(text) ? string.Empty : $"{Environment.NewLine}--- {title} ---{Environment.NewLine}{text.TrimEnd()}";
        }
    }
}
