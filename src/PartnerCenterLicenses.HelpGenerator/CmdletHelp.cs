using System.Collections.Generic;
using System.Linq;

namespace PartnerCenterLicenses.HelpGenerator
{
    /// <summary>Everything Get-Help shows for one cmdlet, gathered from its class and its doc comments.</summary>
    internal sealed class CmdletHelp
    {
        public string Name => Verb + "-" + Noun;

        public string Verb { get; init; }

        public string Noun { get; init; }

        public string Synopsis { get; init; }

        public IReadOnlyList<string> Description { get; init; }

        /// <summary>The parameter set names in display order (the default set first); "__AllParameterSets" when it declares none.</summary>
        public IReadOnlyList<string> ParameterSets { get; init; }

        /// <summary>In declaration order.</summary>
        public IReadOnlyList<ParameterHelp> Parameters { get; init; }

        public IReadOnlyList<TypeHelp> Outputs { get; init; }

        public IReadOnlyList<ExampleHelp> Examples { get; init; }

        /// <summary>The [Cmdlet] attribute's HelpUri: the cmdlet's page in the repository's docs (Get-Help -Online); null when it has none.</summary>
        public string HelpUri { get; init; }

        /// <summary>The related links: the online version (HelpUri) first, as Get-Help -Online expects, then those of the doc comment.</summary>
        public IReadOnlyList<LinkHelp> Links { get; init; }

        /// <summary>What can be piped in: one entry per parameter that takes pipeline input, or "None".</summary>
        public IEnumerable<TypeHelp> InputTypes()
        {
            var piped = Parameters.Where(p => p.Uses.Any(u => u.FromPipeline || u.FromPipelineByPropertyName)).ToList();
            if (piped.Count == 0)
            {
                return new[] { new TypeHelp { Name = "None", Description = new[] { "You can't pipe objects to " + Name + "." } } };
            }

            return piped.Select(p => new TypeHelp { Name = p.TypeFullName, Description = new[] { "-" + p.Name + " takes its value from the pipeline." } });
        }

        /// <summary>What the cmdlet writes: its [OutputType]s, or "None".</summary>
        public IEnumerable<TypeHelp> ReturnValues() =>
            Outputs.Count == 0 ? new[] { new TypeHelp { Name = "None", Description = new[] { Name + " writes no output." } } } : Outputs;

        /// <summary>The parameters of one set, ordered as PowerShell orders a syntax line: positional ones by position, then mandatory, then the rest.</summary>
        public IEnumerable<(ParameterHelp Parameter, ParameterSetUse Use)> ParametersOf(string set)
        {
            var members = Parameters
                .Select(p => (Parameter: p, Use: p.UseIn(set)))
                .Where(x => x.Use != null)
                .ToList();
            return members.Where(x => x.Use.Position.HasValue).OrderBy(x => x.Use.Position.Value)
                .Concat(members.Where(x => !x.Use.Position.HasValue && x.Use.Mandatory))
                .Concat(members.Where(x => !x.Use.Position.HasValue && !x.Use.Mandatory));
        }
    }

    /// <summary>One parameter: what it is, and how it takes part in each parameter set.</summary>
    internal sealed class ParameterHelp
    {
        public const string AllSets = "__AllParameterSets";

        public string Name { get; init; }

        /// <summary>As PowerShell shows a type: String, SecureString, String[].</summary>
        public string TypeName { get; init; }

        public string TypeFullName { get; init; }

        public bool IsSwitch { get; init; }

        public bool IsArray { get; init; }

        public bool SupportsWildcards { get; init; }

        /// <summary>Enum names or ValidateSet values, shown as {A | B} in the syntax; empty otherwise.</summary>
        public IReadOnlyList<string> PossibleValues { get; init; }

        public IReadOnlyList<string> Aliases { get; init; }

        public IReadOnlyList<string> Description { get; init; }

        /// <summary>From the property's &lt;value&gt; doc tag; null when undocumented.</summary>
        public string DefaultValue { get; init; }

        /// <summary>WhatIf and Confirm, which PowerShell adds for SupportsShouldProcess.</summary>
        public bool IsCommon { get; init; }

        public IReadOnlyList<ParameterSetUse> Uses { get; init; }

        /// <summary>How the parameter takes part in <paramref name="set"/>, or null when it does not.</summary>
        public ParameterSetUse UseIn(string set) =>
            Uses.FirstOrDefault(u => u.SetName == set) ?? Uses.FirstOrDefault(u => u.SetName == AllSets);
    }

    /// <summary>One [Parameter] attribute: the parameter in one set (or in all of them).</summary>
    internal sealed class ParameterSetUse
    {
        public string SetName { get; init; }

        public bool Mandatory { get; init; }

        public int? Position { get; init; }

        public bool FromPipeline { get; init; }

        public bool FromPipelineByPropertyName { get; init; }

        public bool FromRemainingArguments { get; init; }
    }

    /// <summary>An output type and what the doc comment of that type says about it.</summary>
    internal sealed class TypeHelp
    {
        public string Name { get; init; }

        public IReadOnlyList<string> Description { get; init; }
    }

    internal sealed class ExampleHelp
    {
        public string Title { get; init; }

        public string Code { get; init; }

        public IReadOnlyList<string> Remarks { get; init; }
    }

    internal sealed class LinkHelp
    {
        public string Text { get; init; }

        public string Uri { get; init; }
    }

    /// <summary>What the doc comments leave out, for the build to warn about.</summary>
    internal static class HelpGaps
    {
        public static IEnumerable<string> Find(IEnumerable<CmdletHelp> cmdlets)
        {
            foreach (CmdletHelp cmdlet in cmdlets)
            {
                if (string.IsNullOrWhiteSpace(cmdlet.Synopsis))
                {
                    yield return $"{cmdlet.Name} has no synopsis (<para type=\"synopsis\"> in the class's <summary>).";
                }

                if (cmdlet.Description.Count == 0)
                {
                    yield return $"{cmdlet.Name} has no description (<para type=\"description\"> in the class's <summary>).";
                }

                if (cmdlet.Examples.Count < 2)
                {
                    yield return $"{cmdlet.Name} has {cmdlet.Examples.Count} example(s); give it at least two, one of them a runbook (<example><code>...</code><para>...</para></example> on the class).";
                }

                if (string.IsNullOrEmpty(cmdlet.HelpUri))
                {
                    yield return $"{cmdlet.Name} has no HelpUri on its [Cmdlet] attribute (its page in docs/, for Get-Help -Online).";
                }

                if (!cmdlet.Links.Any(l => string.IsNullOrEmpty(l.Uri)))
                {
                    yield return $"{cmdlet.Name} has no related command (<para type=\"link\">Other-Command</para> in the class's <summary>).";
                }

                foreach (ParameterHelp parameter in cmdlet.Parameters.Where(p => !p.IsCommon && p.Description.Count == 0))
                {
                    yield return $"{cmdlet.Name} -{parameter.Name} has no description (<para type=\"description\"> in the property's <summary>).";
                }
            }
        }
    }
}
