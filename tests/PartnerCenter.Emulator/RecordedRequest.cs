using System;
using System.Collections.Generic;
using System.Threading;

namespace PartnerCenter.Emulator
{
    /// <summary>
    /// One HTTP request as the emulator received it, kept so tests can assert on what the module under test sent.
    /// </summary>
    public sealed class RecordedRequest
    {
        /// <summary>Key of the request's own record in <c>HttpContext.Items</c>, for code that must mark it.</summary>
        internal const string ContextItem = "PartnerCenter.Emulator.RecordedRequest";

        private int _statusCode;
        private int _aborted;

        internal RecordedRequest(
            string method,
            string path,
            string queryString,
            IReadOnlyDictionary<string, string> headers,
            string body,
            DateTimeOffset receivedAt)
        {
            Method = method;
            Path = path;
            QueryString = queryString;
            Headers = headers;
            Body = body;
            ReceivedAt = receivedAt;
        }

        /// <summary>HTTP method, e.g. <c>GET</c>.</summary>
        public string Method { get; }

        /// <summary>Request path without the query string, e.g. <c>/organizations/oauth2/v2.0/token</c>.</summary>
        public string Path { get; }

        /// <summary>Query string including the leading <c>?</c>, or an empty string.</summary>
        public string QueryString { get; }

        /// <summary>
        /// Request headers; keys are case-insensitive and repeated headers are joined with <c>", "</c>.
        /// </summary>
        public IReadOnlyDictionary<string, string> Headers { get; }

        /// <summary>The raw request body (for token requests, the form-urlencoded text), or null when there was none.</summary>
        public string Body { get; }

        /// <summary>When the emulator started processing the request.</summary>
        public DateTimeOffset ReceivedAt { get; }

        /// <summary>
        /// The status code returned. It is set just before the response headers are sent, so it is 0 while a
        /// request is still in flight, and stays 0 when no status line was ever sent (the client went away
        /// first, or a fault reset the connection or outlived the client).
        /// </summary>
        public int StatusCode
        {
            get => Volatile.Read(ref _statusCode);
            internal set => Volatile.Write(ref _statusCode, value);
        }

        /// <summary>
        /// True when the connection ended before the response was complete: a fault reset it or cut the body
        /// off (then <see cref="StatusCode"/> is the status that was sent, or 0), or the client disconnected.
        /// </summary>
        public bool Aborted
        {
            get => Volatile.Read(ref _aborted) != 0;
            internal set => Volatile.Write(ref _aborted, value ? 1 : 0);
        }

        /// <inheritdoc />
        public override string ToString() => $"{Method} {Path}{QueryString} -> {StatusCode}{(Aborted ? " (aborted)" : string.Empty)}";
    }
}
