using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace PartnerCenter.Emulator
{
    /// <summary>
    /// The standalone emulator's switches, parsed apart from starting it so that a test drives the same
    /// parsing and the same mapping onto <see cref="EmulatorState"/> as a person at the command line does.
    /// Each switch that changes behaviour sets one of the state's own knobs; nothing here serves requests.
    /// </summary>
    public sealed class EmulatorCommandLine
    {
        /// <summary>
        /// What <c>--help</c> prints: every line within 80 columns, so a standard terminal never wraps it mid-word.
        /// </summary>
        public const string Help = """
            Usage: dotnet run --project tests/PartnerCenter.Emulator [-- SWITCHES]

            Serves Entra ID and the Partner Center API on https://127.0.0.1 until
            Ctrl+C, with a demo app registration, and prints how to use it.

              --port N               listen on port N (default: a free port)
              --info-file PATH       once serving, write the URL, trust bundle, demo
                                     clients and secrets to PATH as JSON (owner-only)
              --auto-approve-device-codes
                                     approve every device code for the default user
                                     when first polled (unattended device sign-in)

            Simulating a slow or failing service (Partner Center requests only;
            Entra ID's sign-in endpoints are never slowed or failed):
              --latency TIME         hold every request TIME before answering:
                                     500ms, 2s, 1m (a bare number is milliseconds)
              --page-size N          serve pages of at most N items: the commercial
                                     analytics API and the customer list (the
                                     emulator serves insights in one page)
              --throttle-every N     answer every Nth request 429 Too Many Requests
              --retry-after TIME     the Retry-After of those 429s (default 1s;
                                     a bare number is seconds)
              --fault STATUS[:N]     answer the next N requests (default 1) with
                                     the HTTP status STATUS, e.g. --fault 503:3
              --fault reset[:N]      reset the connection of the next N requests
                                     (repeat --fault to queue several in order)
              -h, --help             show this help

            Example, to try Ctrl+C and retries on a slow, throttled run (one line):
              dotnet run --project tests/PartnerCenter.Emulator -- --latency 2s
                --page-size 1 --throttle-every 3 --retry-after 5
            """;

        private readonly List<(EmulatorFault Fault, int Count)> _faults = new List<(EmulatorFault, int)>();

        /// <summary>Port to listen on; 0 for a free one.</summary>
        public int Port { get; private set; }

        /// <summary>Full path of the JSON info file, or null.</summary>
        public string InfoFile { get; private set; }

        /// <summary>Whether device codes are approved when first polled.</summary>
        public bool AutoApproveDeviceCodes { get; private set; }

        /// <summary>Whether <c>--help</c> was asked for.</summary>
        public bool ShowHelp { get; private set; }

        /// <summary><c>--latency</c>: becomes <see cref="EmulatorState.PartnerCenterLatency"/>.</summary>
        public TimeSpan Latency { get; private set; }

        /// <summary><c>--page-size</c>: becomes <see cref="EmulatorState.CommercialPageSize"/> and <see cref="EmulatorState.CustomerPageSize"/>.</summary>
        public int? PageSize { get; private set; }

        /// <summary><c>--throttle-every</c>: becomes <see cref="EmulatorState.ThrottleEvery"/>.</summary>
        public int? ThrottleEvery { get; private set; }

        /// <summary><c>--retry-after</c>: becomes <see cref="EmulatorState.ThrottleRetryAfter"/>.</summary>
        public TimeSpan RetryAfter { get; private set; } = TimeSpan.FromSeconds(1);

        /// <summary>How many requests the <c>--fault</c> switches answer with a fault, in all.</summary>
        public int FaultCount
        {
            get
            {
                int total = 0;
                foreach ((EmulatorFault _, int count) in _faults)
                {
                    total += count;
                }

                return total;
            }
        }

        /// <summary>
        /// Parses <paramref name="args"/>. On failure <paramref name="error"/> says which argument and why,
        /// in one line, and the result is null.
        /// </summary>
        public static EmulatorCommandLine Parse(IReadOnlyList<string> args, out string error)
        {
            var line = new EmulatorCommandLine();
            error = null;
            for (int i = 0; i < args.Count; i++)
            {
                string name = args[i];
                string inlineValue = null;
                int equals = name.IndexOf('=');
                if (name.StartsWith("--", StringComparison.Ordinal) && equals > 0)
                {
                    inlineValue = name.Substring(equals + 1);
                    name = name.Substring(0, equals);
                }

                if (name is "-h" or "--help" or "-?")
                {
                    line.ShowHelp = true;
                    continue;
                }

                if (name == "--auto-approve-device-codes")
                {
                    line.AutoApproveDeviceCodes = true;
                    continue;
                }

                if (name is not ("--port" or "--info-file" or "--latency" or "--page-size" or "--throttle-every" or "--retry-after" or "--fault"))
                {
                    error = $"Unknown argument '{args[i]}'; --help lists the switches.";
                    return null;
                }

                string value = inlineValue;
                if (value == null)
                {
                    if (i + 1 == args.Count)
                    {
                        error = $"{name} needs a value; --help says which.";
                        return null;
                    }

                    value = args[++i];
                }

                if (!line.TrySet(name, value))
                {
                    error = $"Invalid {name} '{value}'; --help says what it takes.";
                    return null;
                }
            }

            return line;
        }

        /// <summary>Sets the state's knobs to what the switches asked for and queues the <c>--fault</c> answers.</summary>
        public void ApplyTo(EmulatorState state)
        {
            ArgumentNullException.ThrowIfNull(state);
            state.PartnerCenterLatency = Latency;
            state.CommercialPageSize = PageSize;
            state.CustomerPageSize = PageSize;
            state.ThrottleRetryAfter = RetryAfter;
            state.ThrottleEvery = ThrottleEvery;
            foreach ((EmulatorFault fault, int count) in _faults)
            {
                for (int n = 0; n < count; n++)
                {
                    state.EnqueuePartnerCenterFault(fault);
                }
            }

            if (AutoApproveDeviceCodes)
            {
                state.AutoApproveDeviceCodesAfter = TimeSpan.Zero;
            }
        }

        private bool TrySet(string name, string value)
        {
            switch (name)
            {
                case "--port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
                    {
                        return false;
                    }

                    Port = port;
                    return true;
                case "--info-file":
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        return false;
                    }

                    InfoFile = Path.GetFullPath(value);
                    return true;
                case "--latency":
                    return TryParseTime(value, TimeSpan.FromMilliseconds(1), out TimeSpan latency) && Assign(() => Latency = latency);
                case "--retry-after":
                    return TryParseTime(value, TimeSpan.FromSeconds(1), out TimeSpan retryAfter) && Assign(() => RetryAfter = retryAfter);
                case "--page-size":
                    return TryParsePositive(value, out int pageSize) && Assign(() => PageSize = pageSize);
                case "--throttle-every":
                    return TryParsePositive(value, out int every) && Assign(() => ThrottleEvery = every);
                default:
                    return TryAddFault(value);
            }
        }

        private static bool Assign(Action set)
        {
            set();
            return true;
        }

        private bool TryAddFault(string value)
        {
            string kind = value;
            int count = 1;
            int colon = value.IndexOf(':');
            if (colon >= 0)
            {
                kind = value.Substring(0, colon);
                if (!TryParsePositive(value.Substring(colon + 1), out count))
                {
                    return false;
                }
            }

            EmulatorFault fault;
            if (string.Equals(kind, "reset", StringComparison.OrdinalIgnoreCase))
            {
                fault = EmulatorFault.ConnectionReset();
            }
            else if (int.TryParse(kind, NumberStyles.None, CultureInfo.InvariantCulture, out int status) && status >= 400 && status <= 599)
            {
                fault = EmulatorFault.Status(status, string.Create(
                    CultureInfo.InvariantCulture,
                    $$"""{"code":{{status}},"description":"A fault asked for with --fault {{status}}.","errorName":"EmulatorFault"}"""));
            }
            else
            {
                return false;
            }

            _faults.Add((fault, count));
            return true;
        }

        private static bool TryParsePositive(string text, out int value) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;

        /// <summary>A whole number with an optional unit (ms, s, m); a bare number is in <paramref name="bareUnit"/>.</summary>
        private static bool TryParseTime(string text, TimeSpan bareUnit, out TimeSpan time)
        {
            time = TimeSpan.Zero;
            string number = text;
            TimeSpan unit = bareUnit;
            foreach ((string suffix, TimeSpan length) in new[] { ("ms", TimeSpan.FromMilliseconds(1)), ("s", TimeSpan.FromSeconds(1)), ("m", TimeSpan.FromMinutes(1)) })
            {
                if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    number = text.Substring(0, text.Length - suffix.Length);
                    unit = length;
                    break;
                }
            }

            if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count > 24 * 60 * 60 * 1000 / unit.TotalMilliseconds)
            {
                return false;
            }

            time = unit * count;
            return true;
        }
    }
}
