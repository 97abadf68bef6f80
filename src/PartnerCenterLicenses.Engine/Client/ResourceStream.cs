using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Http;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// Reads a resource as its declaration says, page after page: one page's reader at a time, so
    /// memory stays flat however many pages there are. Items of the page in hand come at once; the
    /// next page is requested asynchronously, after its link has been checked, and only while items
    /// are still wanted.
    /// </summary>
    internal sealed class ResourceStream<T> : IItemStream<T>
    {
        // A customer's analytics body is a few kilobytes; one read whole into memory is bounded.
        private const int MaxBufferedBodyBytes = 64 * 1024 * 1024;

        private static readonly Task<bool> True = Task.FromResult(true);
        private static readonly Task<bool> False = Task.FromResult(false);

        private readonly PartnerCenterClient _client;
        private readonly ResourceRequest<T> _request;
        private readonly CmdletCall _call;
        private readonly IEngineLog _log;
        private readonly CancellationToken _cancellation;
        private PartnerCenterRequest _pageRequest;
        private CollectionReader<T> _page;

        // Every page of this read by what identifies its request (method, absolute URI, continuation
        // token), with its page number: one entry per page, made only once a second page is asked for,
        // so the single-page reads of a fan-out pay nothing for it.
        private Dictionary<string, int> _visited;
        private ulong _delivered;
        private bool _started;
        private bool _finished;

        public ResourceStream(PartnerCenterClient client, ResourceRequest<T> request, CmdletCall call, IEngineLog log, CancellationToken cancellation)
        {
            _client = client;
            _request = request;
            _call = call;
            _log = log;
            _cancellation = cancellation;
        }

        public T Current { get; private set; }

        public long? TotalCount { get; private set; }

        public int Pages { get; private set; }

        public Task<bool> MoveNextAsync()
        {
            if (!_started)
            {
                _started = true;
                return OpenThenReadAsync(ResourceUrls.First(_client.Endpoint, _request));
            }

            return _page == null ? False : ReadNext();
        }

        public void Dispose()
        {
            _finished = true;
            _page?.Dispose();
            _page = null;
        }

        private Task<bool> ReadNext()
        {
            while (true)
            {
                if (_finished || (_request.Wanted.HasValue && _delivered >= _request.Wanted.Value))
                {
                    if (!_finished)
                    {
                        _finished = true;
                        ReadTotalCountAfterWanted();
                    }

                    return False;
                }

                bool read = _page.TryReadNext(out T item);
                if (Pages == 1 && _page.TotalCount.HasValue)
                {
                    TotalCount = _page.TotalCount;
                }

                if (read)
                {
                    _delivered++;
                    Current = item;
                    return True;
                }

                NextPageLink next = _page.NextPage;
                if (next == null)
                {
                    _finished = true;
                    return False;
                }

                if (!_request.All)
                {
                    _log.Verbose("Partner Center has more pages; -All reads them all.");
                    _finished = true;
                    return False;
                }

                PartnerCenterRequest request = ResourceUrls.NextPage(_client.Endpoint, _pageRequest, next, _page.Ids);
                if (_request.Resource.Paging == Paging.TopSkip && _request.Wanted.HasValue)
                {
                    request = ResourceUrls.WithTop(request, Math.Min(PartnerCenterResource<T>.MaxTopSkipPageSize, _request.Wanted.Value - _delivered));
                }

                CheckNotEndless(request);

                _page.Dispose();
                _page = null;
                return OpenThenReadAsync(request);
            }
        }

        private async Task<bool> OpenThenReadAsync(PartnerCenterRequest request)
        {
            _pageRequest = request;
            try
            {
                _page = await OpenPageAsync(request).ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is PartnerCenterException) && !(e is OperationCanceledException && _cancellation.IsCancellationRequested))
            {
                throw PartnerCenterEngine.Unexpected("Reading " + _request.Resource.Noun, e);
            }

            Pages++;
            if (_finished)
            {
                // Disposed while the page was on its way.
                Dispose();
                return false;
            }

            return await ReadNext().ConfigureAwait(false);
        }

        private async Task<CollectionReader<T>> OpenPageAsync(PartnerCenterRequest request)
        {
            OpenedResponse opened = await _client.SendAsync(request, _call, _log, _cancellation).ConfigureAwait(false);
            string customer = _request.Customer?.ToString();
            if (!_request.Buffered)
            {
                return await CollectionReader<T>.OpenAsync(
                    opened.Response, opened.Timeout, _cancellation, opened.Ids, _log, _call.Options.MaxFieldLength, _request.Resource, customer).ConfigureAwait(false);
            }

            // Many small answers at once: the body is read without holding a thread while it arrives,
            // then parsed from memory.
            var body = new MemoryStream();
            try
            {
                using (opened.Response)
                {
                    CollectionReader<T>.CheckOpenable(opened.Response, opened.Ids, _call.Options.MaxFieldLength);
                    using (Stream stream = await opened.Response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                    {
                        await CopyBoundedAsync(stream, body, opened).ConfigureAwait(false);
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
            return CollectionReader<T>.OverBuffered(body, opened.Timeout, _cancellation, opened.Ids, _log, _call.Options.MaxFieldLength, _request.Resource, customer);
        }

        private async Task CopyBoundedAsync(Stream from, MemoryStream to, OpenedResponse opened)
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
        /// Ends the read with PartnerCenter.InvalidResponse before a next link that leads back to a page
        /// this read has had (followed, it would read the same pages for ever, and get the whole partner
        /// throttled), or past the page limit (<see cref="Models.PartnerCenterRequestOptions.MaxPageCount"/>),
        /// which catches a server whose links never repeat and never end.
        /// </summary>
        private void CheckNotEndless(PartnerCenterRequest next)
        {
            int nextPage = Pages + 1;
            if (_visited == null)
            {
                _visited = new Dictionary<string, int>(StringComparer.Ordinal) { [VisitKey(_pageRequest)] = Pages };
            }

            string key = VisitKey(next);
            if (_visited.TryGetValue(key, out int earlier))
            {
                throw JsonValues.Invalid(_page.Ids, JsonValues.CollectionLevel,
                    "Partner Center's response links page " + nextPage.ToString(CultureInfo.InvariantCulture) + " back to page "
                    + earlier.ToString(CultureInfo.InvariantCulture) + " (" + next.Uri.GetLeftPart(UriPartial.Path)
                    + "), which this read has already had: the pages form a cycle, so paging stopped and the result is incomplete.");
            }

            int limit = _call.Options.MaxPageCount;
            if (Pages >= limit)
            {
                PartnerCenterException failure = JsonValues.Invalid(_page.Ids, JsonValues.CollectionLevel,
                    "Partner Center's response links to page " + nextPage.ToString(CultureInfo.InvariantCulture) + ", past the limit of "
                    + limit.ToString("N0", CultureInfo.InvariantCulture) + " pages in one read, so paging stopped and the result is incomplete.");
                failure.RecommendedAction = "If the collection really has that many pages, raise the limit with Set-PartnerCenterRequestOption -MaximumPageCount; "
                    + "otherwise report it to Partner Center support with the ids in this message.";
                throw failure;
            }

            _visited.Add(key, nextPage);
        }

        // What makes two page requests the same page: the method, the absolute URI and the continuation token.
        private static string VisitKey(PartnerCenterRequest request)
        {
            if (request.Headers.Count == 0)
            {
                return request.Method.Method + " " + request.Uri.AbsoluteUri;
            }

            var key = new StringBuilder(request.Method.Method).Append(' ').Append(request.Uri.AbsoluteUri);
            foreach (KeyValuePair<string, string> header in request.Headers)
            {
                key.Append('\n').Append(header.Key).Append(": ").Append(header.Value);
            }

            return key.ToString();
        }

        /// <summary>
        /// The analytics envelope sends TotalCount after its rows, so a caller that has all the rows it
        /// wants from the first page has not seen it yet. As that page was asked for no more rows than
        /// wanted, what is left of it is normally just the end of the envelope; reading it (rows the
        /// server sent beyond 'top' are skipped, one page at most) gives -IncludeTotalCount its total.
        /// The caller has every row it asked for, so a fault in that rest only leaves the total unknown.
        /// </summary>
        private void ReadTotalCountAfterWanted()
        {
            if (Pages != 1 || TotalCount.HasValue || _page == null)
            {
                return;
            }

            try
            {
                while (_page.TryReadNext(out T _))
                {
                }

                TotalCount = _page.TotalCount;
            }
            catch (PartnerCenterException e)
            {
                _log.Verbose("The rest of the first page, read only for its total count, could not be read: " + e.Message);
            }
        }
    }

    /// <summary>
    /// The one place a resource request becomes a URL: the declared path with the customer id
    /// written from its value type, or a path already checked as a PartnerCenterPath, under the
    /// connected endpoint, every query value escaped; and the one place a next link is checked.
    /// </summary>
    internal static class ResourceUrls
    {
        public static PartnerCenterRequest First<T>(Uri endpoint, ResourceRequest<T> request)
        {
            if (request.Path != null)
            {
                HttpMethod method = request.Method == "GET" ? HttpMethod.Get : new HttpMethod(request.Method);
                return new PartnerCenterRequest(method, Under(endpoint, request.Path.Value, request.Query), request.Body == null ? null : Encoding.UTF8.GetBytes(request.Body));
            }

            PartnerCenterResource<T> resource = request.Resource;
            string path = request.Customer.HasValue
                ? resource.Path.Replace(PartnerCenterResource<T>.CustomerIdSegment, request.Customer.Value.ToString())
                : resource.Path;
            IEnumerable<KeyValuePair<string, string>> query = request.Query;
            if (resource.Paging == Paging.TopSkip)
            {
                ulong top = Math.Min(PartnerCenterResource<T>.MaxTopSkipPageSize, request.Wanted ?? PartnerCenterResource<T>.MaxTopSkipPageSize);
                query = new[] { new KeyValuePair<string, string>("top", top.ToString(CultureInfo.InvariantCulture)) }.Concat(query);
            }

            return new PartnerCenterRequest(HttpMethod.Get, Under(endpoint, path, query));
        }

        /// <summary>
        /// A path under the endpoint with its query parameters escaped. The path is appended to the
        /// endpoint's text rather than resolved against it: resolved, a first segment such as 'https:'
        /// would read as a scheme and leave the endpoint. Paths come only from declarations and
        /// PartnerCenterPath, which has refused anything that could leave it.
        /// </summary>
        public static Uri Under(Uri endpoint, string path, IEnumerable<KeyValuePair<string, string>> query = null)
        {
            var text = new StringBuilder(endpoint.AbsoluteUri).Append(path.TrimStart('/'));
            char separator = '?';
            foreach (KeyValuePair<string, string> parameter in query ?? Enumerable.Empty<KeyValuePair<string, string>>())
            {
                text.Append(separator).Append(Uri.EscapeDataString(parameter.Key)).Append('=').Append(Uri.EscapeDataString(parameter.Value ?? string.Empty));
                separator = '&';
            }

            return new Uri(text.ToString(), UriKind.Absolute);
        }

        /// <summary>The same request asking for at most <paramref name="top"/> rows (the 'top' parameter set or replaced).</summary>
        public static PartnerCenterRequest WithTop(PartnerCenterRequest request, ulong top)
        {
            var builder = new UriBuilder(request.Uri);
            var parameters = new List<string>();
            foreach (string parameter in (builder.Query ?? string.Empty).TrimStart('?').Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!parameter.StartsWith("top=", StringComparison.OrdinalIgnoreCase) && !string.Equals(parameter, "top", StringComparison.OrdinalIgnoreCase))
                {
                    parameters.Add(parameter);
                }
            }

            parameters.Insert(0, "top=" + top.ToString(CultureInfo.InvariantCulture));
            builder.Query = string.Join("&", parameters);
            return request.At(builder.Uri);
        }

        /// <summary>
        /// The request for the page a next link names, or PartnerCenter.InvalidResponse when the link
        /// leads anywhere but the connected endpoint (another host, port or scheme, user info, a path
        /// outside the endpoint's): nothing is sent there, and the access token never is.
        /// </summary>
        public static PartnerCenterRequest NextPage(Uri endpoint, PartnerCenterRequest current, NextPageLink link, RequestIds ids)
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
                target = Uri.TryCreate(endpoint, (hasVersion ? string.Empty : version) + path, out Uri joined) ? joined : null;
            }
            else if (text.StartsWith("/", StringComparison.Ordinal))
            {
                // An @nextLink path is rooted at the host, as any absolute path is.
                target = Uri.TryCreate(new Uri(endpoint.GetLeftPart(UriPartial.Authority)), text, out Uri rooted) ? rooted : null;
            }
            else if (!Uri.TryCreate(text, UriKind.Absolute, out target))
            {
                target = Uri.TryCreate(current.Uri, text, out Uri relative) ? relative : null;
            }

            if (target == null || !EndpointPolicy.IsOrigin(target, endpoint) || !string.IsNullOrEmpty(target.UserInfo)
                || !target.AbsolutePath.StartsWith(endpoint.AbsolutePath, StringComparison.OrdinalIgnoreCase))
            {
                throw JsonValues.Invalid(ids, JsonValues.CollectionLevel,
                    "Partner Center's response links its next page to '" + Shorten(text) + "', which is not under the connected endpoint "
                    + endpoint.GetLeftPart(UriPartial.Authority) + ". The link was refused and nothing was sent there, so the result is incomplete.");
            }

            foreach (KeyValuePair<string, string> header in link.Headers)
            {
                if (header.Value.Any(char.IsControl))
                {
                    throw JsonValues.Invalid(ids, JsonValues.CollectionLevel, "Partner Center's response gives its next page a continuation token with control characters; it was not sent.");
                }
            }

            return new PartnerCenterRequest(HttpMethod.Get, target, null, link.Headers);
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
    }
}
