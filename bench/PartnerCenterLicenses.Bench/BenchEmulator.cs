using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading.Tasks;
using PartnerCenter.Emulator;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Parent side of every benchmark that talks to Partner Center: the emulator, fresh credentials for
    /// this run, and the environment that lets a child trust the emulator and sign in.
    /// </summary>
    internal sealed class BenchEmulator : IAsyncDisposable
    {
        private readonly string _bundleFolder;

        private BenchEmulator(EmulatorServer server, string bundleFolder, IReadOnlyDictionary<string, string> environment)
        {
            Server = server;
            _bundleFolder = bundleFolder;
            ChildEnvironment = environment;
        }

        public EmulatorServer Server { get; }

        public EmulatorState State => Server.State;

        /// <summary>What a child needs in its environment: the trust bundle, the URL and the credentials.</summary>
        public IReadOnlyDictionary<string, string> ChildEnvironment { get; }

        public static async Task<BenchEmulator> StartAsync()
        {
            string bundleFolder = Path.Combine(Path.GetTempPath(), "pcl-bench-" + Guid.NewGuid().ToString("N"));
            EmulatorServer server = await EmulatorServer.StartAsync();

            // Fresh credentials per run. They reach the child only through its environment and are
            // never printed or written to the results.
            string clientId = Guid.NewGuid().ToString();
            string clientSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
            server.State.RegisterConfidentialClient(clientId, clientSecret);
            string moduleRefreshToken = server.State.IssueRefreshToken(clientId);
            string baselineRefreshToken = server.State.IssueRefreshToken(clientId);
            string bundle = server.WriteTrustBundle(Path.Combine(bundleFolder, "ca-bundle.pem"));

            var environment = new Dictionary<string, string>
            {
                // Trust exactly as a user trusts a private CA; nothing in the bench relaxes TLS checks.
                ["SSL_CERT_FILE"] = bundle,
                [CallChild.UrlVariable] = server.BaseUri.ToString().TrimEnd('/'),
                [CallChild.TenantVariable] = EmulatorState.DefaultTenantId,
                [CallChild.ClientIdVariable] = clientId,
                [CallChild.ClientSecretVariable] = clientSecret,
                [CallChild.RefreshTokenVariable] = moduleRefreshToken,
                [CallChild.BaselineRefreshTokenVariable] = baselineRefreshToken,
            };
            return new BenchEmulator(server, bundleFolder, environment);
        }

        /// <summary>The child environment plus <paramref name="extra"/>.</summary>
        public Dictionary<string, string> EnvironmentWith(IReadOnlyDictionary<string, string> extra)
        {
            var environment = new Dictionary<string, string>(ChildEnvironment);
            foreach (KeyValuePair<string, string> pair in extra)
            {
                environment[pair.Key] = pair.Value;
            }

            return environment;
        }

        /// <summary>A file in this run's private folder, deleted with it.</summary>
        public string RunFile(string name)
        {
            Directory.CreateDirectory(_bundleFolder);
            return Path.Combine(_bundleFolder, name);
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            if (Directory.Exists(_bundleFolder))
            {
                Directory.Delete(_bundleFolder, recursive: true);
            }
        }
    }
}
