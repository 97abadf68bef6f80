using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Authentication;
using PartnerCenterLicenses.Engine.Http;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// Sends requests to the Partner Center REST API with the headers it documents, and turns
    /// failures into the module's errors. One instance (and one chain of handlers) per session.
    /// </summary>
    internal sealed class PartnerCenterClient : IDisposable
    {
        // A customer's analytics body is a few kilobytes; one read whole into memory is bounded.
        private const int MaxBufferedBodyBytes = 64 * 1024 * 1024;

        // Error bodies are small; a larger one is not an error body worth holding in memory.
        private const int MaxErrorBodyChars = 64 * 1024;

        private readonly HttpMessageInvoker _chain;
        private readonly Uri _endpoint;
        private readonly ITokenSource _tokens;

        // The transport is the network (HttpClients.Transport), or a test's handler in its place.
        public PartnerCenterClient(HttpMessageHandler transport, Uri endpoint, ITokenSource tokens, CertificateFailures certificates = null)
        {
            _endpoint = new Uri(endpoint.ToString().TrimEnd('/') + "/");
            _tokens = tokens;
            _chain = HttpClients.ForPartnerCenter(transport, _endpoint, tokens, certificates ?? new CertificateFailures());
        }

        /// <summary>The connected endpoint, ending in '/'.</summary>
        public Uri Endpoint => _endpoint;

        /// <summary>Sends the route's first request and returns a reader that goes on page after page as the route allows.</summary>
        public async Task<IItemReader<T>> OpenAsync<T>(ResourceRoute<T> route, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
        {
            CollectionReader<T> first = await OpenPageAsync(route, route.First, call, log, cancellationToken).ConfigureAwait(false);
            return new PagedReader<T>(this, route, route.First, first, call, log, cancellationToken);
        }

        /// <summary>Sends one page's request and returns a reader over its body.</summary>
        internal async Task<CollectionReader<T>> OpenPageAsync<T>(ResourceRoute<T> route, PartnerCenterRequest request, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
        {
            OpenedResponse opened = await SendAsync(request, call, log, cancellationToken).ConfigureAwait(false);
            return await CollectionReader<T>.OpenAsync(
                opened.Response, opened.Timeout, cancellationToken, opened.Ids, log, call.Options.MaxFieldLength, route.Format, route.CustomerId).ConfigureAwait(false);
        }

        /// <summary>
        /// Sends the route's request and reads its whole body without holding a thread while it
        /// arrives, then parses it from memory: for the many small answers of a fan-out.
        /// </summary>
        public async Task<IReadOnlyList<T>> ReadAllAsync<T>(ResourceRoute<T> route, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
        {
            OpenedResponse opened = await SendAsync(route.First, call, log, cancellationToken).ConfigureAwait(false);
            var body = new MemoryStream();
            try
            {
                using (opened.Response)
                {
                    CollectionReader<T>.CheckOpenable(opened.Response, opened.Ids, call.Options.MaxFieldLength);
                    using (Stream stream = await opened.Response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                    {
                        await CopyBoundedAsync(stream, body, opened, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch
            {
                body.Dispose();
                opened.Timeout.Dispose();
                throw;
            }

            body.Position = 0;
            var items = new List<T>();
            using (CollectionReader<T> reader = CollectionReader<T>.OverBuffered(
                body, opened.Timeout, cancellationToken, opened.Ids, log, call.Options.MaxFieldLength, route.Format, route.CustomerId))
            {
                while (reader.TryReadNext(out T item))
                {
                    items.Add(item);
                }
            }

            return items;
        }

        private static async Task CopyBoundedAsync(Stream from, MemoryStream to, OpenedResponse opened, CancellationToken cancellationToken)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    opened.Timeout.Start();
                    int read = await from.ReadAsync(buffer, 0, buffer.Length, opened.Timeout.Token).ConfigureAwait(false);
                    opened.Timeout.Pause();
                    if (read == 0)
                    {
                        return;
                    }

                    if (to.Length + read > MaxBufferedBodyBytes)
                    {
                        throw JsonValues.Invalid(opened.Ids, 0, "Partner Center's response is larger than " + (MaxBufferedBodyBytes / (1024 * 1024)) + " MB, more than one customer's analytics can be; it was not read further.");
                    }

                    to.Write(buffer, 0, read);
                }
            }
            catch (OperationCanceledException e) when (opened.Timeout.TimedOut)
            {
                throw Timeouts.Body(opened.Timeout.Timeout, " The response was cut short.", opened.Ids, e);
            }
            catch (Exception e) when (e is IOException || e is HttpRequestException || e is ObjectDisposedException)
            {
                throw JsonValues.Invalid(opened.Ids, 0, "The connection to Partner Center broke while the response was being read: " + Causes.Describe(e) + ".", e);
            }
        }

        /// <summary>
        /// A path under the endpoint (relative to it, with or without a leading '/'), with query
        /// parameters escaped. Callers pass only constant paths or paths checked by PartnerCenterPath.
        /// The path is appended to the endpoint's text rather than resolved against it: resolved, a
        /// first segment such as 'https:' or 'c:' would read as a scheme and leave the endpoint.
        /// </summary>
        public Uri Under(string path, IEnumerable<KeyValuePair<string, string>> query = null)
        {
            var text = new StringBuilder(_endpoint.AbsoluteUri).Append(path.TrimStart('/'));
            char separator = '?';
            foreach (KeyValuePair<string, string> parameter in query ?? Enumerable.Empty<KeyValuePair<string, string>>())
            {
                text.Append(separator).Append(Uri.EscapeDataString(parameter.Key)).Append('=').Append(Uri.EscapeDataString(parameter.Value ?? string.Empty));
                separator = '&';
            }

            var uri = new Uri(text.ToString(), UriKind.Absolute);
            if (!string.Equals(uri.GetLeftPart(UriPartial.Authority), _endpoint.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
                || !uri.AbsolutePath.StartsWith(_endpoint.AbsolutePath, StringComparison.Ordinal))
            {
                throw new PartnerCenterException(PartnerCenterErrorIds.InvalidArgument, PartnerCenterErrorKind.InvalidArgument,
                    "The path '" + Shorten(path) + "' does not stay under the connected endpoint " + _endpoint + ". Nothing was sent.");
            }

            return uri;
        }

        /// <summary>
        /// The request for the page a next link names, or PartnerCenter.InvalidResponse when the link
        /// leads anywhere but the connected endpoint (another host, port or scheme, user info, a path
        /// outside the endpoint's): nothing is sent there, and the access token never is.
        /// </summary>
        public PartnerCenterRequest NextPageRequest(PartnerCenterRequest current, NextPageLink link, RequestIds ids)
        {
            Uri target;
            string text = link.Uri;
            if (text.StartsWith("//", StringComparison.Ordinal) || text.IndexOf('\\') >= 0)
            {
                target = null;
            }
            else if (text.StartsWith("/", StringComparison.Ordinal) && link.RelativeToVersion)
            {
                // links.next is relative to the API version under the endpoint: '/customers?...' of a
                // /v1 request is '/v1/customers?...'.
                string version = VersionSegment(current.Uri);
                string path = text.TrimStart('/');
                bool hasVersion = version == null || path.StartsWith(version, StringComparison.OrdinalIgnoreCase);
                target = Uri.TryCreate(_endpoint, (hasVersion ? string.Empty : version) + path, out Uri joined) ? joined : null;
            }
            else if (text.StartsWith("/", StringComparison.Ordinal))
            {
                // An @nextLink path is rooted at the host, as any absolute path is.
                target = Uri.TryCreate(new Uri(_endpoint.GetLeftPart(UriPartial.Authority)), text, out Uri rooted) ? rooted : null;
            }
            else if (!Uri.TryCreate(text, UriKind.Absolute, out target))
            {
                target = Uri.TryCreate(current.Uri, text, out Uri relative) ? relative : null;
            }

            if (target == null || !EndpointPolicy.IsOrigin(target, _endpoint) || !string.IsNullOrEmpty(target.UserInfo)
                || !target.AbsolutePath.StartsWith(_endpoint.AbsolutePath, StringComparison.OrdinalIgnoreCase))
            {
                throw JsonValues.Invalid(ids, JsonValues.CollectionLevel,
                    "Partner Center's response links its next page to '" + Shorten(text) + "', which is not under the connected endpoint "
                    + _endpoint.GetLeftPart(UriPartial.Authority) + ". The link was refused and nothing was sent there, so the result is incomplete.");
            }

            foreach (KeyValuePair<string, string> header in link.Headers)
            {
                if (header.Value.Any(char.IsControl))
                {
                    throw JsonValues.Invalid(ids, JsonValues.CollectionLevel, "Partner Center's response gives its next page a continuation token with control characters; it was not sent.");
                }
            }

            return new PartnerCenterRequest(System.Net.Http.HttpMethod.Get, target, null, link.Headers);
        }

        private static string VersionSegment(Uri uri)
        {
            foreach (string segment in uri.AbsolutePath.Split('/'))
            {
                if (segment.Length > 1 && (segment[0] == 'v' || segment[0] == 'V') && segment.Skip(1).All(char.IsDigit))
                {
                    return segment + "/";
                }
            }

            return null;
        }

        private static string Shorten(string text)
        {
            string clean = new string(text.Take(200).Select(c => char.IsControl(c) ? '?' : c).ToArray());
            return text.Length > 200 ? clean + "..." : clean;
        }

        public void Dispose()
        {
            _chain.Dispose();
        }

        /// <summary>
        /// Sends the request through the session's chain (<see cref="HttpClients.ForPartnerCenter"/>:
        /// retry, redirects, token, throttle pause, endpoint policy, timed send) and returns the
        /// successful response with its headers read and its body not yet read, or throws the module's
        /// error for the answer or the failure it ended with.
        /// </summary>
        internal async Task<OpenedResponse> SendAsync(PartnerCenterRequest what, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
        {
            var context = new RequestContext(call, log, cancellationToken);
            HttpResponseMessage response = null;
            try
            {
                using (HttpRequestMessage request = NewRequest(what, context))
                {
                    response = await _chain.SendAsync(request, cancellationToken).ConfigureAwait(false);
                }

                if (response.IsSuccessStatusCode)
                {
                    return new OpenedResponse(response, context.Timeout, context.Ids);
                }

                string body = await ReadErrorBodyAsync(response, context.Timeout).ConfigureAwait(false);
                throw HttpFailures.AfterRetries(HttpFailures.FromResponse(response, body, context.Ids, _tokens.LastTokenIsAppOnly), context.Retries);
            }
            catch (NoAnswerException e)
            {
                context.Timeout.Dispose();
                throw HttpFailures.AfterRetries(e.Failure, context.Retries);
            }
            catch
            {
                response?.Dispose();
                context.Timeout.Dispose();
                throw;
            }
        }

        private static HttpRequestMessage NewRequest(PartnerCenterRequest what, RequestContext context)
        {
            var request = new HttpRequestMessage(what.Method, what.Uri);
            context.AttachTo(request);
            if (what.Body != null)
            {
                request.Content = new ByteArrayContent(what.Body);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
            }

            foreach (KeyValuePair<string, string> header in what.Headers)
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            // Values we made ourselves need no parsing on the way in.
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            request.Headers.TryAddWithoutValidation("MS-CorrelationId", context.Ids.CorrelationId.ToString());
            request.Headers.TryAddWithoutValidation("X-Locale", context.Call.Locale);
            request.Headers.TryAddWithoutValidation("MS-PartnerCenter-Client", "PartnerCenterLicenses");
            request.Headers.TryAddWithoutValidation("User-Agent", HttpClients.UserAgent);
            return request;
        }

        private static async Task<string> ReadErrorBodyAsync(HttpResponseMessage response, IdleTimeout timeout)
        {
            if (response.Content == null)
            {
                return null;
            }

            try
            {
                using (Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                using (var reader = new StreamReader(new CancellableReadStream(stream, timeout), Encoding.UTF8))
                {
                    var buffer = new char[MaxErrorBodyChars];
                    int total = 0, read;
                    while (total < buffer.Length && (read = reader.Read(buffer, total, buffer.Length - total)) > 0)
                    {
                        total += read;
                    }

                    return new string(buffer, 0, total);
                }
            }
            catch (Exception e) when (e is IOException || e is HttpRequestException || e is OperationCanceledException)
            {
                // The status already says what failed; a body we cannot read only loses detail.
                return null;
            }
        }
    }

    /// <summary>A successful response whose body has not been read, with its timeout and ids.</summary>
    internal sealed class OpenedResponse
    {
        public OpenedResponse(HttpResponseMessage response, IdleTimeout timeout, RequestIds ids)
        {
            Response = response;
            Timeout = timeout;
            Ids = ids;
        }

        public HttpResponseMessage Response { get; }

        public IdleTimeout Timeout { get; }

        public RequestIds Ids { get; }
    }
}
