using System;
using System.Net.Http;
using System.Security.Authentication;
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
