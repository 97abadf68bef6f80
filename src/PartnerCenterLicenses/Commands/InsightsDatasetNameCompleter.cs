using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// Completes Partner insights dataset names: the names the last Get-PartnerInsightsDataset without
    /// -Name read in this session, or, before any was read, the datasets Microsoft documents. Nothing is
    /// sent to complete a name.
    /// </summary>
    public sealed class InsightsDatasetNameCompleter : IArgumentCompleter
    {
        private static volatile string[] _read;

        /// <summary>Keeps the names a full read of the datasets returned, for the completions that follow.</summary>
        internal static void Remember(IEnumerable<string> names)
        {
            // Names are the service's text: only plain identifiers are offered, so a completion never
            // inserts quotes, spaces or control characters into the command line.
            _read = names.Where(IsIdentifier).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        }

        /// <summary>The names offered now.</summary>
        internal static IReadOnlyList<string> Names => _read ?? PartnerInsightsDataset.DocumentedNames.ToArray();

        /// <summary>Offers the dataset names that start with what was typed (quotes around it are ignored).</summary>
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"', '\u2018', '\u2019', '\u201C', '\u201D');
            return Names
                .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
        }

        private static bool IsIdentifier(string name) =>
            !string.IsNullOrEmpty(name) && name.All(c => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    }
}
