using System;
using System.IO;
using System.Reflection;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// Windows PowerShell 5.1 only (.NET Framework has a single load context per AppDomain): when
    /// the runtime cannot bind one of our dependencies, for example because binding redirects point
    /// elsewhere, it is loaded from the module's Dependencies folder. Only files of that folder are
    /// answered, so other modules' resolution is left alone.
    /// </summary>
    internal static class DesktopDependencyResolver
    {
        private static string _dependencyFolder;

        public static void Register(string dependencyFolder)
        {
            _dependencyFolder = dependencyFolder;
            AppDomain.CurrentDomain.AssemblyResolve += Resolve;
        }

        private static Assembly Resolve(object sender, ResolveEventArgs args)
        {
            string name = new AssemblyName(args.Name).Name;
            string candidate = Path.Combine(_dependencyFolder, name + ".dll");
            return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
        }
    }
}
