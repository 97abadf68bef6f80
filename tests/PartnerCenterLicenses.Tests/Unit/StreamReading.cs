using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Client;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>Reads a resource through the client as the engine does, for tests that pin the reading itself.</summary>
    internal static class StreamReading
    {
        /// <summary>
        /// Sends the first request and reads up to the first item, as a cmdlet's first wait does, and
        /// returns a reader that hands that item out first: failures before the body come from here.
        /// </summary>
        public static async Task<FirstRead<T>> OpenAsync<T>(this PartnerCenterClient client, ResourceRequest<T> request, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
        {
            var stream = new ResourceStream<T>(client, request, call, log, cancellationToken);
            try
            {
                bool any = await stream.MoveNextAsync();
                return new FirstRead<T>(stream, any);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        /// <summary>Every item of the resource, its body read whole first, as the customer fan-out reads it.</summary>
        public static async Task<System.Collections.Generic.List<T>> ReadAllAsync<T>(this PartnerCenterClient client, ResourceRequest<T> request, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
        {
            var items = new System.Collections.Generic.List<T>();
            using (var stream = new ResourceStream<T>(client, request.AsBuffered(), call, log, cancellationToken))
            {
                while (await stream.MoveNextAsync())
                {
                    items.Add(stream.Current);
                }
            }

            return items;
        }

        /// <summary>A stream whose first item has been read; it is handed out first.</summary>
        internal sealed class FirstRead<T> : System.IDisposable
        {
            private readonly IItemStream<T> _stream;
            private bool _first;
            private bool _any;

            public FirstRead(IItemStream<T> stream, bool any)
            {
                _stream = stream;
                _any = any;
                _first = true;
            }

            public long? TotalCount => _stream.TotalCount;

            public int Pages => _stream.Pages;

            public bool TryReadNext(out T item)
            {
                bool read;
                if (_first)
                {
                    _first = false;
                    read = _any;
                }
                else
                {
                    read = _stream.MoveNextAsync().GetAwaiter().GetResult();
                }

                item = read ? _stream.Current : default(T);
                return read;
            }

            public void Dispose() => _stream.Dispose();
        }
    }
}
