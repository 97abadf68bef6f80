using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Engine.Authentication;
using PartnerCenterLicenses.Engine.Http;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// Gives a request to the Partner Center origin the session's access token, and no other request
    /// any. When Partner Center itself rejects the token (401), the token is renewed once per call (many
    /// calls rejected at once share one renewal) and the request is sent again; a 401 from anywhere else,
    /// or a second one, is the answer.
    /// </summary>
    internal sealed class BearerToken : DelegatingHandler
    {
        private readonly ITokenSource _tokens;
        private readonly Uri _origin;

        // The header of the token in use, kept with it: a token is over a kilobyte, and each call
        // would otherwise copy it into a new string.
        private Tuple<string, string> _header;

        public BearerToken(ITokenSource tokens, Uri origin, HttpMessageHandler inner)
            : base(inner)
        {
            _tokens = tokens;
            _origin = origin;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            return EndpointPolicy.IsOrigin(request.RequestUri, _origin)
                ? SendWithTokenAsync(request, cancellationToken)
                : base.SendAsync(request, cancellationToken);
        }

        private async Task<HttpResponseMessage> SendWithTokenAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            RequestContext context = RequestContext.Of(request);
            string token = await AccessTokenAsync(context, null, cancellationToken).ConfigureAwait(false);
            request.Headers.TryAddWithoutValidation("Authorization", HeaderOf(token));
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode != 401 || !_tokens.CanRenew || context.TokenRenewed)
            {
                return response;
            }

            response.Dispose();
            context.TokenRenewed = true;
            context.Log.Verbose("Partner Center rejected the access token; renewing it once and sending the request again.");
            token = await AccessTokenAsync(context, token, cancellationToken).ConfigureAwait(false);
            HttpRequestMessage again = HttpClients.CopyOf(request, request.RequestUri, asGet: false);
            again.Headers.TryAddWithoutValidation("Authorization", HeaderOf(token));
            return await base.SendAsync(again, cancellationToken).ConfigureAwait(false);
        }

        private string HeaderOf(string token)
        {
            Tuple<string, string> header = Volatile.Read(ref _header);
            if (header == null || !ReferenceEquals(header.Item1, token))
            {
                header = Tuple.Create(token, "Bearer " + token);
                Volatile.Write(ref _header, header);
            }

            return header.Item2;
        }

        // Token requests made for this call run under the call's own request timeout (until this method returns).
        private async Task<string> AccessTokenAsync(RequestContext context, string rejectedToken, CancellationToken cancellationToken)
        {
            AuthorityGuard.CallTimeout.Value = context.Call.Options.Timeout;
            return rejectedToken == null
                ? await _tokens.GetAccessTokenAsync(context.Log, cancellationToken).ConfigureAwait(false)
                : await _tokens.RenewRejectedAsync(rejectedToken, context.Log, cancellationToken).ConfigureAwait(false);
        }
    }
}
