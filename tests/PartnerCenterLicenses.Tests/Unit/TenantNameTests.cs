using PartnerCenterLicenses.Boundary;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    public class TenantNameTests
    {
        private const string TenantId = "6babcaad-604b-40ac-a9d7-9fd97c0b779f";

        [Theory]
        [InlineData(TenantId, TenantId)]
        [InlineData("6BABCAAD-604B-40AC-A9D7-9FD97C0B779F", TenantId)]
        [InlineData("{6babcaad-604b-40ac-a9d7-9fd97c0b779f}", TenantId)]
        [InlineData("  " + TenantId + " ", TenantId)]
        [InlineData("contoso.onmicrosoft.com", "contoso.onmicrosoft.com")]
        [InlineData("Contoso.OnMicrosoft.com", "Contoso.OnMicrosoft.com")]
        [InlineData("partner-1.example.co.uk", "partner-1.example.co.uk")]
        [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
        [InlineData("organizations", "organizations")]
        [InlineData("Organizations", "organizations")]
        [InlineData("COMMON", "common")]
        public void Tenant_ids_domains_and_the_work_account_keywords_are_accepted_in_their_plain_form(string tenant, string expected)
        {
            Assert.Equal(expected, TenantName.Parse(tenant).ToString());
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        public void No_tenant_stays_none_so_the_flow_picks_its_default(string tenant)
        {
            Assert.Null(TenantName.Parse(tenant));
        }

        [Theory]
        [InlineData(TenantId + "/../evil-tenant")]
        [InlineData(TenantId + "/oauth2/v2.0/token?x=1")]
        [InlineData("?x=1#frag")]
        [InlineData("#frag")]
        [InlineData("contoso.onmicrosoft.com/../evil")]
        [InlineData("..")]
        [InlineData("contoso..com")]
        [InlineData(".contoso.com")]
        [InlineData("contoso.com.")]
        [InlineData("contoso%2Fevil.com")]
        [InlineData("%2e%2e")]
        [InlineData("contoso\\evil.com")]
        [InlineData("contoso .com")]
        [InlineData("contoso.com\n")]
        [InlineData("contoso.com\r\nX-Injected: 1")]
        [InlineData("\tcontoso.com")]
        [InlineData("   ")]
        [InlineData("consumers")]
        [InlineData("Consumers")]
        [InlineData("contoso")]
        [InlineData("-contoso.com")]
        [InlineData("contoso-.com")]
        [InlineData("contoso_tenant.com")]
        [InlineData("127.0.0.1")]
        [InlineData("user@contoso.com")]
        [InlineData("https://login.microsoftonline.com/contoso.com")]
        [InlineData("6babcaad604b40aca9d79fd97c0b779f")]
        [InlineData("(6babcaad-604b-40ac-a9d7-9fd97c0b779f)")]
        [InlineData("contosö.com")]
        public void Anything_else_is_refused_as_an_invalid_argument_that_says_what_is_accepted(string tenant)
        {
            var error = Assert.Throws<PartnerCenterException>(() => TenantName.Parse(tenant));

            Assert.Equal(PartnerCenterErrorIds.InvalidArgument, error.ErrorId);
            Assert.Equal(PartnerCenterErrorKind.InvalidArgument, error.Kind);
            Assert.StartsWith("-Tenant ", error.Message);
            Assert.Contains("GUID", error.Message);
            Assert.Contains("contoso.onmicrosoft.com", error.Message);
            Assert.Contains("'organizations'", error.Message);
            Assert.DoesNotContain(error.Message, c => char.IsControl(c));
            Assert.Contains("leave -Tenant out", error.RecommendedAction);
        }

        [Fact]
        public void Consumers_is_refused_saying_partner_center_needs_work_accounts()
        {
            var error = Assert.Throws<PartnerCenterException>(() => TenantName.Parse("consumers"));

            Assert.Contains("work accounts", error.Message);
        }

        [Fact]
        public void Labels_of_up_to_63_characters_and_names_of_up_to_253_are_accepted_and_longer_ones_refused()
        {
            string label63 = new string('a', 63);
            string longest = label63 + "." + label63 + "." + label63 + "." + new string('b', 61); // 253 characters
            Assert.Equal(253, longest.Length);

            Assert.Equal(label63 + ".com", TenantName.Parse(label63 + ".com").ToString());
            Assert.Equal(longest, TenantName.Parse(longest).ToString());
            Assert.Throws<PartnerCenterException>(() => TenantName.Parse(new string('a', 64) + ".com"));
            Assert.Throws<PartnerCenterException>(() => TenantName.Parse(longest + "b"));
        }

        [Fact]
        public void The_error_names_the_parameter_it_was_given_and_shortens_a_long_value()
        {
            string pasted = new string('x', 2000);

            var error = Assert.Throws<PartnerCenterException>(() => TenantName.Parse(pasted, "TenantId"));

            Assert.StartsWith("-TenantId ", error.Message);
            Assert.True(error.Message.Length < 600, error.Message);
        }
    }
}
