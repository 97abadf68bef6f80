using System;
using System.Collections.Generic;
using System.Net.Http;
using PartnerCenterLicenses.Engine.Authentication;
using PartnerCenterLicenses.Engine.Client;

namespace PartnerCenterLicenses.Engine.Http
{
    /// <summary>
    /// Builds every HTTP chain of the module from small steps. Both services go through the same
    /// redirect and endpoint policies: nothing over plain HTTP, redirects decided by hand (Entra ID's
    /// never followed, since the sign-in form carries the client secret and the refresh token), and
    /// credentials only to the chosen origin. Partner Center's chain adds what only it has: a retry
    /// with Retry-After, a bearer token renewed once, the per-partner throttle pause, and the timed send.
    /// Every transport remembers why a server certificate was refused, so the error can say it.
    /// </summary>
    internal static class HttpClients
    {
        private const int MaxPartnerCenterRedirects = 5;

        /// <summary>The User-Agent of every request.</summary>
        public static readonly string UserAgent =
            "PartnerCenterLicenses/" + typeof(HttpClients).Assembly.GetName().Version.ToString(3);

        /// <summary>
        /// The Partner Center chain, outermost first: retry, redirect policy, bearer token, throttle
        /// pause, endpoint policy, timed send. The retry wraps the redirects because a retry starts from
        /// the URL the call asked for; the token step sits below the redirects to decide per hop where
        /// the token goes; the pause holds back every send, renewals and retries included.
        /// </summary>
        public static HttpMessageInvoker ForPartnerCenter(HttpMessageHandler transport, Uri endpoint, ITokenSource tokens, CertificateFailures certificates)
        {
            var origin = new Uri(endpoint.GetLeftPart(UriPartial.Authority));
            var pause = new ThrottlePause(new EndpointPolicy(origin, new TimedSend(origin, certificates, transport)));
            HttpMessageHandler chain = new RetryPolicy(pause, new RedirectPolicy(origin, MaxPartnerCenterRedirects, HttpFailures.RedirectRefused, new BearerToken(tokens, origin, pause)));
            return new HttpMessageInvoker(chain, disposeHandler: true);
        }

        /// <summary>
        /// The chain of a report's secure link (Partner insights), outermost first: retry, redirect policy (no
        /// redirect followed), a throttle pause of its own, endpoint policy (HTTPS only), timed send. The link is
        /// itself the credential, so there is no token step, and the timed send adds no Partner Center header;
        /// timeouts, retries and Ctrl+C follow the same rules as every Partner Center call.
        /// </summary>
        public static HttpMessageInvoker ForSignedLink(HttpMessageHandler transport, CertificateFailures certificates)
        {
            var pause = new ThrottlePause(new EndpointPolicy(null, new TimedSend(null, certificates, transport, signedLink: true)));
            HttpMessageHandler chain = new RetryPolicy(pause, new RedirectPolicy(null, 0, Reports.SignedLinkFailures.RedirectRefused, pause));
            return new HttpMessageInvoker(chain, disposeHandler: true);
        }

        /// <summary>
        /// The Entra ID client MSAL sends through: the guard (timeout, token answers checked), no
        /// redirect followed, HTTPS only.
        /// </summary>
        public static HttpClient ForAuthority(CertificateFailures certificates)
        {
            var client = new HttpClient(AuthorityChain(Transport(certificates)), disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            return client;
        }

        /// <summary>The Entra ID chain over <paramref name="transport"/>, outermost first.</summary>
        public static HttpMessageHandler AuthorityChain(HttpMessageHandler transport)
        {
            return new AuthorityGuard(new RedirectPolicy(null, 0, AuthorityGuard.RedirectRefused, new EndpointPolicy(null, transport)));
        }

        /// <summary>
        /// The network itself. It follows no redirect (the redirect policy decides them) and has no
        /// overall timeout (each chain applies its own).
        /// </summary>
        public static HttpClientHandler Transport(CertificateFailures certificates)
        {
            return new HttpClientHandler
            {
                AllowAutoRedirect = false,

                // Validation stays the platform's: the callback accepts exactly what the platform
                // accepted and only writes down why it refused the rest.
                ServerCertificateCustomValidationCallback = certificates.Check,
            };
        }

        /// <summary>
        /// A new message for sending <paramref name="request"/> again, to <paramref name="uri"/>, as a
        /// GET without body when <paramref name="asGet"/>. The Authorization header is left behind:
        /// the token step decides afresh whether the new message gets one.
        /// </summary>
        public static HttpRequestMessage CopyOf(HttpRequestMessage request, Uri uri, bool asGet)
        {
            var copy = new HttpRequestMessage(asGet ? HttpMethod.Get : request.Method, uri);
            if (!asGet)
            {
                copy.Content = request.Content;
            }

            foreach (KeyValuePair<string, IEnumerable<string>> header in request.Headers)
            {
                if (!string.Equals(header.Key, "Authorization", StringComparison.OrdinalIgnoreCase))
                {
                    copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            foreach (KeyValuePair<string, object> property in request.Properties)
            {
                copy.Properties[property.Key] = property.Value;
            }

            return copy;
        }
    }
}
