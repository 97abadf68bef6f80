using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Tests.Hosting;

namespace PartnerCenterLicenses.Tests.RealConsole
{
    /// <summary>
    /// The real pwsh console (tools/pwsh) in a pseudo-terminal of a given size, the way a user runs it
    /// in a terminal window: what pwsh prints is read as the terminal receives it (colours and all),
    /// and what is written here reaches pwsh as typed keys, so Ctrl+C is the terminal's interrupt
    /// character turned into SIGINT by the terminal driver, not a call into the engine.
    /// </summary>
    /// <remarks>
    /// The terminal comes from util-linux <c>script</c> (package bsdutils, which every Debian and Ubuntu
    /// install has): it gives its command a new pseudo-terminal as its controlling terminal, relays
    /// this process's writes to it and its output back. The size is set with <c>stty</c> inside that
    /// terminal before pwsh starts, so pwsh reads it from the terminal (TIOCGWINSZ) like any console
    /// program. This class plays the terminal emulator's part too: it answers pwsh's cursor position
    /// queries, which PSReadLine sends before it draws a prompt.
    /// </remarks>
    public sealed class TerminalPwsh : IAsyncDisposable
    {
        /// <summary>The terminal's interrupt character (Ctrl+C).</summary>
        public const string InterruptCharacter = "\u0003";

        private const string CursorPositionQuery = "\u001b[6n";

        // CSI sequences (colours, cursor moves, modes), OSC sequences (titles, links) and the
        // two-character escapes (keypad modes) a terminal interprets instead of printing.
        private static readonly Regex EscapeSequences = new Regex(
            @"\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)|\u001b[()][0-9A-Za-z]|\u001b[=>78NM]",
            RegexOptions.Compiled);

        private readonly SupervisedProcess _process;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly object _gate = new object();
        private readonly SemaphoreSlim _input = new SemaphoreSlim(1, 1);
        private readonly StringBuilder _raw = new StringBuilder();
        private readonly List<(int End, TimeSpan At)> _arrivals = new List<(int, TimeSpan)>();
        private readonly Task _reader;

        private string _folder;

        private TerminalPwsh(SupervisedProcess process, int columns)
        {
            _process = process;
            Columns = columns;
            _reader = Task.Run(ReadTerminalAsync);
        }

        /// <summary>The terminal's width.</summary>
        public int Columns { get; }

        /// <summary>Time since the terminal was opened, on the clock that stamps arriving output.</summary>
        public TimeSpan Elapsed => _clock.Elapsed;

        /// <summary>Everything the terminal received, escape sequences included.</summary>
        public string Raw
        {
            get { lock (_gate) { return _raw.ToString(); } }
        }

        /// <summary>What the terminal shows, as lines: escape sequences removed, line ends as \n.</summary>
        public string Text => Visible(Raw);

        /// <summary>pwsh's exit code, once it has exited.</summary>
        public int? ExitCode => _process.ExitCode;

        /// <summary>
        /// Opens a terminal of <paramref name="columns"/> by 50 and starts
        /// <c>dotnet pwsh.dll -NoLogo -NoProfile</c> with <paramref name="arguments"/> in it.
        /// </summary>
        /// <param name="environment">Variables to set, or to remove where the value is null.</param>
        public static TerminalPwsh Start(int columns, IEnumerable<string> arguments, IDictionary<string, string> environment)
        {
            if (!File.Exists(RepositoryPaths.Pwsh))
            {
                throw new InvalidOperationException($"pwsh is not built at '{RepositoryPaths.Pwsh}': run dotnet build -c Release Module.sln.");
            }

            var command = new StringBuilder()
                // A terminal's Ctrl+C must reach pwsh even when this test run was started in the
                // background, whose programs inherit SIGINT as ignored (and .NET keeps it so).
                .Append("stty cols ").Append(columns).Append(" rows 50 && exec env --default-signal=INT ")
                .Append(ShellQuote(SupervisedProcess.Dotnet)).Append(' ').Append(ShellQuote(RepositoryPaths.Pwsh))
                .Append(" -NoLogo -NoProfile");
            foreach (string argument in arguments)
            {
                command.Append(' ').Append(ShellQuote(argument));
            }

            var variables = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                // A terminal that shows colours, as users have; the shell that runs the command line above.
                ["TERM"] = "xterm-256color",
                ["SHELL"] = "/bin/sh",
                ["NO_COLOR"] = null,

                // One culture for every run (the invariant one, which .NET picks for C), so expected
                // numbers and percents do not depend on the machine; UTF-8 so "…" arrives as itself.
                ["LANG"] = "C.UTF-8",
                ["LC_ALL"] = "C.UTF-8",
            };
            foreach (var pair in environment ?? new Dictionary<string, string>())
            {
                variables[pair.Key] = pair.Value;
            }

            // Quiet, return the command's exit code, flush at once, no typescript file.
            var terminal = new SupervisedProcess("script", new[] { "-q", "-e", "-f", "-c", command.ToString(), "/dev/null" })
            {
                Name = "the terminal (util-linux script)",
                Environment = variables,
                KeepInputOpen = true,
                RawOutput = true,
                OfflinePowerShell = true,
            };
            try
            {
                return new TerminalPwsh(terminal.Start(), columns);
            }
            catch (InvalidOperationException e) when (e.InnerException is Win32Exception)
            {
                throw new InvalidOperationException(
                    "util-linux 'script' is needed to give pwsh a terminal (Debian/Ubuntu: package bsdutils, always installed): " + e.InnerException.Message, e);
            }
        }

        /// <summary>
        /// Writes <paramref name="script"/> to a file of its own and runs it with
        /// <c>pwsh -NoLogo -NoProfile [switches] -File</c> in a terminal of <paramref name="columns"/>. pwsh's
        /// caches, settings and history go to the same new folder (XDG_CACHE_HOME, XDG_CONFIG_HOME,
        /// XDG_DATA_HOME), so every run starts as a first session and leaves nothing behind.
        /// </summary>
        public static TerminalPwsh RunFile(int columns, string script, IDictionary<string, string> environment, params string[] switches)
        {
            string folder = Path.Combine(Path.GetTempPath(), "pcl-console-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            string file = Path.Combine(folder, "script.ps1");
            File.WriteAllText(file, script, new UTF8Encoding(false));
            var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>(), StringComparer.Ordinal)
            {
                ["XDG_CACHE_HOME"] = Path.Combine(folder, "cache"),
                ["XDG_CONFIG_HOME"] = Path.Combine(folder, "config"),
                ["XDG_DATA_HOME"] = Path.Combine(folder, "data"),
            };
            try
            {
                TerminalPwsh terminal = Start(columns, switches.Concat(new[] { "-File", file }), variables);
                terminal._folder = folder;
                return terminal;
            }
            catch
            {
                Directory.Delete(folder, recursive: true);
                throw;
            }
        }

        /// <summary>Types <paramref name="keys"/> into the terminal.</summary>
        public async Task SendAsync(string keys)
        {
            // The reader answers queries on its own thread; keystrokes must not interleave with them.
            await _input.WaitAsync().ConfigureAwait(false);
            try
            {
                await _process.Input.WriteAsync(keys).ConfigureAwait(false);
                await _process.Input.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                _input.Release();
            }
        }

        /// <summary>
        /// Waits until the visible text contains <paramref name="text"/> after position
        /// <paramref name="after"/> of the raw output, and returns when the output that completed it arrived
        /// (on <see cref="Elapsed"/>'s clock) and the position in the raw output just after it.
        /// </summary>
        /// <exception cref="TimeoutException">It did not appear in time; the message shows the screen.</exception>
        public async Task<(TimeSpan At, int End)> WaitForAsync(string text, TimeSpan timeout, int after = 0)
        {
            var deadline = _clock.Elapsed + timeout;
            while (true)
            {
                bool finished = _reader.IsCompleted;
                lock (_gate)
                {
                    // Output only grows, so once the whole of it contains the text, the first arrival
                    // whose output contains it is the one that completed it.
                    if (ContainsVisible(after, _raw.Length, text))
                    {
                        int previous = 0;
                        foreach (var (end, at) in _arrivals)
                        {
                            if (end > after && ContainsVisible(after, end, text))
                            {
                                // Where in this read the text was completed, so a later wait can start
                                // right after it even if the same read brought more.
                                int low = Math.Max(previous, after), high = end;
                                while (low < high)
                                {
                                    int middle = low + ((high - low) / 2);
                                    if (ContainsVisible(after, middle, text))
                                    {
                                        high = middle;
                                    }
                                    else
                                    {
                                        low = middle + 1;
                                    }
                                }

                                return (at, low);
                            }

                            previous = end;
                        }
                    }
                }

                if (finished || _clock.Elapsed > deadline)
                {
                    throw new TimeoutException(
                        $"'{text}' did not appear within {timeout.TotalSeconds} s{(finished ? " (the terminal closed)" : string.Empty)}. {Describe()}\nstderr: {StandardErrorSoFar()}");
                }

                await Task.Delay(10).ConfigureAwait(false);
            }
        }

        /// <summary>Waits for pwsh to exit and for its last output, and returns the exit code.</summary>
        /// <exception cref="TimeoutException">pwsh did not exit in time, and was killed; the message shows the screen.</exception>
        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            int exitCode;
            try
            {
                exitCode = await _process.WaitForExitAsync(timeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"pwsh did not exit within {timeout.TotalSeconds} s. The terminal shows:\n{Text}");
            }

            await _reader.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            return exitCode;
        }

        /// <summary>Ends the terminal and pwsh if they are still running.</summary>
        public async ValueTask DisposeAsync()
        {
            _process.Kill();
            await Task.WhenAny(_reader, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
            _process.Dispose();
            if (_folder != null)
            {
                try
                {
                    Directory.Delete(_folder, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }

        /// <summary>The text a terminal shows for <paramref name="raw"/> output: no escape sequences, \n line ends.</summary>
        public static string Visible(string raw)
        {
            return EscapeSequences.Replace(raw, string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal);
        }

        /// <summary>A report of the run for assertion messages.</summary>
        public string Describe() => $"exit code {ExitCode?.ToString() ?? "(running)"}; the terminal ({Columns} columns) shows:\n{Text}";

        private bool ContainsVisible(int from, int to, string text)
        {
            from = Math.Min(from, to);
            return Visible(_raw.ToString(from, to - from)).Contains(text, StringComparison.Ordinal);
        }

        private string StandardErrorSoFar() => _process.Error;

        private async Task ReadTerminalAsync()
        {
            Stream output = _process.OutputStream;
            Decoder decoder = new UTF8Encoding(false).GetDecoder();
            var bytes = new byte[4096];
            var chars = new char[8192];
            while (true)
            {
                int read = await output.ReadAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                int count = decoder.GetChars(bytes, 0, read, chars, 0);
                int queries;
                lock (_gate)
                {
                    // A query split across two reads is found on the second: search from before its start.
                    int from = Math.Max(0, _raw.Length - (CursorPositionQuery.Length - 1));
                    _raw.Append(chars, 0, count);
                    _arrivals.Add((_raw.Length, _clock.Elapsed));
                    queries = CountOccurrences(_raw.ToString(from, _raw.Length - from), CursorPositionQuery);
                }

                // Answer as a terminal does; the position only has to be plausible.
                for (; queries > 0; queries--)
                {
                    try
                    {
                        await SendAsync("\u001b[1;1R").ConfigureAwait(false);
                    }
                    catch (IOException)
                    {
                        return;
                    }
                }
            }
        }

        private static int CountOccurrences(string text, string value)
        {
            int count = 0;
            for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
            {
                count++;
            }

            return count;
        }

        private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
