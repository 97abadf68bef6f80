using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Engine.Http;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// Decides whether a failed Partner Center request is sent again, and after how long, and sends
    /// it again from the URL the call asked for (a redirect answers one request, not the call).
    /// </summary>
    /// <remarks>
    /// A small policy of our own rather than Polly: Polly would bring three more assemblies to ship,
    /// isolate and load for what is a few rules we have to state precisely anyway — which statuses
    /// are transient, both forms of Retry-After, a budget on the total wait, and a verbose line per
    /// retry with the request ids.
    /// </remarks>
    internal sealed class RetryPolicy : DelegatingHandler
    {
        // The longest single back-off; Retry-After from the service may ask for more.
        private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

        // How long a request may go on failing and retrying before the user is told (a warning, once):
        // a blip is not worth a line, a wait of many seconds in silence looks like a hang.
        private static readonly TimeSpan SilentRetriesAtMost = TimeSpan.FromSeconds(3);

        // A Retry-After is read as at most this (ten years): far past any wait budget, so the call
        // fails at once, and small enough that adding it to a date or a clock never overflows.
        private static readonly TimeSpan LongestRetryAfter = TimeSpan.FromDays(3650);

        private readonly ThrottlePause _pause;
        private readonly Random _jitter;

        public RetryPolicy(ThrottlePause pause, HttpMessageHandler inner, Random jitter = null)
            : base(inner)
        {
            _pause = pause;
            _jitter = jitter ?? new Random();
        }

        /// <summary>
        /// The wait before the next attempt, or null to stop: when the retries are used up, or when
        /// the wait would take the total past the budget (a Retry-After longer than the budget is
        /// reported to the user rather than silently cut short).
        /// </summary>
        public TimeSpan? NextDelay(PartnerCenterRequestOptions options, int retriesSoFar, TimeSpan waitedSoFar, TimeSpan? retryAfter)
        {
            if (retriesSoFar >= options.MaxRetryCount)
            {
                return null;
            }

            TimeSpan delay = retryAfter ?? Backoff(options, retriesSoFar);
            return delay > WaitLeft(options, waitedSoFar) ? null : delay;
        }

        /// <summary>
        /// Retry-After as delay-seconds or as an HTTP date (RFC 9110, section 10.2.3), from
        /// <paramref name="now"/>: zero for a date already past, at most ten years however large the
        /// value, and null when the header is absent or is neither form (a value we cannot read is no
        /// instruction, so the call backs off as without one).
        /// </summary>
        public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
        {
            if (!response.Headers.TryGetValues("Retry-After", out IEnumerable<string> values))
            {
                return null;
            }

            string text = values.FirstOrDefault()?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                return null;
            }

            if (text.All(c => c >= '0' && c <= '9'))
            {
                // Digits past what a long holds still mean "a very long time", not "no header".
                return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) && seconds < LongestRetryAfter.TotalSeconds
                    ? TimeSpan.FromSeconds(seconds)
                    : LongestRetryAfter;
            }

            if (!RetryConditionHeaderValue.TryParse(text, out RetryConditionHeaderValue parsed) || parsed.Date == null)
            {
                return null;
            }

            DateTimeOffset date = parsed.Date.Value;
            return date <= now ? TimeSpan.Zero
                : date - now > LongestRetryAfter ? LongestRetryAfter
                : date - now;
        }

        /// <summary>What is left of the call's wait budget after <paramref name="waitedSoFar"/>.</summary>
        public static TimeSpan WaitLeft(PartnerCenterRequestOptions options, TimeSpan waitedSoFar) =>
            waitedSoFar >= options.MaxRetryWait ? TimeSpan.Zero : options.MaxRetryWait - waitedSoFar;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            RequestContext context = RequestContext.Of(request);
            PartnerCenterRequestOptions options = context.Call.Options;
            HttpRequestMessage attempt = request;
            TimeSpan waited = TimeSpan.Zero;
            var started = System.Diagnostics.Stopwatch.StartNew();
            bool announced = false;
            while (true)
            {
                HttpResponseMessage response = null;
                NoAnswerException noAnswer = null;
                try
                {
                    response = await base.SendAsync(attempt, cancellationToken).ConfigureAwait(false);
                }
                catch (NoAnswerException e)
                {
                    noAnswer = e;
                }

                int status = response == null ? 0 : (int)response.StatusCode;

                // A 429 says the request was not processed, so any request may be sent again; after a
                // timeout, a broken connection or a 5xx only one that does no harm twice is.
                TimeSpan? delay = null;
                if ((noAnswer != null || IsTransient(status)) && (IsIdempotent(request.Method) || status == 429))
                {
                    DateTimeOffset now = DateTimeOffset.UtcNow;
                    TimeSpan? retryAfter = response != null ? RetryAfter(response, now) : null;
                    TimeSpan waitLeft = WaitLeft(options, waited);
                    delay = NextDelay(options, context.Retries, waited, retryAfter);
                    context.AcceptsRequestsAgainAt = now + retryAfter;
                    context.WaitLeftWhenRefused = retryAfter > waitLeft && context.Retries < options.MaxRetryCount ? waitLeft : (TimeSpan?)null;
                    TimeSpan? hold = retryAfter ?? delay;
                    if (status == 429 && hold <= waitLeft)
                    {
                        // Throttling is mostly per partner, so every request of the session holds back, not
                        // just this one; but only as long as this call would wait itself. A Retry-After past
                        // that is this call's error, at once: some limits are per customer, so the session's
                        // other calls are tried and learn their own answer rather than stall behind it.
                        // https://learn.microsoft.com/partner-center/developer/api-throttling-guidance
                        _pause.PauseFor(hold.Value);
                    }

                    bool announce = delay != null && !announced && started.Elapsed + delay.Value >= SilentRetriesAtMost;
                    if (delay != null && (context.Log.IsVerboseEnabled || announce))
                    {
                        string what = noAnswer != null
                            ? noAnswer.Failure.Message
                            : context.ToSignedLink
                            ? "The report file's host answered " + status + " " + response.ReasonPhrase
                            : "Partner Center answered " + status + " " + response.ReasonPhrase + " (MS-RequestId " + context.Ids.RequestId + ")"
                              + (retryAfter != null ? " with Retry-After" : string.Empty) + ".";
                        string retrying = " Retrying in " + delay.Value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)
                            + " s (retry " + (context.Retries + 1) + " of " + options.MaxRetryCount + ").";
                        if (announce)
                        {
                            // Retries are silent while they are short; once the call has waited a few seconds
                            // the user hears why, once per request, on the warning stream (no prompt, so
                            // runbooks are unaffected). -Verbose still tells every retry.
                            announced = true;
                            context.Log.Warning(what + retrying + " Waiting at most "
                                + WaitLeft(options, waited).TotalSeconds.ToString("0", CultureInfo.InvariantCulture)
                                + " s more in all; Set-PartnerCenterRequestOption changes the retries, Ctrl+C stops.");
                        }
                        else
                        {
                            context.Log.Verbose(what + retrying);
                        }
                    }
                }

                if (delay == null)
                {
                    if (noAnswer != null)
                    {
                        throw noAnswer;
                    }

                    return response;
                }

                response?.Dispose();
                await Task.Delay(delay.Value, cancellationToken).ConfigureAwait(false);
                context.Retries++;
                waited += delay.Value;
                attempt = HttpClients.CopyOf(request, request.RequestUri, asGet: false);
            }
        }

        // Statuses that say "try again later": timeouts, throttling and the gateway family.
        private static bool IsTransient(int status) => status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;

        // Sending it twice does no more than sending it once.
        private static bool IsIdempotent(HttpMethod method) => method == HttpMethod.Get || method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Head;

        // Exponential back-off with "equal jitter": half the step is fixed, half random, so
        // clients that failed together do not all come back at the same instant.
        private TimeSpan Backoff(PartnerCenterRequestOptions options, int retriesSoFar)
        {
            double step = options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retriesSoFar, 16));
            step = Math.Min(step, MaxBackoff.TotalMilliseconds);
            double random;
            lock (_jitter)
            {
                random = _jitter.NextDouble();
            }

            return TimeSpan.FromMilliseconds(step / 2 + random * step / 2);
        }
    }
}
