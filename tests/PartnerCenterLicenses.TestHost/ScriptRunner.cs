using System;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;

namespace PartnerCenterLicenses.TestHost
{
    /// <summary>
    /// Runs one request in a fresh runspace and records what it produced.
    /// </summary>
    /// <remarks>
    /// The runspace is created without a host object, so PowerShell falls back to its internal
    /// default host that has no user interface. Anything that prompts (Read-Host, ShouldProcess
    /// confirmation, mandatory parameters without values) fails instead of waiting, which is how
    /// an Azure Automation runbook behaves.
    /// </remarks>
    public static class ScriptRunner
    {
        /// <summary>Runs <paramref name="request"/>, adding everything observed to <paramref name="record"/>.</summary>
        /// <remarks>
        /// The record is filled in place so that, if the engine throws something unexpected, what was
        /// already collected still reaches the harness alongside the host failure.
        /// </remarks>
        /// <param name="request">What to run.</param>
        /// <param name="record">Where everything observed goes.</param>
        /// <param name="stopRequested">
        /// Cancelled when the harness asks for the script to be stopped now (the serve mode's Ctrl+C);
        /// the stop is the same <c>PowerShell.Stop()</c> that <see cref="HostRequest.StopAfterMilliseconds"/> makes.
        /// </param>
        /// <param name="startClean">
        /// True in the serve mode: the module's process-wide state (session, request options, custom
        /// environments) is put back as a new process would have it, between the import and the script.
        /// </param>
        public static void Run(HostRequest request, RunRecord record, CancellationToken stopRequested = default, bool startClean = false)
        {
            Stopwatch phase = Stopwatch.StartNew();
            InitialSessionState sessionState = InitialSessionState.CreateDefault2();
            using Runspace runspace = RunspaceFactory.CreateRunspace(sessionState);
            runspace.Open();

            // Output conversion happens on this thread and may evaluate ETS script properties,
            // which need a runspace bound to the calling thread.
            Runspace.DefaultRunspace = runspace;
            record.Timings["runspaceOpen"] = phase.Elapsed.TotalMilliseconds;

            try
            {
                string script = request.Script;
                if (!string.IsNullOrEmpty(request.ModulePath))
                {
                    if (request.ImportModuleInScript)
                    {
                        script = $"Import-Module -Name '{request.ModulePath.Replace("'", "''")}' -ErrorAction Stop\n{script}";
                    }
                    else
                    {
                        phase.Restart();
                        bool imported = Invoke(runspace, record, ps => ps
                            .AddCommand("Import-Module")
                            .AddParameter("Name", request.ModulePath)
                            .AddParameter("ErrorAction", ActionPreference.Stop), stopAfterMilliseconds: null, CancellationToken.None);
                        record.Timings["import"] = phase.Elapsed.TotalMilliseconds;
                        if (!imported)
                        {
                            return;
                        }

                        if (startClean)
                        {
                            phase.Restart();
                            ModuleStateReset.Apply(runspace, request.ModulePath);
                            record.Timings["reset"] = phase.Elapsed.TotalMilliseconds;
                        }
                    }
                }

                phase.Restart();
                Invoke(runspace, record, ps => ps.AddScript(script), request.StopAfterMilliseconds, stopRequested);
                record.Timings["script"] = phase.Elapsed.TotalMilliseconds;
            }
            finally
            {
                // Taken while the runspace is still open so the list reflects the module as the script left it.
                foreach (System.Reflection.Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
                {
                    record.LoadedAssemblies.Add(ObjectConverter.ConvertAssembly(assembly));
                }

                Runspace.DefaultRunspace = null;
            }
        }

        /// <summary>Runs one pipeline; returns false when it ended with a terminating error or was stopped.</summary>
        private static bool Invoke(Runspace runspace, RunRecord record, Action<PowerShell> build, int? stopAfterMilliseconds, CancellationToken stopRequested)
        {
            using PowerShell ps = PowerShell.Create();
            ps.Runspace = runspace;
            build(ps);
            Subscribe(ps, record);

            // Passing our own output collection keeps the objects written before a terminating error;
            // the collection Invoke() returns is lost when it throws.
            using var output = new PSDataCollection<PSObject>();

            using var cancelStop = new CancellationTokenSource();
            Task stopper = stopAfterMilliseconds != null || stopRequested.CanBeCanceled
                ? StopLaterAsync(ps, record, stopAfterMilliseconds, stopRequested, cancelStop.Token)
                : Task.CompletedTask;

            bool completed = false;
            try
            {
                ps.Invoke(null, output);
                completed = true;
            }
            catch (RuntimeException) when (ps.InvocationStateInfo.State == PSInvocationState.Stopped)
            {
                // PipelineStoppedException: the stop we asked for, not a script failure.
            }
            catch (RuntimeException ex)
            {
                record.TerminatingError = ObjectConverter.ConvertError(ex.ErrorRecord);
            }
            finally
            {
                cancelStop.Cancel();
                try
                {
                    // Stop() must have returned before the PowerShell instance is disposed.
                    stopper.GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    // The script finished before the stop was due.
                }
            }

            foreach (PSObject item in output)
            {
                record.AddOutput(ObjectConverter.ConvertOutput(item));
            }

            record.HadErrors |= ps.HadErrors;
            record.Stopped |= ps.InvocationStateInfo.State == PSInvocationState.Stopped;
            return completed && record.TerminatingError == null;
        }

        // Stops the pipeline when the delay has passed or the harness asks, whichever comes first;
        // ends with OperationCanceledException when the script finished before either.
        private static async Task StopLaterAsync(PowerShell ps, RunRecord record, int? delayMilliseconds, CancellationToken stopRequested, CancellationToken finished)
        {
            using (var either = CancellationTokenSource.CreateLinkedTokenSource(stopRequested, finished))
            {
                try
                {
                    await Task.Delay(delayMilliseconds ?? Timeout.Infinite, either.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!finished.IsCancellationRequested)
                {
                    // Asked to stop now.
                }
            }

            finished.ThrowIfCancellationRequested();
            Stopwatch stopping = Stopwatch.StartNew();
            ps.Stop();
            record.StopElapsedMilliseconds = stopping.Elapsed.TotalMilliseconds;
        }

        private static void Subscribe(PowerShell ps, RunRecord record)
        {
            // DataAdded fires synchronously as each record is written, which is what preserves
            // the interleaving across streams in RunRecord.Streams.
            PSDataStreams streams = ps.Streams;
            streams.Error.DataAdded += (sender, e) =>
            {
                ErrorRecord error = ((PSDataCollection<ErrorRecord>)sender)[e.Index];
                record.AddError(ObjectConverter.ConvertError(error), error.ToString());
            };
            streams.Warning.DataAdded += (sender, e) =>
                record.AddMessage("Warning", ((PSDataCollection<WarningRecord>)sender)[e.Index].Message);
            streams.Verbose.DataAdded += (sender, e) =>
                record.AddMessage("Verbose", ((PSDataCollection<VerboseRecord>)sender)[e.Index].Message);
            streams.Debug.DataAdded += (sender, e) =>
                record.AddMessage("Debug", ((PSDataCollection<DebugRecord>)sender)[e.Index].Message);
            streams.Information.DataAdded += (sender, e) =>
                record.AddMessage("Information", ((PSDataCollection<InformationRecord>)sender)[e.Index].MessageData?.ToString());
        }
    }
}
