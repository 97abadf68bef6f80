using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// What every cmdlet of the module shares: Ctrl+C cancels whatever the engine is doing, engine
    /// messages reach the verbose/debug/warning streams on the pipeline thread, and engine failures
    /// become ErrorRecords with stable ids.
    /// </summary>
    public abstract class PartnerCenterCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private readonly QueuedLog _log = new QueuedLog();
        private ISessionLease _lease;
        private CancellationTokenRegistration? _stopRegistration;

        /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
        protected internal CancellationToken StopToken
        {
            get { return _stopping.Token; }
        }

        /// <summary>Collects engine messages from any thread until the pipeline thread writes them.</summary>
        internal IEngineLog Log
        {
            get { return _log; }
        }

        /// <summary>The process-wide engine, loaded on first use.</summary>
        internal IPartnerCenterEngine Engine
        {
            get
            {
                try
                {
                    return EngineLoader.Engine;
                }
                catch (PartnerCenterException e)
                {
                    ThrowTerminatingError(ToErrorRecord(e, null));
                    return null;
                }
            }
        }

        /// <summary>Reads which of the engine's message streams anyone will see.</summary>
        protected override void BeginProcessing()
        {
            _log.IsVerboseEnabled = StreamShown("Verbose", "VerbosePreference");
            _log.IsDebugEnabled = StreamShown("Debug", "DebugPreference");
        }

        // -Verbose/-Debug on the command win; otherwise the preference variable in scope decides.
        private bool StreamShown(string switchName, string preferenceVariable)
        {
            if (MyInvocation.BoundParameters.TryGetValue(switchName, out object bound))
            {
                return bound is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(bound);
            }

            try
            {
                var preference = LanguagePrimitives.ConvertTo<ActionPreference>(GetVariableValue(preferenceVariable) ?? ActionPreference.SilentlyContinue);
                return preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore;
            }
            catch (PSInvalidCastException)
            {
                return true;
            }
        }

        /// <summary>
        /// Whether an error this command writes ends it: -ErrorAction Stop on the command, or without
        /// -ErrorAction, $ErrorActionPreference = 'Stop' in scope. Work that goes on beside the pipeline
        /// (the fan-out) can then stop the moment it fails, rather than when the error is written.
        /// </summary>
        internal bool ErrorsStop
        {
            get
            {
                object preference = MyInvocation.BoundParameters.TryGetValue("ErrorAction", out object bound) ? bound : GetVariableValue("ErrorActionPreference");
                try
                {
                    return preference != null && LanguagePrimitives.ConvertTo<ActionPreference>(preference) == ActionPreference.Stop;
                }
                catch (PSInvalidCastException)
                {
                    return false;
                }
            }
        }

        /// <summary>Cancels the work in flight.</summary>
        protected override void StopProcessing()
        {
            try
            {
                _stopping.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The pipeline was stopped after this cmdlet had ended; there is nothing to cancel.
            }
        }

        /// <summary>
        /// Releases the cancellation source when the pipeline is done with the cmdlet; PowerShell
        /// calls this for cmdlets that implement IDisposable.
        /// </summary>
        public void Dispose()
        {
            OnDispose();
            _lease?.Dispose();
            _stopRegistration?.Dispose();
            _stopping.Dispose();

            // The wake-up event is not disposed: a task abandoned at Ctrl+C may still set it, and
            // without a wait handle asked of it, it holds nothing but memory.
        }

        /// <summary>Releases what a cmdlet holds beyond the cancellation source; called first by <see cref="Dispose"/>.</summary>
        internal virtual void OnDispose()
        {
        }

        /// <summary>
        /// The one bridge from the engine's tasks to the pipeline: waits on the pipeline thread for
        /// <paramref name="task"/>, writing the engine's messages the moment they arrive, so a long
        /// sign-in or page shows progress in -Verbose, and Ctrl+C ends the wait at once. A failure
        /// ends the cmdlet with the engine's error, after <paramref name="beforeFailure"/> has written
        /// what the caller still holds.
        /// </summary>
        internal T Await<T>(Task<T> task, Action beforeFailure = null)
        {
            if (!task.IsCompleted)
            {
                // One event wakes this thread for all three reasons (the task ends, a message
                // arrives, Ctrl+C), so a call creates no wait handle of its own; it is reset before
                // the checks, so a wake-up that comes while they run is kept for the next wait.
                ManualResetEventSlim wake = _log.Arrived;
                task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_log.Wake);
                _stopRegistration = _stopRegistration ?? (CancellationTokenRegistration?)_stopping.Token.Register(_log.Wake);
                while (!task.IsCompleted)
                {
                    wake.Wait();
                    wake.Reset();
                    FlushLog();
                    if (_stopping.IsCancellationRequested && !task.IsCompleted)
                    {
                        // The engine honours the token too; observe its fault so it is never unobserved.
                        // What it still returns is released, so a reader opened just as Ctrl+C came does
                        // not keep its response and its session alive.
                        task.ContinueWith(
                            t =>
                            {
                                if (t.Status == TaskStatus.RanToCompletion)
                                {
                                    (t.Result as IDisposable)?.Dispose();
                                }
                                else
                                {
                                    var ignored = t.Exception;
                                }
                            },
                            TaskScheduler.Default);
                        throw new PipelineStoppedException();
                    }
                }
            }

            FlushLog();
            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (PartnerCenterException e)
            {
                beforeFailure?.Invoke();
                ThrowTerminating(e);
                throw; // not reached: ThrowTerminating always throws
            }
        }

        /// <summary>
        /// What every request of this invocation shares: one MS-CorrelationId across all of its
        /// requests, customers and pages, the user's locale, and the request options in force now.
        /// </summary>
        internal CmdletCall NewCall()
        {
            return new CmdletCall(Guid.NewGuid(), PartnerCenterLocale());
        }

        /// <summary>
        /// The session this invocation reads through, held until the cmdlet is disposed; the
        /// cmdlet ends with PartnerCenter.NotConnected when there is none.
        /// </summary>
        internal ISessionLease Session
        {
            get
            {
                try
                {
                    return _lease ?? (_lease = Engine.Lease());
                }
                catch (PartnerCenterException e)
                {
                    ThrowTerminating(e);
                    return null;
                }
            }
        }

        /// <summary>Writes a stream's items to the pipeline as they are read.</summary>
        internal void WriteAll<T>(IItemStream<T> stream)
        {
            while (Next(stream))
            {
                WriteObject(stream.Current);
            }
        }

        /// <summary>
        /// Moves a stream to its next item through the one bridge (<see cref="Await{T}"/>): false at
        /// the end. Items already in hand cost no wait.
        /// </summary>
        internal bool Next<T>(IItemStream<T> stream, Action beforeFailure = null)
        {
            Task<bool> next;
            try
            {
                next = stream.MoveNextAsync();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (PartnerCenterException e)
            {
                beforeFailure?.Invoke();
                ThrowTerminating(e);
                throw; // not reached: ThrowTerminating always throws
            }

            if (next.Status == TaskStatus.RanToCompletion)
            {
                FlushLog();
                return next.Result;
            }

            return Await(next, beforeFailure);
        }

        // Partner Center localizes its messages by X-Locale; send the user's UI culture when it is
        // a specific culture, and the service's default otherwise (the invariant culture on Linux).
        private static string PartnerCenterLocale()
        {
            System.Globalization.CultureInfo culture = System.Globalization.CultureInfo.CurrentUICulture;
            return culture.IsNeutralCulture || string.IsNullOrEmpty(culture.Name) ? "en-US" : culture.Name;
        }

        /// <summary>Writes the engine messages collected so far. Call only on the pipeline thread.</summary>
        internal void FlushLog()
        {
            QueuedLog.Entry entry;
            while (_log.TryDequeue(out entry))
            {
                switch (entry.Stream)
                {
                    case QueuedLog.StreamKind.Verbose: WriteVerbose(entry.Message); break;
                    case QueuedLog.StreamKind.Debug: WriteDebug(entry.Message); break;
                    default: WriteWarning(entry.Message); break;
                }
            }
        }

        /// <summary>
        /// The tenant checked before it can become part of an authority URL (trimmed; null for the
        /// flow's default), or the cmdlet ends with PartnerCenter.InvalidArgument.
        /// </summary>
        internal TenantName CheckedTenant(string tenant)
        {
            try
            {
                return TenantName.Parse(tenant);
            }
            catch (PartnerCenterException e)
            {
                ThrowTerminating(e, tenant);
                return null;
            }
        }

        /// <summary>The environment of that name, or the cmdlet ends with PartnerCenter.UnknownEnvironment.</summary>
        internal PartnerCenterLicenses.Models.PartnerCenterEnvironment KnownEnvironment(string name)
        {
            try
            {
                return PartnerCenterLicenses.Models.PartnerCenterEnvironments.Get(name);
            }
            catch (PartnerCenterException e)
            {
                ThrowTerminating(e, name);
                return null;
            }
        }

        /// <summary>Reports an engine failure and ends the cmdlet.</summary>
        internal void ThrowTerminating(PartnerCenterException e, object target = null)
        {
            FlushLog();
            ThrowTerminatingError(ToErrorRecord(Explained(e), target));
        }

        /// <summary>
        /// The failure as this command tells it: a command that knows more than the engine (the dataset a
        /// rejected query reads, the query id not found) restates the recommended action; id, kind and
        /// message stay the engine's.
        /// </summary>
        internal virtual PartnerCenterException Explained(PartnerCenterException failure) => failure;

        /// <summary>The one place an engine failure becomes an ErrorRecord.</summary>
        internal static ErrorRecord ToErrorRecord(PartnerCenterException e, object target)
        {
            var record = new ErrorRecord(e, e.ErrorId, ToCategory(e.Kind), target);
            string action = TerminalText.Clean(RefreshTokenAdvice.RecommendedActionOf(e));
            if (!string.IsNullOrEmpty(action))
            {
                record.ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = action };
            }

            return record;
        }

        /// <summary>
        /// The application's credential from the parameters a cmdlet binds: a client secret in a
        /// PSCredential (user name: the application id), a certificate, a thumbprint, or none for a
        /// public client. One place, so Connect-PartnerCenter and New-PartnerCenterRefreshToken refuse
        /// the same mistakes.
        /// </summary>
        internal static ApplicationCredential ApplicationCredentialOf(string applicationId, PSCredential credential, string certificateThumbprint, X509Certificate2 certificate)
        {
            int credentials = (credential != null ? 1 : 0) + (certificateThumbprint != null ? 1 : 0) + (certificate != null ? 1 : 0);
            if (credentials > 1)
            {
                throw new PartnerCenterException(
                    PartnerCenterErrorIds.InvalidArgument,
                    PartnerCenterErrorKind.InvalidArgument,
                    "Give the application one credential: -Credential (client secret), -CertificateThumbprint or -Certificate, not several.");
            }

            if (credential != null)
            {
                if (!string.IsNullOrEmpty(credential.UserName)
                    && !string.Equals(credential.UserName, applicationId, StringComparison.OrdinalIgnoreCase))
                {
                    throw new PartnerCenterException(
                        PartnerCenterErrorIds.InvalidArgument,
                        PartnerCenterErrorKind.InvalidArgument,
                        "-Credential names application '" + credential.UserName + "' but -ApplicationId is '" + applicationId
                        + "'. The credential's user name must be the application id and its password the client secret.");
                }

                if (credential.Password == null || credential.Password.Length == 0)
                {
                    throw EmptySecret(
                        "-Credential has an empty password, and its password must be the application's client secret. Nothing was sent.",
                        "Pass the secret's value as the password, for example -Credential (Get-Credential -UserName "
                        + RefreshTokenAdvice.Quote(applicationId) + "), or in a runbook the automation credential whose password is the secret.");
                }

                return ApplicationCredential.FromSecret(credential.Password);
            }

            if (certificate != null)
            {
                return ApplicationCredential.FromCertificate(certificate);
            }

            return certificateThumbprint != null ? ApplicationCredential.FromThumbprint(certificateThumbprint) : null;
        }

        /// <summary>
        /// Refuses an empty refresh token or access token before anything is sent: Entra ID would only
        /// answer that a parameter is missing (AADSTS900144), and Partner Center that the caller is unknown.
        /// </summary>
        internal void RequireToken(System.Security.SecureString token, string parameter, string advice)
        {
            if (token != null && token.Length > 0)
            {
                return;
            }

            ThrowTerminating(EmptySecret(parameter + " is empty. Nothing was sent.", advice), parameter);
        }

        private static PartnerCenterException EmptySecret(string message, string advice)
        {
            return new PartnerCenterException(PartnerCenterErrorIds.InvalidArgument, PartnerCenterErrorKind.InvalidArgument, message)
            {
                RecommendedAction = advice,
            };
        }

        /// <summary>
        /// Hosts without a person behind them: the runbook and service hosts, remoting, and pwsh
        /// started with -NonInteractive. An interactive sign-in there would wait for nobody.
        /// </summary>
        internal bool HostIsInteractive()
        {
            string name = Host?.Name ?? string.Empty;
            if (name == "Default Host" || name == "ServerRemoteHost" || Host?.UI?.RawUI == null)
            {
                return false;
            }

            foreach (string argument in Environment.GetCommandLineArgs())
            {
                if (argument.Equals("-NonInteractive", StringComparison.OrdinalIgnoreCase) || argument.Equals("-noni", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }

            return Environment.UserInteractive;
        }

        internal static ErrorCategory ToCategory(PartnerCenterErrorKind kind)
        {
            switch (kind)
            {
                case PartnerCenterErrorKind.NotConnected: return ErrorCategory.AuthenticationError;
                case PartnerCenterErrorKind.Authentication: return ErrorCategory.AuthenticationError;
                case PartnerCenterErrorKind.PermissionDenied: return ErrorCategory.PermissionDenied;
                case PartnerCenterErrorKind.NotFound: return ErrorCategory.ObjectNotFound;
                case PartnerCenterErrorKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case PartnerCenterErrorKind.ServiceUnavailable: return ErrorCategory.ResourceUnavailable;
                case PartnerCenterErrorKind.Throttled: return ErrorCategory.LimitsExceeded;
                case PartnerCenterErrorKind.Timeout: return ErrorCategory.OperationTimeout;
                case PartnerCenterErrorKind.InvalidResponse: return ErrorCategory.InvalidData;
                case PartnerCenterErrorKind.Security: return ErrorCategory.SecurityError;
                default: return ErrorCategory.InvalidOperation;
            }
        }

        /// <summary>An engine log that queues messages for the pipeline thread.</summary>
        private sealed class QueuedLog : IEngineLog
        {
            private readonly ConcurrentQueue<Entry> _entries = new ConcurrentQueue<Entry>();

            public QueuedLog()
            {
                Wake = Arrived.Set;
            }

            /// <summary>Set when a message arrives (or the awaited task ends, or Ctrl+C), to wake the pipeline thread waiting in Await.</summary>
            // No spinning: the pipeline thread waits for the network, and on a small machine a spin
            // takes the core from the thread that is reading the answer.
            public ManualResetEventSlim Arrived { get; } = new ManualResetEventSlim(false, 0);

            /// <summary>Sets <see cref="Arrived"/>; one delegate for every wake-up of this cmdlet.</summary>
            public Action Wake { get; }

            public bool IsVerboseEnabled { get; set; } = true;

            public bool IsDebugEnabled { get; set; } = true;

            public enum StreamKind { Verbose, Debug, Warning }

            public void Verbose(string message)
            {
                if (IsVerboseEnabled)
                {
                    Enqueue(new Entry(StreamKind.Verbose, message));
                }
            }

            public void Debug(string message)
            {
                if (IsDebugEnabled)
                {
                    Enqueue(new Entry(StreamKind.Debug, message));
                }
            }

            public void Warning(string message) { Enqueue(new Entry(StreamKind.Warning, message)); }

            // Engine messages quote servers (the device code message is Entra ID's own words), so they are
            // cleaned of terminal control characters here, on their one way to the streams.
            private void Enqueue(Entry entry)
            {
                _entries.Enqueue(new Entry(entry.Stream, TerminalText.Clean(entry.Message)));
                Arrived.Set();
            }

            public bool TryDequeue(out Entry entry) { return _entries.TryDequeue(out entry); }

            public struct Entry
            {
                public Entry(StreamKind stream, string message) { Stream = stream; Message = message; }
                public StreamKind Stream { get; }
                public string Message { get; }
            }
        }
    }
}
