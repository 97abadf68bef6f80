using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Serialization;

namespace PartnerCenterLicenses.Tests.Pester
{
    /// <summary>One Pester test's result, as Invoke-PesterSuite.ps1 writes it to results.json.</summary>
    public sealed class PesterTestResult
    {
        [JsonPropertyName("file")]
        public string File { get; init; }

        [JsonPropertyName("line")]
        public int Line { get; init; }

        /// <summary>Block and test names as written (data-driven names unexpanded).</summary>
        [JsonPropertyName("path")]
        public IReadOnlyList<string> Path { get; init; } = Array.Empty<string>();

        /// <summary>The path with data-driven names expanded, dot-separated, as Pester prints it.</summary>
        [JsonPropertyName("expandedPath")]
        public string ExpandedPath { get; init; }

        /// <summary>Passed, Failed, Skipped, Inconclusive or NotRun.</summary>
        [JsonPropertyName("result")]
        public string Result { get; init; }

        [JsonPropertyName("durationMs")]
        public int DurationMs { get; init; }

        [JsonPropertyName("errors")]
        public IReadOnlyList<PesterError> Errors { get; init; } = Array.Empty<PesterError>();

        /// <summary>The name of the xunit case this result belongs to (see <see cref="PesterDiscovery.Key"/>).</summary>
        public string Key => PesterDiscovery.Key(File, Path);

        public bool Passed => string.Equals(Result, "Passed", StringComparison.Ordinal);

        /// <summary>What a person needs to find and fix it: outcome, where it is, Pester's message and stack.</summary>
        public string Describe()
        {
            var text = new StringBuilder();
            text.Append(Result).Append(": ").Append(ExpandedPath)
                .Append(" (").Append(System.IO.Path.GetFileName(File)).Append(':').Append(Line).Append(", ")
                .Append(DurationMs).Append(" ms)");
            foreach (PesterError error in Errors)
            {
                text.AppendLine().Append(error);
            }

            return text.ToString();
        }
    }

    /// <summary>An error Pester recorded for a test, block or file, with the message and stack it prints.</summary>
    public sealed class PesterError
    {
        [JsonPropertyName("message")]
        public string Message { get; init; }

        [JsonPropertyName("stackTrace")]
        public string StackTrace { get; init; }

        public override string ToString() => (Message + Environment.NewLine + StackTrace).Trim();
    }

    /// <summary>A Describe, Context or file that failed outside any single test (a failing AfterAll, a file that does not parse).</summary>
    public sealed class PesterFailure
    {
        [JsonPropertyName("file")]
        public string File { get; init; }

        [JsonPropertyName("path")]
        public IReadOnlyList<string> Path { get; init; } = Array.Empty<string>();

        [JsonPropertyName("errors")]
        public IReadOnlyList<PesterError> Errors { get; init; } = Array.Empty<PesterError>();

        public override string ToString()
        {
            string where = System.IO.Path.GetFileName(File) + (Path.Count > 0 ? " > " + string.Join(" > ", Path) : string.Empty);
            return where + Environment.NewLine + string.Join(Environment.NewLine, Errors.Select(e => e.ToString()));
        }
    }

    /// <summary>The whole of results.json.</summary>
    public sealed class PesterResults
    {
        [JsonPropertyName("pesterVersion")]
        public string PesterVersion { get; init; }

        [JsonPropertyName("powerShell")]
        public string PowerShell { get; init; }

        [JsonPropertyName("result")]
        public string Result { get; init; }

        [JsonPropertyName("tests")]
        public IReadOnlyList<PesterTestResult> Tests { get; init; } = Array.Empty<PesterTestResult>();

        [JsonPropertyName("failedBlocks")]
        public IReadOnlyList<PesterFailure> FailedBlocks { get; init; } = Array.Empty<PesterFailure>();

        [JsonPropertyName("failedContainers")]
        public IReadOnlyList<PesterFailure> FailedContainers { get; init; } = Array.Empty<PesterFailure>();
    }
}
