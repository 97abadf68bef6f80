using System;
using System.Net.Http;
using System.Security.Authentication;
using System.Threading.Tasks;
using PartnerCenterLicenses.Engine.Http;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>What makes a token answer usable, and how a failure's cause is put into words.</summary>
    public class AuthorityGuardTests
    {
        private const string IdToken = "eyJhbGciOiJub25lIn0.eyJ0aWQiOiJ0In0.c2ln";

        [Theory]
        [InlineData("{\"token_type\":\"Bearer\",\"access_token\":\"a.b.c\",\"expires_in\":3599,\"refresh_token\":\"r\",\"id_token\":\"" + IdToken + "\"}")]
        [InlineData("{\"token_type\":\"Bearer\",\"access_token\":\"opaque\",\"expires_in\":\"3599\"}")]
        [InlineData("\uFEFF{\"access_token\":\"a\"}")]
        public void Answers_a_session_can_live_on_pass(string body)
        {
            Assert.Null(AuthorityGuard.TokenAnswerProblem(body.TrimStart('\uFEFF')));
        }

        [Theory]
        [InlineData("", "not JSON")]
        [InlineData("<html><body>portal</body></html>", "HTML")]
        [InlineData("[{\"access_token\":\"a\"}]", "not an object")]
        [InlineData("\"access_token\"", "not an object")]
        [InlineData("{\"token_type\":\"Bearer\"}", "no access_token")]
        [InlineData("{\"access_token\":null}", "no access_token")]
        [InlineData("{\"access_token\":\"  \"}", "no access_token")]
        [InlineData("{\"access_token\":42}", "no access_token")]
        [InlineData("{\"access_token\":\"a\",\"expires_in\":\"soon\"}", "expires_in")]
        [InlineData("{\"access_token\":\"a\",\"expires_in\":-5}", "expires_in")]
        [InlineData("{\"access_token\":\"a\",\"expires_in\":1e999}", "expires_in")]
        [InlineData("{\"access_token\":\"a\",\"expires_in\":99999999999999999999999}", "expires_in")]
        [InlineData("{\"access_token\":\"a\",\"id_token\":\"not-a-jwt\"}", "id_token")]
        [InlineData("{\"access_token\":\"a\",\"id_token\":\"e30.!!!.x\"}", "id_token")]
        [InlineData("{\"access_token\":\"a\",\"id_token\":\"e30.WzFd.x\"}", "id_token")]
        [InlineData("{\"access_token\":\"a\",\"refresh_token\":{}}", "refresh_token")]
        [InlineData("{\"access_token\":\"a\"} {\"access_token\":\"b\"}", "after its JSON object")]
        public void Answers_a_session_cannot_live_on_are_named(string body, string problem)
        {
            string found = AuthorityGuard.TokenAnswerProblem(body);

            Assert.NotNull(found);
            Assert.Contains(problem, found);
        }

        [Theory]
        [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'{', (byte)'"', (byte)'a', (byte)'c', (byte)'c', (byte)'e', (byte)'s', (byte)'s', (byte)'_', (byte)'t', (byte)'o', (byte)'k', (byte)'e', (byte)'n', (byte)'"', (byte)':', (byte)'"', (byte)'x', (byte)'"', (byte)'}' }, null)]
        [InlineData(new byte[] { (byte)'{', 0xFF, 0xFE, (byte)'}' }, "not JSON")]
        public async Task A_token_answer_is_checked_before_msal_reads_it_and_keeps_its_length_honest(byte[] body, string problem)
        {
            var inner = new AnswerWith(body);
            using var invoker = new HttpMessageInvoker(new AuthorityGuard(inner));
            var request = new HttpRequestMessage(HttpMethod.Post, "https://login.example.test/tenant/oauth2/v2.0/token");

            if (problem == null)
            {
                using HttpResponseMessage response = await invoker.SendAsync(request, System.Threading.CancellationToken.None);
                string text = await response.Content.ReadAsStringAsync();
                Assert.Equal("{\"access_token\":\"x\"}", text);
                Assert.Equal(text.Length, response.Content.Headers.ContentLength);
            }
            else
            {
                var error = await Assert.ThrowsAsync<PartnerCenterLicenses.Boundary.PartnerCenterException>(() => invoker.SendAsync(request, System.Threading.CancellationToken.None));
                Assert.Equal(PartnerCenterLicenses.Boundary.PartnerCenterErrorIds.InvalidTokenResponse, error.ErrorId);
                Assert.Contains(problem, error.Message);
            }
        }

        [Fact]
        public async Task A_redirect_from_the_authority_is_refused_naming_its_target()
        {
            var inner = new AnswerWith(null) { Status = System.Net.HttpStatusCode.TemporaryRedirect, Location = "https://elsewhere.example.test/steal" };
            using var invoker = new HttpMessageInvoker(HttpClients.AuthorityChain(inner));

            var error = await Assert.ThrowsAsync<PartnerCenterLicenses.Boundary.PartnerCenterException>(() =>
                invoker.SendAsync(new HttpRequestMessage(HttpMethod.Post, "https://login.example.test/t/oauth2/v2.0/token"), System.Threading.CancellationToken.None));

            Assert.Equal(PartnerCenterLicenses.Boundary.PartnerCenterErrorIds.AuthorityRedirectRefused, error.ErrorId);
            Assert.Contains("https://elsewhere.example.test/steal", error.Message);
            Assert.Equal(1, inner.Calls);
        }

        private sealed class AnswerWith : HttpMessageHandler
        {
            private readonly byte[] _body;

            public AnswerWith(byte[] body)
            {
                _body = body;
            }

            public System.Net.HttpStatusCode Status { get; set; } = System.Net.HttpStatusCode.OK;

            public string Location { get; set; }

            public int Calls { get; private set; }

            protected override System.Threading.Tasks.Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, System.Threading.CancellationToken cancellationToken)
            {
                Calls++;
                var response = new HttpResponseMessage(Status) { Content = new ByteArrayContent(_body ?? new byte[0]) };
                response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                if (Location != null)
                {
                    response.Headers.Location = new Uri(Location);
                }

                return System.Threading.Tasks.Task.FromResult(response);
            }
        }

        [Fact]
        public void A_cause_is_told_in_one_line_without_pointing_at_an_inner_exception()
        {
            var failure = new HttpRequestException(
                "The SSL connection could not be established, see inner exception.",
                new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot"));

            string text = Causes.Describe(failure);

            Assert.Equal("The SSL connection could not be established: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot", text);
            Assert.True(CertificateFailures.IsTlsFailure(failure));
            Assert.False(CertificateFailures.IsTlsFailure(new HttpRequestException("Connection refused")));
        }
    }
}
