using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace PartnerCenterLicenses.Tests.Hosting
{
    /// <summary>
    /// One long-lived PartnerCenterLicenses.TestHost (<c>--serve</c>) and the runs it serves, one at a time,
    /// each in a new runspace with the module imported and its process-wide state reset.
    /// </summary>
    /// <remarks>
    /// The process is started on the first run and again after it was killed or died: a run that passes
    /// its timeout kills it (whatever wedged it is gone with it), and a run that finds it exited starts a
    /// new one. A crash during a run fails that run only. The process ends by itself when the test
    /// process closes its standard input, or exits.
    /// </remarks>
    internal sealed class HostedPowerShellPool
    {
        private const string TrustVariable = "SSL_CERT_FILE";

        // Keeps what a process wrote outside any run, for the message that explains its death.
        private const int MaxKeptOutsideRuns = 16_000;

        private readonly string _hostAssembly;
        private readonly string _trustBundle;
        private readonly SemaphoreSlim _oneRunAtATime = new SemaphoreSlim(1, 1);
        private ServingProcess _process;
        private long _lastRunId;

        /// <summary>Creates the pool; nothing starts until the first run.</summary>
        /// <param name="hostAssembly">The TestHost assembly to run with dotnet.</param>
        /// <param name="trustBundle">SSL_CERT_FILE for the process, or null for none.</param>
        public HostedPowerShellPool(string hostAssembly, string trustBundle)
        {
            _hostAssembly = hostAssembly;
            _trustBundle = trustBundle;
        }

        /// <summary>Runs <paramref name="request"/> once the runs before it are done.</summary>
        public async Task<HostedRunResult> RunAsync(HostedRunRequest request)
        {
            await _oneRunAtATime.WaitAsync().ConfigureAwait(false);
            try
            {
                return await RunNextAsync(request).ConfigureAwait(false);
            }
            finally
            {
                _oneRunAtATime.Release();
            }
        }

        private async Task<HostedRunResult> RunNextAsync(HostedRunRequest request)
        {
            Stopwatch clock = Stopwatch.StartNew();
            using var timeout = new CancellationTokenSource(request.Timeout);
            if (_process == null || !_process.IsUsable)
            {
                _process?.Dispose();
                _process = ServingProcess.Start(_hostAssembly, _trustBundle);
            }

            ServingProcess process = _process;
            long id = ++_lastRunId;
            PendingRun run = process.Begin(id);
            using var runEnded = new CancellationTokenSource();
            Task<Exception> stopper = request.StopWhen == null
                ? Task.FromResult<Exception>(null)
                : StopWhenAsync(process, id, request.StopWhen, runEnded.Token);

            JsonElement document;
            try
            {
                await process.SendAsync(Envelope(id, request)).ConfigureAwait(false);
                document = await run.Result.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                Forget(process, kill: true);
                throw new TimeoutException(
                    $"The hosted PowerShell run did not finish within {request.Timeout.TotalSeconds:0.###} s and its process tree was killed "
                    + "(the pooled host starts again for the next run)."
                    + SupervisedProcess.Section("Standard error", run.StandardError)
                    + SupervisedProcess.Section("Standard output", run.StrayOutput));
            }
            catch (Exception ex) when (ex is IOException || ex is HostExitedException)
            {
                Forget(process, kill: true);
                throw new HostedPowerShellException(
                    "The pooled PowerShell test host died during the run" + process.ExitDescription() + "."
                    + SupervisedProcess.Section("Standard error", run.StandardError)
                    + SupervisedProcess.Section("Standard error before the run", process.OutsideRuns)
                    + SupervisedProcess.Section("Standard output", run.StrayOutput),
                    ex);
            }
            finally
            {
                runEnded.Cancel();
                process.End(run);
            }

            clock.Stop();
            Exception stopFailure = await stopper.ConfigureAwait(false);
            HostedRunResult result;
            try
            {
                result = document.Deserialize<HostedRunResult>(HostedPowerShell.ResultOptions);
            }
            catch (JsonException ex)
            {
                Forget(process, kill: true);
                throw new HostedPowerShellException("The pooled PowerShell test host wrote a result that is not a result document.", ex);
            }

            result.StandardError = (result.StandardError ?? string.Empty) + run.StandardError;
            result.ConsoleOutput = (result.ConsoleOutput ?? string.Empty) + run.StrayOutput;
            result.Elapsed = clock.Elapsed;
            result.Pooled = true;
            if (result.HostFailure != null)
            {
                // Whatever broke outside the script may have left the process unfit for the next run.
                Forget(process, kill: true);
                throw new HostedPowerShellException(
                    "The pooled PowerShell test host failed outside the script."
                    + SupervisedProcess.Section("Host failure", result.HostFailure)
                    + SupervisedProcess.Section("Standard error", result.StandardError));
            }

            if (stopFailure != null)
            {
                throw new HostedPowerShellException("The run's StopWhen condition failed.", stopFailure);
            }

            return result;
        }

        private void Forget(ServingProcess process, bool kill)
        {
            if (kill)
            {
                process.Kill();
            }

            if (ReferenceEquals(_process, process))
            {
                _process = null;
            }

            process.Dispose();
        }

        // Waits for the condition, then asks the host to stop the run's script. Returns what the
        // condition threw, if anything, so that a broken condition fails the test instead of vanishing.
        private static async Task<Exception> StopWhenAsync(ServingProcess process, long id, Func<CancellationToken, Task> condition, CancellationToken runEnded)
        {
            try
            {
                await condition(runEnded).ConfigureAwait(false);
                if (!runEnded.IsCancellationRequested)
                {
                    await process.SendAsync(new JsonObject { ["id"] = id, ["stop"] = true }.ToJsonString()).ConfigureAwait(false);
                }

                return null;
            }
            catch (OperationCanceledException) when (runEnded.IsCancellationRequested)
            {
                return null;
            }
            catch (IOException) when (runEnded.IsCancellationRequested || process.HasExited)
            {
                // The run ended (or the process died, which the run reports) while the stop was on its way.
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }

        private string Envelope(long id, HostedRunRequest request)
        {
            var environment = new JsonObject();
            foreach (KeyValuePair<string, string> variable in request.Environment ?? new Dictionary<string, string>())
            {
                // The process was started with it; OpenSSL would not see a change anyway.
                if (variable.Key != TrustVariable)
                {
                    environment[variable.Key] = variable.Value;
                }
            }

            JsonObject run = HostedPowerShell.RequestDocument(request);
            run["environment"] = environment;
            return new JsonObject { ["id"] = id, ["run"] = run }.ToJsonString();
        }

        /// <summary>The harness side of one run: its result when it comes, and what the process wrote meanwhile.</summary>
        private sealed class PendingRun
        {
            private readonly StringBuilder _standardError = new StringBuilder();
            private readonly StringBuilder _strayOutput = new StringBuilder();

            public PendingRun(long id)
            {
                Id = id;
            }

            public long Id { get; }

            public TaskCompletionSource<JsonElement> Result { get; } =
                new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);

            public string StandardError
            {
                get { lock (_standardError) { return _standardError.ToString(); } }
            }

            public string StrayOutput
            {
                get { lock (_strayOutput) { return _strayOutput.ToString(); } }
            }

            public void AddStandardError(string line)
            {
                lock (_standardError)
                {
                    _standardError.AppendLine(line);
                }
            }

            public void AddStrayOutput(string line)
            {
                lock (_strayOutput)
                {
                    _strayOutput.AppendLine(line);
                }
            }
        }

        private sealed class HostExitedException : Exception
        {
            public HostExitedException(string message)
                : base(message)
            {
            }
        }

        /// <summary>The child process itself, and which run the lines it writes belong to.</summary>
        private sealed class ServingProcess : IDisposable
        {
            private readonly SupervisedProcess _process;
            private readonly SemaphoreSlim _writing = new SemaphoreSlim(1, 1);
            private readonly StringBuilder _outsideRuns = new StringBuilder();
            private readonly object _gate = new object();
            private PendingRun _current;
            private bool _outputClosed;

            private ServingProcess(string hostAssembly, string trustBundle)
            {
                _process = new SupervisedProcess(SupervisedProcess.Dotnet, new[] { hostAssembly, "--serve" })
                {
                    Name = "the pooled PowerShell test host",
                    Environment = new Dictionary<string, string>(StringComparer.Ordinal) { [TrustVariable] = trustBundle },
                    KeepInputOpen = true,
                    OutputLineHandler = TakeOutputLine,
                    ErrorLineHandler = TakeErrorLine,
                };
            }

            public bool HasExited => _process.HasExited;

            /// <summary>False once the process exited or closed its standard output: the next run needs a new one.</summary>
            public bool IsUsable
            {
                get
                {
                    lock (_gate)
                    {
                        if (_outputClosed)
                        {
                            return false;
                        }
                    }

                    return !HasExited;
                }
            }

            public string OutsideRuns
            {
                get { lock (_gate) { return _outsideRuns.ToString(); } }
            }

            public static ServingProcess Start(string hostAssembly, string trustBundle)
            {
                var serving = new ServingProcess(hostAssembly, trustBundle);
                try
                {
                    serving._process.Start();
                }
                catch (InvalidOperationException ex)
                {
                    throw new HostedPowerShellException(ex.Message, ex);
                }

                _ = serving.NoticeOutputClosedAsync();
                return serving;
            }

            public PendingRun Begin(long id)
            {
                var run = new PendingRun(id);
                lock (_gate)
                {
                    _current = run;
                    if (_outputClosed)
                    {
                        run.Result.TrySetException(new HostExitedException("The pooled host had closed its standard output."));
                    }
                }

                return run;
            }

            public void End(PendingRun run)
            {
                lock (_gate)
                {
                    if (ReferenceEquals(_current, run))
                    {
                        _current = null;
                    }
                }
            }

            public async Task SendAsync(string line)
            {
                await _writing.WaitAsync().ConfigureAwait(false);
                try
                {
                    await _process.Input.WriteLineAsync(line).ConfigureAwait(false);
                    await _process.Input.FlushAsync().ConfigureAwait(false);
                }
                catch (ObjectDisposedException ex)
                {
                    throw new IOException("The pooled host's standard input is closed.", ex);
                }
                finally
                {
                    _writing.Release();
                }
            }

            public string ExitDescription()
            {
                return HasExited ? " (it exited with code " + (_process.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown") + ")" : string.Empty;
            }

            public void Kill() => _process.Kill();

            public void Dispose() => _process.Dispose();

            private bool TakeOutputLine(string line)
            {
                if (!TryDeliverResult(line))
                {
                    lock (_gate)
                    {
                        if (_current != null)
                        {
                            _current.AddStrayOutput(line);
                        }
                        else
                        {
                            KeepOutsideRuns("stdout: " + line);
                        }
                    }
                }

                return true;
            }

            private bool TakeErrorLine(string line)
            {
                lock (_gate)
                {
                    if (_current != null)
                    {
                        _current.AddStandardError(line);
                    }
                    else
                    {
                        KeepOutsideRuns(line);
                    }
                }

                return true;
            }

            // The process is gone, or going: the run waiting for a result learns it here.
            private async Task NoticeOutputClosedAsync()
            {
                try
                {
                    await _process.OutputClosed.ConfigureAwait(false);
                }
                finally
                {
                    PendingRun orphan;
                    lock (_gate)
                    {
                        _outputClosed = true;
                        orphan = _current;
                    }

                    orphan?.Result.TrySetException(new HostExitedException("The pooled host closed its standard output."));
                }
            }

            // A result line is {"id": n, "result": {...}}; anything else on standard output is a stray write.
            private bool TryDeliverResult(string line)
            {
                if (!line.StartsWith("{\"id\":", StringComparison.Ordinal))
                {
                    return false;
                }

                JsonElement result;
                long id;
                try
                {
                    using JsonDocument document = JsonDocument.Parse(line);
                    id = document.RootElement.GetProperty("id").GetInt64();
                    result = document.RootElement.GetProperty("result").Clone();
                }
                catch (Exception ex) when (ex is JsonException || ex is KeyNotFoundException || ex is InvalidOperationException || ex is FormatException)
                {
                    return false;
                }

                PendingRun run;
                lock (_gate)
                {
                    run = _current;
                }

                if (run == null || run.Id != id)
                {
                    return false;
                }

                run.Result.TrySetResult(result);
                return true;
            }

            private void KeepOutsideRuns(string line)
            {
                if (_outsideRuns.Length < MaxKeptOutsideRuns)
                {
                    _outsideRuns.AppendLine(line);
                }
            }
        }
    }
}
