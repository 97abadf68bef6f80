using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Serialization;

namespace PartnerCenterLicenses.Tests.Hosting
{
    /// <summary>
    /// Everything one hosted run produced, as reported by the child process.
    /// </summary>
    public sealed class HostedRunResult
    {
        /// <summary>Pipeline output, in order.</summary>
        public IReadOnlyList<HostedObject> Output { get; init; } = Array.Empty<HostedObject>();

        /// <summary>Records written to the error stream (non-terminating errors).</summary>
        public IReadOnlyList<HostedError> Errors { get; init; } = Array.Empty<HostedError>();

        /// <summary>The error that ended the run (or the module import), or null.</summary>
        public HostedError TerminatingError { get; init; }

        /// <summary>Warning stream messages.</summary>
        public IReadOnlyList<string> Warning { get; init; } = Array.Empty<string>();

        /// <summary>Verbose stream messages.</summary>
        public IReadOnlyList<string> Verbose { get; init; } = Array.Empty<string>();

        /// <summary>Debug stream messages.</summary>
        public IReadOnlyList<string> Debug { get; init; } = Array.Empty<string>();

        /// <summary>Information stream messages.</summary>
        public IReadOnlyList<string> Information { get; init; } = Array.Empty<string>();

        /// <summary>Error, Warning, Verbose, Debug and Information records interleaved in the order written.</summary>
        public IReadOnlyList<HostedStreamRecord> Streams { get; init; } = Array.Empty<HostedStreamRecord>();

        /// <summary>PowerShell's own HadErrors flag, combined over the import and the script.</summary>
        public bool HadErrors { get; init; }

        /// <summary>True when the script pipeline ended in the Stopped state.</summary>
        public bool Stopped { get; init; }

        /// <summary>How long <c>PowerShell.Stop()</c> took to return, in milliseconds, when it was called.</summary>
        public double? StopElapsedMilliseconds { get; init; }

        /// <summary>How long <c>PowerShell.Stop()</c> took to return, when it was called.</summary>
        [JsonIgnore]
        public TimeSpan? StopElapsed => StopElapsedMilliseconds is double ms ? TimeSpan.FromMilliseconds(ms) : null;

        /// <summary>Every assembly loaded in the child process once the script had run.</summary>
        public IReadOnlyList<HostedAssembly> LoadedAssemblies { get; init; } = Array.Empty<HostedAssembly>();

        /// <summary>
        /// Text written directly to the console (<c>Console.Out</c>) instead of a PowerShell stream.
        /// A runbook would lose it or show it unstructured, so well-behaved code leaves this empty.
        /// </summary>
        [JsonInclude]
        public string ConsoleOutput { get; internal set; }

        /// <summary>Phase timings reported by the child, in milliseconds (runspaceOpen, import, script, sinceProcessStart).</summary>
        public IReadOnlyDictionary<string, double> Timings { get; init; } = new Dictionary<string, double>();

        /// <summary>Set by the child when it failed for reasons other than the script; the harness throws on it.</summary>
        public string HostFailure { get; init; }

        /// <summary>
        /// Whatever the child wrote to standard error: all of it for a one-shot child; for a pooled run,
        /// what the run wrote to <c>Console.Error</c> and anything else the process wrote to its standard
        /// error while the run was going.
        /// </summary>
        [JsonInclude]
        public string StandardError { get; internal set; } = string.Empty;

        /// <summary>Wall-clock time from sending the request (for a one-shot run, from starting the child) to having its result.</summary>
        [JsonIgnore]
        public TimeSpan Elapsed { get; internal set; }

        /// <summary>The id of the process that ran the script.</summary>
        public int HostProcessId { get; init; }

        /// <summary>True when the long-lived pooled host ran the script; false for a process of its own.</summary>
        [JsonIgnore]
        public bool Pooled { get; internal set; }

        /// <summary>Finds a loaded assembly by simple name; null when it was not loaded.</summary>
        public HostedAssembly FindLoadedAssembly(string simpleName) =>
            LoadedAssemblies.FirstOrDefault(a => string.Equals(a.Name, simpleName, StringComparison.OrdinalIgnoreCase));

        /// <summary>A readable summary of the run for assertion messages.</summary>
        public string Describe()
        {
            var text = new StringBuilder();
            text.Append("Output (").Append(Output.Count).AppendLine("):");
            foreach (HostedObject item in Output)
            {
                text.Append("  [").Append(item.BaseTypeFullName).Append("] ").AppendLine(item.Text);
            }

            if (TerminatingError != null)
            {
                text.Append("Terminating error: ").AppendLine(TerminatingError.ToString());
            }

            if (Streams.Count > 0)
            {
                text.AppendLine("Streams:");
                foreach (HostedStreamRecord record in Streams)
                {
                    text.Append("  ").AppendLine(record.ToString());
                }
            }

            text.Append("HadErrors=").Append(HadErrors).Append(" Stopped=").Append(Stopped)
                .Append(" Elapsed=").Append((int)Elapsed.TotalMilliseconds).Append("ms")
                .Append(Pooled ? " in the pooled host " : " in a process of its own ").Append(HostProcessId).AppendLine();
            if (!string.IsNullOrEmpty(ConsoleOutput))
            {
                text.Append("Console output: ").AppendLine(ConsoleOutput);
            }

            if (!string.IsNullOrEmpty(StandardError))
            {
                text.Append("Standard error: ").AppendLine(StandardError);
            }

            return text.ToString();
        }

        /// <inheritdoc />
        public override string ToString() => Describe();
    }

    /// <summary>
    /// One output object: its PowerShell type names, base .NET type, text and properties.
    /// </summary>
    public sealed class HostedObject : IJsonOnDeserialized
    {
        private static readonly IReadOnlyDictionary<string, HostedValue> NoProperties =
            new Dictionary<string, HostedValue>(StringComparer.OrdinalIgnoreCase);

        /// <summary><c>PSObject.TypeNames</c>, most derived first.</summary>
        public IReadOnlyList<string> TypeNames { get; init; } = Array.Empty<string>();

        /// <summary>Full name of the wrapped .NET type; null for a null output.</summary>
        public string BaseTypeFullName { get; init; }

        /// <summary>The base object as culture-invariant text (dates in ISO 8601 round-trip form).</summary>
        public string Text { get; init; }

        /// <summary>Adapted and extended properties, keyed case-insensitively as PowerShell does.</summary>
        [JsonInclude]
        public IReadOnlyDictionary<string, HostedValue> Properties { get; private set; } = NoProperties;

        /// <summary>Returns the type and invariant text of a property; throws when there is no such property.</summary>
        public (string Type, string Value) Property(string name)
        {
            if (!Properties.TryGetValue(name, out HostedValue value))
            {
                throw new KeyNotFoundException(
                    $"[{BaseTypeFullName}] has no property '{name}'. It has: {string.Join(", ", Properties.Keys)}.");
            }

            return (value.Type, value.Value);
        }

        /// <summary>True when the object has a property called <paramref name="name"/>.</summary>
        public bool HasProperty(string name) => Properties.ContainsKey(name);

        void IJsonOnDeserialized.OnDeserialized()
        {
            // The serializer builds an ordinal dictionary; PowerShell property names are case-insensitive.
            Properties = Properties == null
                ? NoProperties
                : new Dictionary<string, HostedValue>(Properties, StringComparer.OrdinalIgnoreCase);
        }

        /// <inheritdoc />
        public override string ToString() => $"[{BaseTypeFullName}] {Text}";
    }

    /// <summary>
    /// A property value: the runtime type of the value and its culture-invariant text.
    /// </summary>
    public sealed class HostedValue
    {
        /// <summary>Full .NET type name of the value; null when the value was null or its getter threw.</summary>
        public string Type { get; init; }

        /// <summary>Invariant text of the value, or "&lt;getter threw: ExceptionType&gt;".</summary>
        public string Value { get; init; }
    }

    /// <summary>
    /// An error record as seen by the caller of the pipeline.
    /// </summary>
    public sealed class HostedError
    {
        /// <summary><c>ErrorRecord.FullyQualifiedErrorId</c>, e.g. "Id,Namespace.CommandClass".</summary>
        public string FullyQualifiedErrorId { get; init; }

        /// <summary><c>CategoryInfo.Category</c> as its enum name.</summary>
        public string Category { get; init; }

        /// <summary><c>CategoryInfo.Reason</c>: by default the exception's type name.</summary>
        public string Reason { get; init; }

        /// <summary><c>CategoryInfo.TargetName</c>.</summary>
        public string TargetName { get; init; }

        /// <summary>The exception's message.</summary>
        public string Message { get; init; }

        /// <summary><c>ErrorDetails.Message</c>, which PowerShell shows instead of the exception message when set.</summary>
        public string ErrorDetailsMessage { get; init; }

        /// <summary><c>ErrorDetails.RecommendedAction</c>.</summary>
        public string RecommendedAction { get; init; }

        /// <summary>Full type name of the exception.</summary>
        public string ExceptionType { get; init; }

        /// <summary><c>Exception.ToString()</c>, with inner exceptions and stack traces, for scanning for leaked secrets.</summary>
        public string ExceptionText { get; init; }

        /// <summary><c>ErrorRecord.ScriptStackTrace</c>.</summary>
        public string ScriptStackTrace { get; init; }

        /// <summary>The text PowerShell would display: the details message when present, else the exception message.</summary>
        [JsonIgnore]
        public string DisplayMessage => ErrorDetailsMessage ?? Message;

        /// <inheritdoc />
        public override string ToString() => $"{FullyQualifiedErrorId} ({Category}): {DisplayMessage}";
    }

    /// <summary>
    /// One record of a non-output stream, in the combined ordered list.
    /// </summary>
    public sealed class HostedStreamRecord
    {
        /// <summary>Error, Warning, Verbose, Debug or Information.</summary>
        public string Stream { get; init; }

        /// <summary>The record's message.</summary>
        public string Text { get; init; }

        /// <inheritdoc />
        public override string ToString() => $"{Stream}: {Text}";
    }

    /// <summary>
    /// An assembly loaded in the child process and the load context that owns it.
    /// </summary>
    public sealed class HostedAssembly
    {
        /// <summary>The assembly's display name (name, version, culture, public key token).</summary>
        public string FullName { get; init; }

        /// <summary>The file it was loaded from; empty for dynamic or in-memory assemblies.</summary>
        public string Location { get; init; }

        /// <summary>Name of its AssemblyLoadContext; "Default" for the shared context.</summary>
        public string LoadContext { get; init; }

        /// <summary>The simple name, without version or key.</summary>
        [JsonIgnore]
        public string Name
        {
            get
            {
                int comma = FullName?.IndexOf(',') ?? -1;
                return comma < 0 ? FullName : FullName.Substring(0, comma);
            }
        }

        /// <inheritdoc />
        public override string ToString() => $"{FullName} [{LoadContext}] {Location}";
    }
}
