using System;
using System.IO;
using System.Linq;
using System.Reflection;

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

        /// <summary>
        /// pwsh 7.6.9 built from Microsoft.PowerShell.SDK by tools/pwsh (same configuration as the
        /// tests): the real console host, with every built-in module. Run it with dotnet.
        /// </summary>
        /// <summary>The standalone emulator (tests/PartnerCenter.Emulator's Program), as <c>dotnet run</c> builds it.</summary>
        public static string StandaloneEmulator =>
            Path.Combine(Root, "tests", "PartnerCenter.Emulator", "bin", Configuration, "net10.0", "PartnerCenter.Emulator.dll");

        public static string Pwsh => Path.Combine(Root, "tools", "pwsh", "bin", Configuration, "net10.0", "pwsh.dll");

        /// <summary>Pester 5.7.1's module manifest, restored from NuGet as a build input.</summary>
        public static string PesterModule => Path.Combine(NuGetPackageRoot, "pester", "5.7.1", "tools", "Pester.psd1");

        private static string Configuration =>
            typeof(RepositoryPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

        private static string NuGetPackageRoot =>
            typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "NuGetPackageRoot").Value;

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
