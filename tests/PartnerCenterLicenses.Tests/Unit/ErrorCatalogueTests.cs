using System.IO;
using System.Linq;
using System.Reflection;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    public class ErrorCatalogueTests
    {
        [Fact]
        public void The_readme_error_table_lists_every_error_id_the_module_defines()
        {
            string readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
            int start = readme.IndexOf("\n## Errors");
            Assert.True(start >= 0, "README.md has no '## Errors' section.");
            int end = readme.IndexOf("\n## ", start + 1);
            string table = string.Join("\n", readme.Substring(start, (end < 0 ? readme.Length : end) - start)
                .Split('\n').Where(line => line.StartsWith("|")));

            var ids = typeof(PartnerCenterErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral)
                .Select(f => (string)f.GetRawConstantValue())
                .ToList();
            var missing = ids.Where(id => !table.Contains("`" + id + "`")).ToList();

            Assert.NotEmpty(ids);
            Assert.True(missing.Count == 0, "Add these ids to the error table in README.md: " + string.Join(", ", missing));
        }

        [Fact]
        public void Not_connected_says_how_to_connect()
        {
            PartnerCenterException error = PartnerCenterException.NotConnected();

            Assert.Equal(PartnerCenterErrorIds.NotConnected, error.ErrorId);
            Assert.Equal(PartnerCenterErrorKind.NotConnected, error.Kind);
            Assert.Contains("Connect-PartnerCenter", error.Message);
            Assert.Contains("Connect-PartnerCenter -ApplicationId", error.RecommendedAction);
        }
    }
}
