using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Where the two modules and the results live. The build writes these into the assembly, so the
    /// bench never depends on the current directory and never guesses at folder layouts.
    /// </summary>
    internal static class BenchPaths
    {
        public const string ModuleName = "PartnerCenterLicenses";

        public const string BaselineModuleName = "BaselineModule";

        /// <summary>
        /// out/PartnerCenterLicenses/PartnerCenterLicenses.psd1, laid out by building the engine; or the
        /// manifest PCL_BENCH_MODULE names, to measure another build of the module (an earlier commit's,
        /// for a before-and-after) against the same baselines.
        /// </summary>
        public static string ModuleManifest =>
            string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PCL_BENCH_MODULE")) ? Metadata("ModuleManifest") : Path.GetFullPath(Environment.GetEnvironmentVariable("PCL_BENCH_MODULE"));

        /// <summary>The one-cmdlet baseline module's manifest, laid out by building bench/BaselineModule.</summary>
        public static string BaselineManifest => Metadata("BaselineManifest");

        /// <summary>The HTTP baseline module's manifest (bench/BaselineHttpModule): the same token request and GET with a bare HttpClient.</summary>
        public static string BaselineHttpManifest => Metadata("BaselineHttpManifest");

        /// <summary>bench/results/, where the latest table is written for the README.</summary>
        public static string ResultsFolder => Metadata("ResultsFolder");

        /// <summary>
        /// The ReadyToRun publish of this program the children run from, when built with
        /// BenchReadyToRun=true; null when children run from this program's own folder.
        /// </summary>
        public static string ChildDirectory => OptionalMetadata("ChildDirectory");

        /// <summary>Fails early, with the command that fixes it, when a module was not built.</summary>
        public static void RequireModules()
        {
            foreach (string manifest in new[] { ModuleManifest, BaselineManifest, BaselineHttpManifest })
            {
                if (!File.Exists(manifest))
                {
                    throw new InvalidOperationException(
                        $"'{manifest}' does not exist. Run the bench with 'dotnet run -c Release --project bench/PartnerCenterLicenses.Bench', which builds both modules.");
                }
            }
        }

        private static string Metadata(string key)
        {
            string value = OptionalMetadata(key);
            if (string.IsNullOrEmpty(value))
            {
                throw new InvalidOperationException($"The bench assembly has no 'PartnerCenterLicenses.Bench.{key}' metadata; build it with its project file.");
            }

            return value;
        }

        private static string OptionalMetadata(string key)
        {
            string fullKey = "PartnerCenterLicenses.Bench." + key;
            string value = typeof(BenchPaths).Assembly
                .GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == fullKey)?.Value;
            return string.IsNullOrEmpty(value) ? null : value;
        }
    }
}
