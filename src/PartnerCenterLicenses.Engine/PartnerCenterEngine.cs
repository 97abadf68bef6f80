using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Authentication;
using PartnerCenterLicenses.Engine.Client;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine
{
    /// <summary>
    /// The engine the cmdlets talk to. It holds the process-wide session, so every runspace of the
    /// process shares one sign-in and one token cache, as with Connect-MgGraph.
    /// </summary>
    public sealed class PartnerCenterEngine : IPartnerCenterEngine
    {
        private readonly object _sessionLock = new object();
        private PartnerCenterSession _session;

        /// <inheritdoc />
        public PartnerCenterContext CurrentContext
        {
            get { return Volatile.Read(ref _session)?.Describe(); }
        }

        /// <inheritdoc />
        public async Task<PartnerCenterContext> ConnectAsync(ConnectRequest request, IEngineLog log, CancellationToken cancellationToken)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            HttpClient entraHttp = null;
            ITokenSource tokens = null;
            try
            {
                switch (request.Flow)
                {
                    case PartnerCenterAuthenticationType.RefreshToken:
                        entraHttp = NewHttpClient(request.RequestTimeout, followRedirects: true);
                        tokens = await RefreshTokenFlow.ConnectAsync(request, entraHttp, log, cancellationToken).ConfigureAwait(false);
                        break;
                    case PartnerCenterAuthenticationType.DeviceCode:
                    case PartnerCenterAuthenticationType.Interactive:
                        entraHttp = NewHttpClient(request.RequestTimeout, followRedirects: true);
                        tokens = await PublicClientFlow.ConnectAsync(
                            request, request.Flow == PartnerCenterAuthenticationType.DeviceCode, entraHttp, log, cancellationToken).ConfigureAwait(false);
                        break;
                    case PartnerCenterAuthenticationType.AccessToken:
                        tokens = new SuppliedAccessTokenSource(request.AccessToken, request.Tenant);
                        break;
                    default:
                        throw new PartnerCenterException(
                            PartnerCenterErrorIds.InvalidArgument, PartnerCenterErrorKind.InvalidArgument, "Unsupported sign-in flow " + request.Flow + ".");
                }

                var client = new PartnerCenterClient(NewHttpClient(Timeout.InfiniteTimeSpan, followRedirects: false), request.Environment.PartnerCenterEndpoint, tokens);
                var session = new PartnerCenterSession(request.Environment, tokens, client, entraHttp);
                // The replaced session is released, not signed out: its cached account may be this one.
                Swap(session)?.Dispose();
                PartnerCenterContext context = session.Describe();
                if (tokens.LastTokenIsAppOnly)
                {
                    log.Warning("The access token is app-only (it names no user). Partner Center's license analytics accept only App+User tokens, so calls will be refused.");
                }

                return context;
            }
            catch (Exception e) when (!(e is PartnerCenterException) && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                tokens?.Dispose();
                entraHttp?.Dispose();
                throw Unexpected("Connecting", e);
            }
            catch
            {
                tokens?.Dispose();
                entraHttp?.Dispose();
                throw;
            }
        }

        /// <inheritdoc />
        public bool Disconnect()
        {
            PartnerCenterSession previous = Swap(null);
            previous?.SignOut();
            return previous != null;
        }

        /// <inheritdoc />
        public async Task<IInsightsReader> OpenLicenseDeploymentAsync(RequestContext context, IEngineLog log, CancellationToken cancellationToken)
        {
            PartnerCenterSession session = Volatile.Read(ref _session);
            if (session == null)
            {
                throw PartnerCenterErrors.NotConnected();
            }

            try
            {
                return await session.Client.OpenLicenseDeploymentAsync(context, log, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is PartnerCenterException) && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                throw Unexpected("Reading license deployment insights", e);
            }
        }

        private PartnerCenterSession Swap(PartnerCenterSession next)
        {
            lock (_sessionLock)
            {
                PartnerCenterSession previous = _session;
                Volatile.Write(ref _session, next);
                return previous;
            }
        }

        // Timeouts are applied per request with cancellation, so the HttpClient's own timeout would
        // only get in the way of a long, healthy body; the Entra client keeps one because MSAL
        // sends its requests without ours. The Partner Center client follows redirects itself, so
        // that it decides where the access token goes.
        private static HttpClient NewHttpClient(TimeSpan timeout, bool followRedirects)
        {
            var handler = new HttpClientHandler { AllowAutoRedirect = followRedirects };
            var client = new HttpClient(handler, disposeHandler: true) { Timeout = timeout };
            client.DefaultRequestHeaders.UserAgent.ParseAdd("PartnerCenterLicenses/" + typeof(PartnerCenterEngine).Assembly.GetName().Version.ToString(3));
            return client;
        }

        // A failure nobody planned for still reaches the user as the module's error, with the
        // exception kept inside for diagnosis, instead of as a raw stack trace.
        private static PartnerCenterException Unexpected(string activity, Exception e)
        {
            return new PartnerCenterException(
                PartnerCenterErrorIds.RequestFailed,
                PartnerCenterErrorKind.RequestFailed,
                activity + " failed unexpectedly: " + e.GetType().Name + ": " + e.Message,
                e);
        }
    }
}
