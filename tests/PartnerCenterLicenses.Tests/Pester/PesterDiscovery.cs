using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation.Language;

namespace PartnerCenterLicenses.Tests.Pester
{
    /// <summary>
    /// Lists the Pester tests in tests/*.Tests.ps1 by parsing the files with PowerShell's parser, without
    /// running PowerShell: every <c>It</c> whose name, and the names of its enclosing <c>Describe</c> and
    /// <c>Context</c> blocks, are written as plain strings. Each becomes one xunit case, named by
    /// <see cref="Key"/>, the same key <see cref="PesterTestResult"/> computes from Pester's results.
    /// </summary>
    /// <remarks>
    /// Names are kept as written, so a data-driven test (<c>It 'reads &lt;Name&gt;' -ForEach ...</c>) is one
    /// case that passes when every one of its runs passes, as Pester's results carry the unexpanded
    /// path too. A name Pester only knows at run time (<c>It $name</c>) cannot be listed here; its result
    /// shows up in the catch-all case instead.
    /// </remarks>
    public static class PesterDiscovery
    {
        private const string FilePattern = "*.Tests.ps1";

        // Pester's parameters of Describe, Context and It that take a value; the rest are switches.
        private static readonly HashSet<string> ParametersWithValue = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Name", "Test", "Fixture", "Tag", "Tags", "ForEach", "TestCases",
        };

        /// <summary>The Pester files: *.Tests.ps1 directly in <paramref name="testsFolder"/>, as Invoke-PesterSuite.ps1 runs them.</summary>
        public static IReadOnlyList<string> TestFiles(string testsFolder)
        {
            return Directory.EnumerateFiles(testsFolder, FilePattern, SearchOption.TopDirectoryOnly)
                .Where(file => file.EndsWith(".Tests.ps1", StringComparison.OrdinalIgnoreCase))
                .OrderBy(file => file, StringComparer.Ordinal)
                .ToList();
        }

        /// <summary>The key of every test written with plain-string names, in file order, each once.</summary>
        public static IReadOnlyList<string> Discover(string testsFolder)
        {
            var keys = new List<string>();
            foreach (string file in TestFiles(testsFolder))
            {
                // A file that does not parse lists what it can; Pester then reports the file as failed,
                // which the catch-all case shows.
                ScriptBlockAst script = Parser.ParseFile(file, out _, out _);
                foreach (CommandAst it in script.FindAll(ast => IsCommand(ast, "It"), searchNestedScriptBlocks: true).Cast<CommandAst>())
                {
                    IReadOnlyList<string> path = PathOf(it);
                    if (path != null)
                    {
                        keys.Add(Key(file, path));
                    }
                }
            }

            return keys.Distinct(StringComparer.Ordinal).ToList();
        }

        /// <summary>"File.Tests.ps1 > Describe > Context > It", the name of the xunit case.</summary>
        public static string Key(string file, IEnumerable<string> path)
        {
            return Path.GetFileName(file) + " > " + string.Join(" > ", path);
        }

        // The names of the test and of every Describe or Context whose body holds it, outermost first;
        // null when one of them is not a plain string.
        private static IReadOnlyList<string> PathOf(CommandAst it)
        {
            var path = new List<string>();
            if (!TryReadBlock(it, out string name, out _) || name == null)
            {
                return null;
            }

            path.Add(name);
            for (Ast ancestor = it.Parent; ancestor != null; ancestor = ancestor.Parent)
            {
                if (ancestor is ScriptBlockExpressionAst body
                    && body.Parent is CommandAst owner
                    && (IsCommand(owner, "Describe") || IsCommand(owner, "Context"))
                    && TryReadBlock(owner, out string blockName, out ScriptBlockExpressionAst ownerBody)
                    && ReferenceEquals(ownerBody, body))
                {
                    if (blockName == null)
                    {
                        return null;
                    }

                    path.Insert(0, blockName);
                }
            }

            return path;
        }

        private static bool IsCommand(Ast ast, string name)
        {
            if (ast is not CommandAst command)
            {
                return false;
            }

            string commandName = command.GetCommandName();
            if (commandName != null && commandName.StartsWith("Pester\\", StringComparison.OrdinalIgnoreCase))
            {
                commandName = commandName.Substring("Pester\\".Length);
            }

            return string.Equals(commandName, name, StringComparison.OrdinalIgnoreCase);
        }

        // Binds the arguments the way Pester's signatures do: -Name or the first positional argument is
        // the name, -Test/-Fixture or the first positional script block is the body. The name is null
        // when it is not a plain string.
        private static bool TryReadBlock(CommandAst command, out string name, out ScriptBlockExpressionAst body)
        {
            name = null;
            body = null;
            CommandElementAst nameArgument = null;
            var positional = new List<CommandElementAst>();
            IReadOnlyList<CommandElementAst> elements = command.CommandElements;
            for (int i = 1; i < elements.Count; i++)
            {
                if (elements[i] is CommandParameterAst parameter)
                {
                    CommandElementAst value = parameter.Argument;
                    if (value == null && ParametersWithValue.Contains(parameter.ParameterName) && i + 1 < elements.Count)
                    {
                        value = elements[++i];
                    }

                    if (string.Equals(parameter.ParameterName, "Name", StringComparison.OrdinalIgnoreCase))
                    {
                        nameArgument = value;
                    }
                    else if (string.Equals(parameter.ParameterName, "Test", StringComparison.OrdinalIgnoreCase)
                        || string.Equals(parameter.ParameterName, "Fixture", StringComparison.OrdinalIgnoreCase))
                    {
                        body = value as ScriptBlockExpressionAst;
                    }

                    continue;
                }

                positional.Add(elements[i]);
            }

            nameArgument ??= positional.FirstOrDefault();
            body ??= positional.OfType<ScriptBlockExpressionAst>().FirstOrDefault();
            name = nameArgument switch
            {
                StringConstantExpressionAst constant => constant.Value,
                ExpandableStringExpressionAst expandable when expandable.NestedExpressions.Count == 0 => expandable.Value,
                _ => null,
            };
            return nameArgument != null;
        }
    }
}
