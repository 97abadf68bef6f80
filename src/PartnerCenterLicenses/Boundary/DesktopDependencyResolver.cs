using System;
using System.IO;
using System.Reflection;
using System.Threading;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// Windows PowerShell 5.1 only (.NET Framework has a single load context per AppDomain): when
    /// the runtime cannot bind one of our dependencies, for example because binding redirects point
    /// elsewhere, it is loaded from the module's Dependencies folder. Only files of that folder are
    /// answered, so other modules' resolution is left alone, and the handler is removed with the
    /// module (Commands/ModuleLifetime).
    /// </summary>
    internal static class DesktopDependencyResolver
    {
        private static readonly object Gate = new object();
        private static string _dependencyFolder;
        private static bool _registered;

        /// <summary>True while the handler is attached to the AppDomain.</summary>
        public static bool IsRegistered
        {
            get
            {
                lock (Gate)
                {
                    return _registered;
                }
            }
        }

        /// <summary>Attaches the handler for the folder; attaching it again changes nothing.</summary>
        public static void Register(string dependencyFolder)
        {
            lock (Gate)
            {
                _dependencyFolder = dependencyFolder;
                if (!_registered)
                {
                    AppDomain.CurrentDomain.AssemblyResolve += Resolve;
                    _registered = true;
                }
            }
        }

        /// <summary>
        /// Attaches the handler again after the module was removed and imported anew: the engine
        /// loaded by the first import stays in the AppDomain and still needs its dependencies.
        /// Does nothing if the engine was never loaded through this resolver.
        /// </summary>
        public static void RegisterAgain()
        {
            // Every call of every cmdlet comes here: without the lock when there is nothing to do
            // (PowerShell 7, or the handler still attached).
            if (Volatile.Read(ref _dependencyFolder) == null || Volatile.Read(ref _registered))
            {
                return;
            }

            lock (Gate)
            {
                if (_dependencyFolder != null)
                {
                    Register(_dependencyFolder);
                }
            }
        }

        /// <summary>Detaches the handler; detaching it when it is not attached changes nothing.</summary>
        public static void Unregister()
        {
            lock (Gate)
            {
                if (_registered)
                {
                    AppDomain.CurrentDomain.AssemblyResolve -= Resolve;
                    _registered = false;
                }
            }
        }

        private static Assembly Resolve(object sender, ResolveEventArgs args)
        {
            string folder = _dependencyFolder;
            string name = new AssemblyName(args.Name).Name;
            string candidate = Path.Combine(folder, name + ".dll");
            return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
        }
    }
}
