using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// PowerShell 7 only: the load context the engine and its dependencies (MSAL, Newtonsoft.Json and
    /// what they pull in) live in. Because it looks in the module's Dependencies folder before asking
    /// the default context, our versions are used even when another module already loaded other
    /// versions of the same assemblies, and theirs never see ours.
    /// </summary>
    internal sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private readonly string _dependencyFolder;
        private readonly string _frameworkFolder;
        private readonly Assembly _boundary;

        public DependencyLoadContext(string dependencyFolder)
        {
            _dependencyFolder = dependencyFolder;
            _frameworkFolder = Path.GetDirectoryName(typeof(object).Assembly.Location);
            _boundary = typeof(DependencyLoadContext).Assembly;
        }

        protected override Assembly Load(AssemblyName assemblyName)
        {
            // The boundary: the engine must see the very same interface and model types the cmdlets
            // use, so the cmdlet assembly is shared from the default context, never loaded twice.
            if (string.Equals(assemblyName.Name, _boundary.GetName().Name, System.StringComparison.OrdinalIgnoreCase))
            {
                return _boundary;
            }

            // Framework assemblies are shared too: the Dependencies folder carries netstandard
            // copies of some (System.Memory, System.Text.Json, ...) for Windows PowerShell only, and
            // the runtime's own, newer ones are the right ones on PowerShell 7.
            if (File.Exists(Path.Combine(_frameworkFolder, assemblyName.Name + ".dll")))
            {
                return null;
            }

            string candidate = Path.Combine(_dependencyFolder, assemblyName.Name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }

        /// <summary>Names the context in diagnostics (the name constructor is newer than netstandard2.0).</summary>
        public override string ToString()
        {
            return "PartnerCenterLicenses";
        }
    }
}
