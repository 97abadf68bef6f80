using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Authentication;
using PartnerCenterLicenses.Engine.Client;
using PartnerCenterLicenses.Engine.Http;
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
        public Task<PartnerCenterContext> ConnectAsync(RefreshTokenSignIn request, IEngineLog log, CancellationToken cancellationToken)
        {
            return OpenSessionAsync(
                request, certificates => RefreshTokenFlow.ConnectAsync(request, certificates, log, cancellationToken), log, cancellationToken);
        }

        /// <inheritdoc />
        public Task<PartnerCenterContext> ConnectAsync(AccessTokenSignIn request, IEngineLog log, CancellationToken cancellationToken)
        {
            return OpenSessionAsync(
                request, certificates => Task.FromResult<ITokenSource>(new SuppliedAccessTokenSource(request.AccessToken, request.Tenant?.ToString())), log, cancellationToken);
        }

        /// <inheritdoc />
        public Task<PartnerCenterContext> ConnectAsync(PersonSignIn request, IEngineLog log, CancellationToken cancellationToken)
        {
            return OpenSessionAsync(
                request, certificates => PersonSignInFlow.ConnectAsync(request, certificates, log, cancellationToken), log, cancellationToken);
        }

        private async Task<PartnerCenterContext> OpenSessionAsync(
            SignInRequest request, Func<CertificateFailures, Task<ITokenSource>> signIn, IEngineLog log, CancellationToken cancellationToken)
        {
            var certificates = new CertificateFailures();
            ITokenSource tokens = null;
            try
            {
                tokens = await signIn(certificates).ConfigureAwait(false);
                var client = new PartnerCenterClient(
                    HttpClients.Transport(certificates), request.Environment.PartnerCenterEndpoint, tokens, certificates);
                var session = new PartnerCenterSession(request.Environment, tokens, client);

                // The replaced session is let go of, not signed out: its cached account may be this one.
                Swap(session)?.Release();
                if (tokens.LastTokenIsAppOnly)
                {
                    log.Warning("The access token is app-only (it names no user). Partner Center's license analytics accept only App+User tokens, so calls will be refused.");
                }

                return session.Describe();
            }
            catch (Exception e) when (!(e is PartnerCenterException) && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                tokens?.Dispose();
                throw Unexpected("Connecting", e);
            }
            catch
            {
                tokens?.Dispose();
                throw;
            }
        }

        /// <inheritdoc />
        public Task<PartnerCenterRefreshToken> NewRefreshTokenAsync(AdminAgentSignIn request, IEngineLog log, CancellationToken cancellationToken)
        {
            return RefreshTokenAsync(() => RefreshTokenIssuance.SignInAsync(request, new CertificateFailures(), log, cancellationToken), cancellationToken);
        }

        /// <inheritdoc />
        public Task<PartnerCenterRefreshToken> RenewRefreshTokenAsync(RefreshTokenSignIn request, IEngineLog log, CancellationToken cancellationToken)
        {
            return RefreshTokenAsync(() => RefreshTokenIssuance.RenewAsync(request, new CertificateFailures(), log, cancellationToken), cancellationToken);
        }

        private static async Task<PartnerCenterRefreshToken> RefreshTokenAsync(Func<Task<PartnerCenterRefreshToken>> issue, CancellationToken cancellationToken)
        {
            try
            {
                return await issue().ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is PartnerCenterException) && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                throw Unexpected("Getting a refresh token", e);
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
        public ISessionLease Lease()
        {
            return new SessionLease(LeaseSession());
        }

        private PartnerCenterSession LeaseSession()
        {
            while (true)
            {
                PartnerCenterSession session = Volatile.Read(ref _session);
                if (session == null)
                {
                    throw PartnerCenterException.NotConnected();
                }

                // A session released between the read and the lease was just replaced: take the new one.
                if (session.TryLease())
                {
                    return session;
                }
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

        // A failure nobody planned for still reaches the user as the module's error, with its cause
        // in the message, instead of as a raw stack trace.
        internal static PartnerCenterException Unexpected(string activity, Exception e)
        {
            return new PartnerCenterException(
                PartnerCenterErrorIds.RequestFailed,
                PartnerCenterErrorKind.RequestFailed,
                activity + " failed unexpectedly: " + e.GetType().Name + ": " + Causes.Describe(e),
                e);
        }

        /// <summary>A hold on a session that reads through it until disposed.</summary>
        private sealed class SessionLease : ISessionLease
        {
            private PartnerCenterSession _session;

            public SessionLease(PartnerCenterSession session)
            {
                _session = session;
            }

            public IItemStream<T> Read<T>(ResourceRequest<T> request, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
            {
                PartnerCenterSession session = Volatile.Read(ref _session) ?? throw new ObjectDisposedException(nameof(ISessionLease));
                return new ResourceStream<T>(session.Client, request, call, log, cancellationToken);
            }

            public Task<IItemStream<object>> OpenReportAsync(ReportFileRequest request, IReportRowBuilder rows, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
            {
                PartnerCenterSession session = Volatile.Read(ref _session) ?? throw new ObjectDisposedException(nameof(ISessionLease));
                return Unplanned("Reading the report file", session.Downloads.OpenRowsAsync(request, rows, call, log, cancellationToken), cancellationToken);
            }

            public Task<long> SaveReportAsync(ReportFileRequest request, string path, bool overwrite, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
            {
                PartnerCenterSession session = Volatile.Read(ref _session) ?? throw new ObjectDisposedException(nameof(ISessionLease));
                return Unplanned("Saving the report file", session.Downloads.SaveAsync(request, path, overwrite, call, log, cancellationToken), cancellationToken);
            }

            private static async Task<TResult> Unplanned<TResult>(string activity, Task<TResult> task, CancellationToken cancellationToken)
            {
                try
                {
                    return await task.ConfigureAwait(false);
                }
                catch (Exception e) when (!(e is PartnerCenterException) && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    throw Unexpected(activity, e);
                }
            }

            public void Dispose()
            {
                Interlocked.Exchange(ref _session, null)?.Release();
            }
        }
    }
}
