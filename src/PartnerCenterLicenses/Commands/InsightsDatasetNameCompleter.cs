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

        // The schemas read in this session, by name: a full read replaces them, a read of one dataset (-Name)
        // adds or refreshes that one. Column and metric completion (InsightsFieldNameCompleter) reads them.
        private static volatile Dictionary<string, PartnerInsightsDataset> _schemas =
            new Dictionary<string, PartnerInsightsDataset>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Keeps the names a full read of the datasets returned, for the completions that follow.</summary>
        internal static void Remember(IEnumerable<string> names)
        {
            // Names are the service's text: only plain identifiers are offered, so a completion never
            // inserts quotes, spaces or control characters into the command line.
            _read = names.Where(IsIdentifier).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        }

        /// <summary>
        /// Keeps the datasets a read returned: their schemas always, their names as the whole list only when the
        /// read was of every dataset (<paramref name="complete"/>).
        /// </summary>
        internal static void Remember(IReadOnlyCollection<PartnerInsightsDataset> datasets, bool complete)
        {
            var schemas = new Dictionary<string, PartnerInsightsDataset>(complete ? new Dictionary<string, PartnerInsightsDataset>() : _schemas, StringComparer.OrdinalIgnoreCase);
            foreach (PartnerInsightsDataset dataset in datasets.Where(d => IsIdentifier(d.Name)))
            {
                schemas[dataset.Name] = dataset;
            }

            _schemas = schemas;
            if (complete)
            {
                Remember(datasets.Select(d => d.Name));
            }
        }

        /// <summary>The dataset of that name as read in this session; null when none was.</summary>
        internal static PartnerInsightsDataset Schema(string name) =>
            name != null && _schemas.TryGetValue(name, out PartnerInsightsDataset dataset) ? dataset : null;

        /// <summary>Forgets what was read (tests start from the documented names).</summary>
        internal static void Forget()
        {
            _read = null;
            _schemas = new Dictionary<string, PartnerInsightsDataset>(StringComparer.OrdinalIgnoreCase);
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

        private static bool IsIdentifier(string name) => Boundary.InsightsQueryBuilder.IsIdentifier(name);
    }
}
