using System;
using System.Net.Http;

namespace PartnerCenterLicenses.Engine.Http
{
    /// <summary>
    /// Builds every HttpClient of the module. None follows redirects by itself: the Partner Center
    /// client decides each redirect (and where the access token may go), and token requests to Entra
    /// ID never follow one, since the form they carry holds the client secret and the refresh token.
    /// Every client remembers why a server certificate was refused, so the error can say it.
    /// </summary>
    internal static class HttpClients
    {
        private static readonly string UserAgent =
            "PartnerCenterLicenses/" + typeof(HttpClients).Assembly.GetName().Version.ToString(3);

        /// <summary>
        /// The Partner Center client. Its timeouts are applied per request by the caller (waiting for
        /// headers, then between bytes of the body), so the HttpClient's own overall timeout is off.
        /// </summary>
        public static HttpClient ForPartnerCenter(CertificateFailures certificates)
        {
            return WithUserAgent(new HttpClient(NewHandler(certificates), disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan });
        }

        /// <summary>
        /// The Entra ID client MSAL sends through. MSAL adds no timeouts of ours, so the guard applies
        /// the request timeout in force for each request, refuses redirects and checks token answers.
        /// </summary>
        public static HttpClient ForAuthority(CertificateFailures certificates)
        {
            var guard = new AuthorityGuard(NewHandler(certificates));
            return WithUserAgent(new HttpClient(guard, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan });
        }

        private static HttpClientHandler NewHandler(CertificateFailures certificates)
        {
            return new HttpClientHandler
            {
                AllowAutoRedirect = false,

                // Validation stays the platform's: the callback accepts exactly what the platform
                // accepted and only writes down why it refused the rest.
                ServerCertificateCustomValidationCallback = certificates.Check,
            };
        }

        private static HttpClient WithUserAgent(HttpClient client)
        {
            client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            return client;
        }
    }
}
