using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>Completes -Environment with the names of the known environments, custom ones included.</summary>
    public sealed class EnvironmentNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return PartnerCenterEnvironments.All
                .Where(e => e.Name.StartsWith(prefix, System.StringComparison.OrdinalIgnoreCase))
                .Select(e => new CompletionResult(e.Name, e.Name, CompletionResultType.ParameterValue, e.PartnerCenterEndpoint.ToString()));
        }
    }
}
