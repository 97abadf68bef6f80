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
        /// The default <see cref="MaxPageCount"/>: 100,000 pages. Far more than any real read: at the
        /// analytics API's documented page of 10,000 rows it is a billion rows, and at the customer list's
        /// usual pages of a few hundred it is tens of millions of customers, more than any partner has; at
        /// the fraction of a second Partner Center takes per page, it is more than a day of paging. A
        /// server whose next links never end stops there instead of being asked for pages for ever
        /// (a link back to a page already read stops the read at once, whatever the limit).
        /// </summary>
        /// <remarks>Page size of the analytics API: https://learn.microsoft.com/partner-center/developer/get-licenses-deployment-information (top, at most 10000).</remarks>
        public const int DefaultMaxPageCount = 100000;

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
            : this(timeout, maxRetryCount, maxRetryWait, retryBaseDelay, maxFieldLength, DefaultMaxPageCount)
        {
        }

        /// <summary>Creates a set of options.</summary>
        public PartnerCenterRequestOptions(TimeSpan timeout, int maxRetryCount, TimeSpan maxRetryWait, TimeSpan retryBaseDelay, int maxFieldLength, int maxPageCount)
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

            if (maxPageCount <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(maxPageCount), "A read has at least one page.");
            }

            Timeout = timeout;
            MaxRetryCount = maxRetryCount;
            MaxRetryWait = maxRetryWait;
            RetryBaseDelay = retryBaseDelay;
            MaxFieldLength = maxFieldLength;
            MaxPageCount = maxPageCount;
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

        /// <summary>
        /// The most pages one read follows (default 100,000, see <see cref="DefaultMaxPageCount"/>). A response
        /// linking past it ends the read with PartnerCenter.InvalidResponse, so a server whose next links never
        /// end cannot keep the module asking.
        /// </summary>
        public int MaxPageCount { get; }

        /// <summary>A one-line summary.</summary>
        public override string ToString()
        {
            return "Timeout " + Timeout.TotalSeconds + " s, up to " + MaxRetryCount + " retries within " + MaxRetryWait.TotalSeconds
                + " s starting at " + RetryBaseDelay.TotalSeconds + " s, fields of up to " + MaxFieldLength + " characters, reads of up to " + MaxPageCount + " pages";
        }
    }
}
