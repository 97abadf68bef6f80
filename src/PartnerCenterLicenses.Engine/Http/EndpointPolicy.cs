using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Engine.Http
{
    /// <summary>
    /// The last step before the network, for Entra ID and Partner Center alike: nothing leaves over
    /// plain HTTP, and a request that carries credentials (an Authorization header or a body) goes only
    /// to the origin the user chose. The steps above already keep to this; this step makes a slip there
    /// an error instead of a leak.
    /// </summary>
    internal sealed class EndpointPolicy : DelegatingHandler
    {
        private readonly Uri _origin;

        // The origin is null where there is no single one: MSAL sends sign-in forms to the authority
        // aliases of Microsoft's own instance metadata, so Entra ID traffic is held to HTTPS only.
        public EndpointPolicy(Uri origin, HttpMessageHandler inner)
            : base(inner)
        {
            _origin = origin;
        }

        /// <summary>True for the same scheme (HTTPS), host and port as <paramref name="origin"/>.</summary>
        public static bool IsOrigin(Uri uri, Uri origin) =>
            uri.Scheme == Uri.UriSchemeHttps && string.Equals(uri.Host, origin.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == origin.Port;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uri uri = request.RequestUri;
            if (uri.Scheme != Uri.UriSchemeHttps)
            {
                throw Refused(uri, "it is not HTTPS, and the module sends nothing over plain HTTP");
            }

            if (_origin != null && !IsOrigin(uri, _origin) && (request.Content != null || request.Headers.Contains("Authorization")))
            {
                throw Refused(uri, "it carries credentials or a body, which go only to " + _origin.GetLeftPart(UriPartial.Authority));
            }

            return base.SendAsync(request, cancellationToken);
        }

        private static PartnerCenterException Refused(Uri uri, string why)
        {
            return new PartnerCenterException(
                PartnerCenterErrorIds.InvalidEnvironment,
                PartnerCenterErrorKind.Security,
                "A request to " + uri.GetLeftPart(UriPartial.Path) + " was refused before it was sent: " + why + ".")
            {
                RecommendedAction = "Check -Environment (and Add-PartnerCenterEnvironment): its endpoints must be HTTPS URLs.",
            };
        }
    }
}
