using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// Loads the engine assembly on first use. Importing the module therefore loads neither MSAL nor
    /// Newtonsoft.Json; they come in with the engine, from the module's Dependencies folder: on
    /// PowerShell 7 into the module's own load context, preferring the ReadyToRun copies made for this
    /// runtime and platform (Dependencies/net10.0-linux-x64/ and the like); on Windows PowerShell, always
    /// the IL copies, through a resolver that answers only for that folder.
    /// </summary>
    internal static class EngineLoader
    {
        private const string EngineAssemblyName = "PartnerCenterLicenses.Engine";
        private const string EngineTypeName = "PartnerCenterLicenses.Engine.PartnerCenterEngine";

        private static readonly Lazy<IPartnerCenterEngine> Instance =
            new Lazy<IPartnerCenterEngine>(Load, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);

        /// <summary>True once the engine assembly has been loaded in this process.</summary>
        public static bool IsLoaded
        {
            get { return Instance.IsValueCreated; }
        }

        /// <summary>
        /// The process-wide engine; its session is shared by every runspace. On Windows PowerShell a
        /// Remove-Module took the dependency resolver away; the engine loaded before still needs it,
        /// so it is attached again here, before any engine code can ask for a dependency.
        /// </summary>
        public static IPartnerCenterEngine Engine
        {
            get
            {
                if (Instance.IsValueCreated)
                {
                    DesktopDependencyResolver.RegisterAgain();
                }

                return Instance.Value;
            }
        }

        private static IPartnerCenterEngine Load()
        {
            string moduleFolder = Path.GetDirectoryName(typeof(EngineLoader).Assembly.Location);
            string dependencyFolder = Path.Combine(moduleFolder, "Dependencies");
            if (!File.Exists(Path.Combine(dependencyFolder, EngineAssemblyName + ".dll")))
            {
                // Unit tests and the benchmarks reference the engine directly, next to this assembly.
                dependencyFolder = moduleFolder;
            }

            string path = Path.Combine(dependencyFolder, EngineAssemblyName + ".dll");
            try
            {
                Assembly engineAssembly = IsWindowsPowerShell ? LoadOnDesktop(dependencyFolder, path) : LoadIsolated(dependencyFolder, path);
                Type engineType = engineAssembly.GetType(EngineTypeName, throwOnError: true);
                return (IPartnerCenterEngine)Activator.CreateInstance(engineType);
            }
            catch (Exception e) when (e is IOException || e is BadImageFormatException || e is TypeLoadException
                                      || e is TargetInvocationException || e is InvalidCastException || e is MissingMethodException)
            {
                throw new PartnerCenterException(
                    PartnerCenterErrorIds.EngineLoadFailed,
                    PartnerCenterErrorKind.ModuleDamaged,
                    "The module could not load its engine from '" + path + "': " + e.Message
                    + " Reinstall the module (Install-Module PartnerCenterLicenses -Force) and start a new session.",
                    e);
            }
        }

        private static bool IsWindowsPowerShell
        {
            get { return RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase); }
        }

        // Kept in separate methods so the JIT never compiles AssemblyLoadContext code on .NET Framework.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Assembly LoadIsolated(string dependencyFolder, string path)
        {
            // Precompiled code only saves JIT time, so anything short of a complete folder made for this
            // runtime still loads: a missing folder or file means the IL copy, file by file.
            string variant = ReadyToRunVariant.FolderName();
            string nativeImageFolder = variant == null ? null : Path.Combine(dependencyFolder, variant);
            var context = new DependencyLoadContext(dependencyFolder, Directory.Exists(nativeImageFolder) ? nativeImageFolder : null);
            return context.LoadDependency(EngineAssemblyName) ?? throw new FileNotFoundException("The engine assembly is missing.", path);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Assembly LoadOnDesktop(string dependencyFolder, string path)
        {
            DesktopDependencyResolver.Register(dependencyFolder);
            return Assembly.LoadFrom(path);
        }
    }
}
