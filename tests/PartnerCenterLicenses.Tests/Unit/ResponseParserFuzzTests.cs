using System;
using System.Collections.Generic;
using System.Globalization;
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
    /// a JsonReaderException, a NullReferenceException or a half-made object. Seeded, so a failure
    /// repeats.
    /// </summary>
    public class ResponseParserFuzzTests
    {
        private const int Seed = 20261124;
        private const int Bodies = 3000;

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
                string body = shouldBeValid ? ValidBody(random, items) : Mutate(random, ValidBody(random, Math.Max(1, items)));

                var read = new List<PartnerLicensesDeploymentInsights>();
                Exception failure = null;
                try
                {
                    var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    using (var reader = DeploymentInsightsReader.OpenAsync(
                        response, new IdleTimeout(TimeSpan.FromSeconds(30), CancellationToken.None), CancellationToken.None, new ResponseIds(Guid.NewGuid(), Guid.NewGuid()), new TestLog()).GetAwaiter().GetResult())
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
                    Assert.Equal(items, read.Count);
                }
            }

            // Both paths were really exercised.
            Assert.True(valid > Bodies / 5 && invalid > Bodies / 5, valid + " valid, " + invalid + " invalid");
        }

        private static string ValidBody(Random random, int items)
        {
            var text = new StringBuilder();
            text.Append("{\"totalCount\":").Append(items).Append(",\"items\":[");
            for (int i = 0; i < items; i++)
            {
                if (i > 0)
                {
                    text.Append(',');
                }

                var fields = new List<string>
                {
                    "\"proratedDeploymentPercent\":" + (random.NextDouble() * (random.Next(2) == 0 ? 1 : 100)).ToString("R", CultureInfo.InvariantCulture),
                    "\"licensesSold\":" + random.Next(0, int.MaxValue).ToString(CultureInfo.InvariantCulture),
                    "\"processedDateTime\":\"" + new DateTimeOffset(2017 + random.Next(10), 1 + random.Next(12), 1 + random.Next(28), random.Next(24), random.Next(60), random.Next(60), TimeSpan.FromHours(random.Next(-12, 13))).ToString("yyyy-MM-ddTHH:mm:ss.ffzzz", CultureInfo.InvariantCulture) + "\"",
                    "\"serviceName\":\"" + Pick(random, "o365", "crm", "azure", "intune", "ems") + "\"",
                    "\"channel\":\"" + Pick(random, "reseller", "direct", "indirect") + "\"",
                    "\"attributes\":{\"objectType\":\"PartnerLicensesDeploymentInsights\"}",
                };
                if (random.Next(4) == 0)
                {
                    fields.Add("\"extra" + random.Next(100) + "\":[1,{\"a\":null},\"x\"]");
                }

                Shuffle(random, fields);
                text.Append('{').Append(string.Join(",", fields)).Append('}');
            }

            text.Append("],\"attributes\":{\"objectType\":\"Collection\"}}");
            return text.ToString();
        }

        private static string Mutate(Random random, string body)
        {
            switch (random.Next(10))
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
                default: return body.Replace("\"licensesSold\":", "\"licensesSold\":1e400,\"y\":");
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
