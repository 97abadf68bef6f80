using System;
using System.Collections.Concurrent;
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
    /// Runs PowerShell scripts in a real PowerShell engine hosted by the PartnerCenterLicenses.TestHost
    /// child process, each in a new runspace, and returns what the script produced.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The engine runs in a child process so it can be given its own environment: SSL_CERT_FILE pointing
    /// at a bundle that trusts the emulator's certificate, the way a user trusts a private CA.
    /// </para>
    /// <para>
    /// By default a run goes to a long-lived pooled child (one per trust bundle), which imports the built
    /// module into a new runspace for each run and first puts the module's process-wide state back as a
    /// new process has it (no session, default request options, no custom environments); the run's
    /// environment variables are set for its duration. Starting .NET, PowerShell and the module's JIT is
    /// paid once instead of once per script. A run gets a process of its own, started for it, when it
    /// asks (<see cref="HostedRunRequest.FreshProcess"/>) or when it needs what only a new process gives:
    /// another module than the built one, assemblies loaded before the engine, the import written in
    /// the script, or a variable .NET reads only at start-up. Pooled runs see the test process's
    /// environment as it was when the pooled child started.
    /// </para>
    /// </remarks>
    public static class HostedPowerShell
    {
        private const string HostAssemblyFileName = "PartnerCenterLicenses.TestHost.dll";
        private const string OutputDirectoryMetadataKey = "PartnerCenterLicenses.TestHost.OutputDirectory";
        private const int MaxEchoedOutputLength = 4000;
        private const string TrustVariable = "SSL_CERT_FILE";

        /// <summary>
        /// Bounds the wait for a killed child's pipes to close, so a grandchild that inherited them
        /// cannot turn a timeout into a hang.
        /// </summary>
        internal static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);

        /// <summary>How the result documents the host writes are read.</summary>
        internal static readonly JsonSerializerOptions ResultOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        private static readonly Lazy<string> hostAssemblyPath = new Lazy<string>(LocateHostAssembly);

        // xunit's thread limit does not hold async tests back while they await, so without this many
        // engines could start at once and starve each other into timeouts on a small build agent.
        private static readonly SemaphoreSlim concurrentRuns = new SemaphoreSlim(Math.Max(2, Environment.ProcessorCount));

        // One pooled child per SSL_CERT_FILE ("" for none): OpenSSL reads it once per process.
        private static readonly ConcurrentDictionary<string, HostedPowerShellPool> pools =
            new ConcurrentDictionary<string, HostedPowerShellPool>(StringComparer.Ordinal);

        /// <summary>
        /// Full path of the host assembly that is run. It is the TestHost project's own build output,
        /// not the copy in the tests folder, so its dependencies are exactly the ones it restored.
        /// </summary>
        public static string HostAssemblyPath => hostAssemblyPath.Value;

        /// <summary>Runs <paramref name="script"/> with default settings.</summary>
        public static Task<HostedRunResult> RunAsync(string script) => RunAsync(new HostedRunRequest(script));

        /// <summary>
        /// Runs the request in the pooled child or in a new child process (see the remarks on the class)
        /// and returns its result. Script failures are part of the result; exceptions mean the harness or
        /// the host failed.
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

            string needsOwnProcess = WhyAProcessOfItsOwn(request);
            if (needsOwnProcess == null)
            {
                string trustBundle = request.Environment != null && request.Environment.TryGetValue(TrustVariable, out string value)
                    ? value
                    : Environment.GetEnvironmentVariable(TrustVariable);
                HostedPowerShellPool pool = pools.GetOrAdd(trustBundle ?? string.Empty, key => new HostedPowerShellPool(hostAssembly, trustBundle));
                return await pool.RunAsync(request).ConfigureAwait(false);
            }

            if (request.StopWhen != null)
            {
                throw new ArgumentException(
                    "StopWhen works in the pooled host only, and this run needs a process of its own (" + needsOwnProcess + "); use StopAfter.",
                    nameof(request));
            }

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

        /// <summary>
        /// Null when the run can share the pooled child; otherwise why it needs a process of its own.
        /// </summary>
        internal static string WhyAProcessOfItsOwn(HostedRunRequest request)
        {
            if (request.FreshProcess)
            {
                return "it asks for one";
            }

            if (request.ModulePath == null || !string.Equals(Path.GetFullPath(request.ModulePath), RepositoryPaths.ModuleManifest, StringComparison.Ordinal))
            {
                // A binary module's assembly loads once per process: another module folder cannot follow it.
                return "it imports no module or another module than the built one";
            }

            if (request.ImportModuleInScript)
            {
                return "it imports the module in its script, where the host cannot reset the module first";
            }

            if (request.PreloadAssemblies.Count > 0)
            {
                return "it loads assemblies before the engine starts";
            }

            string startUpVariable = request.Environment?.Keys.FirstOrDefault(IsReadAtStartUp);
            if (startUpVariable != null)
            {
                return "it sets " + startUpVariable + ", which .NET reads when a process starts";
            }

            return null;
        }

        // Variables a running process does not look at again: the runtime's own, the culture and time
        // zone (cached on first use), OpenSSL's certificate folder, and HOME, which .NET's certificate
        // stores take once per process and native code (D-Bus, OpenSSL) reads from the environment the
        // process started with. SSL_CERT_FILE picks the pooled child instead.
        private static bool IsReadAtStartUp(string name)
        {
            return name.StartsWith("DOTNET_", StringComparison.Ordinal) || name.StartsWith("COMPlus_", StringComparison.Ordinal)
                || name.StartsWith("CORECLR_", StringComparison.Ordinal) || name.StartsWith("LC_", StringComparison.Ordinal)
                || name == "LANG" || name == "TZ" || name == "SSL_CERT_DIR" || name == "HOME";
        }

        private static async Task<HostedRunResult> RunChildAsync(string hostAssembly, HostedRunRequest request)
        {
            using var process = new Process { StartInfo = CreateStartInfo(hostAssembly, request.Environment) };
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
            Task feed = WriteRequestAsync(process.StandardInput, RequestDocument(request).ToJsonString());

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
                result = JsonSerializer.Deserialize<HostedRunResult>(output, ResultOptions);
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

        /// <summary>How a host child is started: dotnet, the host assembly, pipes in UTF-8, and <paramref name="environment"/> (a null value removes a variable).</summary>
        internal static ProcessStartInfo CreateStartInfo(string hostAssembly, IEnumerable<KeyValuePair<string, string>> environment)
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

            if (environment != null)
            {
                foreach (KeyValuePair<string, string> variable in environment)
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

        /// <summary>The request as the host reads it (the serve mode adds the environment).</summary>
        internal static JsonObject RequestDocument(HostedRunRequest request)
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

            return document;
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

        /// <summary>A titled block of a failure message, shortened when long; empty when there is nothing to show.</summary>
        internal static string Section(string title, string text)
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
