using System.Management.Automation;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// What the module does to the process when it is imported and removed: PowerShell calls these
    /// for the root assembly. Removing the module takes its assembly-resolve handler with it, so a
    /// removed module no longer answers for other code's assemblies.
    /// </summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        /// <summary>Restores the dependency resolver if an earlier import of this process loaded the engine.</summary>
        public void OnImport()
        {
            DesktopDependencyResolver.RegisterAgain();
        }

        /// <summary>Removes the dependency resolver.</summary>
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            DesktopDependencyResolver.Unregister();
        }
    }
}
