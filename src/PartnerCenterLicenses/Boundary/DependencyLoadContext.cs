using System;
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
        private readonly string _nativeImageFolder;
        private readonly string _frameworkFolder;
        private readonly Assembly _boundary;

        /// <param name="dependencyFolder">The IL copies, which every runtime can load.</param>
        /// <param name="nativeImageFolder">
        /// ReadyToRun copies of some of them for this runtime and platform (see <see cref="ReadyToRunVariant"/>),
        /// or null. A file missing there, or one the runtime refuses, is taken from the IL folder instead.
        /// </param>
        public DependencyLoadContext(string dependencyFolder, string nativeImageFolder)
        {
            _dependencyFolder = dependencyFolder;
            _nativeImageFolder = nativeImageFolder;
            _frameworkFolder = Path.GetDirectoryName(typeof(object).Assembly.Location);
            _boundary = typeof(DependencyLoadContext).Assembly;
        }

        /// <summary>The engine or a dependency by file name, from the ReadyToRun folder when it can, else from the IL folder.</summary>
        public Assembly LoadDependency(string simpleName)
        {
            string fileName = simpleName + ".dll";
            if (_nativeImageFolder != null)
            {
                string image = Path.Combine(_nativeImageFolder, fileName);
                if (File.Exists(image))
                {
                    try
                    {
                        return LoadFromAssemblyPath(image);
                    }
                    catch (BadImageFormatException)
                    {
                        // A file the runtime cannot read as an assembly at all (cut short by an interrupted
                        // copy, overwritten) fails before the context binds its name, so the IL copy can
                        // still load in its place and the user loses only the precompiled code. An image
                        // for another OS or architecture is refused after binding, for good in this
                        // context: the build's tests make sure no folder holds one.
                    }
                }
            }

            string il = Path.Combine(_dependencyFolder, fileName);
            return File.Exists(il) ? LoadFromAssemblyPath(il) : null;
        }

        protected override Assembly Load(AssemblyName assemblyName)
        {
            // The boundary: the engine must see the very same interface and model types the cmdlets
            // use, so the cmdlet assembly is shared from the default context, never loaded twice.
            if (string.Equals(assemblyName.Name, _boundary.GetName().Name, StringComparison.OrdinalIgnoreCase))
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

            return LoadDependency(assemblyName.Name);
        }

        /// <summary>Names the context in diagnostics (the name constructor is newer than netstandard2.0).</summary>
        public override string ToString()
        {
            return "PartnerCenterLicenses";
        }
    }
}
