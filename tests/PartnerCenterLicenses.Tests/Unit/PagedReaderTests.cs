using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Authentication;
using PartnerCenterLicenses.Engine.Client;
using PartnerCenterLicenses.Models;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>The commercial API's paging: next links, 'top' as -First still needs it, the total count, one page at a time.</summary>
    public class PagedReaderTests
    {
        private const string Path = "/partner/v1/analytics/commercial/deployment/license";
        private static readonly Uri Endpoint = new Uri("https://pc.example.test");

        private static string Rows(int from, int count)
        {
            return string.Join(",", Enumerable.Range(from, count).Select(i => "{\"customerName\":\"C" + i + "\",\"licensesDeployed\":" + i + ",\"licensesSold\":" + (i * 2) + "}"));
        }

        private static string Page(int from, int count, string nextLink, long? totalCount)
        {
            return "{\"Value\":[" + Rows(from, count) + "],\"@nextLink\":" + (nextLink == null ? "null" : "\"" + nextLink + "\"")
                + (totalCount.HasValue ? ",\"TotalCount\":" + totalCount.Value : string.Empty) + "}";
        }

        private static Func<HttpRequestMessage, HttpResponseMessage> Answer(string body, List<TrackedContent> bodies = null)
        {
            return _ =>
            {
                var content = new TrackedContent(body);
                bodies?.Add(content);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
            };
        }

        private static async Task<(List<CommercialLicenseDeployment> Rows, long? TotalCount, int Pages, PartnerCenterException Error)> ReadAsync(
            PartnerCenterClientTests.ScriptedHandler handler, CommercialQuery query)
        {
            var client = new PartnerCenterClient(handler, Endpoint, new FixedToken());
            var rows = new List<CommercialLicenseDeployment>();
            var call = new CmdletCall(Guid.NewGuid(), "en-US", new PartnerCenterRequestOptions(TimeSpan.FromSeconds(10), 0, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10)));
            using (var reader = new ResourceStream<CommercialLicenseDeployment>(client, query.Request(), call, new TestLog(), CancellationToken.None))
            {
                try
                {
                    while (await reader.MoveNextAsync())
                    {
                        rows.Add(reader.Current);
                    }

                    return (rows, reader.TotalCount, reader.Pages, null);
                }
                catch (PartnerCenterException e)
                {
                    return (rows, reader.TotalCount, reader.Pages, e);
                }
            }
        }

        /// <summary>-First and -Skip as the commercial cmdlets pass them: skip as a parameter, First as the most rows wanted.</summary>
        public sealed class CommercialQuery
        {
            public ulong? First { get; set; }

            public ulong Skip { get; set; }

            public ResourceRequest<CommercialLicenseDeployment> Request()
            {
                var query = new List<KeyValuePair<string, string>>();
                if (Skip > 0)
                {
                    query.Add(new KeyValuePair<string, string>("skip", Skip.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }

                return CommercialLicenseDeployment.Resource.Request().With(query, First);
            }
        }

        private static string Parameter(HttpRequestMessage request, string name)
        {
            foreach (string pair in request.RequestUri.Query.TrimStart('?').Split('&'))
            {
                if (pair.StartsWith(name + "=", StringComparison.Ordinal))
                {
                    return Uri.UnescapeDataString(pair.Substring(name.Length + 1));
                }
            }

            return null;
        }

        [Fact]
        public async Task Each_request_asks_for_what_first_still_needs_and_none_is_sent_once_it_has_them()
        {
            // The service pages its own way (3 rows a page whatever top says).
            var handler = new PartnerCenterClientTests.ScriptedHandler(
                Answer(Page(1, 3, "https://pc.example.test" + Path + "?top=7&skip=5", 40)),
                Answer(Page(4, 3, Path + "?top=7&skip=8", 40)),
                Answer(Page(7, 3, Path + "?top=7&skip=11", 40)));

            var (rows, total, pages, error) = await ReadAsync(handler, new CommercialQuery { First = 7, Skip = 2 });

            Assert.Null(error);
            Assert.Equal(Enumerable.Range(1, 7).Select(i => "C" + i), rows.Select(r => r.CustomerName));
            Assert.Equal(40, total);
            Assert.Equal(3, pages);
            Assert.Equal(new[] { "7", "4", "1" }, handler.Requests.Select(r => Parameter(r, "top")));
            Assert.Equal(new[] { "2", "5", "8" }, handler.Requests.Select(r => Parameter(r, "skip")));
        }

        [Fact]
        public async Task Without_first_next_links_are_followed_as_sent_to_the_last_page()
        {
            var handler = new PartnerCenterClientTests.ScriptedHandler(
                Answer(Page(1, 2, "https://pc.example.test" + Path + "?top=10000&skip=2", 5)),
                Answer(Page(3, 2, Path + "?top=10000&skip=4", 5)),
                Answer(Page(5, 1, null, 5)));

            var (rows, total, pages, error) = await ReadAsync(handler, new CommercialQuery());

            Assert.Null(error);
            Assert.Equal(5, rows.Count);
            Assert.Equal(5, total);
            Assert.Equal(3, pages);
            Assert.All(handler.Requests, r => Assert.Equal("10000", Parameter(r, "top")));
            Assert.All(handler.Requests, r => Assert.Equal(Endpoint.Host, r.RequestUri.Host));
        }

        [Fact]
        public async Task The_total_count_after_the_rows_is_read_when_first_is_reached_on_the_first_page()
        {
            // The service sent more rows than top asked for; the rest of the page is read for its TotalCount.
            var handler = new PartnerCenterClientTests.ScriptedHandler(Answer(Page(1, 4, Path + "?top=2&skip=4", 25)));

            var (rows, total, pages, error) = await ReadAsync(handler, new CommercialQuery { First = 2 });

            Assert.Null(error);
            Assert.Equal(2, rows.Count);
            Assert.Equal(25, total);
            Assert.Equal(1, pages);
            Assert.Single(handler.Requests);
        }

        [Fact]
        public async Task Each_page_is_released_before_the_next_is_requested()
        {
            var bodies = new List<TrackedContent>();
            var handler = new PartnerCenterClientTests.ScriptedHandler(
                Answer(Page(1, 2, Path + "?skip=2", 6), bodies),
                r => { Assert.True(bodies[0].Disposed, "page 1 is still held when page 2 is requested"); return Answer(Page(3, 2, Path + "?skip=4", 6), bodies)(r); },
                r => { Assert.True(bodies[1].Disposed, "page 2 is still held when page 3 is requested"); return Answer(Page(5, 2, null, 6), bodies)(r); });

            var (rows, _, _, error) = await ReadAsync(handler, new CommercialQuery());

            Assert.Null(error);
            Assert.Equal(6, rows.Count);
            Assert.Equal(3, handler.Requests.Count);
        }

        [Theory]
        [InlineData("https://elsewhere.example.test/partner/v1/analytics/commercial/deployment/license?skip=1")]
        [InlineData("http://pc.example.test/partner/v1/analytics/commercial/deployment/license?skip=1")]
        [InlineData("https://pc.example.test:8443/partner/v1/analytics/commercial/deployment/license?skip=1")]
        [InlineData("//elsewhere.example.test/partner/v1/analytics/commercial/deployment/license?skip=1")]
        [InlineData("https://user@pc.example.test/partner/v1/analytics/commercial/deployment/license?skip=1")]
        public async Task A_next_link_off_the_endpoint_is_an_invalid_response_and_nothing_is_sent(string link)
        {
            var handler = new PartnerCenterClientTests.ScriptedHandler(Answer(Page(1, 2, link, 4)), Answer(Page(3, 2, null, 4)));

            var (rows, _, _, error) = await ReadAsync(handler, new CommercialQuery());

            Assert.Equal(PartnerCenterErrorIds.InvalidResponse, error?.ErrorId);
            Assert.Contains("nothing was sent there", error.Message);
            Assert.Equal(2, rows.Count);
            Assert.Single(handler.Requests);
        }

        [Fact]
        public async Task A_next_link_to_the_page_just_read_is_an_invalid_response_rather_than_an_endless_loop()
        {
            var handler = new PartnerCenterClientTests.ScriptedHandler(Answer(Page(1, 0, "https://pc.example.test" + Path + "?top=10000", 4)));

            var (rows, _, _, error) = await ReadAsync(handler, new CommercialQuery());

            Assert.Equal(PartnerCenterErrorIds.InvalidResponse, error?.ErrorId);
            Assert.Empty(rows);
            Assert.Single(handler.Requests);
        }

        /// <summary>A JSON body that remembers whether it was disposed.</summary>
        private sealed class TrackedContent : HttpContent
        {
            private readonly byte[] _bytes;

            public TrackedContent(string body)
            {
                _bytes = Encoding.UTF8.GetBytes(body);
                Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            }

            public bool Disposed { get; private set; }

            protected override Task SerializeToStreamAsync(Stream stream, TransportContext context) => stream.WriteAsync(_bytes, 0, _bytes.Length);

            protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new MemoryStream(_bytes));

            protected override bool TryComputeLength(out long length)
            {
                length = _bytes.Length;
                return true;
            }

            protected override void Dispose(bool disposing)
            {
                Disposed = true;
                base.Dispose(disposing);
            }
        }

        private sealed class FixedToken : ITokenSource
        {
            public bool CanRenew => false;
            public bool LastTokenIsAppOnly => false;
            public PartnerCenterContext Describe(string environmentName) => null;
            public Task<string> GetAccessTokenAsync(IEngineLog log, CancellationToken cancellationToken) => Task.FromResult("token");
            public Task<string> RenewRejectedAsync(string rejectedToken, IEngineLog log, CancellationToken cancellationToken) => Task.FromResult("token");
            public void SignOut() { }
            public void Dispose() { }
        }
    }
}
