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
    /// Completes column and metric names of the dataset a command's -Dataset names: -Column offers its columns,
    /// -Metric its metrics, -OrderBy both. The schemas are the ones Get-PartnerInsightsDataset read in this
    /// session; nothing is sent to complete a name, and before the dataset was read nothing is offered (Microsoft
    /// publishes no complete column list to fall back on).
    /// </summary>
    public sealed class InsightsFieldNameCompleter : IArgumentCompleter
    {
        /// <summary>Offers the names that start with what was typed (quotes around it are ignored), columns before metrics.</summary>
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string dataset = fakeBoundParameters?["Dataset"] is object bound ? LanguagePrimitives.ConvertTo<string>(bound) : null;
            string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"', '\u2018', '\u2019', '\u201C', '\u201D');
            return Offered(dataset, parameterName)
                .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
        }

        /// <summary>The names offered for that dataset and parameter, before any filtering by what was typed.</summary>
        internal static IEnumerable<string> Offered(string dataset, string parameterName)
        {
            PartnerInsightsDataset schema = InsightsDatasetNameCompleter.Schema(dataset);
            if (schema == null)
            {
                return Enumerable.Empty<string>();
            }

            IEnumerable<string> names;
            if (string.Equals(parameterName, "Metric", StringComparison.OrdinalIgnoreCase))
            {
                names = schema.Metrics;
            }
            else if (string.Equals(parameterName, "Column", StringComparison.OrdinalIgnoreCase))
            {
                names = schema.Columns;
            }
            else
            {
                names = schema.Columns.Concat(schema.Metrics);
            }

            // The service's text: only plain identifiers reach the command line.
            return names.Where(Boundary.InsightsQueryBuilder.IsIdentifier).Distinct(StringComparer.OrdinalIgnoreCase);
        }
    }
}
