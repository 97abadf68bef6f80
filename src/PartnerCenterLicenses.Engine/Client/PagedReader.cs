using System;
using System.Linq;
using System.Threading;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// Reads a resource page after page: one page's reader at a time, so memory stays flat however
    /// many pages there are. Each next link is checked by the client before anything is sent, and
    /// no page is requested once the caller has all the items it wants.
    /// </summary>
    internal sealed class PagedReader<T> : IItemReader<T>
    {
        private readonly PartnerCenterClient _client;
        private readonly ResourceRoute<T> _route;
        private readonly CmdletCall _call;
        private readonly IEngineLog _log;
        private readonly CancellationToken _cancellation;
        private PartnerCenterRequest _request;
        private CollectionReader<T> _page;
        private ulong _delivered;
        private bool _finished;

        public PagedReader(PartnerCenterClient client, ResourceRoute<T> route, PartnerCenterRequest request, CollectionReader<T> first, CmdletCall call, IEngineLog log, CancellationToken cancellation)
        {
            _client = client;
            _route = route;
            _request = request;
            _page = first;
            _call = call;
            _log = log;
            _cancellation = cancellation;
            TotalCount = null;
            Pages = 1;
        }

        public long? TotalCount { get; private set; }

        public int Pages { get; private set; }

        public bool TryReadNext(out T item)
        {
            while (true)
            {
                if (_finished || (_route.Wanted.HasValue && _delivered >= _route.Wanted.Value))
                {
                    if (!_finished)
                    {
                        _finished = true;
                        ReadTotalCountAfterWanted();
                    }

                    item = default(T);
                    return false;
                }

                bool read = _page.TryReadNext(out item);
                if (Pages == 1 && _page.TotalCount.HasValue)
                {
                    TotalCount = _page.TotalCount;
                }

                if (read)
                {
                    _delivered++;
                    return true;
                }

                NextPageLink next = _page.NextPage;
                if (next == null)
                {
                    return false;
                }

                if (!_route.FollowsNextPages)
                {
                    _log.Verbose("Partner Center has more pages; -All reads them all.");
                    return false;
                }

                PartnerCenterRequest request = _client.NextPageRequest(_request, next, _page.Ids);
                if (IsRepeat(request, _request))
                {
                    // Followed, such a link would read the same page for ever.
                    throw JsonValues.Invalid(_page.Ids, JsonValues.CollectionLevel,
                        "Partner Center's response links its next page to the page just read, so the result is incomplete.");
                }

                if (_route.AsksForTop && _route.Wanted.HasValue)
                {
                    request = ResourceRoutes.WithTop(request, Math.Min(CommercialQuery.MaxPageSize, _route.Wanted.Value - _delivered));
                }

                _page.Dispose();
                _page = null;
                _request = request;

                // The pipeline thread waits here as it does on a body read: Ctrl+C cancels the token.
                _page = _client.OpenPageAsync(_route, request, _call, _log, _cancellation).GetAwaiter().GetResult();
                Pages++;
            }
        }

        private static bool IsRepeat(PartnerCenterRequest next, PartnerCenterRequest current)
        {
            return next.Method == current.Method
                && string.Equals(next.Uri.AbsoluteUri, current.Uri.AbsoluteUri, StringComparison.Ordinal)
                && next.Headers.SequenceEqual(current.Headers);
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

        public void Dispose()
        {
            _page?.Dispose();
            _page = null;
        }
    }
}
