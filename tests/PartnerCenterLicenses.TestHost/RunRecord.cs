using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace PartnerCenterLicenses.TestHost
{
    /// <summary>
    /// Everything observed during one hosted run, already converted to JSON nodes.
    /// </summary>
    /// <remarks>
    /// Conversion happens while the runspace is still open because script properties added through
    /// the extended type system can only be evaluated with a live runspace. Stream handlers run on
    /// the pipeline thread while <c>Stop()</c> may run on another, so every mutation takes the lock.
    /// </remarks>
    public sealed class RunRecord
    {
        private readonly object gate = new object();

        /// <summary>Output objects, in the order the pipeline produced them.</summary>
        public JsonArray Output { get; } = new JsonArray();

        /// <summary>Error stream records.</summary>
        public JsonArray Errors { get; } = new JsonArray();

        /// <summary>The terminating error, if the run ended with one.</summary>
        public JsonObject TerminatingError { get; set; }

        /// <summary>Warning stream messages.</summary>
        public JsonArray Warning { get; } = new JsonArray();

        /// <summary>Verbose stream messages.</summary>
        public JsonArray Verbose { get; } = new JsonArray();

        /// <summary>Debug stream messages.</summary>
        public JsonArray Debug { get; } = new JsonArray();

        /// <summary>Information stream messages.</summary>
        public JsonArray Information { get; } = new JsonArray();

        /// <summary>All non-output stream records interleaved in the order they were written.</summary>
        public JsonArray Streams { get; } = new JsonArray();

        /// <summary>True when any pipeline of the run reported errors.</summary>
        public bool HadErrors { get; set; }

        /// <summary>True when the script pipeline ended in the Stopped state.</summary>
        public bool Stopped { get; set; }

        /// <summary>How long <c>PowerShell.Stop()</c> took to return, when it was called.</summary>
        public double? StopElapsedMilliseconds { get; set; }

        /// <summary>Assemblies loaded in the process after the run.</summary>
        public JsonArray LoadedAssemblies { get; set; } = new JsonArray();

        /// <summary>Text written straight to <see cref="System.Console.Out"/>, which would bypass PowerShell's streams.</summary>
        public string ConsoleOutput { get; set; }

        /// <summary>
        /// Text written to <see cref="System.Console.Error"/> during the run. Only the serve mode fills it:
        /// a one-shot process leaves standard error alone and the harness reads all of it.
        /// </summary>
        public string StandardError { get; set; }

        /// <summary>Set when the host itself, rather than the script, failed.</summary>
        public string HostFailure { get; set; }

        /// <summary>Coarse phase timings, in milliseconds, for keeping the per-run cost visible.</summary>
        public Dictionary<string, double> Timings { get; } = new Dictionary<string, double>();

        /// <summary>Adds an error stream record.</summary>
        public void AddError(JsonObject error, string text)
        {
            lock (gate)
            {
                Errors.Add(error);
                Streams.Add(StreamEntry("Error", text));
            }
        }

        /// <summary>Adds a message to one of the text-only streams.</summary>
        public void AddMessage(string stream, string text)
        {
            lock (gate)
            {
                JsonArray target = stream switch
                {
                    "Warning" => Warning,
                    "Verbose" => Verbose,
                    "Debug" => Debug,
                    "Information" => Information,
                    _ => throw new System.ArgumentOutOfRangeException(nameof(stream), stream, "Not a text stream."),
                };
                target.Add(text);
                Streams.Add(StreamEntry(stream, text));
            }
        }

        /// <summary>Adds an output object.</summary>
        public void AddOutput(JsonNode item)
        {
            lock (gate)
            {
                Output.Add(item);
            }
        }

        /// <summary>Builds the single JSON document written to standard output.</summary>
        public JsonObject ToJson()
        {
            lock (gate)
            {
                var timings = new JsonObject();
                foreach (KeyValuePair<string, double> timing in Timings)
                {
                    timings[timing.Key] = timing.Value;
                }

                return new JsonObject
                {
                    ["output"] = Output,
                    ["errors"] = Errors,
                    ["terminatingError"] = TerminatingError,
                    ["warning"] = Warning,
                    ["verbose"] = Verbose,
                    ["debug"] = Debug,
                    ["information"] = Information,
                    ["streams"] = Streams,
                    ["hadErrors"] = HadErrors,
                    ["stopped"] = Stopped,
                    ["stopElapsedMilliseconds"] = StopElapsedMilliseconds,
                    ["loadedAssemblies"] = LoadedAssemblies,
                    ["consoleOutput"] = ConsoleOutput,
                    ["standardError"] = StandardError,
                    ["hostProcessId"] = System.Environment.ProcessId,
                    ["timings"] = timings,
                    ["hostFailure"] = HostFailure,
                };
            }
        }

        private static JsonObject StreamEntry(string stream, string text) =>
            new JsonObject { ["stream"] = stream, ["text"] = text };
    }
}
