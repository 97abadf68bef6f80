namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>The response example of Partner Center's documentation, byte for byte.</summary>
    internal static class SeedDocument
    {
        public const string ResponseBody = @"{
    ""totalCount"": 2,
    ""items"": [{
            ""proratedDeploymentPercent"": 0.0,
            ""licensesSold"": 343,
            ""processedDateTime"": ""2017-03-10T00:00:00+00:00"",
            ""serviceName"": ""crm"",
            ""channel"": ""reseller"",
            ""attributes"": {
                ""objectType"": ""PartnerLicensesDeploymentInsights""
            }
        }, {
            ""proratedDeploymentPercent"": 1.0,
            ""licensesSold"": 4464,
            ""processedDateTime"": ""2017-03-14T03:25:16.36+00:00"",
            ""serviceName"": ""o365"",
            ""channel"": ""reseller"",
            ""attributes"": {
                ""objectType"": ""PartnerLicensesDeploymentInsights""
            }
        }
    ],
    ""attributes"": {
        ""objectType"": ""Collection""
    }
}";
    }
}
