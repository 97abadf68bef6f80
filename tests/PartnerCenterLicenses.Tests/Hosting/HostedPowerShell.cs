using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
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
        private const string TrustVariable = "SSL_CERT_FILE";

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
            using var host = new SupervisedProcess(SupervisedProcess.Dotnet, new[] { hostAssembly })
            {
                Name = "the PowerShell test host",
                Environment = request.Environment,
                KeepInputOpen = true,
            };
            Stopwatch clock = Stopwatch.StartNew();
            int exitCode;
            Task feed;
            try
            {
                host.Start();
                feed = WriteRequestAsync(host.Input, RequestDocument(request).ToJsonString());
                exitCode = await host.WaitForExitAsync(request.Timeout).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                throw new HostedPowerShellException(ex.Message, ex);
            }

            clock.Stop();
            string output = host.Output;
            string error = host.Error;
            try
            {
                await feed.ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The child stopped reading before taking the whole request; its exit code and
                // standard error below say why.
            }

            if (exitCode != 0)
            {
                throw new HostedPowerShellException(
                    $"The PowerShell test host exited with code {exitCode}."
                    + SupervisedProcess.Section("Standard error", error)
                    + SupervisedProcess.Section("Standard output", output));
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
                    + SupervisedProcess.Section("Standard error", error)
                    + SupervisedProcess.Section("Standard output", output), ex);
            }

            if (result == null)
            {
                throw new HostedPowerShellException("The PowerShell test host wrote an empty result." + SupervisedProcess.Section("Standard error", error));
            }

            result.StandardError = error;
            result.Elapsed = clock.Elapsed;
            if (result.HostFailure != null)
            {
                throw new HostedPowerShellException(
                    "The PowerShell test host failed outside the script."
                    + SupervisedProcess.Section("Host failure", result.HostFailure)
                    + SupervisedProcess.Section("Standard error", error));
            }

            return result;
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
    }
}
