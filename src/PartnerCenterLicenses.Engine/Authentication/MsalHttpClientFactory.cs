using System.Net.Http;
using Microsoft.Identity.Client;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// Gives MSAL the session's own HttpClient for Entra ID, so token requests have the same timeout
    /// as every other call and no sockets outlive the session.
    /// </summary>
    internal sealed class MsalHttpClientFactory : IMsalHttpClientFactory
    {
        private readonly HttpClient _client;

        public MsalHttpClientFactory(HttpClient client)
        {
            _client = client;
        }

        public HttpClient GetHttpClient()
        {
            return _client;
        }
    }
}
