using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PartnerCenter.Emulator.Entra;
using PartnerCenter.Emulator.Hosting;
using PartnerCenter.Emulator.PartnerCenter;

namespace PartnerCenter.Emulator
{
    /// <summary>
    /// An HTTPS server on 127.0.0.1 that plays both Entra ID (the v2 token endpoint and the metadata MSAL
    /// reads) and the Partner Center REST API, for tests and for trying the module without a tenant.
    /// </summary>
    /// <example>
    /// <code>
    /// await using EmulatorServer server = await EmulatorServer.StartAsync();
    /// server.State.RegisterConfidentialClient(clientId, secret);
    /// string refreshToken = server.State.IssueRefreshToken(clientId);
    /// // authority: server.BaseUri + "organizations"; Partner Center endpoint: server.BaseUri
    /// </code>
    /// </example>
    public sealed class EmulatorServer : IAsyncDisposable, IDisposable
    {
        /// <summary>Where Debian, Ubuntu, Alpine and others keep the system CA bundle.</summary>
        private const string SystemCaBundlePath = "/etc/ssl/certs/ca-certificates.crt";

        /// <summary>Long enough for in-flight requests to finish, short enough that disposing a server never stalls a test run.</summary>
        private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

        private readonly WebApplication _app;
        private readonly X509Certificate2 _serverCertificate;
        private readonly TokenSigner _signer;
        private readonly DownloadOrigin _downloads;
        private int _disposed;

        private EmulatorServer(WebApplication app, DownloadOrigin downloads, X509Certificate2 serverCertificate, TokenSigner signer, EmulatorState state, Uri baseUri)
        {
            _app = app;
            _downloads = downloads;
            _serverCertificate = serverCertificate;
            _signer = signer;
            State = state;
            BaseUri = baseUri;
            Certificate = X509CertificateLoader.LoadCertificate(serverCertificate.RawData);
            CertificatePem = serverCertificate.ExportCertificatePem();
        }

        /// <summary>Scheme, host and port, e.g. <c>https://127.0.0.1:54321</c>; Entra and Partner Center share it.</summary>
        public Uri BaseUri { get; }

        /// <summary>The server's self-signed TLS certificate, public part only.</summary>
        public X509Certificate2 Certificate { get; }

        /// <summary>The server certificate in PEM form.</summary>
        public string CertificatePem { get; }

        /// <summary>Clients, users, tokens, served data, scripted responses and recorded requests.</summary>
        public EmulatorState State { get; }

        /// <summary>
        /// Starts a server with a new certificate and a fresh <see cref="EmulatorState"/>. Listens on
        /// https://127.0.0.1 at <see cref="EmulatorOptions.Port"/>, or at a free port when that is 0.
        /// </summary>
        public static async Task<EmulatorServer> StartAsync(EmulatorOptions options = null)
        {
            options ??= new EmulatorOptions();
            if (options.Port < 0 || options.Port > IPEndPoint.MaxPort)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.Port, "The port must be between 0 and 65535.");
            }

            X509Certificate2 serverCertificate = ServerCertificate.Create();
            var signer = new TokenSigner();
            try
            {
                var state = new EmulatorState(signer);

                // The empty builder reads no appsettings.json, environment variables (ASPNETCORE_URLS...) or
                // command line, so whatever process hosts the emulator cannot change how it binds or behaves.
                WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
                {
                    ApplicationName = typeof(EmulatorServer).Assembly.GetName().Name,
                });
                builder.WebHost.UseKestrel(kestrel =>
                {
                    kestrel.AddServerHeader = false;
                    kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(serverCertificate));
                });
                builder.Services.AddRoutingCore();
                builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
                builder.Logging.ClearProviders();
                if (!options.Quiet)
                {
                    builder.Logging.AddSimpleConsole(console =>
                    {
                        console.SingleLine = true;
                        console.TimestampFormat = "HH:mm:ss ";
                    });
                    builder.Logging.SetMinimumLevel(LogLevel.Warning);
                    builder.Logging.AddFilter(typeof(EmulatorServer).Namespace, LogLevel.Information);
                }

                WebApplication app = builder.Build();
                ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EmulatorServer).Namespace);
                ConfigurePipeline(app, state, logger);

                try
                {
                    await app.StartAsync();
                }
                catch
                {
                    await app.DisposeAsync();
                    throw;
                }

                string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>().Addresses.First();
                var bound = new Uri(address);
                var baseUri = new Uri($"https://127.0.0.1:{bound.Port}");

                // The host of the reports' secure links: another origin, as blob storage is.
                DownloadOrigin downloads;
                try
                {
                    downloads = await DownloadOrigin.StartAsync(serverCertificate, state.Downloads, ShutdownTimeout);
                }
                catch
                {
                    await app.DisposeAsync();
                    throw;
                }

                state.Downloads.BaseUri = downloads.BaseUri;
                return new EmulatorServer(app, downloads, serverCertificate, signer, state, baseUri);
            }
            catch
            {
                serverCertificate.Dispose();
                signer.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Writes a CA bundle made of the system bundle (<c>/etc/ssl/certs/ca-certificates.crt</c>, when
        /// present) followed by this server's certificate, and returns its full path. Point
        /// <c>SSL_CERT_FILE</c> at it so that a child process (OpenSSL-based: .NET on Linux and macOS, curl)
        /// trusts the emulator while still trusting everything it trusted before.
        /// </summary>
        /// <param name="path">File to create or overwrite; its directory is created if needed.</param>
        public string WriteTrustBundle(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            string fullPath = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath));

            string systemBundle = File.Exists(SystemCaBundlePath) ? File.ReadAllText(SystemCaBundlePath) : string.Empty;
            if (systemBundle.Length > 0 && !systemBundle.EndsWith('\n'))
            {
                systemBundle += "\n";
            }

            File.WriteAllText(fullPath, systemBundle + "# PartnerCenter.Emulator\n" + CertificatePem + "\n");
            return fullPath;
        }

        /// <summary>Stops the server and releases its certificate and keys.</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            try
            {
                using var timeout = new CancellationTokenSource(ShutdownTimeout);
                await _app.StopAsync(timeout.Token);
            }
            finally
            {
                await _downloads.DisposeAsync();
                await _app.DisposeAsync();
                _serverCertificate.Dispose();
                _signer.Dispose();
                Certificate.Dispose();
            }
        }

        /// <summary>Stops the server and releases its certificate and keys.</summary>
        public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

        private static void ConfigurePipeline(WebApplication app, EmulatorState state, ILogger logger)
        {
            IHostApplicationLifetime lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            new RequestPipeline(state, logger, lifetime.ApplicationStopping).Configure(app);

            app.UseRouting();
            new DiscoveryEndpoints(state).Map(app);
            var deviceCodes = new DeviceCodeEndpoint(state, logger);
            deviceCodes.Map(app);
            var authorize = new AuthorizeEndpoint(state);
            authorize.Map(app);
            new TokenEndpoint(state, deviceCodes, authorize).Map(app);
            var partnerCenter = new PartnerCenterApi(state);
            partnerCenter.Map(app);
            app.MapFallback(partnerCenter.NotFoundAsync);
        }
    }
}
