using System;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// Everything the cmdlets ask of the engine. This interface and the types it names are the whole
    /// boundary between the cmdlet assembly and the engine assembly (which carries MSAL and
    /// Newtonsoft.Json), so it names only types of this assembly and of the base class library.
    /// </summary>
    public interface IPartnerCenterEngine
    {
        /// <summary>The current session's context, or null when not connected.</summary>
        PartnerCenterContext CurrentContext { get; }

        /// <summary>
        /// Opens a session, replacing any current one once the new one has a token. One overload per way
        /// of signing in: the cmdlet's choice of request type is the only choice.
        /// </summary>
        Task<PartnerCenterContext> ConnectAsync(RefreshTokenSignIn request, IEngineLog log, CancellationToken cancellationToken);

        /// <summary>Opens a session with the caller's access token.</summary>
        Task<PartnerCenterContext> ConnectAsync(AccessTokenSignIn request, IEngineLog log, CancellationToken cancellationToken);

        /// <summary>Opens a session a person signs in to.</summary>
        Task<PartnerCenterContext> ConnectAsync(PersonSignIn request, IEngineLog log, CancellationToken cancellationToken);

        /// <summary>An admin agent signs in and the application gets a refresh token to keep; no session is opened, nothing is stored.</summary>
        Task<PartnerCenterRefreshToken> NewRefreshTokenAsync(AdminAgentSignIn request, IEngineLog log, CancellationToken cancellationToken);

        /// <summary>The application redeems its refresh token for the rotated one; no session is opened, nothing is stored.</summary>
        Task<PartnerCenterRefreshToken> RenewRefreshTokenAsync(RefreshTokenSignIn request, IEngineLog log, CancellationToken cancellationToken);

        /// <summary>Ends the session and forgets its tokens. Returns false when there was none.</summary>
        bool Disconnect();

        /// <summary>
        /// Holds the current session for one cmdlet invocation, so a Connect or Disconnect elsewhere
        /// never pulls it away while the invocation reads; PartnerCenter.NotConnected when there is
        /// none. This is the one place that decides whether a call is connected.
        /// </summary>
        ISessionLease Lease();
    }

    /// <summary>The session one cmdlet invocation reads through, until it is disposed.</summary>
    public interface ISessionLease : IDisposable
    {
        /// <summary>
        /// A stream over the resource's items: nothing is sent until the first
        /// <see cref="IItemStream{T}.MoveNextAsync"/>, and a paged resource goes on to its next pages as
        /// it is read (when the request asks for them).
        /// </summary>
        IItemStream<T> Read<T>(ResourceRequest<T> request, CmdletCall call, IEngineLog log, CancellationToken cancellationToken);

        /// <summary>
        /// Opens a Partner insights report file behind its secure link and reads its header: the rows follow as
        /// the bytes arrive, each built by <paramref name="rows"/> from the values typed per column
        /// (the engine's table of Partner insights column types). The link's host gets no Authorization and no Partner Center header.
        /// A 403 from the host is PartnerCenter.ReportLinkExpired.
        /// </summary>
        Task<IItemStream<object>> OpenReportAsync(ReportFileRequest request, IReportRowBuilder rows, CmdletCall call, IEngineLog log, CancellationToken cancellationToken);

        /// <summary>
        /// Saves a report file to <paramref name="path"/> as it arrives: into a temporary file beside it, moved
        /// into place once whole (over an existing file only with <paramref name="overwrite"/>). Returns its length.
        /// </summary>
        Task<long> SaveReportAsync(ReportFileRequest request, string path, bool overwrite, CmdletCall call, IEngineLog log, CancellationToken cancellationToken);
    }

    /// <summary>
    /// A response's items, one at a time as they arrive. <see cref="MoveNextAsync"/> completes at once
    /// while the page being read has bytes in hand, and asynchronously while a page is requested.
    /// Failures are PartnerCenterException.
    /// </summary>
    /// <typeparam name="T">The type of the items.</typeparam>
    public interface IItemStream<T> : IDisposable
    {
        /// <summary>The item read last.</summary>
        T Current { get; }

        /// <summary>Reads the next item; false at the end of the collection.</summary>
        Task<bool> MoveNextAsync();

        /// <summary>The total the service reported (totalCount), once read; null before or when it sends none.</summary>
        long? TotalCount { get; }

        /// <summary>The number of pages requested so far.</summary>
        int Pages { get; }
    }

    /// <summary>Messages for the verbose and debug streams. Implementations may be called from any thread.</summary>
    public interface IEngineLog
    {
        /// <summary>Whether verbose messages are shown; lets the engine skip building ones nobody reads.</summary>
        bool IsVerboseEnabled { get; }

        /// <summary>Whether debug messages are shown.</summary>
        bool IsDebugEnabled { get; }

        /// <summary>What the engine is doing, for -Verbose.</summary>
        void Verbose(string message);

        /// <summary>Details for -Debug. Never pass a token or secret.</summary>
        void Debug(string message);

        /// <summary>Something the user should know even without -Verbose.</summary>
        void Warning(string message);
    }

    /// <summary>
    /// What every request of one cmdlet invocation shares: its MS-CorrelationId, its X-Locale, and
    /// the request options in force when the invocation started.
    /// </summary>
    public sealed class CmdletCall
    {
        /// <summary>Describes one cmdlet invocation.</summary>
        public CmdletCall(Guid correlationId, string locale, PartnerCenterRequestOptions options = null)
        {
            CorrelationId = correlationId;
            Locale = locale;
            Options = options ?? PartnerCenterRequestOptions.Current;
        }

        /// <summary>Timeout and retry settings for this invocation's requests.</summary>
        public PartnerCenterRequestOptions Options { get; }

        /// <summary>One id for every request the invocation sends (MS-CorrelationId).</summary>
        public Guid CorrelationId { get; }

        /// <summary>The X-Locale header value.</summary>
        public string Locale { get; }
    }
}
