using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// Completes -Environment with the names of the known environments, custom ones included. A name that
    /// would not pass as one bare argument (a space, a quote, a character PowerShell reads as syntax) is
    /// completed quoted, in the quote the user started with, so the completed line runs as it stands.
    /// </summary>
    public sealed class EnvironmentNameCompleter : IArgumentCompleter
    {
        // PowerShell reads the typographic quotes as quotes too.
        private const string SingleQuotes = "'\u2018\u2019\u201A\u201B";
        private const string DoubleQuotes = "\"\u201C\u201D\u201E";

        // Characters that end or change a bare argument in PowerShell's argument mode.
        private const string ArgumentSyntax = SingleQuotes + DoubleQuotes + "`$;,(){}@#|&<>";

        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string typed = wordToComplete ?? string.Empty;
            string prefix = typed.Trim((SingleQuotes + DoubleQuotes).ToCharArray());
            char? openingQuote = typed.Length > 0 && (SingleQuotes.IndexOf(typed[0]) >= 0 || DoubleQuotes.IndexOf(typed[0]) >= 0) ? typed[0] : (char?)null;
            return PartnerCenterEnvironments.All
                .Where(e => e.Name.StartsWith(prefix, System.StringComparison.OrdinalIgnoreCase))
                .Select(e => new CompletionResult(
                    Quoted(e.Name, openingQuote), e.Name, CompletionResultType.ParameterValue, e.PartnerCenterEndpoint.ToString()));
        }

        private static string Quoted(string name, char? openingQuote)
        {
            // Inside double quotes ` and $ are syntax too; single quotes take everything literally but a
            // single quote, which is doubled.
            if (openingQuote != null && DoubleQuotes.IndexOf(openingQuote.Value) >= 0 && !name.Any(c => DoubleQuotes.IndexOf(c) >= 0 || c == '`' || c == '$'))
            {
                return "\"" + name + "\"";
            }

            bool bare = openingQuote == null && name.Length > 0 && name[0] != '-'
                && !name.Any(c => char.IsWhiteSpace(c) || ArgumentSyntax.IndexOf(c) >= 0);
            if (bare)
            {
                return name;
            }

            var quoted = new System.Text.StringBuilder("'");
            foreach (char c in name)
            {
                quoted.Append(c);
                if (SingleQuotes.IndexOf(c) >= 0)
                {
                    quoted.Append(c);
                }
            }

            return quoted.Append('\'').ToString();
        }
    }
}
