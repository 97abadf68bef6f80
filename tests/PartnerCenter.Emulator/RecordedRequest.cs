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
        private int _statusCode;

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
        /// The status code returned. It is set just before the response headers are sent, so it is 0 only
        /// while a request is still in flight (or if the client went away first).
        /// </summary>
        public int StatusCode
        {
            get => Volatile.Read(ref _statusCode);
            internal set => Volatile.Write(ref _statusCode, value);
        }

        /// <inheritdoc />
        public override string ToString() => $"{Method} {Path}{QueryString} -> {StatusCode}";
    }
}
