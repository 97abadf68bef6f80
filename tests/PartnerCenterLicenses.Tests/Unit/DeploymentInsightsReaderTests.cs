using System;
using System.Collections.Generic;
using System.Globalization;
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
        private static readonly RequestIds Ids = new RequestIds(Guid.NewGuid(), Guid.NewGuid());

        [Fact]
        public async Task A_body_that_cannot_even_be_opened_releases_the_response_and_its_timeout()
        {
            var content = new UnopenableContent();
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
            var timeout = new IdleTimeout(TimeSpan.FromSeconds(30), CancellationToken.None);

            await Assert.ThrowsAsync<System.IO.IOException>(() => DeploymentInsightsReader.OpenAsync(response, timeout, CancellationToken.None, Ids, new TestLog()));

            Assert.True(content.Disposed);
            Assert.Throws<ObjectDisposedException>(() => timeout.Token.WaitHandle);
        }

        /// <summary>JSON content whose stream fails to open, as a connection dropped between headers and body does.</summary>
        private sealed class UnopenableContent : HttpContent
        {
            public UnopenableContent()
            {
                Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            }

            public bool Disposed { get; private set; }

            protected override Task SerializeToStreamAsync(System.IO.Stream stream, TransportContext context) => throw new System.IO.IOException("The connection was reset.");

            protected override Task<System.IO.Stream> CreateContentReadStreamAsync() => throw new System.IO.IOException("The connection was reset.");

            protected override bool TryComputeLength(out long length)
            {
                length = 0;
                return false;
            }

            protected override void Dispose(bool disposing)
            {
                Disposed = true;
                base.Dispose(disposing);
            }
        }

        private static Task<(List<PartnerLicensesDeploymentInsights> Items, PartnerCenterException Error, TestLog Log)> ReadAll(
            string body, string mediaType = "application/json", int maxFieldLength = DeploymentInsightsReader.DefaultMaxFieldLength)
        {
            return ReadAll(new StringContent(body, Encoding.UTF8, mediaType), maxFieldLength);
        }

        private static async Task<(List<PartnerLicensesDeploymentInsights> Items, PartnerCenterException Error, TestLog Log)> ReadAll(
            HttpContent content, int maxFieldLength = DeploymentInsightsReader.DefaultMaxFieldLength)
        {
            var log = new TestLog();
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
            var items = new List<PartnerLicensesDeploymentInsights>();
            try
            {
                using (var reader = await DeploymentInsightsReader.OpenAsync(response, new IdleTimeout(TimeSpan.FromSeconds(30), CancellationToken.None), CancellationToken.None, Ids, log, maxFieldLength))
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

        [Theory]
        [InlineData(new byte[] { 0xC3, 0x28 }, "not UTF-8")]
        [InlineData(new byte[] { (byte)'\\', (byte)'u', (byte)'D', (byte)'8', (byte)'0', (byte)'0' }, "surrogate")]
        public async Task A_string_that_is_not_unicode_text_is_an_invalid_response_after_the_items_before_it(byte[] inString, string expectedInMessage)
        {
            string[] around = Body(Item(), Item(serviceName: "\"@\"")).Split('@');
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(around[0]).Concat(inString).Concat(Encoding.UTF8.GetBytes(around[1])).ToArray());
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

            var (items, error, _) = await ReadAll(content);

            Assert.Single(items);
            AssertInvalid(error, "not valid JSON", expectedInMessage, "cut short after 1 item");
        }

        private static string Item(string serviceName = "\"crm\"", string channel = "\"reseller\"", string licensesSold = "343",
            string prorated = "0.5", string processed = "\"2017-03-10T00:00:00+00:00\"", string extra = "")
        {
            return "{\"serviceName\":" + serviceName + ",\"channel\":" + channel + ",\"licensesSold\":" + licensesSold
                + ",\"proratedDeploymentPercent\":" + prorated + ",\"processedDateTime\":" + processed + extra + "}";
        }

        private static string Body(params string[] items) => "{\"items\":[" + string.Join(",", items) + "]}";

        private static void AssertInvalid(PartnerCenterException error, params string[] expectedInMessage)
        {
            Assert.NotNull(error);
            Assert.Equal(PartnerCenterErrorIds.InvalidResponse, error.ErrorId);
            Assert.Equal(PartnerCenterErrorKind.InvalidResponse, error.Kind);
            foreach (string expected in expectedInMessage)
            {
                Assert.Contains(expected, error.Message);
            }
        }

        [Fact]
        public async Task A_total_count_beyond_int64_after_the_items_is_an_invalid_response_once_the_items_are_handed_out()
        {
            string body = "{\"items\":[" + Item() + "," + Item() + "],\"totalCount\":99999999999999999999999}";

            var (items, error, _) = await ReadAll(body);

            Assert.Equal(2, items.Count);
            AssertInvalid(error, "'totalCount' out of range", Ids.RequestId.ToString());
        }

        [Theory]
        [InlineData("{\"totalCount\":1e400,\"items\":[]}", "'totalCount' out of range")]
        [InlineData("{\"totalCount\":-99999999999999999999999,\"items\":[]}", "'totalCount' out of range")]
        [InlineData("{\"totalCount\":\"2\",\"items\":[]}", "'totalCount' of type String")]
        public async Task A_total_count_that_is_not_a_whole_number_in_range_is_an_invalid_response(string body, string expectedInMessage)
        {
            var (_, error, _) = await ReadAll(body);

            AssertInvalid(error, expectedInMessage);
        }

        [Theory]
        [InlineData("licensesSold", "99999999999999999999999")]
        [InlineData("licensesSold", "-99999999999999999999999")]
        [InlineData("licensesSold", "9223372036854775808.0")]
        [InlineData("licensesSold", "1e400")]
        [InlineData("licensesSold", "-1e400")]
        [InlineData("proratedDeploymentPercent", "1e400")]
        [InlineData("proratedDeploymentPercent", "99999999999999999999999")]
        public async Task A_number_beyond_what_its_field_can_hold_is_an_invalid_response_naming_the_field(string field, string number)
        {
            string item = field == "licensesSold" ? Item(licensesSold: number) : Item(prorated: number);

            var (items, error, _) = await ReadAll(Body(Item(), item));

            Assert.Single(items);
            AssertInvalid(error, "Item 1 ", "'" + field + "' out of range");
        }

        [Fact]
        public async Task The_largest_and_smallest_int64_are_read_exactly()
        {
            var (items, error, _) = await ReadAll(Body(Item(licensesSold: "9223372036854775807"), Item(licensesSold: "-9223372036854775808.0")));

            Assert.Null(error);
            Assert.Equal(new[] { long.MaxValue, long.MinValue }, items.Select(i => i.LicensesSold));
        }

        [Fact]
        public async Task Minus_zero_is_read_as_plain_zero()
        {
            var (items, error, _) = await ReadAll(Body(Item(licensesSold: "-0", prorated: "-0.0")));

            Assert.Null(error);
            var item = Assert.Single(items);
            Assert.Equal(0L, item.LicensesSold);
            Assert.Equal(0.0, item.ProratedDeploymentPercent);
            Assert.False(double.IsNegative(item.ProratedDeploymentPercent));
        }

        [Fact]
        public async Task Strings_that_look_like_dates_are_the_exact_strings_sent()
        {
            var (items, error, _) = await ReadAll(Body(
                Item(serviceName: "\"2017-03-10\"", channel: "\"2025-12-31T23:59:59+01:00\"", extra: ",\"note\":\"2025-12-31T23:59:59Z\"")));

            Assert.Null(error);
            var item = Assert.Single(items);
            Assert.Equal("2017-03-10", item.ServiceName);
            Assert.Equal("2025-12-31T23:59:59+01:00", item.Channel);
        }

        [Theory]
        [InlineData("2017-03-10T00:00:00", "2017-03-10T00:00:00.0000000+00:00")]
        [InlineData("2017-03-10T00:00:00Z", "2017-03-10T00:00:00.0000000+00:00")]
        [InlineData("2024-01-02T03:04:05.1234567-05:30", "2024-01-02T03:04:05.1234567-05:30")]
        [InlineData("2024-01-02T03:04:05.123456789+14:00", "2024-01-02T03:04:05.1234567+14:00")]
        [InlineData("2024-01-02T03:04+01:00", "2024-01-02T03:04:00.0000000+01:00")]
        [InlineData("2024-01-02", "2024-01-02T00:00:00.0000000+00:00")]
        public async Task A_processed_date_time_in_iso_8601_keeps_its_offset_and_one_without_is_utc(string sent, string expected)
        {
            var (items, error, _) = await ReadAll(Body(Item(processed: "\"" + sent + "\"")));

            Assert.Null(error);
            Assert.Equal(expected, Assert.Single(items).ProcessedDateTime.ToString("o", CultureInfo.InvariantCulture));
        }

        [Theory]
        [InlineData("\"03/10/2017\"", "not an ISO 8601 date")]
        [InlineData("\"March 10, 2017\"", "not an ISO 8601 date")]
        [InlineData("\"2017-13-01T00:00:00Z\"", "not an ISO 8601 date")]
        [InlineData("\"9999-12-31T23:59:59-01:00\"", "not an ISO 8601 date")]
        [InlineData("\"\"", "not an ISO 8601 date")]
        [InlineData("20170310", "of type Integer")]
        public async Task A_processed_date_time_that_is_not_an_iso_8601_date_is_an_invalid_response(string sent, string expectedInMessage)
        {
            var (_, error, _) = await ReadAll(Body(Item(processed: sent)));

            AssertInvalid(error, "'processedDateTime'", expectedInMessage);
        }

        [Theory]
        [InlineData("{0},{1}")]                                             // a documented field's value
        [InlineData("{0},{{\"{2}\":1}}")]                                   // a property name
        [InlineData("{0},{{\"unknown\":[{{\"deeper\":\"{2}\"}}]}}")]        // inside a field that is skipped
        [InlineData("{0},{{\"licensesSold\":{3}}}")]                        // a number
        [InlineData("{0},{{/*{4}*/}}")]                                     // a comment
        public async Task A_field_longer_than_the_limit_is_an_invalid_response_after_the_items_before_it(string itemsTemplate)
        {
            const int Limit = 64;
            string tooLong = new string('x', Limit + 1);
            string items = string.Format(
                CultureInfo.InvariantCulture, itemsTemplate, Item(), Item(serviceName: "\"" + tooLong + "\""), tooLong, new string('7', Limit + 1), tooLong.Replace('x', ' '));

            var (read, error, _) = await ReadAll("{\"items\":[" + items + "]}", maxFieldLength: Limit);

            Assert.Single(read);
            AssertInvalid(error, "Item 1 ", "longer than 64 characters", "-MaximumFieldLength", Ids.RequestId.ToString());
        }

        [Fact]
        public async Task A_field_of_exactly_the_limit_is_read_and_one_more_character_is_not()
        {
            // Escapes count as the characters sent: \" is two.
            string sixtyFour = new string('x', 60) + "\\\"yz";

            var (atLimit, fine, _) = await ReadAll(Body(Item(channel: "\"" + sixtyFour + "\"")), maxFieldLength: 64);
            var (_, tooLong, _) = await ReadAll(Body(Item(channel: "\"" + sixtyFour + "z\"")), maxFieldLength: 64);

            Assert.Null(fine);
            Assert.Equal(new string('x', 60) + "\"yz", Assert.Single(atLimit).Channel);
            AssertInvalid(tooLong, "Item 0 ", "longer than 64 characters");
        }

        [Fact]
        public async Task A_long_field_outside_the_items_is_named_as_part_of_the_response()
        {
            var (items, error, _) = await ReadAll("{\"items\":[" + Item() + "],\"links\":\"" + new string('x', 100) + "\"}", maxFieldLength: 64);

            Assert.Single(items);
            AssertInvalid(error, "Partner Center's response has a field longer than 64 characters", "cut short after 1 item");
            Assert.DoesNotContain("Item 1", error.Message);
        }

        [Fact]
        public async Task A_50_megabyte_field_is_refused_at_the_limit_without_reading_or_buffering_the_rest()
        {
            const int FieldBytes = 50 * 1024 * 1024;
            var body = new EndlessFieldStream(Encoding.UTF8.GetBytes("{\"items\":[" + Item() + ",{\"serviceName\":\""), (byte)'a', FieldBytes);
            var content = new StreamContent(body, 16 * 1024);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

            int thread = Environment.CurrentManagedThreadId;
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var (items, error, _) = await ReadAll(content);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

            // Over an in-memory body nothing waits, so all the reading was counted on this thread.
            Assert.Equal(thread, Environment.CurrentManagedThreadId);

            Assert.Single(items);
            AssertInvalid(error, "Item 1 ", "longer than " + DeploymentInsightsReader.DefaultMaxFieldLength + " characters");
            // The field is 1 MB characters at the limit; buffering it costs a few times that, never 50 MB.
            Assert.True(body.Served < 4 * DeploymentInsightsReader.DefaultMaxFieldLength, body.Served + " bytes read");
            Assert.True(allocated < 32L * 1024 * 1024, allocated + " bytes allocated");
        }

        /// <summary>A prefix, then one byte repeated, generated as it is read so the test itself holds no 50 MB.</summary>
        private sealed class EndlessFieldStream : System.IO.Stream
        {
            private readonly byte[] _prefix;
            private readonly byte _filler;
            private readonly long _length;

            public EndlessFieldStream(byte[] prefix, byte filler, long fillerLength)
            {
                _prefix = prefix;
                _filler = filler;
                _length = prefix.Length + fillerLength;
            }

            public long Served { get; private set; }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => Served; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, System.IO.SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override int Read(byte[] buffer, int offset, int count)
            {
                int n = (int)Math.Min(count, _length - Served);
                for (int i = 0; i < n; i++)
                {
                    long at = Served + i;
                    buffer[offset + i] = at < _prefix.Length ? _prefix[at] : _filler;
                }

                Served += n;
                return n;
            }

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                Task.FromResult(Read(buffer, offset, count));
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
