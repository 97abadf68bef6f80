using System;
using System.Linq;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;
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

        [Theory]
        [InlineData("AzureCloud ")]
        [InlineData(" AzureCloud")]
        [InlineData("  AZURECLOUD  ")]
        [InlineData("Azure Cloud")]
        [InlineData("azure cloud ")]
        [InlineData("Azure\u00A0Cloud")]
        [InlineData(" AzureChinaCloud")]
        [InlineData("AzureUS Government")]
        public void A_name_that_reads_as_a_built_in_one_is_refused_and_the_built_in_stays(string name)
        {
            var error = Assert.Throws<PartnerCenterException>(() =>
                PartnerCenterEnvironments.Add(name, new Uri("https://evil.example"), new Uri("https://evil.example"), null));

            Assert.Equal(PartnerCenterErrorIds.InvalidEnvironment, error.ErrorId);
            Assert.Contains("built-in", error.Message);
            Assert.All(PartnerCenterEnvironments.All, e => Assert.NotEqual("evil.example", e.ActiveDirectoryAuthority.Host));
            Assert.Equal("login.microsoftonline.com", PartnerCenterEnvironments.Get("AzureCloud").ActiveDirectoryAuthority.Host);
        }

        [Theory]
        [InlineData("AzureCloud\t")]
        [InlineData("\tazurecloud")]
        [InlineData("Azure\tCloud")]
        [InlineData("Custom\r\nVERBOSE: Connected to AzureCloud")]
        [InlineData("Custom\n")]
        [InlineData("Custom\u0000")]
        [InlineData("Azure\u200BCloud")]
        [InlineData("Custom\u202Eduolc")]
        public void A_name_with_a_control_or_invisible_character_is_refused_and_shown_escaped(string name)
        {
            var error = Assert.Throws<PartnerCenterException>(() =>
                PartnerCenterEnvironments.Add(name, new Uri("https://evil.example"), new Uri("https://evil.example"), null));

            Assert.Equal(PartnerCenterErrorIds.InvalidEnvironment, error.ErrorId);
            Assert.DoesNotContain(error.Message, c => char.IsControl(c));
            Assert.Contains("\\u", error.Message);
            Assert.All(PartnerCenterEnvironments.All, e => Assert.NotEqual("evil.example", e.ActiveDirectoryAuthority.Host));
        }

        [Fact]
        public void Custom_names_are_stored_trimmed_and_found_ignoring_case_and_surrounding_whitespace()
        {
            var added = PartnerCenterEnvironments.Add("  UnitPadded ", new Uri("https://127.0.0.1:8443"), new Uri("https://127.0.0.1:8443"), null);

            Assert.Equal("UnitPadded", added.Name);
            Assert.Same(added, PartnerCenterEnvironments.Get("unitpadded"));
            Assert.Same(added, PartnerCenterEnvironments.Find(" UNITPADDED\t"));
            Assert.Single(PartnerCenterEnvironments.All, e => e.Name.Trim().Equals("UnitPadded", StringComparison.OrdinalIgnoreCase));
        }

        [Fact]
        public void A_built_in_name_with_surrounding_whitespace_finds_the_built_in()
        {
            Assert.Same(PartnerCenterEnvironments.Get("AzureCloud"), PartnerCenterEnvironments.Get(" azurecloud\t"));
        }

        [Fact]
        public void An_unknown_name_lists_the_known_ones()
        {
            var error = Assert.Throws<PartnerCenterException>(() => PartnerCenterEnvironments.Get("Nowhere"));

            Assert.Equal(PartnerCenterErrorIds.UnknownEnvironment, error.ErrorId);
            Assert.Contains("AzureCloud", error.Message);
            Assert.Contains("Get-PartnerCenterEnvironment", error.RecommendedAction);
        }
    }
}
