using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.Pester
{
    /// <summary>
    /// Runs the whole Pester suite once, before the first of its xunit cases: starts an emulator of its
    /// own, then one tools/pwsh process that imports Pester and runs tests/*.Tests.ps1 against it with
    /// the built module from out/. The cases then read their results from <see cref="Results"/>.
    /// </summary>
    /// <remarks>
    /// What the suite needs reaches it as environment variables, as a runbook gets its secrets from its
    /// automation account: the emulator's URL, the demo application's id, secret and refresh token, a
    /// public client for device code sign-in, and a PFX of a certificate the application is registered
    /// with. The emulator approves device codes when first polled, so -UseDeviceAuthentication runs
    /// unattended. pwsh trusts the emulator's certificate through SSL_CERT_FILE, as a user trusts a
    /// private CA; that is how OpenSSL, so .NET on Linux, finds its roots.
    /// Everything the run printed is kept in <see cref="OutputFile"/>, next to results.json and
    /// results.xml (NUnit XML), in the Pester folder of the test output.
    /// </remarks>
    public sealed class PesterRun : IAsyncLifetime
    {
        private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(5);

        private readonly string _secret = "pester~" + Guid.NewGuid().ToString("N");
        private EmulatorServer _emulator;
        private string _scratch;

        /// <summary>The folder the run writes output.txt, results.json and results.xml to.</summary>
        public static string ResultsFolder => Path.Combine(AppContext.BaseDirectory, "Pester");

        /// <summary>Pester's detailed console output and anything else the pwsh process printed.</summary>
        public static string OutputFile => Path.Combine(ResultsFolder, "output.txt");

        public PesterResults Results { get; private set; }

        public string Output { get; private set; }

        public TimeSpan Elapsed { get; private set; }

        public async Task InitializeAsync()
        {
            RequireBuilt(RepositoryPaths.Pwsh, "tools/pwsh");
            RequireBuilt(RepositoryPaths.PesterModule, "the Pester 5.7.1 package (restored with the tests project)");
            RequireBuilt(RepositoryPaths.ModuleManifest, "the module");

            if (Directory.Exists(ResultsFolder))
            {
                Directory.Delete(ResultsFolder, recursive: true);
            }

            Directory.CreateDirectory(ResultsFolder);
            _scratch = Path.Combine(Path.GetTempPath(), "pcl-pester-" + Guid.NewGuid().ToString("N"));
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(_scratch);
            }
            else
            {
                // The certificate's PFX has no password: only this user may read the folder.
                Directory.CreateDirectory(_scratch, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Quiet = true });
            Dictionary<string, string> environment = PrepareEmulator();

            Stopwatch clock = Stopwatch.StartNew();
            Output = await RunPwshAsync(environment);
            Elapsed = clock.Elapsed;
            File.WriteAllText(OutputFile, Output);

            string resultsFile = Path.Combine(ResultsFolder, "results.json");
            if (!File.Exists(resultsFile))
            {
                throw new InvalidOperationException(
                    "The Pester run wrote no results (" + resultsFile + "). Its output (also in " + OutputFile + "):"
                    + Environment.NewLine + Tail(Output));
            }

            Results = JsonSerializer.Deserialize<PesterResults>(File.ReadAllText(resultsFile));
        }

        public async Task DisposeAsync()
        {
            if (_emulator != null)
            {
                await _emulator.DisposeAsync();
            }

            try
            {
                if (_scratch != null)
                {
                    Directory.Delete(_scratch, recursive: true);
                }
            }
            catch (IOException)
            {
                // The temp cleaner gets it.
            }
        }

        /// <summary>The results belonging to one discovered test: one, or one per run of a data-driven test.</summary>
        public IReadOnlyList<PesterTestResult> ResultsFor(string key)
        {
            return Results.Tests.Where(t => string.Equals(t.Key, key, StringComparison.Ordinal)).ToList();
        }

        // Registers the application the way an admin would, and returns what the suite is told about it.
        private Dictionary<string, string> PrepareEmulator()
        {
            string clientId = Guid.NewGuid().ToString();
            string publicClientId = Guid.NewGuid().ToString();
            EmulatorState state = _emulator.State;
            state.RegisterConfidentialClient(clientId, _secret);
            state.RegisterPublicClient(publicClientId);
            state.AutoApproveDeviceCodesAfter = TimeSpan.Zero;

            // Report executions move on by polls, not by the clock: two reads Pending, one Running, then Completed. A
            // run polled every 0.2 s ends in about a second; tests/InsightsInvoke.Tests.ps1 stops one on purpose in
            // the long pause after its first poll, however slow the machine.
            state.InsightsExecutionPendingPolls = 2;
            state.InsightsExecutionRunningPolls = 1;

            string pfx = Path.Combine(_scratch, "app.pfx");
            using (X509Certificate2 certificate = state.CreateClientCertificate(clientId))
            {
                File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx));
            }

            return new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["SSL_CERT_FILE"] = _emulator.WriteTrustBundle(Path.Combine(_scratch, "ca-bundle.pem")),
                ["PCL_EMULATOR_URL"] = _emulator.BaseUri.ToString().TrimEnd('/'),
                ["PCL_TENANT"] = EmulatorState.DefaultTenantId,
                ["PCL_CLIENT_ID"] = clientId,
                ["PCL_CLIENT_SECRET"] = _secret,
                ["PCL_REFRESH_TOKEN"] = state.IssueRefreshToken(clientId),
                ["PCL_PUBLIC_CLIENT_ID"] = publicClientId,
                ["PCL_CERTIFICATE_PATH"] = pfx,

                // A completed report's file behind a secure link on the emulator's download origin, for tests/ReportDownload.Tests.ps1.
                ["PCL_REPORT_LINK"] = state.Downloads.Publish("seats.csv", () => new MemoryStream(Encoding.UTF8.GetBytes(SampleReport)), DateTimeOffset.UtcNow.AddHours(2)).ToString(),
            };
        }

        private const string SampleReport =
            "\uFEFFCustomerTenantId,CustomerName,Product,Month,TotalSoldSeats,TotalAssignedSeats\r\n"
            + "11111111-1111-1111-1111-111111111111,\"Contoso, Ltd\",Microsoft 365 E3,2026-11-01,25,20\r\n"
            + "22222222-2222-2222-2222-222222222222,Fabrikam,Microsoft 365 E5,2026-11-01,10,10\r\n";

        private static async Task<string> RunPwshAsync(Dictionary<string, string> environment)
        {
            using var pwsh = new SupervisedProcess(SupervisedProcess.Dotnet, new[]
            {
                RepositoryPaths.Pwsh, "-NoLogo", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
                "-File", Path.Combine(RepositoryPaths.Root, "tests", "PartnerCenterLicenses.Tests", "Pester", "Invoke-PesterSuite.ps1"),
                "-PesterModule", RepositoryPaths.PesterModule,
                "-TestsFolder", Path.Combine(RepositoryPaths.Root, "tests"),
                "-ResultsFolder", ResultsFolder,
            })
            {
                Name = "the Pester run",
                Environment = environment,
                WorkingDirectory = RepositoryPaths.Root,
                OfflinePowerShell = true,
            };
            int exitCode = await pwsh.Start().WaitForExitAsync(RunLimit);

            // Both streams in the order they were written, as a person at the console would read them.
            return pwsh.Transcript + $"(pwsh exited with code {exitCode})" + Environment.NewLine;
        }

        private static string Tail(string text, int length = 6000)
        {
            return text.Length <= length ? text : "..." + text.Substring(text.Length - length);
        }

        private static void RequireBuilt(string path, string what)
        {
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{what} is not built or restored: '{path}' is missing. Run: dotnet build -c Release Module.sln");
            }
        }
    }
}
