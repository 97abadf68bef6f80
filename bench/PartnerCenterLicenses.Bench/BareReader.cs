using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// The baseline for reading collections: what a caller without the module writes. HttpClient GETs
    /// with a bearer token, Newtonsoft's JsonTextReader over the response stream (the module's engine
    /// uses the same parser), each row into a plain object, then the next page from <c>@nextLink</c>
    /// (or <c>links.next.uri</c>'s absence ends it). No retries, no checks on where a link points,
    /// no PowerShell: the floor the module's own work is measured against.
    /// </summary>
    internal sealed class BareReader
    {
        private readonly HttpClient _http;
        private readonly string _token;

        public BareReader(HttpClient http, string token)
        {
            _http = http;
            _token = token;
        }

        public readonly record struct Read(long Rows, int Pages, double FirstByteMs, double FirstRowMs, double TotalMs);

        /// <summary>Reads every page from <paramref name="first"/> on; times are from the call.</summary>
        public Read ReadAll(Uri first)
        {
            long started = Stopwatch.GetTimestamp();
            long firstByte = 0;
            long firstRow = 0;
            long rows = 0;
            int pages = 0;
            Uri next = first;
            Row last = null;
            while (next != null)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, next);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                using HttpResponseMessage response = _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
                response.EnsureSuccessStatusCode();
                using Stream body = response.Content.ReadAsStream();

                // The first byte of the body, not just the headers: the emulator writes both together.
                var reader = new StreamReader(body, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
                reader.Peek();
                if (firstByte == 0)
                {
                    firstByte = Stopwatch.GetTimestamp();
                }

                using var json = new JsonTextReader(reader) { DateParseHandling = DateParseHandling.None, CloseInput = true };
                string link = null;
                json.Read(); // StartObject
                while (json.Read() && json.TokenType == JsonToken.PropertyName)
                {
                    string name = (string)json.Value;
                    json.Read();
                    if (string.Equals(name, "value", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "items", StringComparison.OrdinalIgnoreCase))
                    {
                        while (json.Read() && json.TokenType == JsonToken.StartObject)
                        {
                            last = ReadRow(json);
                            rows++;
                            if (firstRow == 0)
                            {
                                firstRow = Stopwatch.GetTimestamp();
                            }
                        }
                    }
                    else if (string.Equals(name, "@nextLink", StringComparison.OrdinalIgnoreCase) && json.TokenType == JsonToken.String)
                    {
                        link = (string)json.Value;
                    }
                    else
                    {
                        json.Skip();
                    }
                }

                pages++;
                next = string.IsNullOrEmpty(link) ? null : new Uri(next, link);
            }

            GC.KeepAlive(last);
            return new Read(
                rows,
                pages,
                Stopwatch.GetElapsedTime(started, firstByte).TotalMilliseconds,
                firstRow == 0 ? double.NaN : Stopwatch.GetElapsedTime(started, firstRow).TotalMilliseconds,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        // Every field either resource has, typed as the module types them.
        private static Row ReadRow(JsonTextReader json)
        {
            var row = new Row();
            while (json.Read() && json.TokenType == JsonToken.PropertyName)
            {
                string name = (string)json.Value;
                json.Read();
                switch (name)
                {
                    case "processedDateTime":
                        row.ProcessedDateTime = DateTimeOffset.Parse((string)json.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                        break;
                    case "serviceCode": row.ServiceCode = (string)json.Value; break;
                    case "serviceName": row.ServiceName = (string)json.Value; break;
                    case "channel": row.Channel = (string)json.Value; break;
                    case "customerTenantId": row.CustomerTenantId = (string)json.Value; break;
                    case "customerName": row.CustomerName = (string)json.Value; break;
                    case "productId": row.ProductId = (string)json.Value; break;
                    case "productName": row.ProductName = (string)json.Value; break;
                    case "licensesDeployed": row.LicensesDeployed = Convert.ToInt64(json.Value, CultureInfo.InvariantCulture); break;
                    case "licensesSold": row.LicensesSold = Convert.ToInt64(json.Value, CultureInfo.InvariantCulture); break;
                    case "proratedDeploymentPercent": row.ProratedDeploymentPercent = Convert.ToDouble(json.Value, CultureInfo.InvariantCulture); break;
                    default: json.Skip(); break;
                }
            }

            return row;
        }

        private sealed class Row
        {
            public DateTimeOffset ProcessedDateTime { get; set; }

            public string ServiceCode { get; set; }

            public string ServiceName { get; set; }

            public string Channel { get; set; }

            public string CustomerTenantId { get; set; }

            public string CustomerName { get; set; }

            public string ProductId { get; set; }

            public string ProductName { get; set; }

            public long LicensesDeployed { get; set; }

            public long LicensesSold { get; set; }

            public double ProratedDeploymentPercent { get; set; }
        }
    }
}
