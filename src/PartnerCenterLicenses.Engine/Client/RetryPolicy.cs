using System;
using System.Globalization;
using System.Net.Http;
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
            return waitedSoFar + delay > options.MaxRetryWait ? null : delay;
        }

        /// <summary>Retry-After as seconds or as an HTTP date; null when absent.</summary>
        public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
        {
            var header = response.Headers.RetryAfter;
            TimeSpan? after = header?.Delta ?? header?.Date - now;
            return after < TimeSpan.Zero ? TimeSpan.Zero : after;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            RequestContext context = RequestContext.Of(request);
            PartnerCenterRequestOptions options = context.Call.Options;
            HttpRequestMessage attempt = request;
            TimeSpan waited = TimeSpan.Zero;
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
                    TimeSpan? retryAfter = response != null ? RetryAfter(response, DateTimeOffset.UtcNow) : null;
                    delay = NextDelay(options, context.Retries, waited, retryAfter);
                    if (status == 429)
                    {
                        // Throttling is per partner: every request of the session holds back, not just this one.
                        _pause.PauseFor(retryAfter ?? delay ?? TimeSpan.Zero);
                    }

                    if (delay != null && context.Log.IsVerboseEnabled)
                    {
                        string what = noAnswer != null
                            ? noAnswer.Failure.Message
                            : "Partner Center answered " + status + " " + response.ReasonPhrase + " (MS-RequestId " + context.Ids.RequestId + ")"
                              + (retryAfter != null ? " with Retry-After" : string.Empty) + ".";
                        context.Log.Verbose(what + " Retrying in " + delay.Value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)
                            + " s (retry " + (context.Retries + 1) + " of " + options.MaxRetryCount + ").");
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
