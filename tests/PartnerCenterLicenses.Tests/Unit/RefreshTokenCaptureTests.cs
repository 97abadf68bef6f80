using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Authentication;
using PartnerCenterLicenses.Models;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>
    /// Reading the refresh token out of MSAL's serialized cache, and what is left of the cache after:
    /// against hand-made caches for the choices, and against MSAL itself for the format it really writes.
    /// </summary>
    public class RefreshTokenCaptureTests
    {
        private const string ClientId = "11111111-2222-3333-4444-555555555555";
        private const string Uid = "3d7e9a41-5c2b-4e8f-a6d3-91b0c4f2e7a5";
        private const string Utid = "6b1f3c2e-8d4a-4f7b-9c5e-2a1d0e3f4b58";

        private static byte[] Cache(params (string Home, string Client, string Secret, string Type)[] entries)
        {
            var json = new StringBuilder("{\"AccessToken\":{},\"RefreshToken\":{");
            json.Append(string.Join(",", entries.Select((e, i) =>
                $"\"k{i}\":{{\"home_account_id\":\"{e.Home}\",\"environment\":\"login.test\",\"client_id\":\"{e.Client}\",\"credential_type\":\"{e.Type}\",\"secret\":\"{e.Secret}\"}}")));
            json.Append("},\"IdToken\":{},\"Account\":{}}");
            return Encoding.UTF8.GetBytes(json.ToString());
        }

        [Fact]
        public void The_token_of_the_application_and_the_account_is_found()
        {
            byte[] cache = Cache(
                ("other.account", ClientId, "rt-of-someone-else", "RefreshToken"),
                (Uid + "." + Utid, "99999999-0000-0000-0000-000000000000", "rt-of-another-app", "RefreshToken"),
                (Uid + "." + Utid, ClientId, "rt-ours", "RefreshToken"));

            Assert.Equal("rt-ours", RefreshTokenCapture.FindRefreshToken(cache, ClientId.ToUpperInvariant(), Uid + "." + Utid));
        }

        [Fact]
        public void Without_an_account_the_only_token_of_the_application_is_taken_and_never_a_guess_between_two()
        {
            Assert.Equal("rt-ours", RefreshTokenCapture.FindRefreshToken(Cache(("a.b", ClientId, "rt-ours", "RefreshToken")), ClientId, null));
            Assert.Null(RefreshTokenCapture.FindRefreshToken(
                Cache(("a.b", ClientId, "rt-1", "RefreshToken"), ("c.d", ClientId, "rt-2", "RefreshToken")), ClientId, "e.f"));
        }

        [Theory]
        [InlineData("{}")]
        [InlineData("{\"RefreshToken\":[]}")]
        [InlineData("{\"RefreshToken\":{\"k\":{\"client_id\":\"" + ClientId + "\",\"credential_type\":\"RefreshToken\",\"secret\":42}}}")]
        [InlineData("{\"RefreshToken\":{\"k\":{\"client_id\":\"" + ClientId + "\",\"credential_type\":\"AccessToken\",\"secret\":\"at\"}}}")]
        [InlineData("not json")]
        [InlineData("")]
        public void A_cache_without_a_usable_refresh_token_gives_none(string json)
        {
            Assert.Null(RefreshTokenCapture.FindRefreshToken(Encoding.UTF8.GetBytes(json), ClientId, null));
        }

        [Fact]
        public async Task The_token_MSAL_received_is_read_from_its_cache_and_the_cache_is_empty_afterwards()
        {
            var answers = new TokenAnswers();
            IConfidentialClientApplication application = ConfidentialClientApplicationBuilder.Create(ClientId)
                .WithClientSecret("secret")
                .WithAuthority("https://login.test/" + Utid, validateAuthority: false)
                .WithInstanceDiscovery(false)
                .WithHttpClientFactory(answers)
                .Build();
            RefreshTokenCapture capture = RefreshTokenCapture.Attach(application.UserTokenCache);

            AuthenticationResult result = await ((IByRefreshToken)application)
                .AcquireTokenByRefreshToken(new[] { "https://api.partnercenter.microsoft.com/user_impersonation", "offline_access" }, "rt-old")
                .ExecuteAsync();

            Assert.Contains("refresh_token=rt-old", answers.LastBody);
            Assert.Equal("rt-rotated", capture.Read(ClientId, result.Account.HomeAccountId.Identifier));

            await capture.ClearAsync(application);

            // Every account, listed as ClearAsync lists them: the confidential interface marks the listing
            // obsolete only to steer web apps towards one account per request.
            Assert.Empty(await ((IClientApplicationBase)application).GetAccountsAsync());
            Assert.Null(capture.Read(ClientId, result.Account.HomeAccountId.Identifier));
        }

        [Fact]
        public void The_state_MSAL_put_in_the_authorize_url_is_the_one_expected_and_one_is_added_where_it_is_missing()
        {
            var withState = new Uri("https://login.test/t/oauth2/v2.0/authorize?client_id=c&state=abc%2Bdef&code_challenge=x");
            Assert.Same(withState, RefreshTokenIssuance.WithState(withState, out string kept));
            Assert.Equal("abc+def", kept);

            Uri added = RefreshTokenIssuance.WithState(new Uri("https://login.test/t/oauth2/v2.0/authorize?client_id=c"), out string state);
            Assert.True(state.Length >= 40, state);
            Assert.Equal("?client_id=c&state=" + state, added.Query);
        }

        [Fact]
        public void The_command_to_sign_in_again_is_exact_for_each_kind_of_credential()
        {
            var cloud = PartnerCenterEnvironments.Get("AzureCloud");
            var custom = new PartnerCenterEnvironment("Lab's cloud", new Uri("https://login.test"), new Uri("https://pc.test"), "https://pc.test", false);

            Assert.Equal(
                "New-PartnerCenterRefreshToken -ApplicationId 'app' -Credential (Get-Credential -UserName 'app') -Tenant 'contoso.onmicrosoft.com'",
                Commands.RefreshTokenAdvice.SignInCommand(Application(cloud, "contoso.onmicrosoft.com", "app", ApplicationCredential.FromSecret(new System.Security.SecureString()))));
            Assert.Equal(
                "New-PartnerCenterRefreshToken -ApplicationId 'app' -CertificateThumbprint 'ABC' -Environment 'Lab''s cloud'",
                Commands.RefreshTokenAdvice.SignInCommand(Application(custom, null, "app", ApplicationCredential.FromThumbprint("ABC"))));
            Assert.Equal(
                "New-PartnerCenterRefreshToken -ApplicationId 'o''\u2019\u2019x'",
                Commands.RefreshTokenAdvice.SignInCommand(Application(cloud, null, "o'\u2019x", null)));
        }

        private static RefreshTokenApplication Application(PartnerCenterEnvironment environment, string tenant, string applicationId, ApplicationCredential credential)
        {
            return new RefreshTokenApplication(new AdminAgentSignIn(environment, TenantName.Parse(tenant), applicationId, credential, PersonSignInMethod.Browser));
        }

        /// <summary>Entra ID's answer to a refresh token grant, with a rotated token and the account's ids.</summary>
        private sealed class TokenAnswers : HttpMessageHandler, IMsalHttpClientFactory
        {
            public string LastBody { get; private set; }

            public HttpClient GetHttpClient() => new HttpClient(this, disposeHandler: false);

            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                LastBody = request.Content == null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
                string clientInfo = Base64Url("{\"uid\":\"" + Uid + "\",\"utid\":\"" + Utid + "\"}");
                string idToken = Base64Url("{\"alg\":\"none\"}") + "." + Base64Url(
                    "{\"aud\":\"" + ClientId + "\",\"iss\":\"https://login.test/" + Utid + "/v2.0\",\"tid\":\"" + Utid + "\",\"oid\":\"" + Uid
                    + "\",\"preferred_username\":\"admin@contoso.onmicrosoft.com\",\"exp\":" + DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() + "}") + ".c2ln";
                string body = "{\"token_type\":\"Bearer\",\"scope\":\"https://api.partnercenter.microsoft.com/user_impersonation\",\"expires_in\":3600,"
                    + "\"access_token\":\"at\",\"refresh_token\":\"rt-rotated\",\"id_token\":\"" + idToken + "\",\"client_info\":\"" + clientInfo + "\"}";
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            }

            private static string Base64Url(string text) =>
                Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }
    }
}
