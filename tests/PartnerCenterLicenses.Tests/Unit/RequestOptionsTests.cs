using System;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using PartnerCenterLicenses.Commands;
using PartnerCenterLicenses.Models;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    public class RequestOptionsTests
    {
        [Fact]
        public void The_longest_field_defaults_to_one_megabyte_also_through_the_older_constructor()
        {
            var options = new PartnerCenterRequestOptions(TimeSpan.FromSeconds(10), 1, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));

            Assert.Equal(1048576, PartnerCenterRequestOptions.DefaultMaxFieldLength);
            Assert.Equal(1048576, options.MaxFieldLength);
            Assert.Equal(1048576, PartnerCenterRequestOptions.Default.MaxFieldLength);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-1)]
        public void A_longest_field_that_is_not_positive_is_refused(int maxFieldLength)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() =>
                new PartnerCenterRequestOptions(TimeSpan.FromSeconds(10), 1, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1), maxFieldLength));
        }

        [Fact]
        public void A_timespan_becomes_its_seconds_and_numbers_pass_unchanged()
        {
            var transformation = new SecondsTransformationAttribute();

            Assert.Equal(90.5, transformation.Transform(null, TimeSpan.FromSeconds(90.5)));
            Assert.Equal(300.0, transformation.Transform(null, new PSObject(TimeSpan.FromMinutes(5))));
            Assert.Equal(42, transformation.Transform(null, 42));
            Assert.Equal("7", transformation.Transform(null, "7"));
        }

        // Piping Get-PartnerCenterRequestOption to Set-PartnerCenterRequestOption needs a parameter
        // bound by property name for every property the options object has.
        [Fact]
        public void Every_option_property_binds_by_name_to_a_set_parameter()
        {
            var byPropertyName = typeof(SetPartnerCenterRequestOptionCommand).GetProperties()
                .Where(p => p.GetCustomAttributes<ParameterAttribute>().Any(a => a.ValueFromPipelineByPropertyName))
                .SelectMany(p => new[] { p.Name }.Concat(p.GetCustomAttributes<AliasAttribute>().SelectMany(a => a.AliasNames)))
                .ToList();

            var optionProperties = typeof(PartnerCenterRequestOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name);

            Assert.All(optionProperties, name => Assert.Contains(name, byPropertyName));
        }
    }
}
