using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Authentication;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// Sends requests to the Partner Center REST API with the headers it documents, and turns
    /// failures into the module's errors. One instance (and one HttpClient) per session.
    /// </summary>
    internal sealed class PartnerCenterClient : IDisposable
    {
        internal const string LicenseDeploymentPath = "v1/analytics/licenses/deployment";

        // Error bodies are small; a larger one is not an error body worth holding in memory.
        private const int MaxErrorBodyChars = 64 * 1024;

        private readonly HttpClient _http;
        private readonly Uri _endpoint;
        private readonly ITokenSource _tokens;
        private readonly TimeSpan _timeout;

        public PartnerCenterClient(HttpClient http, Uri endpoint, ITokenSource tokens, TimeSpan timeout)
        {
            _http = http;
            _endpoint = new Uri(endpoint.ToString().TrimEnd('/') + "/");
            _tokens = tokens;
            _timeout = timeout;
        }

        /// <summary>GET /v1/analytics/licenses/deployment, returned as a reader over the body.</summary>
        public async Task<IInsightsReader> OpenLicenseDeploymentAsync(RequestContext context, IEngineLog log, CancellationToken cancellationToken)
        {
            SentRequest sent = await GetAsync(LicenseDeploymentPath, context, log, cancellationToken).ConfigureAwait(false);
            return await DeploymentInsightsReader.OpenAsync(sent.Response, sent.Scope, cancellationToken, sent.Ids, log).ConfigureAwait(false);
        }

        public void Dispose()
        {
            _http.Dispose();
        }

        /// <summary>
        /// Sends a GET and returns the successful response with its headers read and its body not yet
        /// read. A 401 with a renewable session renews the token once and sends the request once more:
        /// a token revoked or rotated early is replaced, and a token that keeps being rejected is not
        /// retried in a loop.
        /// </summary>
        private async Task<SentRequest> GetAsync(string path, RequestContext context, IEngineLog log, CancellationToken cancellationToken)
        {
            var uri = new Uri(_endpoint, path);
            for (int attempt = 1; ; attempt++)
            {
                string token = await _tokens.GetAccessTokenAsync(forceRefresh: attempt > 1, log, cancellationToken).ConfigureAwait(false);
                var ids = new ResponseIds(Guid.NewGuid(), context.CorrelationId);
                var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                request.Headers.Add("MS-RequestId", ids.RequestId.ToString());
                request.Headers.Add("MS-CorrelationId", ids.CorrelationId.ToString());
                request.Headers.Add("X-Locale", context.Locale);
                request.Headers.Add("MS-PartnerCenter-Client", "PartnerCenterLicenses");

                log.Verbose("GET " + uri + " (MS-RequestId " + ids.RequestId + ", MS-CorrelationId " + ids.CorrelationId + ").");
                log.Debug("Request headers: " + DescribeHeaders(request.Headers));

                // The scope bounds the whole exchange, body included; the reader owns it on success.
                var scope = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                scope.CancelAfter(_timeout);
                var watch = Stopwatch.StartNew();
                HttpResponseMessage response;
                try
                {
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, scope.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    scope.Dispose();
                    throw new PartnerCenterException(
                        PartnerCenterErrorIds.Timeout,
                        PartnerCenterErrorKind.Timeout,
                        "Partner Center did not answer within " + _timeout.TotalSeconds + " s." + ids.Text,
                        e)
                    {
                        RecommendedAction = "Try again later.",
                        RequestId = ids.RequestId.ToString(),
                        CorrelationId = ids.CorrelationId.ToString(),
                    };
                }
                catch (HttpRequestException e)
                {
                    scope.Dispose();
                    throw new PartnerCenterException(
                        PartnerCenterErrorIds.ServiceUnreachable,
                        PartnerCenterErrorKind.ServiceUnavailable,
                        "Could not reach Partner Center at " + _endpoint + ": " + Describe(e) + ids.Text,
                        e)
                    {
                        RecommendedAction = "Check the network path to Partner Center and the -Environment, then try again.",
                        RequestId = ids.RequestId.ToString(),
                        CorrelationId = ids.CorrelationId.ToString(),
                    };
                }
                finally
                {
                    request.Dispose();
                }

                log.Verbose((int)response.StatusCode + " " + response.ReasonPhrase + " in " + watch.ElapsedMilliseconds + " ms (MS-RequestId " + ids.RequestId + ").");
                log.Debug("Response headers: " + DescribeHeaders(response.Headers));

                if (response.IsSuccessStatusCode)
                {
                    return new SentRequest(response, scope, ids);
                }

                using (response)
                using (scope)
                {
                    if ((int)response.StatusCode == 401 && attempt == 1 && _tokens.CanRenew)
                    {
                        log.Verbose("Partner Center rejected the access token; renewing it once and sending the request again.");
                        continue;
                    }

                    string body = await ReadErrorBodyAsync(response, scope.Token).ConfigureAwait(false);
                    throw HttpFailures.FromResponse(response, body, ids, _tokens.LastTokenIsAppOnly);
                }
            }
        }

        private static async Task<string> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            if (response.Content == null)
            {
                return null;
            }

            try
            {
                using (Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                using (var reader = new StreamReader(new CancellableReadStream(stream, cancellationToken), Encoding.UTF8))
                {
                    var buffer = new char[MaxErrorBodyChars];
                    int total = 0, read;
                    while (total < buffer.Length && (read = reader.Read(buffer, total, buffer.Length - total)) > 0)
                    {
                        total += read;
                    }

                    return new string(buffer, 0, total);
                }
            }
            catch (Exception e) when (e is IOException || e is HttpRequestException || e is OperationCanceledException)
            {
                // The status already says what failed; a body we cannot read only loses detail.
                return null;
            }
        }

        // The Authorization header is the one header that must never reach a log.
        private static string DescribeHeaders(HttpHeaders headers)
        {
            return string.Join("; ", headers.Select(h =>
                h.Key + ": " + (string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase)
                    ? "Bearer <redacted>"
                    : string.Join(", ", h.Value))));
        }

        private static string Describe(Exception e)
        {
            return e.InnerException != null ? e.Message + " (" + e.InnerException.Message + ")" : e.Message;
        }

        private sealed class SentRequest
        {
            public SentRequest(HttpResponseMessage response, CancellationTokenSource scope, ResponseIds ids)
            {
                Response = response;
                Scope = scope;
                Ids = ids;
            }

            public HttpResponseMessage Response { get; }

            public CancellationTokenSource Scope { get; }

            public ResponseIds Ids { get; }
        }
    }
}
