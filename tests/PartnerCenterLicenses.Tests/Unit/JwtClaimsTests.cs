using System;
using System.Net;
using System.Text;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Authentication;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    public class JwtClaimsTests
    {
        private static string Part(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        private static string Jwt(string payloadJson) => Jwt(Encoding.UTF8.GetBytes(payloadJson));

        private static string Jwt(byte[] payload) => Part(Encoding.UTF8.GetBytes("{\"alg\":\"none\"}")) + "." + Part(payload) + ".c2ln";

        [Theory]
        [InlineData("253402300800")]              // one second after 9999-12-31T23:59:59Z
        [InlineData("1e20")]
        [InlineData("-62135596801")]             // one second before year 1
        [InlineData("99999999999999999999999")]  // beyond Int64
        [InlineData("-99999999999999999999999")]
        [InlineData("1e400")]                    // beyond double
        [InlineData("\"1700000000\"")]
        [InlineData("true")]
        [InlineData("{}")]
        [InlineData("[1700000000]")]
        public void An_exp_that_is_not_a_representable_time_is_reported_as_unreadable_without_throwing(string exp)
        {
            var claims = JwtClaims.TryParse(Jwt("{\"tid\":\"t\",\"exp\":" + exp + "}"));

            Assert.NotNull(claims);
            Assert.True(claims.HasUnreadableExpiry);
            Assert.Null(claims.ExpiresOn);
            Assert.Equal("t", claims.TenantId);
        }

        [Theory]
        [InlineData("253402300799", "9999-12-31T23:59:59.0000000+00:00")]
        [InlineData("1700000000.75", "2023-11-14T22:13:20.0000000+00:00")]
        [InlineData("1.7e9", "2023-11-14T22:13:20.0000000+00:00")]
        [InlineData("0", "1970-01-01T00:00:00.0000000+00:00")]
        public void An_exp_in_range_is_the_time_it_names(string exp, string expected)
        {
            var claims = JwtClaims.TryParse(Jwt("{\"exp\":" + exp + "}"));

            Assert.False(claims.HasUnreadableExpiry);
            Assert.Equal(expected, claims.ExpiresOn?.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
        }

        [Theory]
        [InlineData("{}")]
        [InlineData("{\"exp\":null}")]
        public void A_token_without_exp_has_no_expiry_and_is_not_unreadable(string payload)
        {
            var claims = JwtClaims.TryParse(Jwt(payload));

            Assert.Null(claims.ExpiresOn);
            Assert.False(claims.HasUnreadableExpiry);
        }

        [Fact]
        public void A_claim_that_looks_like_a_date_is_the_string_sent()
        {
            var claims = JwtClaims.TryParse(Jwt("{\"upn\":\"2025-12-31T23:59:59+01:00\",\"tid\":\"2017-03-10\"}"));

            Assert.Equal("2025-12-31T23:59:59+01:00", claims.UserPrincipalName);
            Assert.Equal("2017-03-10", claims.TenantId);
        }

        [Theory]
        [InlineData("[1,2]")]
        [InlineData("\"text\"")]
        [InlineData("{\"exp\":1} trailing")]
        [InlineData("{\"exp\":")]
        [InlineData("not json")]
        public void A_payload_that_is_not_one_json_object_is_an_opaque_token(string payload)
        {
            Assert.Null(JwtClaims.TryParse(Jwt(payload)));
        }

        [Fact]
        public void Odd_payloads_are_read_or_declined_without_throwing()
        {
            string deep = new string('[', 5000) + new string(']', 5000);
            byte[] invalidUtf8 = { (byte)'{', (byte)'"', (byte)'u', (byte)'p', (byte)'n', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, 0xFF, (byte)'"', (byte)'}' };

            Assert.Null(JwtClaims.TryParse(Jwt("{\"a\":" + deep + "}")));
            Assert.Null(JwtClaims.TryParse(Jwt("{\"a\":\"" + new string('x', 1024 * 1024) + "\"}")));
            Assert.Null(JwtClaims.TryParse("a.!!!.c"));
            Assert.Contains("\uFFFD", JwtClaims.TryParse(Jwt(invalidUtf8)).UserPrincipalName);
        }

        [Fact]
        public void A_supplied_access_token_whose_exp_is_not_a_time_is_refused_at_connect()
        {
            var token = new NetworkCredential(string.Empty, Jwt("{\"tid\":\"t\",\"scp\":\"user_impersonation\",\"exp\":1e20}")).SecurePassword;

            var error = Assert.Throws<PartnerCenterException>(() => new SuppliedAccessTokenSource(token, null));

            Assert.Equal(PartnerCenterErrorIds.InvalidResponse, error.ErrorId);
            Assert.Equal(PartnerCenterErrorKind.InvalidResponse, error.Kind);
            Assert.Contains("exp claim", error.Message);
            Assert.Contains("not a token Entra ID issued", error.Message);
            Assert.Contains("-RefreshToken", error.RecommendedAction);
        }

        [Fact]
        public void A_supplied_access_token_with_a_valid_exp_describes_its_expiry()
        {
            long exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
            var token = new NetworkCredential(string.Empty, Jwt("{\"tid\":\"t\",\"scp\":\"user_impersonation\",\"exp\":" + exp + "}")).SecurePassword;

            using (var source = new SuppliedAccessTokenSource(token, null))
            {
                Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(exp), source.Describe("AzureCloud").TokenExpiresOn);
            }
        }
    }
}
