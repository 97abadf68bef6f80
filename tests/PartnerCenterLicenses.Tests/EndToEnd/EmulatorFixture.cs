using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

// The emulator collection runs its tests one at a time and is the longest of the suite, mostly
// waiting (on retries, timeouts, device code polls), so it must start at once rather than queue for
// one of xunit's default processor-count slots, which an awaiting async test keeps while it waits.
// Unit tests and the other collections fill the time it spends waiting.
[assembly: CollectionBehavior(MaxParallelThreads = -1)]

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// One emulator for the end-to-end tests, trusted by the hosted engines through SSL_CERT_FILE,
    /// the way a user trusts a private CA. Tests in the collection run one at a time, so request
    /// records and token counts belong to the test that reads them.
    /// </summary>
    public sealed class EmulatorFixture : IAsyncLifetime
    {
        public const string ClientId = "8f3c1b2a-6d4e-4a5b-9c7d-1e2f3a4b5c6d";
        public const string PublicClientId = "2c9d7e1f-3a4b-4c5d-8e6f-7a8b9c0d1e2f";

        private string _bundleFolder;

        public EmulatorServer Server { get; private set; }

        /// <summary>
        /// A second, trusted host playing whoever a redirect points at (an attacker's token endpoint, a
        /// download host). It knows the same client and secret, so a credential that reached it would
        /// work there: the tests assert that none does.
        /// </summary>
        public EmulatorServer Other { get; private set; }

        /// <summary>A host whose certificate nothing trusts, as a TLS-intercepting proxy would present.</summary>
        public EmulatorServer Untrusted { get; private set; }

        public EmulatorState State => Server.State;

        /// <summary>The confidential client's secret, made new for every test run.</summary>
        public string ClientSecret { get; } = "s3cr3t~" + Guid.NewGuid().ToString("N");

        public string TrustBundle { get; private set; }

        /// <summary>When the current test began; a request still finishing from an earlier test is older.</summary>
        public DateTimeOffset ResetAt { get; private set; }

        public Uri Url => Server.BaseUri;

        public async Task InitializeAsync()
        {
            Server = await EmulatorServer.StartAsync(new EmulatorOptions { Quiet = true });
            Other = await EmulatorServer.StartAsync(new EmulatorOptions { Quiet = true });
            Untrusted = await EmulatorServer.StartAsync(new EmulatorOptions { Quiet = true });
            foreach (EmulatorServer server in new[] { Server, Other, Untrusted })
            {
                server.State.RegisterConfidentialClient(ClientId, ClientSecret);
                server.State.RegisterPublicClient(PublicClientId);
            }

            _bundleFolder = Path.Combine(Path.GetTempPath(), "pcl-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_bundleFolder);
            TrustBundle = Server.WriteTrustBundle(Path.Combine(_bundleFolder, "ca-bundle.pem"));
            File.AppendAllText(TrustBundle, "# Other\n" + Other.CertificatePem + "\n");
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            await Other.DisposeAsync();
            await Untrusted.DisposeAsync();
            try
            {
                Directory.Delete(_bundleFolder, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        /// <summary>
        /// Resets the emulator's records and data to the documented defaults for the next test.
        /// </summary>
        /// <summary>
        /// An HttpClient for the emulator itself, trusting its certificate alone as a root (as the
        /// module's users trust a private CA), for tests of the emulator's contract.
        /// </summary>
        public HttpClient NewTrustingHttpClient()
        {
            var handler = new SocketsHttpHandler();
            handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { Server.Certificate },
            };
            return new HttpClient(handler) { BaseAddress = Url };
        }

        public void Reset()
        {
            ResetAt = DateTimeOffset.UtcNow;
            State.ClearScriptedResponses();
            State.ClearRecords();
            Other.State.ClearScriptedResponses();
            Other.State.ClearRecords();
            Untrusted.State.ClearRecords();
            State.ResetPartnerCenterData();
            State.AccessTokenLifetime = TimeSpan.FromHours(1);
            State.DeviceCodeLifetime = TimeSpan.FromMinutes(15);
            State.DeviceCodePollInterval = TimeSpan.FromSeconds(5);
            State.AutoApproveDeviceCodesAfter = null;
            State.AutoApproveDeviceCodesOnPoll = null;
            State.InteractiveSignInDenied = false;
            State.InteractiveUserPrincipalName = EmulatorState.DefaultUserPrincipalName;
            State.EnforceMultifactorAuthentication = false;
            State.OmitRotatedRefreshToken = false;
            State.SetUserSignsInWithMfa(EmulatorState.DefaultUserPrincipalName, true);
        }

        /// <summary>
        /// Runs a script in a hosted engine that has the module imported and an environment named
        /// Emulator pointing here. Secrets reach the script through environment variables, as a
        /// runbook gets them from its automation account, so they never appear in script text.
        /// The run goes to the pooled host unless <paramref name="freshProcess"/> asks for a process
        /// of its own; <paramref name="stopWhen"/> stops it as Ctrl+C would (see <see cref="Seen"/>).
        /// Without <paramref name="prelude"/> the script makes the environment and the credential itself.
        /// </summary>
        public Task<HostedRunResult> RunAsync(
            string script,
            IDictionary<string, string> environment = null,
            TimeSpan? timeout = null,
            TimeSpan? stopAfter = null,
            bool freshProcess = false,
            Func<CancellationToken, Task> stopWhen = null,
            bool prelude = true)
        {
            return HostedPowerShell.RunAsync(new HostedRunRequest
            {
                Script = (prelude ? Prelude : string.Empty) + script,
                ModulePath = RepositoryPaths.ModuleManifest,
                Environment = EnvironmentFor(environment),
                Timeout = timeout ?? TimeSpan.FromSeconds(60),
                StopAfter = stopAfter,
                StopWhen = stopWhen,
                FreshProcess = freshProcess,
            });
        }

        /// <summary>
        /// A condition for <see cref="HostedRunRequest.StopWhen"/>: met once the emulator has recorded
        /// <paramref name="times"/> requests of the current test that <paramref name="matches"/>, and then
        /// <paramref name="andThen"/> has passed. It ties a Ctrl+C to what the module is doing rather than
        /// to a guess at how long getting there takes on a loaded machine.
        /// </summary>
        public Func<CancellationToken, Task> Seen(Func<RecordedRequest, bool> matches, TimeSpan andThen = default, int times = 1)
        {
            DateTimeOffset since = ResetAt;
            return async cancellation =>
            {
                while (State.Requests.Count(r => r.ReceivedAt >= since && matches(r)) < times)
                {
                    await Task.Delay(20, cancellation);
                }

                if (andThen > TimeSpan.Zero)
                {
                    await Task.Delay(andThen, cancellation);
                }
            };
        }

        /// <summary>The child's environment: trust of the emulator's certificate, its URL, the client and the given extras.</summary>
        public Dictionary<string, string> EnvironmentFor(IDictionary<string, string> environment = null)
        {
            var variables = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["SSL_CERT_FILE"] = TrustBundle,
                ["PCL_EMULATOR_URL"] = Url.ToString().TrimEnd('/'),
                ["PCL_CLIENT_ID"] = ClientId,
                ["PCL_CLIENT_SECRET"] = ClientSecret,
                ["PCL_TENANT"] = EmulatorState.DefaultTenantId,
            };
            foreach (var pair in environment ?? new Dictionary<string, string>())
            {
                variables[pair.Key] = pair.Value;
            }

            return variables;
        }

        /// <summary>
        /// The child environment of a run that connects with the secure application model: a refresh
        /// token newly issued to the confidential client (PCL_REFRESH_TOKEN), plus the given extras.
        /// </summary>
        public Dictionary<string, string> WithRefreshToken(IDictionary<string, string> extra = null)
        {
            var variables = new Dictionary<string, string> { ["PCL_REFRESH_TOKEN"] = State.IssueRefreshToken(ClientId) };
            foreach (var pair in extra ?? new Dictionary<string, string>())
            {
                variables[pair.Key] = pair.Value;
            }

            return variables;
        }

        /// <summary>The connect line of the secure application model, reading its secrets from the environment.</summary>
        public const string ConnectWithRefreshToken =
            "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential "
            + "-RefreshToken (ConvertTo-Secure $env:PCL_REFRESH_TOKEN) -Tenant $env:PCL_TENANT";

        // The hosted engine has only the core cmdlets (no ConvertTo-SecureString), so the prelude
        // builds SecureStrings the long way.
        public const string Prelude = @"
$ErrorActionPreference = 'Stop'
function ConvertTo-Secure([string] $text) {
    $secure = [System.Security.SecureString]::new()
    foreach ($c in $text.ToCharArray()) { $secure.AppendChar($c) }
    $secure.MakeReadOnly()
    $secure
}
$credential = [pscredential]::new($env:PCL_CLIENT_ID, (ConvertTo-Secure $env:PCL_CLIENT_SECRET))
$null = Add-PartnerCenterEnvironment -Name Emulator -ActiveDirectoryAuthority $env:PCL_EMULATOR_URL -PartnerCenterEndpoint $env:PCL_EMULATOR_URL
";

        /// <summary>Every text a run produced that a user, a log or a transcript could see.</summary>
        public static IEnumerable<string> EverythingVisible(HostedRunResult result)
        {
            foreach (var item in result.Output)
            {
                yield return item.Text;
                foreach (var property in item.Properties.Values)
                {
                    yield return property.Value;
                }
            }

            foreach (var error in result.Errors.Concat(new[] { result.TerminatingError }).Where(e => e != null))
            {
                yield return error.ToString();
                yield return error.Message;
                yield return error.ExceptionText;
                yield return error.ErrorDetailsMessage;
                yield return error.RecommendedAction;
                yield return error.TargetName;
                yield return error.ScriptStackTrace;
            }

            foreach (var record in result.Streams)
            {
                yield return record.Text;
            }

            yield return result.ConsoleOutput;
            yield return result.StandardError;
        }
    }

    [CollectionDefinition(Name)]
    public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
    {
        public const string Name = "Emulator";
    }

    /// <summary>
    /// The sign-in and session tests, with an emulator (and a pooled host) of their own: one
    /// collection ran every emulator test one after the other, and its length was the suite's.
    /// Tests within a collection still run one at a time, so each sees only its own requests.
    /// </summary>
    [CollectionDefinition(Name)]
    public sealed class SignInEmulatorCollection : ICollectionFixture<EmulatorFixture>
    {
        public const string Name = "Emulator for sign-in";
    }

    /// <summary>
    /// Partner insights, reports, throttling, module loading and the emulator's own switches, with a third emulator and pooled host: the
    /// two collections above had grown to most of the suite's time, one test after another, while the machine idled.
    /// </summary>
    [CollectionDefinition(Name)]
    public sealed class ReportsEmulatorCollection : ICollectionFixture<EmulatorFixture>
    {
        public const string Name = "Emulator for reports";
    }

    /// <summary>
    /// The counters of what a cold process compiles run alone, after the parallel tests: another test's
    /// load delays the runtime's background recompiles, which a process-wide count then adds at random
    /// (1,002-1,047 alone, up to 1,118 beside the rest of the suite on a 2-core machine).
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class ColdCounterCollection : ICollectionFixture<EmulatorFixture>
    {
        public const string Name = "Cold counters";
    }
}
