using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
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
    /// failures into the module's errors. One instance (and one chain of handlers) per session.
    /// </summary>
    internal sealed class PartnerCenterClient : IDisposable
    {
        // Error bodies are small; a larger one is not an error body worth holding in memory.
        private const int MaxErrorBodyChars = 64 * 1024;

        private readonly HttpMessageInvoker _chain;
        private readonly ITokenSource _tokens;

        // The transport is the network (HttpClients.Transport), or a test's handler in its place.
        public PartnerCenterClient(HttpMessageHandler transport, Uri endpoint, ITokenSource tokens, CertificateFailures certificates = null)
        {
            Endpoint = new Uri(endpoint.ToString().TrimEnd('/') + "/");
            _tokens = tokens;
            _chain = HttpClients.ForPartnerCenter(transport, Endpoint, tokens, certificates ?? new CertificateFailures());
        }

        /// <summary>The connected endpoint, ending in '/'.</summary>
        public Uri Endpoint { get; }

        public void Dispose()
        {
            _chain.Dispose();
        }

        /// <summary>
        /// Sends the request through the session's chain (<see cref="HttpClients.ForPartnerCenter"/>:
        /// retry, redirects, token, throttle pause, endpoint policy, timed send) and returns the
        /// successful response with its headers read and its body not yet read, or throws the module's
        /// error for the answer or the failure it ended with.
        /// </summary>
        internal async Task<OpenedResponse> SendAsync(PartnerCenterRequest what, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
        {
            var context = new RequestContext(call, log, cancellationToken);
            HttpResponseMessage response = null;
            try
            {
                using (HttpRequestMessage request = NewRequest(what, context))
                {
                    response = await _chain.SendAsync(request, cancellationToken).ConfigureAwait(false);
                }

                if (response.IsSuccessStatusCode)
                {
                    return new OpenedResponse(response, context.Timeout, context.Ids);
                }

                string body = await ReadErrorBodyAsync(response, context.Timeout).ConfigureAwait(false);
                PartnerCenterException failure = HttpFailures.FromResponse(
                    response, body, context.Ids, _tokens.LastTokenIsAppOnly, (context.AcceptsRequestsAgainAt, context.WaitLeftWhenRefused));
                if (failure.ErrorId == PartnerCenterErrorIds.MfaRequired)
                {
                    // Only a new refresh token from a sign-in with MFA helps; the advice names the command for this application.
                    failure.NewRefreshTokenFor = (_tokens as MsalTokenSource)?.Application;
                }

                throw HttpFailures.AfterRetries(failure, context.Retries);
            }
            catch (NoAnswerException e)
            {
                context.Timeout.Dispose();
                throw HttpFailures.AfterRetries(e.Failure, context.Retries);
            }
            catch
            {
                response?.Dispose();
                context.Timeout.Dispose();
                throw;
            }
        }

        private static HttpRequestMessage NewRequest(PartnerCenterRequest what, RequestContext context)
        {
            var request = new HttpRequestMessage(what.Method, what.Uri);
            context.AttachTo(request);
            if (what.Body != null)
            {
                request.Content = new ByteArrayContent(what.Body);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
            }

            foreach (KeyValuePair<string, string> header in what.Headers)
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            // Values we made ourselves need no parsing on the way in.
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            request.Headers.TryAddWithoutValidation("MS-CorrelationId", context.Ids.CorrelationId.ToString());
            request.Headers.TryAddWithoutValidation("X-Locale", context.Call.Locale);
            request.Headers.TryAddWithoutValidation("MS-PartnerCenter-Client", "PartnerCenterLicenses");
            request.Headers.TryAddWithoutValidation("User-Agent", HttpClients.UserAgent);
            return request;
        }

        /// <summary>The start of an error answer's body (at most <paramref name="maxChars"/> characters); null when it has none or cannot be read.</summary>
        internal static async Task<string> ReadErrorBodyAsync(HttpResponseMessage response, IdleTimeout timeout, int maxChars = MaxErrorBodyChars)
        {
            if (response.Content == null)
            {
                return null;
            }

            try
            {
                using (Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                using (var reader = new StreamReader(new CancellableReadStream(stream, timeout), Encoding.UTF8))
                {
                    var buffer = new char[maxChars];
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
