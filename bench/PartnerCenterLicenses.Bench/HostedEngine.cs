using System;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// A PowerShell engine hosted in the child, set up the way the tests' host sets one up (the default
    /// session state, core cmdlets only as there is no pwsh installation here, and no host UI), except
    /// for its threading, which follows pwsh.
    /// </summary>
    internal sealed class HostedEngine : IDisposable
    {
        private HostedEngine(Runspace runspace)
        {
            Runspace = runspace;
        }

        public Runspace Runspace { get; }

        /// <summary>
        /// Opens an engine whose pipelines run on one reused thread, as pwsh runs every command line of a
        /// session. A hosted runspace's default starts a new thread per Invoke instead, which would add
        /// a thread start to every measured call and to the baseline's pipeline floor alike.
        /// <paramref name="onCallingThread"/> runs pipelines on the caller's thread instead, so the
        /// caller can read that thread's CPU clock around them.
        /// </summary>
        public static HostedEngine Open(bool onCallingThread = false)
        {
            Runspace runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            runspace.ThreadOptions = onCallingThread ? PSThreadOptions.UseCurrentThread : PSThreadOptions.ReuseThread;
            runspace.Open();
            return new HostedEngine(runspace);
        }

        /// <summary>A new pipeline on this engine's runspace; each measured call gets its own, as each line a user types does.</summary>
        public PowerShell NewPipeline()
        {
            PowerShell ps = PowerShell.Create();
            ps.Runspace = Runspace;
            return ps;
        }

        /// <summary>Runs set-up commands, failing loudly: a benchmark of a failing call measures nothing.</summary>
        public Collection<PSObject> Run(Action<PowerShell> build)
        {
            using PowerShell ps = NewPipeline();
            build(ps);
            Collection<PSObject> output = ps.Invoke();
            ThrowIfFailed(ps);
            return output;
        }

        public static void ThrowIfFailed(PowerShell ps)
        {
            if (ps.HadErrors)
            {
                string errors = string.Join(Environment.NewLine, ps.Streams.Error.Select(e => e.ToString()));
                throw new InvalidOperationException("A pipeline reported errors:" + Environment.NewLine + errors);
            }
        }

        public void Dispose()
        {
            Runspace.Dispose();
        }
    }
}
