using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace PartnerCenterLicenses.Tests.Hosting
{
    /// <summary>
    /// A child process that the tests, the bench and the try-it program start and wait for: dotnet, pwsh,
    /// the PowerShell test host, a terminal. Its standard output and error are read line by line from the
    /// moment it starts, so it never blocks on a full pipe; a wait has a limit, past which it is killed
    /// with every process it started; and disposing of it ends it, so nothing outlives its owner.
    /// </summary>
    /// <remarks>
    /// A stream with a line handler belongs to the handler (a protocol spoken over it); the lines the
    /// handler does not take, and every line of a stream without one, are kept: in <see cref="Output"/>
    /// or <see cref="Error"/>, and both in the order they came in <see cref="Transcript"/>.
    /// </remarks>
    public sealed class SupervisedProcess : IDisposable
    {
        /// <summary>
        /// Bounds the wait for the pipes of a process that exited or was killed, so a grandchild that
        /// inherited them cannot turn a timeout into a hang.
        /// </summary>
        public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);

        private const int MaxShownLength = 4000;

        private static readonly Lazy<string> dotnet = new Lazy<string>(FindDotnet);

        private readonly StringBuilder _output = new StringBuilder();
        private readonly StringBuilder _error = new StringBuilder();
        private readonly StringBuilder _transcript = new StringBuilder();
        private Process _process;
        private Task _outputRead = Task.CompletedTask;
        private Task _errorRead = Task.CompletedTask;

        /// <summary>Describes the process; nothing starts before <see cref="Start"/>.</summary>
        public SupervisedProcess(string fileName, IEnumerable<string> arguments)
        {
            FileName = fileName;
            Arguments = arguments.ToList();
        }

        /// <summary>
        /// The dotnet muxer that runs the tests when it can be known (DOTNET_HOST_PATH, which dotnet test
        /// sets, or this process itself), so a child runs on the same installation; else dotnet from PATH.
        /// </summary>
        public static string Dotnet => dotnet.Value;

        public string FileName { get; }

        public IReadOnlyList<string> Arguments { get; }

        /// <summary>What failure messages call the process, in the middle of a sentence ("the Pester run"); its file name by default.</summary>
        public string Name { get; init; }

        /// <summary>Variables set over the inherited environment; a null value removes one.</summary>
        public IEnumerable<KeyValuePair<string, string>> Environment { get; init; }

        public string WorkingDirectory { get; init; }

        /// <summary>
        /// Keeps standard input open for <see cref="Input"/>. Otherwise it is closed at the start, so a
        /// child that reads it finds its end instead of waiting for a person.
        /// </summary>
        public bool KeepInputOpen { get; init; }

        /// <summary>Leaves standard output unread, to be read from <see cref="OutputStream"/>: for output that is not lines (a terminal's).</summary>
        public bool RawOutput { get; init; }

        /// <summary>
        /// Tells PowerShell in the child not to reach for the network on its own (telemetry, update check),
        /// as a test or benchmark run of pwsh must not. The test host leaves it off: its engine starts as
        /// the cold-start counters have always measured it.
        /// </summary>
        public bool OfflinePowerShell { get; init; }

        /// <summary>Shares this process's console instead of redirecting anything, for a person to use the child.</summary>
        public bool UseConsole { get; init; }

        /// <summary>Sees each line of standard output as it comes; a line it returns false for is kept as an unhandled one.</summary>
        public Func<string, bool> OutputLineHandler { get; init; }

        /// <summary>Sees each line of standard error as it comes; a line it returns false for is kept as an unhandled one.</summary>
        public Func<string, bool> ErrorLineHandler { get; init; }

        public StreamWriter Input => _process.StandardInput;

        public Stream OutputStream => _process.StandardOutput.BaseStream;

        /// <summary>Ends when standard output has closed and every line of it was handled or kept.</summary>
        public Task OutputClosed => _outputRead;

        /// <summary>The unhandled lines of standard output so far.</summary>
        public string Output => Snapshot(_output);

        /// <summary>The unhandled lines of standard error so far.</summary>
        public string Error => Snapshot(_error);

        /// <summary>The unhandled lines of both streams so far, in the order they came, as a person at the console reads them.</summary>
        public string Transcript => Snapshot(_transcript);

        public bool HasExited
        {
            get
            {
                try
                {
                    return _process.HasExited;
                }
                catch (InvalidOperationException)
                {
                    return true;
                }
            }
        }

        /// <summary>The exit code, or null while the process runs (or when it cannot be known).</summary>
        public int? ExitCode
        {
            get
            {
                try
                {
                    return _process.HasExited ? _process.ExitCode : null;
                }
                catch (InvalidOperationException)
                {
                    return null;
                }
            }
        }

        private string Described => Name ?? Path.GetFileName(FileName);

        /// <summary>Starts the process and the reading of its output.</summary>
        /// <exception cref="InvalidOperationException">It could not be started.</exception>
        public SupervisedProcess Start()
        {
            var startInfo = new ProcessStartInfo(FileName)
            {
                UseShellExecute = false,
                CreateNoWindow = !UseConsole,
                WorkingDirectory = WorkingDirectory ?? string.Empty,
            };
            if (!UseConsole)
            {
                var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
                startInfo.RedirectStandardInput = startInfo.RedirectStandardOutput = startInfo.RedirectStandardError = true;
                startInfo.StandardInputEncoding = startInfo.StandardOutputEncoding = startInfo.StandardErrorEncoding = utf8;
            }

            foreach (string argument in Arguments)
            {
                startInfo.ArgumentList.Add(argument);
            }

            if (OfflinePowerShell)
            {
                startInfo.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
                startInfo.Environment["POWERSHELL_UPDATECHECK"] = "Off";
            }

            foreach (KeyValuePair<string, string> variable in Environment ?? Enumerable.Empty<KeyValuePair<string, string>>())
            {
                if (variable.Value == null)
                {
                    startInfo.Environment.Remove(variable.Key);
                }
                else
                {
                    startInfo.Environment[variable.Key] = variable.Value;
                }
            }

            var process = new Process { StartInfo = startInfo };
            try
            {
                process.Start();
            }
            catch (Win32Exception e)
            {
                process.Dispose();
                string hint = FileName == Dotnet ? " Set DOTNET_HOST_PATH or put dotnet on PATH." : string.Empty;
                throw new InvalidOperationException($"Could not start {Described} ('{FileName}'): {e.Message}.{hint}", e);
            }

            _process = process;
            if (!UseConsole)
            {
                if (!KeepInputOpen)
                {
                    process.StandardInput.Close();
                }

                _errorRead = ReadLinesAsync(process.StandardError, _error, ErrorLineHandler);
                if (!RawOutput)
                {
                    _outputRead = ReadLinesAsync(process.StandardOutput, _output, OutputLineHandler);
                }
            }

            return this;
        }

        /// <summary>Waits for the process to exit and for its output to be read, and returns its exit code.</summary>
        /// <param name="limit">How long it may take (<see cref="Timeout.InfiniteTimeSpan"/> for as long as it takes).</param>
        /// <exception cref="TimeoutException">
        /// It was still running after <paramref name="limit"/>: it was killed with every process it
        /// started, and the message shows what it wrote.
        /// </exception>
        /// <exception cref="InvalidOperationException">It exited, but something it started still holds its output pipes.</exception>
        public async Task<int> WaitForExitAsync(TimeSpan limit)
        {
            using (var timeout = new CancellationTokenSource(limit))
            {
                try
                {
                    await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    Kill();
                    await OutputReadAsync().ConfigureAwait(false);
                    throw new TimeoutException(
                        $"Killed {Described} with every process it started: it did not finish within {limit.TotalSeconds:0.###} s."
                        + Section("Standard error", Error)
                        + Section("Standard output", Output));
                }
            }

            if (!await OutputReadAsync().ConfigureAwait(false))
            {
                throw new InvalidOperationException(
                    $"The output pipes of {Described} stayed open after it exited: something it started is still running and holds them.");
            }

            return _process.ExitCode;
        }

        /// <summary>Kills the process and every process it started, if it is still running, and waits a little for them to go.</summary>
        public void Kill()
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit((int)DrainLimit.TotalMilliseconds);
            }
            catch (Exception e) when (e is InvalidOperationException || e is Win32Exception)
            {
                // It exited on its own in the meantime.
            }
        }

        /// <summary>Closes standard input (how a child serving requests is told to end) and kills what still runs.</summary>
        public void Dispose()
        {
            if (_process == null)
            {
                return;
            }

            if (!UseConsole)
            {
                try
                {
                    _process.StandardInput.Dispose();
                }
                catch (IOException)
                {
                    // The child stopped reading; it is going anyway.
                }
            }

            if (!HasExited)
            {
                Kill();
            }

            _process.Dispose();
        }

        /// <summary>A titled block of a failure message, its middle left out when long; empty when there is nothing to show.</summary>
        public static string Section(string title, string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return string.Empty;
            }

            text = text.TrimEnd();
            if (text.Length > MaxShownLength)
            {
                int half = MaxShownLength / 2;
                text = text.Substring(0, half) + $"{System.Environment.NewLine}... ({text.Length - MaxShownLength} characters left out) ...{System.Environment.NewLine}"
                    + text.Substring(text.Length - half);
            }

            return $"{System.Environment.NewLine}--- {title} ---{System.Environment.NewLine}{text}";
        }

        private static string FindDotnet()
        {
            string fromSdk = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
            {
                return fromSdk;
            }

            string current = System.Environment.ProcessPath;
            if (current != null && string.Equals(Path.GetFileNameWithoutExtension(current), "dotnet", StringComparison.OrdinalIgnoreCase))
            {
                return current;
            }

            return "dotnet";
        }

        // False when the pipes are still open after the drain limit.
        private async Task<bool> OutputReadAsync()
        {
            try
            {
                await Task.WhenAll(_outputRead, _errorRead).WaitAsync(DrainLimit).ConfigureAwait(false);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        private async Task ReadLinesAsync(StreamReader reader, StringBuilder kept, Func<string, bool> handler)
        {
            try
            {
                string line;
                while ((line = await reader.ReadLineAsync().ConfigureAwait(false)) != null)
                {
                    if (handler != null && handler(line))
                    {
                        continue;
                    }

                    lock (_transcript)
                    {
                        kept.AppendLine(line);
                        _transcript.AppendLine(line);
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException || e is InvalidOperationException)
            {
                // Disposed of while its pipe was read: what came before is kept.
            }
        }

        private string Snapshot(StringBuilder text)
        {
            lock (_transcript)
            {
                return text.ToString();
            }
        }
    }
}
