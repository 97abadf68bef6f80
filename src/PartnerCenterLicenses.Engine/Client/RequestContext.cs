using System;
using System.Net.Http;
using System.Threading;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// One call's state, as every step of the Partner Center chain sees it: the cmdlet call, its log,
    /// the ids of the request sent last and the idle timeout. It rides in the request's properties, and
    /// every copy a step makes (a redirect, a renewal, a retry) carries the same one.
    /// </summary>
    internal sealed class RequestContext
    {
        private const string Key = "PartnerCenterLicenses.RequestContext";
        private readonly CancellationToken _cancellation;
        private bool _answered;

        public RequestContext(CmdletCall call, IEngineLog log, CancellationToken cancellation)
        {
            Call = call;
            Log = log;
            _cancellation = cancellation;
            Ids = new RequestIds(Guid.NewGuid(), call.CorrelationId);
            Timeout = new IdleTimeout(call.Options.Timeout, cancellation);
        }

        public CmdletCall Call { get; }

        public IEngineLog Log { get; }

        /// <summary>The ids of the request sent last, which its answer or failure is reported with.</summary>
        public RequestIds Ids { get; private set; }

        /// <summary>Runs while the call waits for Partner Center, and goes on with the successful answer's body.</summary>
        public IdleTimeout Timeout { get; private set; }

        public int Retries { get; set; }

        /// <summary>When the last answer's Retry-After says Partner Center will take requests again; null without one.</summary>
        public DateTimeOffset? AcceptsRequestsAgainAt { get; set; }

        /// <summary>What was left of the wait budget when the last answer's Retry-After asked for more; null otherwise.</summary>
        public TimeSpan? WaitLeftWhenRefused { get; set; }

        /// <summary>True for the download of a report's secure link (another host, not Partner Center), for the wording of lines.</summary>
        public bool ToSignedLink { get; set; }

        /// <summary>A call renews a rejected token once at most.</summary>
        public bool TokenRenewed { get; set; }

        public static RequestContext Of(HttpRequestMessage request) => request.Properties.TryGetValue(Key, out object context) ? context as RequestContext : null;

        public void AttachTo(HttpRequestMessage request) => request.Properties[Key] = this;

        /// <summary>
        /// Partner Center's rule: after a timeout or broken connection the request goes again with the
        /// same MS-RequestId; after any answer, with a new one.
        /// </summary>
        public RequestIds IdsForNextSend()
        {
            if (_answered)
            {
                Ids = new RequestIds(Guid.NewGuid(), Ids.CorrelationId);
                _answered = false;
            }

            return Ids;
        }

        public void Answered() => _answered = true;

        /// <summary>A timeout that ran out stays cancelled, so the next attempt gets a fresh one.</summary>
        public void RestartTimedOut()
        {
            Timeout.Dispose();
            Timeout = new IdleTimeout(Call.Options.Timeout, _cancellation);
        }
    }
}
