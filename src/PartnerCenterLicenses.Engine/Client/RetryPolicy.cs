using System;
using System.Net.Http;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// Decides whether a failed Partner Center request is sent again, and after how long.
    /// </summary>
    /// <remarks>
    /// A small policy of our own rather than Polly: Polly would bring three more assemblies to ship,
    /// isolate and load for what is a few rules we have to state precisely anyway — which statuses
    /// are transient, both forms of Retry-After, a budget on the total wait, and a verbose line per
    /// retry with the request ids. Only idempotent GETs go through it.
    /// </remarks>
    internal sealed class RetryPolicy
    {
        // The longest single back-off; Retry-After from the service may ask for more.
        private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

        private readonly PartnerCenterRequestOptions _options;
        private Random _jitter;

        public RetryPolicy(PartnerCenterRequestOptions options, Random jitter = null)
        {
            // Most calls never retry, so the random source is only made when a back-off needs it.
            _options = options;
            _jitter = jitter;
        }

        public int MaxRetryCount => _options.MaxRetryCount;

        /// <summary>Statuses that say "try again later": timeouts, throttling and the gateway family.</summary>
        public static bool IsTransient(int status)
        {
            return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
        }

        /// <summary>
        /// The wait before the next attempt, or null to stop: when the retries are used up, or when
        /// the wait would take the total past the budget (a Retry-After longer than the budget is
        /// reported to the user rather than silently cut short).
        /// </summary>
        public TimeSpan? NextDelay(int retriesSoFar, TimeSpan waitedSoFar, TimeSpan? retryAfter)
        {
            if (retriesSoFar >= _options.MaxRetryCount)
            {
                return null;
            }

            TimeSpan delay = retryAfter ?? Backoff(retriesSoFar);
            if (waitedSoFar + delay > _options.MaxRetryWait)
            {
                return null;
            }

            return delay;
        }

        /// <summary>Retry-After as seconds or as an HTTP date; null when absent.</summary>
        public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
        {
            var header = response.Headers.RetryAfter;
            if (header?.Delta != null)
            {
                return header.Delta.Value < TimeSpan.Zero ? TimeSpan.Zero : header.Delta.Value;
            }

            if (header?.Date != null)
            {
                TimeSpan until = header.Date.Value - now;
                return until < TimeSpan.Zero ? TimeSpan.Zero : until;
            }

            return null;
        }

        // Exponential back-off with "equal jitter": half the step is fixed, half random, so
        // clients that failed together do not all come back at the same instant.
        private TimeSpan Backoff(int retriesSoFar)
        {
            double step = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retriesSoFar, 16));
            step = Math.Min(step, MaxBackoff.TotalMilliseconds);
            double random;
            Random jitter = _jitter ?? (_jitter = new Random());
            lock (jitter)
            {
                random = jitter.NextDouble();
            }

            return TimeSpan.FromMilliseconds(step / 2 + random * step / 2);
        }
    }
}
