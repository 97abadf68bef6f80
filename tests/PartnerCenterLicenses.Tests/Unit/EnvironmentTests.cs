using System;
using System.Linq;
using PartnerCenterLicenses.Authentication;
using PartnerCenterLicenses.Boundary;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    public class EnvironmentTests
    {
        [Theory]
        [InlineData("AzureCloud", "https://login.microsoftonline.com/", "https://api.partnercenter.microsoft.com/")]
        [InlineData("AzureChinaCloud", "https://login.chinacloudapi.cn/", "https://partner.partnercenterapi.microsoftonline.cn/")]
        [InlineData("AzureUSGovernment", "https://login.microsoftonline.us/", "https://api.partnercenter.microsoft.com/")]
        public void Built_in_clouds_have_their_documented_endpoints_and_ask_for_their_api_as_resource(string name, string authority, string endpoint)
        {
            var environment = PartnerCenterEnvironments.Get(name.ToLowerInvariant());

            Assert.Equal(name, environment.Name);
            Assert.Equal(new Uri(authority), environment.ActiveDirectoryAuthority);
            Assert.Equal(new Uri(endpoint), environment.PartnerCenterEndpoint);
            Assert.Equal(endpoint + "user_impersonation", environment.UserImpersonationScope);
            Assert.True(environment.IsBuiltIn);
        }

        [Fact]
        public void A_custom_environment_is_added_and_asks_for_the_partner_center_resource_by_default()
        {
            var environment = PartnerCenterEnvironments.Add("UnitCustom", new Uri("https://127.0.0.1:8443/"), new Uri("https://127.0.0.1:8443/pc/"), null);

            Assert.False(environment.IsBuiltIn);
            Assert.Equal("https://api.partnercenter.microsoft.com/user_impersonation", environment.UserImpersonationScope);
            Assert.Contains(PartnerCenterEnvironments.All, e => e.Name == "UnitCustom");
            Assert.Same(environment, PartnerCenterEnvironments.Get("unitcustom"));
        }

        [Fact]
        public void Plain_http_endpoints_are_refused()
        {
            var error = Assert.Throws<PartnerCenterException>(() =>
                PartnerCenterEnvironments.Add("UnitHttp", new Uri("http://127.0.0.1:8080"), new Uri("https://127.0.0.1:8443"), null));

            Assert.Equal(PartnerCenterErrorIds.InvalidEnvironment, error.ErrorId);
            Assert.Contains("https", error.Message);
        }

        [Fact]
        public void Built_in_environments_cannot_be_redefined()
        {
            var error = Assert.Throws<PartnerCenterException>(() =>
                PartnerCenterEnvironments.Add("azurecloud", new Uri("https://evil.example"), new Uri("https://evil.example"), null));

            Assert.Equal(PartnerCenterErrorIds.InvalidEnvironment, error.ErrorId);
            Assert.Equal("https://api.partnercenter.microsoft.com/", PartnerCenterEnvironments.Get("AzureCloud").PartnerCenterEndpoint.ToString());
        }

        [Fact]
        public void An_unknown_name_lists_the_known_ones()
        {
            var error = Assert.Throws<PartnerCenterException>(() => PartnerCenterEnvironments.Get("Nowhere"));

            Assert.Equal(PartnerCenterErrorIds.UnknownEnvironment, error.ErrorId);
            Assert.Contains("AzureCloud", error.Message);
        }
    }
}
