using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;

namespace PartnerCenter.Emulator
{
    /// <summary>
    /// A scripted answer for one request, from a plain error status to transport failures: a delay before
    /// the headers, a reset connection, a body cut off part-way, or a body that trickles in. Queue it with
    /// <see cref="EmulatorState.EnqueueFault"/>. Instances are immutable; the <c>With...</c> methods and
    /// <c>with</c> expressions make modified copies.
    /// </summary>
    /// <example>
    /// <code>
    /// state.EnqueueFault(path, EmulatorFault.Status(429).WithRetryAfter(TimeSpan.FromSeconds(2)));
    /// state.EnqueueFault(path, EmulatorFault.Status(503).WithRetryAfterDateIn(TimeSpan.FromSeconds(3)));
    /// state.EnqueueFault(path, EmulatorFault.ConnectionReset());
    /// state.EnqueueFault(path, EmulatorFault.TruncatedBody(200, json, bytesBeforeAbort: 40));
    /// state.EnqueueFault(path, EmulatorFault.Trickle(200, json, chunkBytes: 16, TimeSpan.FromMilliseconds(200)));
    /// </code>
    /// </example>
    public sealed record EmulatorFault
    {
        private static readonly IReadOnlyDictionary<string, string> NoHeaders =
            new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));

        private readonly IReadOnlyDictionary<string, string> _headers = NoHeaders;

        /// <summary>Status code of the response (ignored when <see cref="ResetBeforeHeaders"/> is set).</summary>
        public int StatusCode { get; init; } = 500;

        /// <summary>
        /// Extra response headers; names are case-insensitive. A JSON content type is assumed for a body
        /// unless a <c>Content-Type</c> is given here. <c>Content-Length</c> is computed, see <see cref="ChunkedBody"/>.
        /// </summary>
        public IReadOnlyDictionary<string, string> Headers
        {
            get => _headers;
            init => _headers = value == null
                ? NoHeaders
                : new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(value, StringComparer.OrdinalIgnoreCase));
        }

        /// <summary>Response body, sent as UTF-8; null or empty for none.</summary>
        public string Body { get; init; }

        /// <summary>
        /// Time to wait before anything is sent. It ends early, with the connection aborted, when the client
        /// gives up or the server is disposed, so a timeout test never holds the run.
        /// </summary>
        public TimeSpan DelayBeforeHeaders { get; init; }

        /// <summary>After the delay, reset the connection instead of answering: the client gets no status line at all.</summary>
        public bool ResetBeforeHeaders { get; init; }

        /// <summary>
        /// When set, only this many bytes of the body are sent, then the connection is aborted. With a
        /// <c>Content-Length</c> (the default) the header promises the whole body, so the value must be less
        /// than the body's length; with <see cref="ChunkedBody"/> it may equal it (the final chunk is missing).
        /// </summary>
        public int? AbortAfterBodyBytes { get; init; }

        /// <summary>
        /// Send the body with <c>Transfer-Encoding: chunked</c> instead of a <c>Content-Length</c> (HTTP/1.1;
        /// HTTP/2 has neither and frames the body itself).
        /// </summary>
        public bool ChunkedBody { get; init; }

        /// <summary>When positive, the body goes out in pieces of this many bytes with <see cref="TrickleInterval"/> between them.</summary>
        public int TrickleChunkBytes { get; init; }

        /// <summary>Pause between two trickled pieces of the body.</summary>
        public TimeSpan TrickleInterval { get; init; }

        /// <summary>
        /// When set, the response carries <c>Retry-After</c> as an HTTP date this far after the moment the
        /// headers are sent (rounded up to the next whole second, so the client is asked to wait at least
        /// this long). Computed at sending time, the date cannot have passed already on a slow machine,
        /// as one computed when the test queues the fault can. See <see cref="WithRetryAfterDateIn"/>.
        /// </summary>
        public TimeSpan? RetryAfterDateIn { get; init; }

        /// <summary>A response with this status and, optionally, a body (JSON unless a content type header says otherwise).</summary>
        public static EmulatorFault Status(int statusCode, string body = null) =>
            new EmulatorFault { StatusCode = statusCode, Body = body };

        /// <summary>No response: the connection is reset, optionally after a delay.</summary>
        public static EmulatorFault ConnectionReset(TimeSpan delayBeforeReset = default) =>
            new EmulatorFault { ResetBeforeHeaders = true, DelayBeforeHeaders = delayBeforeReset, StatusCode = 0 };

        /// <summary>Headers and the first <paramref name="bytesBeforeAbort"/> bytes of <paramref name="body"/>, then the connection drops.</summary>
        public static EmulatorFault TruncatedBody(int statusCode, string body, int bytesBeforeAbort, bool chunked = false) =>
            new EmulatorFault { StatusCode = statusCode, Body = body, AbortAfterBodyBytes = bytesBeforeAbort, ChunkedBody = chunked };

        /// <summary>The whole response, but its body arrives <paramref name="chunkBytes"/> bytes at a time every <paramref name="interval"/>.</summary>
        public static EmulatorFault Trickle(int statusCode, string body, int chunkBytes, TimeSpan interval) =>
            new EmulatorFault { StatusCode = statusCode, Body = body, TrickleChunkBytes = chunkBytes, TrickleInterval = interval };

        /// <summary>A copy with one more header (replacing one of the same name).</summary>
        public EmulatorFault WithHeader(string name, string value)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            ArgumentNullException.ThrowIfNull(value);
            var headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase) { [name] = value };
            return this with { Headers = headers };
        }

        /// <summary>A copy with <c>Retry-After</c> in its delta-seconds form (rounded up to whole seconds).</summary>
        public EmulatorFault WithRetryAfter(TimeSpan delay)
        {
            if (delay < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(delay), delay, "Retry-After cannot be negative.");
            }

            long seconds = (long)Math.Ceiling(delay.TotalSeconds);
            return WithHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
        }

        /// <summary>A copy with <c>Retry-After</c> in its HTTP-date form (RFC 9110 IMF-fixdate, whole seconds, GMT).</summary>
        /// <remarks>
        /// The date is fixed now, when the fault is made; a test whose client may take long to get to the
        /// request wants <see cref="WithRetryAfterDateIn"/>, which fixes it when the response is sent.
        /// </remarks>
        public EmulatorFault WithRetryAfter(DateTimeOffset retryAt) =>
            WithHeader("Retry-After", FormatHttpDate(retryAt));

        /// <summary>
        /// A copy with <c>Retry-After</c> in its HTTP-date form, the date being <paramref name="delay"/> after
        /// the response is sent (rounded up to a whole second): the test's clock starts when the client is
        /// told to wait, not when the test queued the fault.
        /// </summary>
        public EmulatorFault WithRetryAfterDateIn(TimeSpan delay)
        {
            if (delay < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(delay), delay, "Retry-After cannot be in the past.");
            }

            var headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase);
            headers.Remove("Retry-After");
            return this with { Headers = headers, RetryAfterDateIn = delay };
        }

        /// <summary>The Retry-After header of <see cref="RetryAfterDateIn"/>, for a response sent at <paramref name="sentAt"/>.</summary>
        internal string RetryAfterDate(DateTimeOffset sentAt)
        {
            DateTimeOffset retryAt = sentAt + RetryAfterDateIn.GetValueOrDefault();
            long ticksPastSecond = retryAt.UtcTicks % TimeSpan.TicksPerSecond;
            if (ticksPastSecond != 0)
            {
                // An HTTP date has whole seconds; dropping the fraction would ask for less than the delay.
                retryAt = retryAt.AddTicks(TimeSpan.TicksPerSecond - ticksPastSecond);
            }

            return FormatHttpDate(retryAt);
        }

        private static string FormatHttpDate(DateTimeOffset moment) =>
            moment.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);

        /// <summary>A copy that waits <paramref name="delay"/> before sending anything.</summary>
        public EmulatorFault WithDelay(TimeSpan delay) => this with { DelayBeforeHeaders = delay };

        /// <summary>Checks that the settings make sense together; called when the fault is queued.</summary>
        internal void Validate()
        {
            if (DelayBeforeHeaders < TimeSpan.Zero)
            {
                throw new ArgumentException("DelayBeforeHeaders cannot be negative.");
            }

            if (ResetBeforeHeaders)
            {
                return;
            }

            if (StatusCode < 100 || StatusCode > 599)
            {
                throw new ArgumentException($"StatusCode {StatusCode} is not an HTTP status code.");
            }

            int bodyLength = string.IsNullOrEmpty(Body) ? 0 : System.Text.Encoding.UTF8.GetByteCount(Body);
            if (AbortAfterBodyBytes is int cut)
            {
                int limit = ChunkedBody ? bodyLength : bodyLength - 1;
                if (cut < 0 || cut > limit)
                {
                    throw new ArgumentException(ChunkedBody
                        ? $"AbortAfterBodyBytes must be between 0 and the body's length ({bodyLength} bytes)."
                        : $"AbortAfterBodyBytes must be less than the body's length ({bodyLength} bytes), or nothing would be cut off.");
                }
            }

            if (TrickleChunkBytes < 0)
            {
                throw new ArgumentException("TrickleChunkBytes cannot be negative.");
            }

            if (TrickleInterval < TimeSpan.Zero)
            {
                throw new ArgumentException("TrickleInterval cannot be negative.");
            }

            if (RetryAfterDateIn is TimeSpan retryIn && (retryIn < TimeSpan.Zero || Headers.ContainsKey("Retry-After")))
            {
                throw new ArgumentException("RetryAfterDateIn must not be negative, and replaces a Retry-After header rather than joining one.");
            }

            if (Headers.ContainsKey("Content-Length") || Headers.ContainsKey("Transfer-Encoding"))
            {
                throw new ArgumentException("Content-Length and Transfer-Encoding are set by the emulator; use ChunkedBody to choose between them.");
            }
        }
    }
}
