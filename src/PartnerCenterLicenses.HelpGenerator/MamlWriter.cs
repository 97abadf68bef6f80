using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace PartnerCenterLicenses.HelpGenerator
{
    /// <summary>
    /// Writes cmdlet help in MAML, the command help schema Get-Help reads from a binary module's
    /// &lt;culture&gt;/&lt;assembly file name&gt;-Help.xml.
    /// </summary>
    internal static class MamlWriter
    {
        private static readonly XNamespace Msh = "http://msh";
        private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
        private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

        public static void Write(IEnumerable<CmdletHelp> cmdlets, string path)
        {
            var document = new XDocument(
                new XDeclaration("1.0", "utf-8", null),
                new XElement(
                    Msh + "helpItems",
                    new XAttribute("schema", "maml"),
                    new XAttribute(XNamespace.Xmlns + "maml", Maml),
                    new XAttribute(XNamespace.Xmlns + "command", Command),
                    new XAttribute(XNamespace.Xmlns + "dev", Dev),
                    cmdlets.Select(CommandElement)));

            // Written beside the target and moved over it, so a reader never sees half a file.
            Directory.CreateDirectory(Path.GetDirectoryName(path));
            string temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, NewLineChars = "\n" };
            try
            {
                using (XmlWriter writer = XmlWriter.Create(temporary, settings))
                {
                    document.Save(writer);
                }

                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }
        }

        private static XElement CommandElement(CmdletHelp cmdlet) => new XElement(
            Command + "command",
            new XElement(
                Command + "details",
                new XElement(Command + "name", cmdlet.Name),
                new XElement(Command + "verb", cmdlet.Verb),
                new XElement(Command + "noun", cmdlet.Noun),
                Description(new[] { cmdlet.Synopsis })),
            Description(cmdlet.Description),
            new XElement(Command + "syntax", cmdlet.ParameterSets.Select(set => SyntaxItem(cmdlet, set))),
            new XElement(Command + "parameters", cmdlet.Parameters.Select(ParameterElement)),
            new XElement(Command + "inputTypes", cmdlet.InputTypes().Select(t => TypedItem("inputType", t.Name, t.Description))),
            new XElement(Command + "returnValues", cmdlet.ReturnValues().Select(t => TypedItem("returnValue", t.Name, t.Description))),
            new XElement(Command + "examples", cmdlet.Examples.Select((example, i) => ExampleElement(example, i + 1))),
            new XElement(
                Command + "relatedLinks",
                cmdlet.Links.Select(link => new XElement(
                    Maml + "navigationLink",
                    new XElement(Maml + "linkText", link.Text),
                    new XElement(Maml + "uri", link.Uri)))));

        private static XElement SyntaxItem(CmdletHelp cmdlet, string set) => new XElement(
            Command + "syntaxItem",
            new XElement(Maml + "name", cmdlet.Name),
            cmdlet.ParametersOf(set).Select(x => new XElement(
                Command + "parameter",
                ParameterAttributes(
                    x.Parameter,
                    x.Use.Mandatory ? "true" : "false",
                    PipelineInput(new[] { x.Use }),
                    Position(x.Use)),
                new XElement(Maml + "name", x.Parameter.Name),
                Description(x.Parameter.Description),
                x.Parameter.IsSwitch ? null : ValueElements(x.Parameter),
                TypeElement(x.Parameter),
                DefaultValueElement(x.Parameter))));

        private static XElement ParameterElement(ParameterHelp parameter) => new XElement(
            Command + "parameter",
            ParameterAttributes(
                parameter,
                // Get-Help shows only "true" or "false" here; a parameter mandatory in some sets only is
                // "false", and the syntax shows the sets where it is required.
                parameter.Uses.All(u => u.Mandatory) ? "true" : "false",
                PipelineInput(parameter.Uses),
                PerSet(parameter, Position)),
            new XElement(Maml + "name", parameter.Name),
            Description(parameter.Description),
            new XElement(
                Command + "parameterValue",
                new XAttribute("required", parameter.IsSwitch ? "false" : "true"),
                new XAttribute("variableLength", parameter.IsArray ? "true" : "false"),
                parameter.TypeName),
            TypeElement(parameter),
            DefaultValueElement(parameter));

        private static IEnumerable<XAttribute> ParameterAttributes(ParameterHelp parameter, string required, string pipelineInput, string position)
        {
            yield return new XAttribute("required", required);
            yield return new XAttribute("variableLength", parameter.IsArray || parameter.Uses.Any(u => u.FromRemainingArguments) ? "true" : "false");
            yield return new XAttribute("globbing", parameter.SupportsWildcards ? "true" : "false");
            yield return new XAttribute("pipelineInput", pipelineInput);
            yield return new XAttribute("position", position);
            yield return new XAttribute("aliases", parameter.Aliases.Count == 0 ? "none" : string.Join(", ", parameter.Aliases));
        }

        // In a syntax line: <String>, or {A | B} for an enum or a ValidateSet.
        private static IEnumerable<XElement> ValueElements(ParameterHelp parameter)
        {
            yield return new XElement(
                Command + "parameterValue",
                new XAttribute("required", "true"),
                new XAttribute("variableLength", parameter.IsArray ? "true" : "false"),
                parameter.TypeName);
            if (parameter.PossibleValues.Count > 0)
            {
                yield return new XElement(
                    Command + "parameterValueGroup",
                    parameter.PossibleValues.Select(value => new XElement(
                        Command + "parameterValue",
                        new XAttribute("required", "false"),
                        new XAttribute(Command + "variableLength", "false"),
                        value)));
            }
        }

        private static XElement TypeElement(ParameterHelp parameter) => new XElement(
            Dev + "type",
            new XElement(Maml + "name", parameter.TypeFullName),
            new XElement(Maml + "uri"));

        private static XElement DefaultValueElement(ParameterHelp parameter) =>
            new XElement(Dev + "defaultValue", parameter.DefaultValue ?? (parameter.IsSwitch ? "False" : "None"));

        private static XElement TypedItem(string element, string typeName, IEnumerable<string> description) => new XElement(
            Command + element,
            new XElement(Dev + "type", new XElement(Maml + "name", typeName), new XElement(Maml + "uri")),
            Description(description));

        private static XElement ExampleElement(ExampleHelp example, int number)
        {
            string title = "Example " + number + (string.IsNullOrWhiteSpace(example.Title) ? string.Empty : ": " + example.Title.Trim());
            return new XElement(
                Command + "example",
                new XElement(Maml + "title", "---------- " + title + " ----------"),
                new XElement(Dev + "code", example.Code),
                // The empty last paragraph is the blank line Get-Help leaves before the next example.
                new XElement(Dev + "remarks", example.Remarks.Append(string.Empty).Select(Para)));
        }

        private static XElement Description(IEnumerable<string> paragraphs) =>
            new XElement(Maml + "description", paragraphs.Where(p => !string.IsNullOrEmpty(p)).Select(Para));

        private static XElement Para(string text) => new XElement(Maml + "para", text);

        internal static string Position(ParameterSetUse use) => use.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named";

        internal static string PipelineInput(IEnumerable<ParameterSetUse> uses)
        {
            var kinds = new List<string>();
            if (uses.Any(u => u.FromPipeline))
            {
                kinds.Add("ByValue");
            }

            if (uses.Any(u => u.FromPipelineByPropertyName))
            {
                kinds.Add("ByPropertyName");
            }

            return kinds.Count == 0 ? "False" : "True (" + string.Join(", ", kinds) + ")";
        }

        // One value when every set agrees; otherwise each value with the sets that have it,
        // such as "0 (ByName), named (ById)".
        internal static string PerSet(ParameterHelp parameter, Func<ParameterSetUse, string> value)
        {
            var groups = parameter.Uses.GroupBy(value).ToList();
            if (groups.Count == 1)
            {
                return groups[0].Key;
            }

            return string.Join(", ", groups.Select(g => g.Key + " (" + string.Join(", ", g.Select(u => u.SetName == ParameterHelp.AllSets ? "all sets" : u.SetName)) + ")"));
        }
    }
}
