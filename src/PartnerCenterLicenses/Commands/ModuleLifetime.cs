using System.Management.Automation;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// What Remove-Module does to the process beyond what PowerShell undoes itself: PowerShell calls
    /// this for the root assembly. Removing the module takes its assembly-resolve handler with it, so a
    /// removed module no longer answers for other code's assemblies. Nothing runs at import: the
    /// resolver comes with the engine's first use (<see cref="EngineLoader.Engine"/>), and the views
    /// come with the manifest's FormatsToProcess.
    /// </summary>
    public sealed class ModuleLifetime : IModuleAssemblyCleanup
    {
        /// <summary>Removes the dependency resolver.</summary>
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            DesktopDependencyResolver.Unregister();
        }
    }
}
