using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Authentication;
using PartnerCenterLicenses.Engine.Client;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>
    /// ResourceUrls.NextPage: where a next link may lead. Only the connected endpoint
    /// (same scheme, host and port, under its path) gets a request; anything else is refused as an
    /// invalid response before anything is sent.
    /// </summary>
    public sealed class NextPageLinkTests
    {
        private static readonly PartnerCenterClient Client = new PartnerCenterClient(new HttpClientHandler(), new Uri("https://pc.example.test/"), new NoTokens());
        private static readonly PartnerCenterClient UnderBase = new PartnerCenterClient(new HttpClientHandler(), new Uri("https://pc.example.test:8443/base"), new NoTokens());
        private static readonly RequestIds Ids = new RequestIds(Guid.NewGuid(), Guid.NewGuid());

        private static PartnerCenterRequest Current(PartnerCenterClient client, string path) => new PartnerCenterRequest(HttpMethod.Get, ResourceUrls.Under(client.Endpoint, path));

        private static Dictionary<string, object> Links(string uri, params (string Key, string Value)[] headers)
        {
            var list = new List<object>();
            foreach (var (key, value) in headers)
            {
                list.Add(new Dictionary<string, object> { { "key", key }, { "value", value } });
            }

            return new Dictionary<string, object> { { "next", new Dictionary<string, object> { { "uri", uri }, { "method", "GET" }, { "headers", list } } } };
        }

        [Theory]
        [InlineData("/v1/things?page=2", "https://pc.example.test/v1/things?page=2")]
        [InlineData("things?page=2", "https://pc.example.test/v1/things?page=2")]
        [InlineData("https://pc.example.test/v1/things?page=2", "https://pc.example.test/v1/things?page=2")]
        [InlineData("https://PC.example.test:443/v1/things?page=2", "https://pc.example.test/v1/things?page=2")]
        public void A_relative_rooted_or_absolute_nextLink_on_the_endpoint_is_followed_with_GET(string link, string expected)
        {
            PartnerCenterRequest next = ResourceUrls.NextPage(Client.Endpoint, Current(Client, "v1/things"), NextPageLink.FromNextLink(link), Ids);

            Assert.Equal(expected, next.Uri.AbsoluteUri);
            Assert.Equal(HttpMethod.Get, next.Method);
            Assert.Empty(next.Headers);
        }

        [Fact]
        public void A_links_next_uri_is_relative_to_the_version_and_carries_only_the_continuation_token()
        {
            NextPageLink link = NextPageLink.FromLinks(Links("/customers?size=2&seekOperation=Next", ("MS-ContinuationToken", "token-1"), ("Authorization", "Bearer x")));
            PartnerCenterRequest next = ResourceUrls.NextPage(Client.Endpoint, Current(Client, "v1/customers"), link, Ids);

            Assert.Equal("https://pc.example.test/v1/customers?size=2&seekOperation=Next", next.Uri.AbsoluteUri);
            Assert.Equal(new[] { new KeyValuePair<string, string>("MS-ContinuationToken", "token-1") }, next.Headers);
        }

        [Fact]
        public void A_links_next_uri_that_names_its_version_is_not_given_a_second_one()
        {
            NextPageLink link = NextPageLink.FromLinks(Links("/v1/customers?seekOperation=Next", ("MS-ContinuationToken", "t")));

            Assert.Equal("https://pc.example.test/v1/customers?seekOperation=Next", ResourceUrls.NextPage(Client.Endpoint, Current(Client, "v1/customers"), link, Ids).Uri.AbsoluteUri);
        }

        [Fact]
        public void On_an_endpoint_with_a_path_a_links_next_stays_under_it()
        {
            NextPageLink link = NextPageLink.FromLinks(Links("/customers?seekOperation=Next"));

            Assert.Equal("https://pc.example.test:8443/base/v1/customers?seekOperation=Next", ResourceUrls.NextPage(UnderBase.Endpoint, Current(UnderBase, "v1/customers"), link, Ids).Uri.AbsoluteUri);
        }

        [Theory]
        [InlineData("https://elsewhere.example/v1/things?page=2")]
        [InlineData("https://pc.example.test.elsewhere.example/v1/things")]
        [InlineData("https://pc.example.test:8443/v1/things")]
        [InlineData("http://pc.example.test/v1/things")]
        [InlineData("//elsewhere.example/v1/things")]
        [InlineData("https://user:password@pc.example.test/v1/things")]
        [InlineData("https://pc.example.test@elsewhere.example/v1/things")]
        [InlineData("\\\\elsewhere.example\\v1")]
        [InlineData("file:///etc/passwd")]
        [InlineData("ftp://pc.example.test/v1/things")]
        public void A_nextLink_anywhere_else_is_refused_as_an_invalid_response(string link)
        {
            var e = Assert.Throws<PartnerCenterException>(() => ResourceUrls.NextPage(Client.Endpoint, Current(Client, "v1/things"), NextPageLink.FromNextLink(link), Ids));

            Assert.Equal(PartnerCenterErrorIds.InvalidResponse, e.ErrorId);
            Assert.Equal(PartnerCenterErrorKind.InvalidResponse, e.Kind);
            Assert.Contains("nothing was sent there", e.Message);
        }

        [Theory]
        [InlineData("https://pc.example.test:8443/other/v1/things")]
        [InlineData("/other/v1/things")]
        [InlineData("https://pc.example.test:8443/base/../other")]
        public void A_nextLink_outside_the_endpoints_path_is_refused(string link)
        {
            var e = Assert.Throws<PartnerCenterException>(() => ResourceUrls.NextPage(UnderBase.Endpoint, Current(UnderBase, "v1/things"), NextPageLink.FromNextLink(link), Ids));

            Assert.Equal(PartnerCenterErrorIds.InvalidResponse, e.ErrorId);
        }

        [Theory]
        [InlineData("//elsewhere.example/customers")]
        [InlineData("https://elsewhere.example/v1/customers")]
        public void A_links_next_to_another_host_is_refused(string uri)
        {
            NextPageLink link = NextPageLink.FromLinks(Links(uri, ("MS-ContinuationToken", "t")));

            Assert.Equal(PartnerCenterErrorIds.InvalidResponse,
                Assert.Throws<PartnerCenterException>(() => ResourceUrls.NextPage(Client.Endpoint, Current(Client, "v1/customers"), link, Ids)).ErrorId);
        }

        [Theory]
        [InlineData("abc\r\nAuthorization: Bearer stolen")]
        [InlineData("abc\ndef")]
        [InlineData("abc\u0000")]
        public void A_continuation_token_with_control_characters_is_refused_and_not_sent(string token)
        {
            NextPageLink link = NextPageLink.FromLinks(Links("/customers?seekOperation=Next", ("MS-ContinuationToken", token)));

            var e = Assert.Throws<PartnerCenterException>(() => ResourceUrls.NextPage(Client.Endpoint, Current(Client, "v1/customers"), link, Ids));
            Assert.Equal(PartnerCenterErrorIds.InvalidResponse, e.ErrorId);
            // Ordinal: compared by culture, "abc\0" is found in any "abc" (NUL weighs nothing), and the
            // message's request ids are random hex.
            Assert.DoesNotContain(token, e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_links_next_with_another_method_than_GET_or_without_a_uri_is_no_next_page()
        {
            var post = new Dictionary<string, object> { { "next", new Dictionary<string, object> { { "uri", "/customers" }, { "method", "POST" } } } };
            var empty = new Dictionary<string, object> { { "next", new Dictionary<string, object> { { "uri", string.Empty } } } };

            Assert.Null(NextPageLink.FromLinks(post));
            Assert.Null(NextPageLink.FromLinks(empty));
            Assert.Null(NextPageLink.FromLinks(new Dictionary<string, object> { { "self", new Dictionary<string, object> { { "uri", "/customers" } } } }));
        }

        private sealed class NoTokens : ITokenSource
        {
            public bool CanRenew => false;

            public bool LastTokenIsAppOnly => false;

            public System.Threading.Tasks.Task<string> GetAccessTokenAsync(IEngineLog log, System.Threading.CancellationToken cancellationToken) => throw new NotSupportedException();

            public System.Threading.Tasks.Task<string> RenewRejectedAsync(string rejected, IEngineLog log, System.Threading.CancellationToken cancellationToken) => throw new NotSupportedException();

            public Models.PartnerCenterContext Describe(string environmentName) => null;

            public void SignOut()
            {
            }

            public void Dispose()
            {
            }
        }
    }
}
