using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Client;

namespace PartnerCenterLicenses.Engine.Http
{
    /// <summary>Why a redirect was not followed: more than the chain follows (for Entra ID, any), not HTTPS, or a body to another origin.</summary>
    internal enum RedirectRefusal
    {
        TooMany,
        NotHttps,
        BodyElsewhere,
    }

    /// <summary>The service's own words for a refused redirect: the rules are shared, the error is the service's.</summary>
    internal delegate PartnerCenterException RefuseRedirect(RedirectRefusal why, HttpRequestMessage request, HttpResponseMessage response, Uri target, int followed);

    /// <summary>
    /// Follows redirects by hand, as few as the chain allows (none for Entra ID: a sign-in form carries
    /// the client secret and the refresh token): HTTPS only; 303, and 301/302 after anything but a GET,
    /// become a GET without body, as browsers do; 307/308 repeat the request, body included, which only
    /// the chosen origin may receive. Each hop is a new request without the Authorization header, so the
    /// token step decides again where the token goes.
    /// </summary>
    internal sealed class RedirectPolicy : DelegatingHandler
    {
        private readonly Uri _origin;
        private readonly int _maxRedirects;
        private readonly RefuseRedirect _refuse;

        public RedirectPolicy(Uri origin, int maxRedirects, RefuseRedirect refuse, HttpMessageHandler inner)
            : base(inner)
        {
            _origin = origin;
            _maxRedirects = maxRedirects;
            _refuse = refuse;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpRequestMessage hop = request;
            for (int followed = 0; ; followed++)
            {
                HttpResponseMessage response = await base.SendAsync(hop, cancellationToken).ConfigureAwait(false);
                int status = (int)response.StatusCode;
                if (status < 300 || status >= 400)
                {
                    return response;
                }

                Uri location = response.Headers.Location;
                Uri target = location == null ? null : new Uri(hop.RequestUri, location);
                if (followed == _maxRedirects)
                {
                    throw Refused(RedirectRefusal.TooMany, hop, response, target, followed);
                }

                if (target == null || !(status == 301 || status == 302 || status == 303 || status == 307 || status == 308))
                {
                    return response;
                }

                if (target.Scheme != Uri.UriSchemeHttps)
                {
                    throw Refused(RedirectRefusal.NotHttps, hop, response, target, followed);
                }

                bool becomesGet = hop.Method != HttpMethod.Get && (status == 303 || status == 301 || status == 302);
                bool toOrigin = _origin != null && EndpointPolicy.IsOrigin(target, _origin);
                if (hop.Content != null && !becomesGet && !toOrigin)
                {
                    throw Refused(RedirectRefusal.BodyElsewhere, hop, response, target, followed);
                }

                RequestContext.Of(hop)?.Log.Verbose("Following a " + status + " redirect to " + target.GetLeftPart(UriPartial.Path)
                    + (toOrigin ? "." : " (another host: the access token is not sent there)."));
                response.Dispose();
                hop = HttpClients.CopyOf(hop, target, becomesGet);
            }
        }

        private Exception Refused(RedirectRefusal why, HttpRequestMessage request, HttpResponseMessage response, Uri target, int followed)
        {
            using (response)
            {
                return _refuse(why, request, response, target, followed);
            }
        }
    }
}
