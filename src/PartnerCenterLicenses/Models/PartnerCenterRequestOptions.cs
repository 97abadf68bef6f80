using System;
using System.Threading;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// How the module treats each Partner Center request: its timeout, and how it retries transient
    /// failures (throttling, 5xx, broken connections). One immutable set is in force per process;
    /// Set-PartnerCenterRequestOption replaces it, and a call takes the set in force when it starts.
    /// </summary>
    public sealed class PartnerCenterRequestOptions
    {
        /// <summary>The default <see cref="MaxFieldLength"/>: 1,048,576 characters (1 MB).</summary>
        public const int DefaultMaxFieldLength = 1024 * 1024;

        /// <summary>
        /// The defaults: 100 s per request, up to 4 retries waiting at most 120 s in all, starting at 1 s,
        /// and JSON strings and numbers of up to 1,048,576 characters.
        /// </summary>
        public static readonly PartnerCenterRequestOptions Default = new PartnerCenterRequestOptions(
            TimeSpan.FromSeconds(100), maxRetryCount: 4, maxRetryWait: TimeSpan.FromSeconds(120), retryBaseDelay: TimeSpan.FromSeconds(1));

        private static PartnerCenterRequestOptions _current = Default;

        /// <summary>Creates a set of options with the default <see cref="MaxFieldLength"/>.</summary>
        public PartnerCenterRequestOptions(TimeSpan timeout, int maxRetryCount, TimeSpan maxRetryWait, TimeSpan retryBaseDelay)
            : this(timeout, maxRetryCount, maxRetryWait, retryBaseDelay, DefaultMaxFieldLength)
        {
        }

        /// <summary>Creates a set of options.</summary>
        public PartnerCenterRequestOptions(TimeSpan timeout, int maxRetryCount, TimeSpan maxRetryWait, TimeSpan retryBaseDelay, int maxFieldLength)
        {
            if (timeout <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(timeout), "The timeout must be positive.");
            }

            if (maxRetryCount < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(maxRetryCount), "The retry count cannot be negative.");
            }

            if (maxRetryWait < TimeSpan.Zero || retryBaseDelay < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(maxRetryWait), "Waits cannot be negative.");
            }

            if (maxFieldLength <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(maxFieldLength), "The longest field must be positive.");
            }

            Timeout = timeout;
            MaxRetryCount = maxRetryCount;
            MaxRetryWait = maxRetryWait;
            RetryBaseDelay = retryBaseDelay;
            MaxFieldLength = maxFieldLength;
        }

        /// <summary>The options in force for new calls.</summary>
        public static PartnerCenterRequestOptions Current
        {
            get { return Volatile.Read(ref _current); }
            set { Volatile.Write(ref _current, value ?? throw new ArgumentNullException(nameof(value))); }
        }

        /// <summary>
        /// How long the module waits for Partner Center or Entra ID (default 100 s): for an answer to a
        /// request, and again for each stall while a response body arrives. Time the pipeline spends on
        /// objects already read does not count.
        /// </summary>
        public TimeSpan Timeout { get; }

        /// <summary>How many times a transient failure is retried after the first attempt (default 4; 0 turns retries off).</summary>
        public int MaxRetryCount { get; }

        /// <summary>The most time spent waiting between attempts, added up (default 120 s). A wait that would pass it is not started.</summary>
        public TimeSpan MaxRetryWait { get; }

        /// <summary>The first back-off delay; each retry doubles it, with jitter (default 1 s). Retry-After from the service takes precedence.</summary>
        public TimeSpan RetryBaseDelay { get; }

        /// <summary>
        /// The most characters a single JSON string or number in a Partner Center response may have
        /// (default 1,048,576). A longer one is refused as PartnerCenter.InvalidResponse instead of
        /// being held in memory, so a broken or hostile response cannot exhaust it.
        /// </summary>
        public int MaxFieldLength { get; }

        /// <summary>A one-line summary.</summary>
        public override string ToString()
        {
            return Boundary.TerminalText.Clean("Timeout " + Timeout.TotalSeconds + " s, up to " + MaxRetryCount + " retries within " + MaxRetryWait.TotalSeconds
                + " s starting at " + RetryBaseDelay.TotalSeconds + " s, fields of up to " + MaxFieldLength + " characters");
        }
    }
}
