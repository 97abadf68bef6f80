using System;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// Partner Center throttles per partner tenant, so a 429 to one request speaks for all of the
    /// session's requests: every request waits here, before it is sent, until the longest
    /// Retry-After seen has passed. Requests already in flight are not touched. The retry step, which
    /// decides how long a 429 holds the session back, sets the pause.
    /// </summary>
    internal sealed class ThrottlePause : DelegatingHandler
    {
        // The retry step never asks for more than a call's wait budget (at most an hour from the cmdlet);
        // this bound only keeps a pause, and Task.Delay (which throws past about 49 days), safe whatever it is given.
        private static readonly TimeSpan LongestPause = TimeSpan.FromDays(1);

        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _untilTicks;

        public ThrottlePause(HttpMessageHandler inner)
            : base(inner)
        {
        }

        /// <summary>Holds every request of the session back for <paramref name="delay"/> from now (a longer pause already set wins).</summary>
        public void PauseFor(TimeSpan delay)
        {
            if (delay <= TimeSpan.Zero)
            {
                return;
            }

            if (delay > LongestPause)
            {
                delay = LongestPause;
            }

            long until = _clock.Elapsed.Ticks + delay.Ticks;
            long seen;
            while ((seen = Interlocked.Read(ref _untilTicks)) < until)
            {
                if (Interlocked.CompareExchange(ref _untilTicks, until, seen) == seen)
                {
                    return;
                }
            }
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Most requests find no pause on, and go on without a wait of their own.
            return Interlocked.Read(ref _untilTicks) <= _clock.Elapsed.Ticks
                ? base.SendAsync(request, cancellationToken)
                : WaitThenSendAsync(request, cancellationToken);
        }

        // Waits the pause out (Ctrl+C ends the wait), then sends.
        private async Task<HttpResponseMessage> WaitThenSendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            IEngineLog log = RequestContext.Of(request).Log;
            bool logged = false;
            while (true)
            {
                long remaining = Interlocked.Read(ref _untilTicks) - _clock.Elapsed.Ticks;
                if (remaining <= 0)
                {
                    return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                }

                if (!logged && log.IsVerboseEnabled)
                {
                    log.Verbose("Partner Center is throttling this partner: waiting " + TimeSpan.FromTicks(remaining).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)
                        + " s before sending the next request.");
                    logged = true;
                }

                await Task.Delay(TimeSpan.FromTicks(remaining), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
