using PartnerCenterLicenses.Boundary;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>
    /// A Partner insights report, query or execution id becomes a path segment only as a GUID written from its
    /// value: anything that could name another path is not an id at all.
    /// </summary>
    public sealed class InsightsIdTests
    {
        [Theory]
        [InlineData("cdc61cfe-d028-4333-a215-a1df51ccbfd4", "cdc61cfe-d028-4333-a215-a1df51ccbfd4")]
        [InlineData(" {CDC61CFE-D028-4333-A215-A1DF51CCBFD4} ", "cdc61cfe-d028-4333-a215-a1df51ccbfd4")]
        public void A_guid_is_written_in_the_one_form_a_path_takes(string text, string written)
        {
            Assert.Equal(written, InsightsId.TryParse(text)?.ToString());
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("../../v1/customers")]
        [InlineData("cdc61cfe-d028-4333-a215-a1df51ccbfd4?x=1")]
        [InlineData("cdc61cfe-d028-4333-a215-a1df51ccbfd4/../../v1")]
        [InlineData("%2f..%2fv1%2fcustomers")]
        [InlineData("cdc61cfe-d028-4333-a215-a1df51ccbfd4%2f")]
        [InlineData("cdc61cfed0284333a215a1df51ccbfd4")]
        [InlineData("(cdc61cfe-d028-4333-a215-a1df51ccbfd4)")]
        public void Anything_else_is_not_an_id(string text)
        {
            Assert.Null(InsightsId.TryParse(text));
        }
    }
}
