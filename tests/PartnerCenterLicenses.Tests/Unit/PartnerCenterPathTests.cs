using System;
using System.Collections.Generic;
using System.Net.Http;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Client;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>
    /// The path Invoke-PartnerCenterRequest takes: PartnerCenterPath.Validate refuses what is not a
    /// plain path, and the engine's URL keeps what passes under the connected endpoint.
    /// </summary>
    public sealed class PartnerCenterPathTests
    {
        private static readonly PartnerCenterClient Client = new PartnerCenterClient(new HttpClientHandler(), new Uri("https://pc.example.test:8443/base/"), null);

        [Theory]
        [InlineData("/v1/customers", "/v1/customers")]
        [InlineData("v1/customers", "/v1/customers")]
        [InlineData("/v1/customers/", "/v1/customers/")]
        [InlineData("/v1/customers/4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04/subscriptions", "/v1/customers/4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04/subscriptions")]
        [InlineData("/v1/products/a%20b", "/v1/products/a%20b")]
        public void A_plain_path_passes_with_a_leading_slash(string path, string expected)
        {
            Assert.Equal(expected, PartnerCenterPath.Validate(path));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData("https://evil.example/v1/customers")]
        [InlineData("HTTPS://evil.example/v1")]
        [InlineData("//evil.example/v1/customers")]
        [InlineData("/v1/../customers")]
        [InlineData("..")]
        [InlineData("/v1/./customers")]
        [InlineData("/v1/%2e%2e/customers")]
        [InlineData("/v1/%2E%2E/customers")]
        [InlineData("/v1/.%2e/customers")]
        [InlineData("/v1%2f..%2fcustomers")]
        [InlineData("/v1%5ccustomers")]
        [InlineData("\\v1\\customers")]
        [InlineData("/v1\\..\\customers")]
        [InlineData("/v1/customers?size=1")]
        [InlineData("/v1/customers#top")]
        [InlineData("/v1/cus tomers")]
        [InlineData("/v1/customers\r\nHost: evil.example")]
        [InlineData("/v1/%0d%0a")]
        [InlineData("/v1/%zz")]
        [InlineData("/v1/%2")]
        [InlineData("/v1//customers")]
        public void Anything_but_a_plain_path_is_refused_as_an_invalid_argument(string path)
        {
            var e = Assert.Throws<PartnerCenterException>(() => PartnerCenterPath.Validate(path));

            Assert.Equal(PartnerCenterErrorIds.InvalidArgument, e.ErrorId);
            Assert.Equal(PartnerCenterErrorKind.InvalidArgument, e.Kind);
            Assert.Contains("Nothing was sent", e.Message);
            Assert.DoesNotContain("\n", e.Message);
        }

        [Fact]
        public void A_path_longer_than_2048_characters_is_refused()
        {
            Assert.Equal(PartnerCenterErrorIds.InvalidArgument,
                Assert.Throws<PartnerCenterException>(() => PartnerCenterPath.Validate("/v1/" + new string('a', 2050))).ErrorId);
        }

        [Theory]
        [InlineData("/v1/customers", "https://pc.example.test:8443/base/v1/customers")]
        [InlineData("/https:/evil.example/x", "https://pc.example.test:8443/base/https:/evil.example/x")]
        [InlineData("/http:evil.example/x", "https://pc.example.test:8443/base/http:evil.example/x")]
        [InlineData("/v1:customers", "https://pc.example.test:8443/base/v1:customers")]
        [InlineData("/c:/windows", "https://pc.example.test:8443/base/c:/windows")]
        [InlineData("/mailto:someone", "https://pc.example.test:8443/base/mailto:someone")]
        public void A_checked_path_stays_under_the_endpoint_even_when_its_first_segment_reads_like_a_scheme(string path, string expected)
        {
            Uri uri = ResourceUrls.Under(Client.Endpoint, PartnerCenterPath.Validate(path));

            Assert.Equal(expected, uri.AbsoluteUri);
        }

        [Fact]
        public void Query_names_and_values_are_escaped_so_none_can_start_another_parameter()
        {
            Uri uri = ResourceUrls.Under(Client.Endpoint, "/v1/customers", new[]
            {
                new KeyValuePair<string, string>("filter", "a&b=c #d?e/f+g %41 \u00e9\u20ac"),
                new KeyValuePair<string, string>("odd key&=", null),
            });

            Assert.Equal(
                "https://pc.example.test:8443/base/v1/customers?filter=a%26b%3Dc%20%23d%3Fe%2Ff%2Bg%20%2541%20%C3%A9%E2%82%AC&odd%20key%26%3D=",
                uri.AbsoluteUri);
        }
    }
}
