using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace PartnerCenterLicenses.Tests.Hosting
{
    /// <summary>
    /// Runs PowerShell scripts in a real, freshly started PowerShell engine hosted by the
    /// PartnerCenterLicenses.TestHost child process, and returns what the script produced.
    /// </summary>
    /// <remarks>
    /// Each run is its own process so it can be given its own environment (SSL_CERT_FILE pointing at a
    /// bundle that trusts the emulator's certificate, the way a user trusts a private CA) and so each
    /// run starts with no module loaded and no assembly already in memory.
    /// </remarks>
    public static class HostedPowerShell
    {
        private const string HostAssemblyFileName = "PartnerCenterLicenses.TestHost.dll";
        private const string OutputDirectoryMetadataKey = "PartnerCenterLicenses.TestHost.OutputDirectory";
        private const int MaxEchoedOutputLength = 4000;

        // Bounds the wait for a killed child's pipes to close, so a grandchild that inherited them
        // cannot turn a timeout into a hang.
        private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);

        private static readonly Lazy<string> hostAssemblyPath = new Lazy<string>(LocateHostAssembly);

        private static readonly JsonSerializerOptions resultOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        // xunit's thread limit does not hold async tests back while they await, so without this many
        // engines could start at once and starve each other into timeouts on a small build agent.
        private static readonly SemaphoreSlim concurrentRuns = new SemaphoreSlim(Math.Max(2, Environment.ProcessorCount));

        /// <summary>
        /// Full path of the host assembly that is run. It is the TestHost project's own build output,
        /// not the copy in the tests folder, so its dependencies are exactly the ones it restored.
        /// </summary>
        public static string HostAssemblyPath => hostAssemblyPath.Value;

        /// <summary>Runs <paramref name="script"/> with default settings.</summary>
        public static Task<HostedRunResult> RunAsync(string script) => RunAsync(new HostedRunRequest(script));

        /// <summary>
        /// Runs the request in a new child process and returns its result. Script failures are part of
        /// the result; exceptions mean the harness or the host failed.
        /// </summary>
        /// <exception cref="TimeoutException">The run exceeded <see cref="HostedRunRequest.Timeout"/>; the process tree was killed.</exception>
        /// <exception cref="HostedPowerShellException">The host could not produce a result.</exception>
        public static async Task<HostedRunResult> RunAsync(HostedRunRequest request)
        {
            ArgumentNullException.ThrowIfNull(request);
            if (request.Script == null)
            {
                throw new ArgumentException("The request has no script.", nameof(request));
            }

            if (request.Timeout <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(request), request.Timeout, "The timeout must be positive.");
            }

            // Resolve before waiting for a slot so a broken build fails fast with a clear message.
            string hostAssembly = HostAssemblyPath;

            await concurrentRuns.WaitAsync().ConfigureAwait(false);
            try
            {
                return await RunChildAsync(hostAssembly, request).ConfigureAwait(false);
            }
            finally
            {
                concurrentRuns.Release();
            }
        }

        private static async Task<HostedRunResult> RunChildAsync(string hostAssembly, HostedRunRequest request)
        {
            using var process = new Process { StartInfo = CreateStartInfo(hostAssembly, request) };
            Stopwatch clock = Stopwatch.StartNew();
            try
            {
                process.Start();
            }
            catch (Win32Exception ex)
            {
                throw new HostedPowerShellException(
                    $"Could not start '{process.StartInfo.FileName} {hostAssembly}'. Set DOTNET_HOST_PATH or put dotnet on PATH.", ex);
            }

            // Both pipes are drained from the start: a child blocked on a full pipe would never exit.
            Task<string> standardOutput = process.StandardOutput.ReadToEndAsync();
            Task<string> standardError = process.StandardError.ReadToEndAsync();
            Task feed = WriteRequestAsync(process.StandardInput, BuildRequestDocument(request));

            using (var timeout = new CancellationTokenSource(request.Timeout))
            {
                try
                {
                    await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    KillProcessTree(process);
                    string partialError = await DrainAsync(standardError).ConfigureAwait(false);
                    string partialOutput = await DrainAsync(standardOutput).ConfigureAwait(false);
                    throw new TimeoutException(
                        $"The hosted PowerShell run did not finish within {request.Timeout.TotalSeconds:0.###} s and its process tree was killed."
                        + Section("Standard error", partialError)
                        + Section("Standard output", partialOutput));
                }
            }

            try
            {
                await Task.WhenAll(standardOutput, standardError).WaitAsync(DrainLimit).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new HostedPowerShellException(
                    "The PowerShell test host exited but its output pipes stayed open: something the script started is still running and holds them.");
            }

            clock.Stop();
            string output = await standardOutput.ConfigureAwait(false);
            string error = await standardError.ConfigureAwait(false);
            try
            {
                await feed.ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The child stopped reading before taking the whole request; its exit code and
                // standard error below say why.
            }

            if (process.ExitCode != 0)
            {
                throw new HostedPowerShellException(
                    $"The PowerShell test host exited with code {process.ExitCode}."
                    + Section("Standard error", error)
                    + Section("Standard output", output));
            }

            HostedRunResult result;
            try
            {
                result = JsonSerializer.Deserialize<HostedRunResult>(output, resultOptions);
            }
            catch (JsonException ex)
            {
                throw new HostedPowerShellException(
                    "The PowerShell test host did not write a result document."
                    + Section("Standard error", error)
                    + Section("Standard output", output), ex);
            }

            if (result == null)
            {
                throw new HostedPowerShellException("The PowerShell test host wrote an empty result." + Section("Standard error", error));
            }

            result.StandardError = error;
            result.Elapsed = clock.Elapsed;
            if (result.HostFailure != null)
            {
                throw new HostedPowerShellException(
                    "The PowerShell test host failed outside the script."
                    + Section("Host failure", result.HostFailure)
                    + Section("Standard error", error));
            }

            return result;
        }

        private static ProcessStartInfo CreateStartInfo(string hostAssembly, HostedRunRequest request)
        {
            var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            var startInfo = new ProcessStartInfo(DotnetExecutable())
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardInputEncoding = utf8,
                StandardOutputEncoding = utf8,
                StandardErrorEncoding = utf8,
                CreateNoWindow = true,
            };
            startInfo.ArgumentList.Add(hostAssembly);

            if (request.Environment != null)
            {
                foreach (KeyValuePair<string, string> variable in request.Environment)
                {
                    if (variable.Value == null)
                    {
                        startInfo.Environment.Remove(variable.Key);
                    }
                    else
                    {
                        startInfo.Environment[variable.Key] = variable.Value;
                    }
                }
            }

            return startInfo;
        }

        private static string BuildRequestDocument(HostedRunRequest request)
        {
            var document = new JsonObject
            {
                ["script"] = request.Script,
                ["modulePath"] = request.ModulePath,
                ["importModuleInScript"] = request.ImportModuleInScript,
            };
            if (request.PreloadAssemblies.Count > 0)
            {
                var preload = new JsonArray();
                foreach (string path in request.PreloadAssemblies)
                {
                    preload.Add(path);
                }

                document["preloadAssemblies"] = preload;
            }

            if (request.StopAfter is TimeSpan stopAfter)
            {
                document["stopAfterMilliseconds"] = (int)Math.Max(0, Math.Round(stopAfter.TotalMilliseconds));
            }

            return document.ToJsonString();
        }

        private static async Task WriteRequestAsync(StreamWriter input, string document)
        {
            // Closing standard input is what tells the host the request is complete.
            await using (input)
            {
                await input.WriteAsync(document).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// The dotnet muxer to start the host with: the one running the tests when it can be known,
        /// so the child uses the same runtime installation.
        /// </summary>
        private static string DotnetExecutable()
        {
            string fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
            {
                return fromSdk;
            }

            string current = Environment.ProcessPath;
            if (current != null && string.Equals(Path.GetFileNameWithoutExtension(current), "dotnet", StringComparison.OrdinalIgnoreCase))
            {
                return current;
            }

            return "dotnet";
        }

        private static string LocateHostAssembly()
        {
            // The referenced copy of the host assembly carries the path of the TestHost project's
            // own output folder (see its csproj).
            Assembly referencedCopy = typeof(global::PartnerCenterLicenses.TestHost.Program).Assembly;
            string folder = referencedCopy.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(attribute => attribute.Key == OutputDirectoryMetadataKey)?.Value;
            if (string.IsNullOrEmpty(folder))
            {
                throw new InvalidOperationException(
                    $"{referencedCopy.Location} has no '{OutputDirectoryMetadataKey}' metadata; rebuild tests/PartnerCenterLicenses.TestHost.");
            }

            string hostAssembly = Path.Combine(folder, HostAssemblyFileName);
            string runtimeConfig = Path.ChangeExtension(hostAssembly, ".runtimeconfig.json");
            if (!File.Exists(hostAssembly) || !File.Exists(runtimeConfig))
            {
                throw new InvalidOperationException(
                    $"The PowerShell test host is not built at '{folder}' (need {HostAssemblyFileName} and its runtimeconfig.json). "
                    + "Build the solution, or tests/PartnerCenterLicenses.TestHost, in the same configuration as the tests.");
            }

            return hostAssembly;
        }

        private static void KillProcessTree(Process process)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit((int)DrainLimit.TotalMilliseconds);
            }
            catch (InvalidOperationException)
            {
                // It exited on its own between the timeout and the kill.
            }
        }

        private static async Task<string> DrainAsync(Task<string> reading)
        {
            try
            {
                return await reading.WaitAsync(DrainLimit).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException || ex is IOException || ex is ObjectDisposedException)
            {
                return "<not available: " + ex.GetType().Name + ">";
            }
        }

        private static string Section(string title, string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return string.Empty;
            }

            string shown = text.Length > MaxEchoedOutputLength
                ? text.Substring(0, MaxEchoedOutputLength) + $"... ({text.Length - MaxEchoedOutputLength} more characters)"
                : text;
            return $"{Environment.NewLine}--- {title} ---{Environment.NewLine}{shown.TrimEnd()}";
        }
    }
}
