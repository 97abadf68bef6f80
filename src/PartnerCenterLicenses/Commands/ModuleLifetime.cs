using System.Management.Automation;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// What the module does to the process when it is imported and removed: PowerShell calls these
    /// for the root assembly. Removing the module takes its assembly-resolve handler with it, so a
    /// removed module no longer answers for other code's assemblies, and its views with it, as
    /// Remove-Module does for a manifest's FormatsToProcess.
    /// </summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        /// <summary>
        /// Has the views load when the runspace first needs them (<see cref="ModuleViews"/>). The
        /// dependency resolver a removal took away comes back with the next use of the engine
        /// (<see cref="EngineLoader.Engine"/>), not here: the import runs as little as it can.
        /// </summary>
        public void OnImport()
        {
            ModuleViews.OnImport();
        }

        /// <summary>Removes the dependency resolver and the module's views.</summary>
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            DesktopDependencyResolver.Unregister();
            ModuleViews.OnRemove();
        }
    }
}
