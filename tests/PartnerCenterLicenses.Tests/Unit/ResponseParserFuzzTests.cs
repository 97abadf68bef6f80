using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Client;
using PartnerCenterLicenses.Models;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>
    /// Feeds many generated bodies, valid and broken, to the response parser. Whatever it gets, it
    /// must only ever hand out typed objects or report the module's own InvalidResponse error: never
    /// a JsonReaderException, a NullReferenceException, an OverflowException or a half-made object.
    /// Valid bodies must come back exactly as generated (strings that look like dates included),
    /// and a body with one field beyond the length limit must hand out every item before it.
    /// Seeded, so a failure repeats.
    /// </summary>
    public class ResponseParserFuzzTests
    {
        private const int Seed = 20261124;
        private const int Bodies = 3000;

        // Far above every generated valid token (the longest is a date of about 33 characters).
        private const int MaxFieldLength = 64;

        [Fact]
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "xUnit1031", Justification = "The reader completes synchronously over an in-memory body; a plain loop keeps 3,000 cases readable.")]
        public void Generated_bodies_yield_typed_objects_or_the_modules_own_error()
        {
            var random = new Random(Seed);
            int valid = 0, invalid = 0;
            for (int n = 0; n < Bodies; n++)
            {
                bool shouldBeValid = random.Next(3) == 0;
                int items = random.Next(0, 6);
                var expected = new List<PartnerLicensesDeploymentInsights>();
                int? itemWithLongField = null;
                string body;
                if (shouldBeValid)
                {
                    body = ValidBody(random, items, expected);
                }
                else if (random.Next(6) == 0)
                {
                    itemWithLongField = random.Next(Math.Max(1, items));
                    body = ValidBody(random, Math.Max(1, items), expected, itemWithLongField);
                }
                else
                {
                    body = Mutate(random, ValidBody(random, Math.Max(1, items), expected));
                }

                var read = new List<PartnerLicensesDeploymentInsights>();
                Exception failure = null;
                try
                {
                    var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    using (var reader = DeploymentInsightsReader.OpenAsync(
                        response, new IdleTimeout(TimeSpan.FromSeconds(30), CancellationToken.None), CancellationToken.None, new RequestIds(Guid.NewGuid(), Guid.NewGuid()), new TestLog(), MaxFieldLength)
                        .GetAwaiter().GetResult())
                    {
                        while (reader.TryReadNext(out var item))
                        {
                            read.Add(item);
                        }
                    }
                }
                catch (Exception e)
                {
                    failure = e;
                }

                if (failure == null)
                {
                    valid++;
                    Assert.All(read, item =>
                    {
                        Assert.NotNull(item.ServiceName);
                        Assert.NotNull(item.Channel);
                        Assert.False(double.IsNaN(item.ProratedDeploymentPercent));
                    });
                }
                else
                {
                    invalid++;
                    var error = Assert.IsType<PartnerCenterException>(failure);
                    Assert.Equal(PartnerCenterErrorIds.InvalidResponse, error.ErrorId);
                    Assert.False(string.IsNullOrWhiteSpace(error.Message));
                }

                if (shouldBeValid)
                {
                    Assert.True(failure == null, "body " + n + " is valid but failed: " + failure?.Message + "\n" + body);
                    AssertSame(expected, read, body);
                }

                if (itemWithLongField is int longItem)
                {
                    Assert.True(failure is PartnerCenterException e && e.Message.Contains("Item " + longItem + " ") && e.Message.Contains("longer than " + MaxFieldLength),
                        "body " + n + ": " + failure?.Message + "\n" + body);
                    AssertSame(expected.GetRange(0, longItem), read, body);
                }
            }

            // Both paths were really exercised.
            Assert.True(valid > Bodies / 5 && invalid > Bodies / 5, valid + " valid, " + invalid + " invalid");
        }

        [Fact]
        public void Bodies_arriving_a_few_bytes_at_a_time_read_as_they_do_whole()
        {
            // The reader takes an item once all its bytes are in and reads it again from its start
            // otherwise: wherever the blocks end, the same items and the same error must come out.
            var random = new Random(Seed + 1);
            for (int n = 0; n < Bodies / 3; n++)
            {
                int items = random.Next(0, 6);
                var expected = new List<PartnerLicensesDeploymentInsights>();
                string body = random.Next(3) == 0 ? ValidBody(random, items, expected)
                    : random.Next(2) == 0 ? ValidBody(random, Math.Max(1, items), expected, random.Next(Math.Max(1, items)))
                    : Mutate(random, ValidBody(random, Math.Max(1, items), expected));
                byte[] bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(body)).ToArray();

                var (whole, wholeError) = Read(new System.IO.MemoryStream(bytes));
                var (trickled, trickledError) = Read(new TricklingStream(bytes, new Random(n)));

                AssertSame(whole, trickled, body);
                Assert.True(wholeError?.Message == trickledError?.Message, "body " + n + ": " + wholeError?.Message + " | " + trickledError?.Message + "\n" + body);
            }
        }

        private static (List<PartnerLicensesDeploymentInsights> Items, PartnerCenterException Error) Read(System.IO.Stream body)
        {
            var read = new List<PartnerLicensesDeploymentInsights>();
            var content = new StreamContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
            try
            {
                using (var reader = DeploymentInsightsReader.OpenAsync(
                    response, new IdleTimeout(TimeSpan.FromSeconds(30), CancellationToken.None), CancellationToken.None, Ids, new TestLog(), MaxFieldLength)
                    .GetAwaiter().GetResult())
                {
                    while (reader.TryReadNext(out var item))
                    {
                        read.Add(item);
                    }
                }

                return (read, null);
            }
            catch (PartnerCenterException e)
            {
                return (read, e);
            }
        }

        private static readonly RequestIds Ids = new RequestIds(Guid.NewGuid(), Guid.NewGuid());

        /// <summary>Hands out one to seven bytes per read, as a slow connection does.</summary>
        private sealed class TricklingStream : System.IO.MemoryStream
        {
            private readonly Random _random;

            public TricklingStream(byte[] bytes, Random random) : base(bytes)
            {
                _random = random;
            }

            public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, _random.Next(1, 8)));

            public override System.Threading.Tasks.Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                System.Threading.Tasks.Task.FromResult(Read(buffer, offset, count));
        }

        private static void AssertSame(List<PartnerLicensesDeploymentInsights> expected, List<PartnerLicensesDeploymentInsights> read, string body)
        {
            Assert.True(expected.Count == read.Count, expected.Count + " item(s) expected, " + read.Count + " read\n" + body);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].ServiceName, read[i].ServiceName);
                Assert.Equal(expected[i].Channel, read[i].Channel);
                Assert.Equal(expected[i].LicensesSold, read[i].LicensesSold);
                Assert.Equal(expected[i].ProratedDeploymentPercent, read[i].ProratedDeploymentPercent);
                Assert.Equal(expected[i].ProcessedDateTime, read[i].ProcessedDateTime);
                Assert.Equal(expected[i].ProcessedDateTime.Offset, read[i].ProcessedDateTime.Offset);
            }
        }

        /// <summary>A body as documented; the items it holds go to expected. One item may get a field beyond the length limit.</summary>
        private static string ValidBody(Random random, int items, List<PartnerLicensesDeploymentInsights> expected, int? itemWithLongField = null)
        {
            var text = new StringBuilder();
            text.Append("{\"totalCount\":").Append(items).Append(",\"items\":[");
            for (int i = 0; i < items; i++)
            {
                if (i > 0)
                {
                    text.Append(',');
                }

                double prorated = random.NextDouble() * (random.Next(2) == 0 ? 1 : 100);
                long licensesSold = random.Next(0, int.MaxValue);
                var processed = new DateTimeOffset(2017 + random.Next(10), 1 + random.Next(12), 1 + random.Next(28), random.Next(24), random.Next(60), random.Next(60), 10 * random.Next(100), TimeSpan.FromHours(random.Next(-12, 13)));
                // Strings that look like dates or numbers are still just strings.
                string serviceName = Pick(random, "o365", "crm", "azure", "intune", "ems", "2017-03-10", "2025-12-31T23:59:59+01:00", "12");
                string channel = Pick(random, "reseller", "direct", "indirect", "2025-12-31T23:59:59.1234567Z", "2017-03-14T03:25:16.36+00:00", "true");
                expected.Add(new PartnerLicensesDeploymentInsights(serviceName, channel, licensesSold, prorated, processed));

                var fields = new List<string>
                {
                    "\"proratedDeploymentPercent\":" + prorated.ToString("R", CultureInfo.InvariantCulture),
                    "\"licensesSold\":" + licensesSold.ToString(CultureInfo.InvariantCulture),
                    "\"processedDateTime\":\"" + processed.ToString("yyyy-MM-ddTHH:mm:ss.ffzzz", CultureInfo.InvariantCulture) + "\"",
                    "\"serviceName\":\"" + serviceName + "\"",
                    "\"channel\":\"" + channel + "\"",
                    "\"attributes\":{\"objectType\":\"PartnerLicensesDeploymentInsights\"}",
                };
                if (random.Next(4) == 0)
                {
                    fields.Add("\"extra" + random.Next(100) + "\":[1,{\"a\":null},\"x\",\"2024-01-02T03:04:05Z\"]");
                }

                if (itemWithLongField == i)
                {
                    fields.Add(LongField(random));
                }

                Shuffle(random, fields);
                text.Append('{').Append(string.Join(",", fields)).Append('}');
            }

            text.Append("],\"attributes\":{\"objectType\":\"Collection\"}}");
            return text.ToString();
        }

        /// <summary>A field with one token just beyond the limit, or far beyond it: a value, a key, a number, escapes, a comment.</summary>
        private static string LongField(Random random)
        {
            int length = MaxFieldLength + 1 + (random.Next(2) == 0 ? 0 : random.Next(5000));
            switch (random.Next(5))
            {
                case 0: return "\"unknown\":\"" + new string('x', length) + "\"";
                case 1: return "\"" + new string('k', length) + "\":1";
                case 2: return "\"unknown\":" + new string('9', length);
                case 3: return "\"unknown\":[\"" + new StringBuilder().Insert(0, "\\\"", length / 2 + 1) + "\"]";
                default: return "\"unknown\":/*" + new string(' ', length) + "*/1";
            }
        }

        private static string Mutate(Random random, string body)
        {
            switch (random.Next(15))
            {
                case 0: return body.Substring(0, random.Next(body.Length));                       // truncated
                case 1: return body.Replace("\"licensesSold\":", "\"licensesSold\":\"") .Replace(",\"processedDateTime\"", "\",\"processedDateTime\"");
                case 2: return body.Replace("\"serviceName\":\"", "\"serviceName\":" + random.Next(9) + ",\"x\":\"");
                case 3: return body.Replace("\"items\":[", "\"items\":[null,");
                case 4: return body.Replace("\"channel\":", "\"channelX\":");                      // a required field missing
                case 5: return "<html><body>" + body.Substring(0, Math.Min(40, body.Length)) + "</body></html>";
                case 6: return body.Replace("\"processedDateTime\":\"", "\"processedDateTime\":\"not a date ");
                case 7: return new string('[', random.Next(50, 200)) + new string(']', random.Next(0, 200));
                case 8:
                    var bytes = Encoding.UTF8.GetBytes(body);
                    for (int i = 0; i < 1 + random.Next(5); i++)
                    {
                        bytes[random.Next(bytes.Length)] = (byte)random.Next(32, 127);
                    }

                    return Encoding.UTF8.GetString(bytes);
                case 9: return body.Replace("\"licensesSold\":", "\"licensesSold\":1e400,\"y\":");
                case 10: return body.Replace("\"licensesSold\":", "\"licensesSold\":" + Pick(random, "-", "") + "9" + new string('9', random.Next(19, 40)) + ",\"y\":");
                case 11: return body.Replace("\"totalCount\":", "\"totalCount\":" + Pick(random, "-", "") + "9" + new string('9', random.Next(19, 40)) + ",\"y\":");
                case 12: return body.Replace("\"proratedDeploymentPercent\":", "\"proratedDeploymentPercent\":" + Pick(random, "1e400", "-1e309", "99999999999999999999999") + ",\"y\":");
                case 13: return body.Replace("\"licensesSold\":", "\"licensesSold\":9223372036854775808.0,\"y\":");
                default: return body.Replace("\"processedDateTime\":\"", "\"processedDateTime\":\"" + Pick(random, "03/10/2017", "tomorrow", "2017-03-10T25:00:00Z") + "\",\"z\":\"");
            }
        }

        private static string Pick(Random random, params string[] values) => values[random.Next(values.Length)];

        private static void Shuffle(Random random, List<string> list)
        {
            for (int i = list.Count - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (list[i], list[j]) = (list[j], list[i]);
            }
        }
    }
}
