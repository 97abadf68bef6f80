using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Client;
using PartnerCenterLicenses.Models;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    public class DeploymentInsightsReaderTests
    {
        private static readonly ResponseIds Ids = new ResponseIds(Guid.NewGuid(), Guid.NewGuid());

        private static async Task<(List<PartnerLicensesDeploymentInsights> Items, PartnerCenterException Error, TestLog Log)> ReadAll(
            string body, string mediaType = "application/json")
        {
            var log = new TestLog();
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
            var items = new List<PartnerLicensesDeploymentInsights>();
            try
            {
                using (var reader = await DeploymentInsightsReader.OpenAsync(response, new IdleTimeout(TimeSpan.FromSeconds(30), CancellationToken.None), CancellationToken.None, Ids, log))
                {
                    while (reader.TryReadNext(out var item))
                    {
                        items.Add(item);
                    }
                }

                return (items, null, log);
            }
            catch (PartnerCenterException e)
            {
                return (items, e, log);
            }
        }

        [Fact]
        public async Task Reads_the_documented_example_as_two_typed_insights_with_offsets_kept()
        {
            var (items, error, _) = await ReadAll(SeedDocument.ResponseBody);

            Assert.Null(error);
            Assert.Equal(2, items.Count);
            Assert.Equal("crm", items[0].ServiceName);
            Assert.Equal("reseller", items[0].Channel);
            Assert.Equal(343L, items[0].LicensesSold);
            Assert.Equal(0.0, items[0].ProratedDeploymentPercent);
            Assert.Equal(new DateTimeOffset(2017, 3, 10, 0, 0, 0, TimeSpan.Zero), items[0].ProcessedDateTime);
            Assert.Equal("o365", items[1].ServiceName);
            Assert.Equal(4464L, items[1].LicensesSold);
            Assert.Equal(1.0, items[1].ProratedDeploymentPercent);
            Assert.Equal(new DateTimeOffset(2017, 3, 14, 3, 25, 16, 360, TimeSpan.Zero), items[1].ProcessedDateTime);
        }

        [Fact]
        public async Task Keeps_a_non_zero_offset_and_tolerates_unknown_fields()
        {
            var (items, error, _) = await ReadAll(
                "{\"items\":[{\"serviceName\":\"o365\",\"channel\":\"direct\",\"licensesSold\":5,\"proratedDeploymentPercent\":0.25,"
                + "\"processedDateTime\":\"2024-01-02T03:04:05+02:00\",\"newField\":{\"nested\":[1,2]},\"other\":null}],\"links\":{}}");

            Assert.Null(error);
            var item = Assert.Single(items);
            Assert.Equal(TimeSpan.FromHours(2), item.ProcessedDateTime.Offset);
            Assert.Equal(0.25, item.ProratedDeploymentPercent);
        }

        [Fact]
        public async Task An_empty_collection_is_not_an_error()
        {
            var (items, error, _) = await ReadAll("{\"totalCount\":0,\"items\":[]}");

            Assert.Null(error);
            Assert.Empty(items);
        }

        [Theory]
        [InlineData("{\"items\":[{\"serviceName\":\"crm\",\"channel\":\"reseller\",\"licensesSold\":\"343\",\"proratedDeploymentPercent\":0,\"processedDateTime\":\"2017-03-10T00:00:00+00:00\"}]}", "licensesSold")]
        [InlineData("{\"items\":[{\"channel\":\"reseller\",\"licensesSold\":343,\"proratedDeploymentPercent\":0,\"processedDateTime\":\"2017-03-10T00:00:00+00:00\"}]}", "serviceName")]
        [InlineData("{\"items\":[null]}", "Null")]
        [InlineData("{\"items\":{}}", "array")]
        [InlineData("{\"totalCount\":2}", "no 'items'")]
        [InlineData("[1,2]", "not a JSON object")]
        [InlineData("<html><body>Service Unavailable</body></html>", "not valid JSON")]
        public async Task A_body_that_breaks_the_contract_is_an_invalid_response(string body, string expectedInMessage)
        {
            var (_, error, _) = await ReadAll(body);

            Assert.NotNull(error);
            Assert.Equal(PartnerCenterErrorIds.InvalidResponse, error.ErrorId);
            Assert.Equal(PartnerCenterErrorKind.InvalidResponse, error.Kind);
            Assert.Contains(expectedInMessage, error.Message);
            Assert.Contains(Ids.RequestId.ToString(), error.Message);
        }

        [Fact]
        public async Task A_truncated_body_yields_the_complete_items_then_says_it_was_cut_short()
        {
            string truncated = SeedDocument.ResponseBody.Substring(0, SeedDocument.ResponseBody.IndexOf("\"o365\"", StringComparison.Ordinal));

            var (items, error, _) = await ReadAll(truncated);

            Assert.Single(items);
            Assert.NotNull(error);
            Assert.Equal(PartnerCenterErrorIds.InvalidResponse, error.ErrorId);
            Assert.Contains("cut short after 1 item", error.Message);
        }

        [Fact]
        public async Task A_body_that_stops_after_the_items_array_is_not_taken_as_complete()
        {
            string body = "{\"items\":[]";

            var (_, error, _) = await ReadAll(body);

            Assert.NotNull(error);
            Assert.Equal(PartnerCenterErrorIds.InvalidResponse, error.ErrorId);
        }

        [Fact]
        public async Task An_html_page_served_with_200_is_an_invalid_response()
        {
            var (_, error, _) = await ReadAll("<html>maintenance</html>", "text/html");

            Assert.NotNull(error);
            Assert.Equal(PartnerCenterErrorIds.InvalidResponse, error.ErrorId);
            Assert.Contains("text/html", error.Message);
        }

        [Fact]
        public async Task A_total_count_that_does_not_match_the_items_is_reported_as_a_warning()
        {
            var (items, error, log) = await ReadAll(SeedDocument.ResponseBody.Replace("\"totalCount\": 2", "\"totalCount\": 3"));

            Assert.Null(error);
            Assert.Equal(2, items.Count);
            Assert.Contains(log.Lines, l => l.StartsWith("WARNING:") && l.Contains("totalCount 3"));
        }

        [Fact]
        public async Task Items_are_handed_out_before_the_rest_of_the_body_has_arrived()
        {
            // A body whose second half never comes: the first item must still be readable.
            var gate = new TaskCompletionSource<bool>();
            string first = SeedDocument.ResponseBody.Substring(0, SeedDocument.ResponseBody.IndexOf("}, {", StringComparison.Ordinal) + 3);
            var content = new StreamContent(new StallingStream(Encoding.UTF8.GetBytes(first), gate.Task));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
            // The timeout runs only while a read waits for bytes: the first item's read finishes at once.
            var scope = new IdleTimeout(TimeSpan.FromMilliseconds(300), CancellationToken.None);

            using (var reader = await DeploymentInsightsReader.OpenAsync(response, scope, CancellationToken.None, Ids, new TestLog()))
            {
                var read = Task.Run(() => (reader.TryReadNext(out var item), item));
                var completed = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10)));
                Assert.Same(read, completed);
                var (gotOne, firstItem) = await read;
                Assert.True(gotOne);
                Assert.Equal("crm", firstItem.ServiceName);

                // The stalled rest of the body ends when no byte came for the timeout.
                var error = Assert.Throws<PartnerCenterException>(() => reader.TryReadNext(out _));
                Assert.Equal(PartnerCenterErrorIds.Timeout, error.ErrorId);
                Assert.Contains("cut short after 1 item", error.Message);
            }
        }

        /// <summary>Serves some bytes, then blocks until cancelled, like a connection that stalls.</summary>
        private sealed class StallingStream : System.IO.Stream
        {
            private readonly byte[] _data;
            private readonly Task _never;
            private int _position;

            public StallingStream(byte[] data, Task never)
            {
                _data = data;
                _never = never;
            }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => _position; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, System.IO.SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

            public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                if (_position < _data.Length)
                {
                    int n = Math.Min(count, _data.Length - _position);
                    Array.Copy(_data, _position, buffer, offset, n);
                    _position += n;
                    return n;
                }

                await Task.WhenAny(_never, Task.Delay(Timeout.Infinite, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                return 0;
            }
        }
    }
}
