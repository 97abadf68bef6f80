using System;
using System.Collections.Generic;
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
using PartnerCenterLicenses.Engine.Http;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// Sends requests to the Partner Center REST API with the headers it documents, and turns
    /// failures into the module's errors. One instance (and one HttpClient) per session. Every
    /// request goes through one send (<see cref="SendOnceAsync"/>) and one loop that decides, after
    /// each answer, between done, redirect, renewal, retry and failure (<see cref="SendAsync"/>).
    /// </summary>
    internal sealed class PartnerCenterClient : IDisposable
    {
        private const int MaxRedirects = 5;

        // Error bodies are small; a larger one is not an error body worth holding in memory.
        private const int MaxErrorBodyChars = 64 * 1024;

        private readonly HttpClient _http;
        private readonly Uri _endpoint;
        private readonly ITokenSource _tokens;
        private readonly CertificateFailures _certificates;
        private readonly ThrottlePause _pause = new ThrottlePause();

        public PartnerCenterClient(HttpClient http, Uri endpoint, ITokenSource tokens, CertificateFailures certificates = null)
        {
            _http = http;
            _endpoint = new Uri(endpoint.ToString().TrimEnd('/') + "/");
            _tokens = tokens;
            _certificates = certificates ?? new CertificateFailures();
        }

        /// <summary>The connected endpoint, ending in '/'.</summary>
        public Uri Endpoint => _endpoint;

        public void Dispose()
        {
            _http.Dispose();
        }

        /// <summary>
        /// Sends a GET to a path under the session's endpoint and returns the successful response with
        /// its headers read and its body not yet read. After each answer it decides once:
        /// <list type="bullet">
        /// <item>a redirect is followed by hand, to HTTPS only, and the access token goes only to the
        /// configured Partner Center host;</item>
        /// <item>a 401 from Partner Center itself renews the token once (many calls rejected at once
        /// share one renewal) and sends again; a 401 from anywhere else is reported;</item>
        /// <item>a transient failure (throttling, 5xx, broken connection, timeout) is retried as the
        /// policy allows, from the original URL, honouring Retry-After;</item>
        /// <item>anything else is the module's error.</item>
        /// </list>
        /// MS-RequestId follows Partner Center's rule: a retry after a timeout or broken connection
        /// sends the same id; after any answer the next request gets a new one.
        /// </summary>
        internal async Task<OpenedResponse> SendAsync(PartnerCenterRequest start, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
        {
            var policy = new RetryPolicy(call.Options);
            PartnerCenterRequest request = start;
            Guid requestId = Guid.NewGuid();
            int retries = 0;
            int redirects = 0;
            TimeSpan waited = TimeSpan.Zero;
            bool renewed = false;

            while (true)
            {
                await _pause.WaitAsync(log, cancellationToken).ConfigureAwait(false);
                bool toPartnerCenter = IsPartnerCenterHost(request.Uri);
                string token = toPartnerCenter ? await AccessTokenAsync(call, null, log, cancellationToken).ConfigureAwait(false) : null;
                var ids = new RequestIds(requestId, call.CorrelationId);
                Attempt attempt = await SendOnceAsync(request, token, ids, call, log, cancellationToken).ConfigureAwait(false);
                if (attempt.Succeeded)
                {
                    return new OpenedResponse(attempt.Response, attempt.Timeout, ids);
                }

                using (attempt)
                {
                    if (attempt.Response != null)
                    {
                        requestId = Guid.NewGuid();
                    }

                    if (attempt.IsRedirect)
                    {
                        request = Redirected(request, attempt.Response, ++redirects, ids, log);
                        continue;
                    }

                    if (attempt.Status == 401 && toPartnerCenter && _tokens.CanRenew && !renewed)
                    {
                        log.Verbose("Partner Center rejected the access token; renewing it once and sending the request again.");
                        renewed = true;
                        await AccessTokenAsync(call, token, log, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    // A 429 says the request was not processed, so any request may be sent again; after a
                    // timeout, a broken connection or a 5xx only one that does no harm twice is.
                    if (attempt.IsTransient && (request.IsIdempotent || attempt.Status == 429))
                    {
                        TimeSpan? retryAfter = attempt.Response != null ? RetryPolicy.RetryAfter(attempt.Response, DateTimeOffset.UtcNow) : null;
                        TimeSpan? delay = policy.NextDelay(retries, waited, retryAfter);
                        if (attempt.Status == 429)
                        {
                            // Throttling is per partner: every request of the session holds back, not just this one.
                            _pause.PauseFor(retryAfter ?? delay ?? TimeSpan.Zero);
                        }

                        if (delay != null)
                        {
                            string what = attempt.Failure != null
                                ? attempt.Failure.Message
                                : "Partner Center answered " + attempt.Status + " " + attempt.Response.ReasonPhrase + " (MS-RequestId " + ids.RequestId + ")"
                                  + (retryAfter != null ? " with Retry-After" : string.Empty) + ".";
                            log.Verbose(what + " Retrying in " + delay.Value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)
                                + " s (retry " + (retries + 1) + " of " + policy.MaxRetryCount + ").");
                            await Task.Delay(delay.Value, cancellationToken).ConfigureAwait(false);
                            retries++;
                            waited += delay.Value;

                            // A redirect answers one request; a retry starts from the URL the call asked for.
                            request = start;
                            continue;
                        }
                    }

                    PartnerCenterException failure = attempt.Failure
                        ?? HttpFailures.FromResponse(attempt.Response, await ReadErrorBodyAsync(attempt).ConfigureAwait(false), ids, _tokens.LastTokenIsAppOnly);
                    throw AfterRetries(failure, retries);
                }
            }
        }

        /// <summary>
        /// The one send: one request, with the timeout running until the headers arrive. A timeout or
        /// broken connection comes back as a failure to decide on; a refused certificate is final.
        /// </summary>
        private async Task<Attempt> SendOnceAsync(PartnerCenterRequest what, string token, RequestIds ids, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
        {
            Uri uri = what.Uri;
            var timeout = new IdleTimeout(call.Options.Timeout, cancellationToken);
            using (HttpRequestMessage request = NewRequest(what, token, ids, call))
            {
                if (log.IsVerboseEnabled)
                {
                    log.Verbose(what.Method + " " + uri + (what.Body != null ? " with a " + what.Body.Length + "-byte body" : string.Empty)
                        + " (MS-RequestId " + ids.RequestId + ", MS-CorrelationId " + ids.CorrelationId + ").");
                }

                if (log.IsDebugEnabled)
                {
                    log.Debug("Request headers: " + DescribeHeaders(request.Headers));
                }

                var watch = Stopwatch.StartNew();
                try
                {
                    timeout.Start();
                    HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                    timeout.Pause();
                    if (log.IsVerboseEnabled)
                    {
                        log.Verbose((int)response.StatusCode + " " + response.ReasonPhrase + " in " + watch.ElapsedMilliseconds + " ms (MS-RequestId " + ids.RequestId + ").");
                    }

                    if (log.IsDebugEnabled)
                    {
                        log.Debug("Response headers: " + DescribeHeaders(response.Headers));
                    }

                    return new Attempt(response, timeout, null);
                }
                catch (Exception e) when (CertificateFailures.IsTlsFailure(e))
                {
                    timeout.Dispose();
                    PartnerCenterException untrusted = _certificates.Explain(e, uri, IsPartnerCenterHost(uri) ? "Partner Center" : "the host Partner Center redirected to");
                    throw Restated(untrusted, untrusted.Message + ids.Text, ids);
                }
                catch (OperationCanceledException e) when (timeout.TimedOut)
                {
                    timeout.Dispose();
                    return new Attempt(null, null, Timeouts.Request(call.Options.Timeout, ids, e));
                }
                catch (HttpRequestException e)
                {
                    timeout.Dispose();
                    return new Attempt(null, null, Failure(
                        PartnerCenterErrorIds.ServiceUnreachable,
                        PartnerCenterErrorKind.ServiceUnavailable,
                        "Could not reach Partner Center at " + uri.GetLeftPart(UriPartial.Authority) + ": " + Causes.Describe(e) + ".",
                        ids,
                        e,
                        "Check the network path to Partner Center (proxy, firewall, DNS) and the -Environment, then try again."));
                }
                catch
                {
                    timeout.Dispose();
                    throw;
                }
            }
        }

        // Token requests made for this call run under the call's own request timeout.
        private async Task<string> AccessTokenAsync(CmdletCall call, string rejectedToken, IEngineLog log, CancellationToken cancellationToken)
        {
            using (AuthorityGuard.UseTimeout(call.Options.Timeout))
            {
                return rejectedToken == null
                    ? await _tokens.GetAccessTokenAsync(log, cancellationToken).ConfigureAwait(false)
                    : await _tokens.RenewRejectedAsync(rejectedToken, log, cancellationToken).ConfigureAwait(false);
            }
        }

        private PartnerCenterRequest Redirected(PartnerCenterRequest request, HttpResponseMessage response, int redirects, RequestIds ids, IEngineLog log)
        {
            Uri from = request.Uri;
            if (redirects > MaxRedirects)
            {
                throw Failure(PartnerCenterErrorIds.RequestFailed, PartnerCenterErrorKind.RequestFailed,
                    "Partner Center redirected the request more than " + MaxRedirects + " times.", ids, null, "Try again later.");
            }

            var target = new Uri(from, response.Headers.Location);
            if (target.Scheme != Uri.UriSchemeHttps)
            {
                throw Failure(
                    PartnerCenterErrorIds.InsecureRedirectRefused,
                    PartnerCenterErrorKind.Security,
                    "Partner Center answered " + (int)response.StatusCode + " redirecting " + from.GetLeftPart(UriPartial.Path) + " to "
                    + target.GetLeftPart(UriPartial.Path) + ", which is not HTTPS. Partner Center data is only read over HTTPS, so the "
                    + "redirect was refused and nothing was sent there.",
                    ids,
                    null,
                    "Check -Environment (and Add-PartnerCenterEnvironment -PartnerCenterEndpoint). If a proxy redirects to plain HTTP, "
                    + "have it keep HTTPS.");
            }

            // 303, and 301/302 after anything but a GET, turn the request into a GET without body, as
            // browsers do; 307/308 repeat it, body included, which only Partner Center itself may receive.
            int status = (int)response.StatusCode;
            bool becomesGet = request.Method != HttpMethod.Get && (status == 303 || status == 301 || status == 302);
            if (request.Body != null && !becomesGet && !IsPartnerCenterHost(target))
            {
                throw Failure(
                    PartnerCenterErrorIds.InsecureRedirectRefused,
                    PartnerCenterErrorKind.Security,
                    "Partner Center answered " + status + " redirecting the " + request.Method + " of " + from.GetLeftPart(UriPartial.Path) + " to "
                    + target.GetLeftPart(UriPartial.Path) + ", another host. The request's body goes only to Partner Center, so the redirect "
                    + "was refused and nothing was sent there.",
                    ids,
                    null,
                    "Check -Environment (and Add-PartnerCenterEnvironment -PartnerCenterEndpoint) and the -Path.");
            }

            log.Verbose("Following a " + status + " redirect to " + target.GetLeftPart(UriPartial.Path)
                + (IsPartnerCenterHost(target) ? "." : " (another host: the access token is not sent there)."));
            return becomesGet ? request.AsGetTo(target) : request.At(target);
        }

        private HttpRequestMessage NewRequest(PartnerCenterRequest what, string token, RequestIds ids, CmdletCall call)
        {
            var request = new HttpRequestMessage(what.Method, what.Uri);
            if (what.Body != null)
            {
                request.Content = new ByteArrayContent(what.Body);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
            }

            foreach (KeyValuePair<string, string> header in what.Headers)
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            if (token != null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            }

            // Values we made ourselves need no parsing on the way in.
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            request.Headers.TryAddWithoutValidation("MS-RequestId", ids.RequestId.ToString());
            request.Headers.TryAddWithoutValidation("MS-CorrelationId", ids.CorrelationId.ToString());
            request.Headers.TryAddWithoutValidation("X-Locale", call.Locale);
            request.Headers.TryAddWithoutValidation("MS-PartnerCenter-Client", "PartnerCenterLicenses");
            return request;
        }

        // The access token is for the configured Partner Center origin only: same scheme, host and port.
        private bool IsPartnerCenterHost(Uri uri) => IsOrigin(_endpoint, uri);

        /// <summary>Whether <paramref name="uri"/> is on the HTTPS origin of <paramref name="endpoint"/>: same host and port.</summary>
        internal static bool IsOrigin(Uri endpoint, Uri uri)
        {
            return uri.Scheme == Uri.UriSchemeHttps
                && string.Equals(uri.Host, endpoint.Host, StringComparison.OrdinalIgnoreCase)
                && uri.Port == endpoint.Port;
        }

        private static PartnerCenterException AfterRetries(PartnerCenterException failure, int retries)
        {
            return retries == 0 ? failure : Restated(failure, failure.Message + " (Gave up after " + retries + " retries.)", null);
        }

        private static PartnerCenterException Failure(string id, PartnerCenterErrorKind kind, string message, RequestIds ids, Exception inner, string action)
        {
            return new PartnerCenterException(id, kind, message + ids.Text, inner)
            {
                RecommendedAction = action,
                RequestId = ids.RequestId.ToString(),
                CorrelationId = ids.CorrelationId.ToString(),
            };
        }

        // The same failure with another message and, when given, the request's ids.
        private static PartnerCenterException Restated(PartnerCenterException failure, string message, RequestIds ids)
        {
            PartnerCenterException restated = failure.WithMessage(message);
            if (ids != null)
            {
                restated.RequestId = ids.RequestId.ToString();
                restated.CorrelationId = ids.CorrelationId.ToString();
            }

            return restated;
        }

        private static async Task<string> ReadErrorBodyAsync(Attempt attempt)
        {
            HttpResponseMessage response = attempt.Response;
            if (response.Content == null)
            {
                return null;
            }

            try
            {
                using (Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                using (var reader = new StreamReader(new CancellableReadStream(stream, attempt.Timeout), Encoding.UTF8))
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

        /// <summary>What one send came back with: an answer (and its running timeout), or a failure to decide on.</summary>
        private sealed class Attempt : IDisposable
        {
            public Attempt(HttpResponseMessage response, IdleTimeout timeout, PartnerCenterException failure)
            {
                Response = response;
                Timeout = timeout;
                Failure = failure;
            }

            public HttpResponseMessage Response { get; }

            public IdleTimeout Timeout { get; }

            /// <summary>A timeout or broken connection: no answer came.</summary>
            public PartnerCenterException Failure { get; }

            public int Status => Response == null ? 0 : (int)Response.StatusCode;

            public bool Succeeded => Response != null && Response.IsSuccessStatusCode;

            public bool IsRedirect => (Status == 301 || Status == 302 || Status == 303 || Status == 307 || Status == 308) && Response.Headers.Location != null;

            /// <summary>No answer at all, or an answer that says "try again later".</summary>
            public bool IsTransient => Failure != null || RetryPolicy.IsTransient(Status);

            public void Dispose()
            {
                Response?.Dispose();
                Timeout?.Dispose();
            }
        }
    }

    /// <summary>A successful response whose body has not been read, with its timeout and ids.</summary>
    internal sealed class OpenedResponse
    {
        public OpenedResponse(HttpResponseMessage response, IdleTimeout timeout, RequestIds ids)
        {
            Response = response;
            Timeout = timeout;
            Ids = ids;
        }

        public HttpResponseMessage Response { get; }

        public IdleTimeout Timeout { get; }

        public RequestIds Ids { get; }
    }
}
