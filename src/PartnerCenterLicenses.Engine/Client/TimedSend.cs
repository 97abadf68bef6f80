using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Http;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// The one send to the network: the request goes with its MS-RequestId, and the call's idle timeout
    /// runs until the headers arrive. A timeout or broken connection is a <see cref="NoAnswerException"/>
    /// for the retry step to decide on; a refused certificate is final.
    /// </summary>
    internal sealed class TimedSend : DelegatingHandler
    {
        private readonly Uri _origin;
        private readonly CertificateFailures _certificates;

        public TimedSend(Uri origin, CertificateFailures certificates, HttpMessageHandler inner)
            : base(inner)
        {
            _origin = origin;
            _certificates = certificates;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            RequestContext context = RequestContext.Of(request);
            IEngineLog log = context.Log;
            RequestIds ids = context.IdsForNextSend();
            Uri uri = request.RequestUri;
            request.Headers.Remove("MS-RequestId");
            request.Headers.TryAddWithoutValidation("MS-RequestId", ids.RequestId.ToString());
            if (log.IsVerboseEnabled)
            {
                long? length = request.Content?.Headers.ContentLength;
                log.Verbose(request.Method + " " + uri + (length != null ? " with a " + length + "-byte body" : string.Empty)
                    + " (MS-RequestId " + ids.RequestId + ", MS-CorrelationId " + ids.CorrelationId + ").");
            }

            if (log.IsDebugEnabled)
            {
                log.Debug("Request headers: " + DescribeHeaders(request.Headers));
            }

            long started = Stopwatch.GetTimestamp();
            IdleTimeout timeout = context.Timeout;
            try
            {
                timeout.Start();
                HttpResponseMessage response = await base.SendAsync(request, timeout.Token).ConfigureAwait(false);
                timeout.Pause();
                context.Answered();
                if (log.IsVerboseEnabled)
                {
                    long elapsed = (Stopwatch.GetTimestamp() - started) * 1000 / Stopwatch.Frequency;
                    log.Verbose((int)response.StatusCode + " " + response.ReasonPhrase + " in " + elapsed + " ms (MS-RequestId " + ids.RequestId + ").");
                }

                if (log.IsDebugEnabled)
                {
                    log.Debug("Response headers: " + DescribeHeaders(response.Headers));
                }

                return response;
            }
            catch (Exception e) when (CertificateFailures.IsTlsFailure(e))
            {
                PartnerCenterException untrusted = _certificates.Explain(e, uri, EndpointPolicy.IsOrigin(uri, _origin) ? "Partner Center" : "the host Partner Center redirected to");
                throw HttpFailures.Restated(untrusted, untrusted.Message + ids.Text, ids);
            }
            catch (OperationCanceledException e) when (timeout.TimedOut)
            {
                context.RestartTimedOut();
                throw new NoAnswerException(Timeouts.Request(context.Call.Options.Timeout, ids, e));
            }
            catch (HttpRequestException e)
            {
                throw new NoAnswerException(HttpFailures.Failure(
                    PartnerCenterErrorIds.ServiceUnreachable,
                    PartnerCenterErrorKind.ServiceUnavailable,
                    "Could not reach Partner Center at " + uri.GetLeftPart(UriPartial.Authority) + ": " + Causes.Describe(e) + ".",
                    ids,
                    e,
                    "Check the network path to Partner Center (proxy, firewall, DNS) and the -Environment, then try again."));
            }
        }

        // The Authorization header is the one header that must never reach a log: it is named first,
        // where it always stood, and redacted.
        private static string DescribeHeaders(HttpHeaders headers)
        {
            string others = string.Join("; ", headers
                .Where(h => !string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase))
                .Select(h => h.Key + ": " + string.Join(", ", h.Value)));
            return headers.Contains("Authorization") ? "Authorization: Bearer <redacted>" + (others.Length > 0 ? "; " + others : string.Empty) : others;
        }
    }

    /// <summary>No answer came (a timeout, a broken connection): the failure to report unless the request is sent again.</summary>
    internal sealed class NoAnswerException : Exception
    {
        public NoAnswerException(PartnerCenterException failure)
            : base(failure.Message, failure)
        {
            Failure = failure;
        }

        public PartnerCenterException Failure { get; }
    }
}
