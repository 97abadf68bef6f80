using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;

namespace PartnerCenterLicenses.TestHost
{
    /// <summary>
    /// Puts PartnerCenterLicenses' process-wide state back the way a new process has it, so a run in
    /// the long-lived host starts as clean as a run in a process of its own.
    /// </summary>
    /// <remarks>
    /// The module keeps three things per process rather than per runspace, on purpose (every runspace
    /// of a runbook shares one sign-in): the session, the request options, and the environments added
    /// with Add-PartnerCenterEnvironment. The first two have cmdlets that reset them. Custom
    /// environments live as long as the process, like Az's, and no cmdlet removes one, so the host
    /// forgets them through the registry's own dictionary; if that ever changes shape, the reset fails
    /// loudly rather than letting runs see each other's environments.
    /// What cannot be put back (the engine and MSAL loaded, their static caches warm) is why tests
    /// about loading or about a new process ask for a fresh process instead.
    /// </remarks>
    internal static class ModuleStateReset
    {
        private const string ModuleName = "PartnerCenterLicenses";
        private const string EnvironmentRegistryType = "PartnerCenterLicenses.Models.PartnerCenterEnvironments";
        private const string EnvironmentRegistryField = "Known";

        /// <summary>
        /// Resets the module's state when <paramref name="modulePath"/> is PartnerCenterLicenses; any
        /// other module is left alone, as the host knows nothing about its state.
        /// </summary>
        /// <exception cref="InvalidOperationException">The state could not be reset.</exception>
        public static void Apply(Runspace runspace, string modulePath)
        {
            if (!string.Equals(Path.GetFileNameWithoutExtension(modulePath), ModuleName, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            using (PowerShell ps = PowerShell.Create())
            {
                ps.Runspace = runspace;
                ps.AddCommand("Disconnect-PartnerCenter").AddParameter("Confirm", false)
                    .AddStatement()
                    .AddCommand("Set-PartnerCenterRequestOption").AddParameter("Default").AddParameter("Confirm", false);
                try
                {
                    ps.Invoke();
                }
                catch (RuntimeException e)
                {
                    throw new InvalidOperationException("Resetting the module before the run failed: " + e.Message, e);
                }

                if (ps.HadErrors)
                {
                    throw new InvalidOperationException(
                        "Resetting the module before the run failed: " + string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));
                }
            }

            ForgetCustomEnvironments();
        }

        private static void ForgetCustomEnvironments()
        {
            Type registry = AppDomain.CurrentDomain.GetAssemblies()
                .Where(a => a.GetName().Name == ModuleName)
                .Select(a => a.GetType(EnvironmentRegistryType, throwOnError: false))
                .FirstOrDefault(t => t != null);
            IDictionary known = registry?.GetField(EnvironmentRegistryField, BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null) as IDictionary;
            if (known == null)
            {
                throw new InvalidOperationException(
                    $"Cannot forget the custom environments of earlier runs: {EnvironmentRegistryType}.{EnvironmentRegistryField} is not a dictionary any more. "
                    + "Update ModuleStateReset in the test host.");
            }

            var custom = new List<object>();
            foreach (DictionaryEntry entry in known)
            {
                object isBuiltIn = entry.Value?.GetType().GetProperty("IsBuiltIn")?.GetValue(entry.Value);
                if (!(isBuiltIn is bool builtIn))
                {
                    throw new InvalidOperationException("Cannot tell a built-in environment from a custom one: PartnerCenterEnvironment has no IsBuiltIn any more.");
                }

                if (!builtIn)
                {
                    custom.Add(entry.Key);
                }
            }

            foreach (object name in custom)
            {
                known.Remove(name);
            }
        }
    }
}
