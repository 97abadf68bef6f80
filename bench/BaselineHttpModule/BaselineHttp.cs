using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security;
using System.Text;
using Newtonsoft.Json;

namespace BaselineHttpModule
{
    /// <summary>The session of the baseline: one HttpClient and one bearer token, as the module keeps one per session.</summary>
    internal static class BaselineSession
    {
        public static HttpClient Http;
        public static string BaseUri;
        public static string Token;
    }

    /// <summary>
    /// The refresh-token grant at the tenant's token endpoint with a bare HttpClient: what
    /// Connect-PartnerCenter's secure application model flow sends, and nothing else.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "BaselineHttp")]
    public sealed class ConnectBaselineHttpCommand : PSCmdlet
    {
        [Parameter(Mandatory = true)]
        public string Uri { get; set; }

        [Parameter(Mandatory = true)]
        public string Tenant { get; set; }

        [Parameter(Mandatory = true)]
        public string ClientId { get; set; }

        [Parameter(Mandatory = true)]
        public SecureString ClientSecret { get; set; }

        [Parameter(Mandatory = true)]
        public SecureString RefreshToken { get; set; }

        protected override void EndProcessing()
        {
            var http = new HttpClient();
            var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["client_id"] = ClientId,
                ["client_secret"] = new NetworkCredential(string.Empty, ClientSecret).Password,
                ["refresh_token"] = new NetworkCredential(string.Empty, RefreshToken).Password,
                ["scope"] = "https://api.partnercenter.microsoft.com/user_impersonation",
            });
            string token = null;
            using (HttpResponseMessage response = http.PostAsync(Uri.TrimEnd('/') + "/" + Tenant + "/oauth2/v2.0/token", form).GetAwaiter().GetResult())
            {
                response.EnsureSuccessStatusCode();
                using (var json = new JsonTextReader(new StreamReader(response.Content.ReadAsStreamAsync().GetAwaiter().GetResult(), Encoding.UTF8)))
                {
                    while (json.Read())
                    {
                        if (json.TokenType == JsonToken.PropertyName && (string)json.Value == "access_token" && json.Depth == 1)
                        {
                            token = json.ReadAsString();
                            break;
                        }
                    }
                }
            }

            if (string.IsNullOrEmpty(token))
            {
                throw new InvalidOperationException("The token answer had no access_token.");
            }

            BaselineSession.Http = http;
            BaselineSession.BaseUri = Uri.TrimEnd('/');
            BaselineSession.Token = token;
        }
    }

    /// <summary>
    /// GET /v1/analytics/licenses/deployment with the bearer token, the body read as a stream with
    /// JsonTextReader and each item written as it is read: the least any cmdlet can do for the same
    /// objects. Sets $BaselineFirstByteTimestamp (Stopwatch ticks) when the body's first byte can be read.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "BaselineDeployment")]
    [OutputType(typeof(BaselineInsight))]
    public sealed class GetBaselineDeploymentCommand : PSCmdlet
    {
        public const string FirstByteVariable = "BaselineFirstByteTimestamp";

        protected override void EndProcessing()
        {
            if (BaselineSession.Token == null)
            {
                throw new InvalidOperationException("Run Connect-BaselineHttp first.");
            }

            using (var request = new HttpRequestMessage(HttpMethod.Get, BaselineSession.BaseUri + "/v1/analytics/licenses/deployment"))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BaselineSession.Token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                using (HttpResponseMessage response = BaselineSession.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult())
                {
                    response.EnsureSuccessStatusCode();
                    Stream body = response.Content.ReadAsStreamAsync().GetAwaiter().GetResult();
                    var reader = new StreamReader(body, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
                    reader.Peek();
                    SessionState.PSVariable.Set(FirstByteVariable, Stopwatch.GetTimestamp());
                    using (var json = new JsonTextReader(reader) { DateParseHandling = DateParseHandling.None, CloseInput = true })
                    {
                        json.Read(); // StartObject
                        while (json.Read() && json.TokenType == JsonToken.PropertyName)
                        {
                            string name = (string)json.Value;
                            json.Read();
                            if (name == "items" && json.TokenType == JsonToken.StartArray)
                            {
                                while (json.Read() && json.TokenType == JsonToken.StartObject)
                                {
                                    WriteObject(ReadItem(json));
                                }
                            }
                            else
                            {
                                json.Skip();
                            }
                        }
                    }
                }
            }
        }

        private static BaselineInsight ReadItem(JsonTextReader json)
        {
            var item = new BaselineInsight();
            while (json.Read() && json.TokenType == JsonToken.PropertyName)
            {
                string name = (string)json.Value;
                json.Read();
                switch (name)
                {
                    case "serviceName": item.ServiceName = (string)json.Value; break;
                    case "channel": item.Channel = (string)json.Value; break;
                    case "licensesSold": item.LicensesSold = Convert.ToInt64(json.Value, CultureInfo.InvariantCulture); break;
                    case "proratedDeploymentPercent": item.ProratedDeploymentPercent = Convert.ToDouble(json.Value, CultureInfo.InvariantCulture); break;
                    case "processedDateTime":
                        item.ProcessedDateTime = DateTimeOffset.Parse((string)json.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                        break;
                    default: json.Skip(); break;
                }
            }

            return item;
        }
    }

    /// <summary>The five fields the module's deployment object has.</summary>
    public sealed class BaselineInsight
    {
        public string ServiceName { get; set; }

        public string Channel { get; set; }

        public long LicensesSold { get; set; }

        public double ProratedDeploymentPercent { get; set; }

        public DateTimeOffset ProcessedDateTime { get; set; }
    }
}
