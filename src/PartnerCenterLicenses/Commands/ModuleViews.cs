using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// The module's default views (PartnerCenterLicenses.format.ps1xml), loaded into a runspace when
    /// something there first needs them instead of at import.
    /// </summary>
    /// <remarks>
    /// Why: whenever format data is added, PowerShell rebuilds the runspace's whole format table,
    /// built-in views included. With FormatsToProcess in the manifest every import paid that: in a
    /// fresh engine about 80 more JIT-compiled methods and 1.6 MB more allocated than a module
    /// without views, most of what the import cost, in every runbook job whether it displayed
    /// anything or not.
    ///
    /// The views are the same file, loaded the way FormatsToProcess loads it: an entry appended to the
    /// runspace's InitialSessionState.Formats and the table rebuilt from that list. They load at the
    /// first of these in a runspace, so they are in place before any formatter can meet an object of
    /// the module:
    /// - the module's cmdlets, before they write their first object (also when Out-Default was
    ///   resolved before the import, as in `pwsh -File`, `pwsh -Command` or an interactive line that
    ///   autoloads the module);
    /// - the lookup of a command that shows or reads views (Format-*, Out-* except Out-Null,
    ///   Get-FormatData, Export-FormatData), through the runspace's PostCommandLookupAction, so
    ///   Get-FormatData lists them right after Import-Module as before, and an object made with
    ///   [PartnerCenterLicenses.Models...]::new() is shown with its view.
    /// Remove-Module removes them again, as it does for FormatsToProcess.
    ///
    /// PowerShell has no public way to reach a runspace's command lookup or to rebuild its format
    /// table from a module's initializer (SessionStateProxy refuses while Import-Module runs, and a
    /// script block costs more to compile than the views do to load). So this reads three internal
    /// members by reflection: Runspace.ExecutionContext, its EngineIntrinsics, and
    /// InitialSessionState.UpdateFormats, the method Import-Module itself calls. They have kept these
    /// names from Windows PowerShell 5.1 to PowerShell 7.6. Should one go missing in a future
    /// PowerShell, the views still load before the module's first object through the public
    /// Update-FormatData, and only the lookup trigger is lost; nothing fails.
    /// </remarks>
    internal static class ModuleViews
    {
        /// <summary>The format file, beside the cmdlet assembly in the module folder.</summary>
        internal const string FileName = "PartnerCenterLicenses.format.ps1xml";

        private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic;

        // Runspaces whose table holds the views (or is being given them). Keyed weakly: a closed
        // runspace takes its entry with it.
        private static readonly ConditionalWeakTable<Runspace, object> Loaded = new ConditionalWeakTable<Runspace, object>();

        // Runspaces whose command lookup is watched for the first command that reads views.
        private static readonly ConditionalWeakTable<Runspace, LookupWatch> Watches = new ConditionalWeakTable<Runspace, LookupWatch>();
        private static readonly object Gate = new object();

        private static volatile bool _anyLoaded;

        private static string _path;

        /// <summary>The format file's full path; null when the module folder has none (unit tests).</summary>
        internal static string FilePath
        {
            get
            {
                if (_path == null)
                {
                    string folder = Path.GetDirectoryName(typeof(ModuleViews).Assembly.Location) ?? string.Empty;
                    _path = Path.Combine(folder, FileName);
                }

                return File.Exists(_path) ? _path : null;
            }
        }

        /// <summary>
        /// At import, on the importing pipeline thread: watches the runspace's command lookups for the
        /// first command that reads views. Loads nothing, and JIT-compiles as little as it can: this is
        /// all the import itself runs of the module's code.
        /// </summary>
        internal static void OnImport()
        {
            // ContextOf and the check in OnLookup are written out here and there rather than called:
            // each method of the module's own the import runs is one more to JIT-compile.
            Runspace runspace = Runspace.DefaultRunspace;
            EngineIntrinsics engine;
            try
            {
                object context = runspace == null ? null : typeof(Runspace).GetProperty("ExecutionContext", Internal)?.GetValue(runspace, null);
                engine = context?.GetType().GetProperty("EngineIntrinsics", Internal)?.GetValue(context, null) as EngineIntrinsics;
            }
            catch (TargetInvocationException)
            {
                return;
            }

            if (engine == null)
            {
                return;
            }

            lock (Gate)
            {
                if (!Watches.TryGetValue(runspace, out _) && !Loaded.TryGetValue(runspace, out _))
                {
                    Watches.Add(runspace, new LookupWatch(engine));
                }
            }
        }

        /// <summary>
        /// Called by every constructor of the module's models: an object made with ::new() before any
        /// cmdlet of the module ran (a Pester mock's output, say) meets the formatter with its view,
        /// even where Out-Default was resolved before the import. After the first load in the process
        /// it costs one read, so streamed items pay nothing; threads without a runspace (the engine's)
        /// load nothing.
        /// </summary>
        internal static void Touch()
        {
            if (!_anyLoaded)
            {
                EnsureLoaded();
            }
        }

        /// <summary>Loads the views into the current runspace unless they are there already.</summary>
        internal static void EnsureLoaded()
        {
            Runspace runspace = Runspace.DefaultRunspace;
            if (runspace == null)
            {
                return;
            }

            lock (Gate)
            {
                if (Loaded.TryGetValue(runspace, out _))
                {
                    return;
                }

                Loaded.Add(runspace, Gate);
                _anyLoaded = true;
                if (Watches.TryGetValue(runspace, out LookupWatch watch))
                {
                    Watches.Remove(runspace);
                    watch.StepAside();
                }
            }

            string path = FilePath;
            InitialSessionState state = runspace.InitialSessionState;
            if (path == null || state == null || state.DisableFormatUpdates || SharesATable(state))
            {
                return;
            }

            if (!Holds(state, path))
            {
                state.Formats.Add(new SessionStateFormatEntry(path));
            }

            Rebuild(runspace, state);
        }

        /// <summary>At Remove-Module: takes the views out of the current runspace's table again.</summary>
        internal static void OnRemove()
        {
            Runspace runspace = Runspace.DefaultRunspace;
            if (runspace == null)
            {
                return;
            }

            lock (Gate)
            {
                if (Watches.TryGetValue(runspace, out LookupWatch watch))
                {
                    Watches.Remove(runspace);
                    watch.StepAside();
                }

                if (!Loaded.TryGetValue(runspace, out _))
                {
                    return;
                }

                Loaded.Remove(runspace);
            }

            string path = FilePath;
            InitialSessionState state = runspace.InitialSessionState;
            if (path == null || state == null || state.DisableFormatUpdates || !Holds(state, path))
            {
                return;
            }

            // As Remove-Module does for FormatsToProcess: the list without the file, then the table anew.
            var kept = new List<SessionStateFormatEntry>();
            foreach (SessionStateFormatEntry entry in state.Formats)
            {
                if (!IsOurs(entry, path))
                {
                    kept.Add(entry);
                }
            }

            state.Formats.Clear();
            state.Formats.Add(kept);
            Rebuild(runspace, state);
        }

        // A host that gave its runspaces one shared FormatTable keeps their formats itself: PowerShell
        // refuses to add files beside such a table, so the views are left out there.
        private static bool SharesATable(InitialSessionState state)
        {
            foreach (SessionStateFormatEntry entry in state.Formats)
            {
                if (entry.Formattable != null)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Holds(InitialSessionState state, string path)
        {
            foreach (SessionStateFormatEntry entry in state.Formats)
            {
                if (IsOurs(entry, path))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsOurs(SessionStateFormatEntry entry, string path)
        {
            return entry.FileName != null && string.Equals(entry.FileName, path, StringComparison.OrdinalIgnoreCase);
        }

        // Rebuilds the runspace's format table from its InitialSessionState.Formats, as Import-Module
        // and Remove-Module do. The views only change how objects look: whatever keeps them from
        // loading (a host with a shared, read-only format table, say) must not fail the cmdlet that is
        // writing an object, which then shows in PowerShell's default format, as it would have had the
        // import skipped the file.
        private static void Rebuild(Runspace runspace, InitialSessionState state)
        {
            object context = ContextOf(runspace);
            MethodInfo update = context == null ? null : typeof(InitialSessionState).GetMethod("UpdateFormats", Internal, null, new[] { context.GetType(), typeof(bool) }, null);
            if (update != null)
            {
                try
                {
                    update.Invoke(state, new[] { context, (object)false });
                }
                catch (TargetInvocationException)
                {
                }

                return;
            }

            // The public way, for a PowerShell without that method: Update-FormatData rebuilds from the
            // same list (the entry is in it already, so no path is needed).
            using (PowerShell shell = PowerShell.Create(RunspaceMode.CurrentRunspace))
            {
                shell.AddCommand("Microsoft.PowerShell.Utility\\Update-FormatData");
                try
                {
                    shell.Invoke();
                }
                catch (Exception e) when (e is RuntimeException || e is InvalidOperationException)
                {
                }
            }
        }

        private static object ContextOf(Runspace runspace)
        {
            // A runspace that is not open has no context; the getter throws then.
            try
            {
                return typeof(Runspace).GetProperty("ExecutionContext", Internal)?.GetValue(runspace, null);
            }
            catch (TargetInvocationException)
            {
                return null;
            }
        }

        /// <summary>
        /// The runspace's PostCommandLookupAction while the views wait: chains to whatever handler was
        /// there before, loads the views at the first command that reads them, then steps aside.
        /// </summary>
        private sealed class LookupWatch
        {
            private readonly EngineIntrinsics _engine;
            private readonly EventHandler<CommandLookupEventArgs> _previous;
            private readonly EventHandler<CommandLookupEventArgs> _handler;
            private bool _done;

            public LookupWatch(EngineIntrinsics engine)
            {
                _engine = engine;
                _previous = engine.InvokeCommand.PostCommandLookupAction;
                _handler = OnLookup;
                engine.InvokeCommand.PostCommandLookupAction = _handler;
            }

            private void OnLookup(object sender, CommandLookupEventArgs e)
            {
                _previous?.Invoke(sender, e);
                if (_done)
                {
                    return;
                }

                // The commands that show or read views: Format-*, Out-* but Out-Null, Get-FormatData
                // and Export-FormatData, also when reached through an alias (ft, fl, oh, ...).
                CommandInfo command = e.Command is AliasInfo alias ? alias.ResolvedCommand : e.Command;
                string name = command is CmdletInfo ? command.Name : null;
                bool readsViews = name != null
                                  && (name.StartsWith("Format-", StringComparison.OrdinalIgnoreCase)
                                      || (name.StartsWith("Out-", StringComparison.OrdinalIgnoreCase) && !string.Equals(name, "Out-Null", StringComparison.OrdinalIgnoreCase))
                                      || string.Equals(name, "Get-FormatData", StringComparison.OrdinalIgnoreCase)
                                      || string.Equals(name, "Export-FormatData", StringComparison.OrdinalIgnoreCase));
                if (!readsViews)
                {
                    return;
                }

                EnsureLoaded();
                StepAside();
            }

            // Gives the lookup back to the handler that was there, unless another one was put in
            // front of this one since: then this stays in the chain, doing nothing.
            public void StepAside()
            {
                _done = true;
                if (_engine.InvokeCommand.PostCommandLookupAction == _handler)
                {
                    _engine.InvokeCommand.PostCommandLookupAction = _previous;
                }
            }
        }
    }
}
