using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Http;
using PartnerCenterLicenses.Engine.Reports;

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
        private readonly bool _signedLink;

        // A signed link (a report's secure link, HttpClients.ForSignedLink) is a credential in its query
        // string, on a host that is not Partner Center: it gets no Partner Center header, and lines and
        // errors name its host and path only.
        public TimedSend(Uri origin, CertificateFailures certificates, HttpMessageHandler inner, bool signedLink = false)
            : base(inner)
        {
            _origin = origin;
            _certificates = certificates;
            _signedLink = signedLink;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            RequestContext context = RequestContext.Of(request);
            IEngineLog log = context.Log;
            RequestIds ids = context.IdsForNextSend();
            Uri uri = request.RequestUri;
            string idsShown = _signedLink ? string.Empty : " (MS-RequestId " + ids.RequestId + ")";
            if (!_signedLink)
            {
                request.Headers.Remove("MS-RequestId");
                request.Headers.TryAddWithoutValidation("MS-RequestId", ids.RequestId.ToString());
            }

            if (log.IsVerboseEnabled)
            {
                long? length = request.Content?.Headers.ContentLength;
                log.Verbose(request.Method + " " + (_signedLink ? uri.GetLeftPart(UriPartial.Path) + " (a report's secure link, shown without its query string)" : uri.ToString())
                    + (length != null ? " with a " + length + "-byte body" : string.Empty)
                    + (_signedLink ? "." : " (MS-RequestId " + ids.RequestId + ", MS-CorrelationId " + ids.CorrelationId + ")."));
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
                    log.Verbose((int)response.StatusCode + " " + response.ReasonPhrase + " in " + elapsed + " ms" + idsShown + ".");
                }

                if (log.IsDebugEnabled)
                {
                    log.Debug("Response headers: " + DescribeHeaders(response.Headers, _signedLink));
                }

                return response;
            }
            catch (Exception e) when (CertificateFailures.IsTlsFailure(e))
            {
                PartnerCenterException untrusted = _certificates.Explain(
                    e, uri, _signedLink ? "the report file's host" : EndpointPolicy.IsOrigin(uri, _origin) ? "Partner Center" : "the host Partner Center redirected to");
                throw _signedLink ? untrusted : HttpFailures.Restated(untrusted, untrusted.Message + ids.Text, ids);
            }
            catch (OperationCanceledException e) when (timeout.TimedOut)
            {
                context.RestartTimedOut();
                throw new NoAnswerException(_signedLink
                    ? SignedLinkFailures.NoAnswer(PartnerCenterErrorIds.Timeout, PartnerCenterErrorKind.Timeout, uri, "did not answer within " + context.Call.Options.Timeout.TotalSeconds + " s", e)
                    : Timeouts.Request(context.Call.Options.Timeout, ids, e));
            }
            catch (HttpRequestException e) when (_signedLink)
            {
                throw new NoAnswerException(SignedLinkFailures.NoAnswer(
                    PartnerCenterErrorIds.ServiceUnreachable, PartnerCenterErrorKind.ServiceUnavailable, uri, "could not be reached: " + Causes.Describe(e), e));
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
        // A signed link's host may redirect to another signed link: a Location is shown without its query string.
        private static string DescribeHeaders(HttpHeaders headers, bool signedLink = false)
        {
            string others = string.Join("; ", headers
                .Where(h => !string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase))
                .Select(h => h.Key + ": " + (signedLink && string.Equals(h.Key, "Location", StringComparison.OrdinalIgnoreCase)
                    ? string.Join(", ", h.Value.Select(SignedLinkFailures.Shown))
                    : string.Join(", ", h.Value))));
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
