using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace PartnerCenterLicenses.Tests.Hosting
{
    /// <summary>
    /// One script to run in a new runspace of a real PowerShell engine in a child process: the
    /// long-lived pooled host by default, a process of its own when <see cref="FreshProcess"/> says so
    /// or when the request needs something only a new process can give (see <see cref="HostedPowerShell"/>).
    /// </summary>
    public sealed class HostedRunRequest
    {
        /// <summary>The default limit for a whole run, the start of a child process included.</summary>
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
        /// removes a variable the child would otherwise inherit from the test process. In the pooled
        /// host they are set for the duration of the run and put back afterwards; SSL_CERT_FILE, which
        /// OpenSSL reads once per process, chooses which pooled process serves the run.
        /// </summary>
        public IDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>
        /// Hard limit for the run. When it passes, the child's process tree is killed (a pooled one is
        /// started again for the next run) and <see cref="TimeoutException"/> is thrown.
        /// </summary>
        public TimeSpan Timeout { get; init; } = DefaultTimeout;

        /// <summary>
        /// When set, the host calls <c>PowerShell.Stop()</c> this long after the script starts, which is
        /// what Ctrl+C does in a console and what stopping a runbook job does.
        /// </summary>
        public TimeSpan? StopAfter { get; init; }

        /// <summary>
        /// When set, the script is stopped (as <see cref="StopAfter"/> stops it) as soon as this task
        /// completes: a stop tied to what the script is doing, such as "the emulator has answered the
        /// first call", instead of a guess at how long that takes on a loaded machine. The token is
        /// cancelled when the run ends first. Pooled runs only: a one-shot child reads no more input
        /// once its run has started.
        /// </summary>
        public Func<CancellationToken, Task> StopWhen { get; init; }

        /// <summary>
        /// True when the run must have a process of its own, started for it and ended after it: tests
        /// of what importing the module loads, of load contexts, of state that outlives a process, and
        /// of anything else a process shared with earlier runs would hide. Say why at the test.
        /// </summary>
        public bool FreshProcess { get; init; }

        /// <summary>
        /// Assemblies the child loads into its default load context before the engine starts, as
        /// another module or the host application would have.
        /// </summary>
        public IReadOnlyList<string> PreloadAssemblies { get; init; } = Array.Empty<string>();
    }
}
