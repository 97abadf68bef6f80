using System;
using System.IO;

namespace PartnerCenterLicenses.Tests.Hosting
{
    /// <summary>
    /// Well-known locations in the repository, found from the test assembly's own folder so the
    /// tests do not depend on the current directory the runner happens to use.
    /// </summary>
    public static class RepositoryPaths
    {
        private const string SolutionFileName = "Module.sln";

        private static readonly Lazy<string> root = new Lazy<string>(FindRoot);

        /// <summary>The repository root: the nearest folder above the test output that holds Module.sln.</summary>
        public static string Root => root.Value;

        /// <summary>The folder the build lays the module out in, ready for Import-Module.</summary>
        public static string ModuleFolder => Path.Combine(Root, "out", "PartnerCenterLicenses");

        /// <summary>The module manifest the build produces.</summary>
        public static string ModuleManifest => Path.Combine(ModuleFolder, "PartnerCenterLicenses.psd1");

        private static string FindRoot()
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder != null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, SolutionFileName)))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException(
                $"No folder above '{AppContext.BaseDirectory}' contains {SolutionFileName}; the tests must run from a build inside the repository.");
        }
    }
}
