using System;
using System.Diagnostics;
using System.Globalization;
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

        private const int MaxRedirects = 5;

        // Error bodies are small; a larger one is not an error body worth holding in memory.
        private const int MaxErrorBodyChars = 64 * 1024;

        private readonly HttpClient _http;
        private readonly Uri _endpoint;
        private readonly ITokenSource _tokens;

        public PartnerCenterClient(HttpClient http, Uri endpoint, ITokenSource tokens)
        {
            _http = http;
            _endpoint = new Uri(endpoint.ToString().TrimEnd('/') + "/");
            _tokens = tokens;
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
        /// read. Transient failures (throttling, 5xx, broken connections, timeouts) are retried as the
        /// retry policy allows. A 401 with a renewable session renews the token once and sends the
        /// request once more: a token revoked or rotated early is replaced, and a token that keeps
        /// being rejected is not retried in a loop. Redirects are followed by hand so the access token
        /// only ever goes to the configured Partner Center host.
        /// </summary>
        private async Task<SentRequest> GetAsync(string path, RequestContext context, IEngineLog log, CancellationToken cancellationToken)
        {
            var policy = new RetryPolicy(context.Options);
            var uri = new Uri(_endpoint, path);
            int retries = 0;
            int redirects = 0;
            TimeSpan waited = TimeSpan.Zero;
            bool renewToken = false;
            bool renewedOnce = false;

            while (true)
            {
                string token = await _tokens.GetAccessTokenAsync(renewToken, log, cancellationToken).ConfigureAwait(false);
                renewToken = false;
                var ids = new ResponseIds(Guid.NewGuid(), context.CorrelationId);
                HttpRequestMessage request = NewRequest(uri, token, ids, context);

                if (log.IsVerboseEnabled)
                {
                    log.Verbose("GET " + uri + " (MS-RequestId " + ids.RequestId + ", MS-CorrelationId " + ids.CorrelationId + ").");
                }

                if (log.IsDebugEnabled)
                {
                    log.Debug("Request headers: " + DescribeHeaders(request.Headers));
                }

                // The scope bounds the whole exchange, body included; the reader owns it on success.
                var scope = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                scope.CancelAfter(context.Options.Timeout);
                var watch = Stopwatch.StartNew();
                HttpResponseMessage response = null;
                PartnerCenterException transportFailure = null;
                try
                {
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, scope.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    transportFailure = Failure(PartnerCenterErrorIds.Timeout, PartnerCenterErrorKind.Timeout,
                        "Partner Center did not answer within " + context.Options.Timeout.TotalSeconds + " s.", ids, e);
                }
                catch (HttpRequestException e)
                {
                    transportFailure = Failure(PartnerCenterErrorIds.ServiceUnreachable, PartnerCenterErrorKind.ServiceUnavailable,
                        "Could not reach Partner Center at " + _endpoint + ": " + Describe(e), ids, e);
                    transportFailure.RecommendedAction = "Check the network path to Partner Center and the -Environment, then try again.";
                }
                finally
                {
                    request.Dispose();
                }

                if (transportFailure != null)
                {
                    scope.Dispose();
                    TimeSpan? delay = policy.NextDelay(retries, waited, retryAfter: null);
                    if (delay == null)
                    {
                        throw AfterRetries(transportFailure, retries);
                    }

                    await WaitBeforeRetryAsync(log, transportFailure.Message, delay.Value, ++retries, policy, cancellationToken).ConfigureAwait(false);
                    waited += delay.Value;
                    continue;
                }

                int status = (int)response.StatusCode;
                if (log.IsVerboseEnabled)
                {
                    log.Verbose(status + " " + response.ReasonPhrase + " in " + watch.ElapsedMilliseconds + " ms (MS-RequestId " + ids.RequestId + ").");
                }

                if (log.IsDebugEnabled)
                {
                    log.Debug("Response headers: " + DescribeHeaders(response.Headers));
                }

                if (response.IsSuccessStatusCode)
                {
                    return new SentRequest(response, scope, ids);
                }

                using (response)
                using (scope)
                {
                    if (IsRedirect(status) && response.Headers.Location != null)
                    {
                        if (++redirects > MaxRedirects)
                        {
                            throw Failure(PartnerCenterErrorIds.RequestFailed, PartnerCenterErrorKind.RequestFailed,
                                "Partner Center redirected the request more than " + MaxRedirects + " times.", ids, null);
                        }

                        uri = new Uri(uri, response.Headers.Location);
                        log.Verbose("Following a " + status + " redirect to " + uri.GetLeftPart(UriPartial.Path) + ".");
                        continue;
                    }

                    if (status == 401 && !renewedOnce && _tokens.CanRenew)
                    {
                        log.Verbose("Partner Center rejected the access token; renewing it once and sending the request again.");
                        renewToken = true;
                        renewedOnce = true;
                        continue;
                    }

                    if (RetryPolicy.IsTransient(status))
                    {
                        TimeSpan? retryAfter = RetryPolicy.RetryAfter(response, DateTimeOffset.UtcNow);
                        TimeSpan? delay = policy.NextDelay(retries, waited, retryAfter);
                        if (delay != null)
                        {
                            await WaitBeforeRetryAsync(
                                log, "Partner Center answered " + status + " " + response.ReasonPhrase + " (MS-RequestId " + ids.RequestId + ")" + (retryAfter != null ? " with Retry-After" : string.Empty) + ".",
                                delay.Value, ++retries, policy, cancellationToken).ConfigureAwait(false);
                            waited += delay.Value;
                            continue;
                        }
                    }

                    string body = await ReadErrorBodyAsync(response, scope.Token).ConfigureAwait(false);
                    throw AfterRetries(HttpFailures.FromResponse(response, body, ids, _tokens.LastTokenIsAppOnly), retries);
                }
            }
        }

        private HttpRequestMessage NewRequest(Uri uri, string token, ResponseIds ids, RequestContext context)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, uri);

            // The token is for Partner Center: a redirect elsewhere is followed without it.
            if (IsPartnerCenterHost(uri))
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            }

            // Values we made ourselves need no parsing on the way in.
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            request.Headers.TryAddWithoutValidation("MS-RequestId", ids.RequestId.ToString());
            request.Headers.TryAddWithoutValidation("MS-CorrelationId", ids.CorrelationId.ToString());
            request.Headers.TryAddWithoutValidation("X-Locale", context.Locale);
            request.Headers.TryAddWithoutValidation("MS-PartnerCenter-Client", "PartnerCenterLicenses");
            return request;
        }

        private bool IsPartnerCenterHost(Uri uri)
        {
            return uri.Scheme == Uri.UriSchemeHttps
                && string.Equals(uri.Host, _endpoint.Host, StringComparison.OrdinalIgnoreCase)
                && uri.Port == _endpoint.Port;
        }

        private static bool IsRedirect(int status)
        {
            return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
        }

        private static async Task WaitBeforeRetryAsync(
            IEngineLog log, string what, TimeSpan delay, int retry, RetryPolicy policy, CancellationToken cancellationToken)
        {
            log.Verbose(what + " Retrying in " + delay.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)
                + " s (retry " + retry + " of " + policy.MaxRetryCount + ").");
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }

        private static PartnerCenterException AfterRetries(PartnerCenterException failure, int retries)
        {
            if (retries == 0)
            {
                return failure;
            }

            return new PartnerCenterException(failure.ErrorId, failure.Kind, failure.Message + " (Gave up after " + retries + " retries.)", failure.InnerException)
            {
                RecommendedAction = failure.RecommendedAction,
                StatusCode = failure.StatusCode,
                PartnerCenterErrorCode = failure.PartnerCenterErrorCode,
                RequestId = failure.RequestId,
                CorrelationId = failure.CorrelationId,
            };
        }

        private static PartnerCenterException Failure(string id, PartnerCenterErrorKind kind, string message, ResponseIds ids, Exception inner)
        {
            return new PartnerCenterException(id, kind, message + ids.Text, inner)
            {
                RecommendedAction = "Try again later.",
                RequestId = ids.RequestId.ToString(),
                CorrelationId = ids.CorrelationId.ToString(),
            };
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
