using System;
using System.Collections.Generic;

namespace PartnerCenterLicenses.Tests.Hosting
{
    /// <summary>
    /// One script to run in a fresh PowerShell engine in a child process.
    /// </summary>
    public sealed class HostedRunRequest
    {
        /// <summary>The default limit for a whole run, child start-up included.</summary>
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

        /// <summary>Creates an empty request; set <see cref="Script"/> with an object initializer.</summary>
        public HostedRunRequest()
        {
        }

        /// <summary>Creates a request for <paramref name="script"/>.</summary>
        public HostedRunRequest(string script)
        {
            Script = script ?? throw new ArgumentNullException(nameof(script));
        }

        /// <summary>PowerShell text, run as a script block in a runspace with no interactive host.</summary>
        public string Script { get; init; }

        /// <summary>
        /// A module manifest to import with <c>-ErrorAction Stop</c> before the script, or null.
        /// A failed import is reported as the run's terminating error and the script is not run.
        /// </summary>
        public string ModulePath { get; init; }

        /// <summary>
        /// When true, the import is prepended to the script text rather than run as its own pipeline,
        /// the way a runbook that imports the module itself would do it.
        /// </summary>
        public bool ImportModuleInScript { get; init; }

        /// <summary>
        /// Variables added to the child's environment (for example SSL_CERT_FILE). A null value
        /// removes a variable the child would otherwise inherit from the test process.
        /// </summary>
        public IDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>
        /// Hard limit for the run. When it passes, the child's process tree is killed and
        /// <see cref="TimeoutException"/> is thrown.
        /// </summary>
        public TimeSpan Timeout { get; init; } = DefaultTimeout;

        /// <summary>
        /// When set, the host calls <c>PowerShell.Stop()</c> this long after the script starts, which is
        /// what Ctrl+C does in a console and what stopping a runbook job does.
        /// </summary>
        public TimeSpan? StopAfter { get; init; }

        /// <summary>
        /// Assemblies the child loads into its default load context before the engine starts, as
        /// another module or the host application would have.
        /// </summary>
        public IReadOnlyList<string> PreloadAssemblies { get; init; } = Array.Empty<string>();
    }
}
