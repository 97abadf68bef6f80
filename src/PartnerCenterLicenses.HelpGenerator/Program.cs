using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace PartnerCenterLicenses.HelpGenerator
{
    /// <summary>
    /// Writes the module's MAML help (PartnerCenterLicenses.dll-Help.xml, what Get-Help reads for a
    /// binary module) from the cmdlet assembly and its XML doc comments. The build runs it right after
    /// laying the module out (ModuleHelp.targets), so the doc comments are the only source of the help.
    /// </summary>
    /// <remarks>
    /// Usage: PartnerCenterLicenses.HelpGenerator --assembly &lt;cmdlets.dll&gt; --doc &lt;cmdlets.xml&gt; --output &lt;X.dll-Help.xml&gt;
    /// [--markdown &lt;folder&gt;] [--about &lt;about_X.help.txt&gt;]: with --markdown, the same help is also written as one
    /// Markdown page per cmdlet (the pages the cmdlets' HelpUri name), one per about topic given, and an index.
    /// Exit codes: 0 written (gaps in the docs are reported as MSBuild warnings), 1 failed, 2 bad arguments.
    /// </remarks>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            Dictionary<string, string> options;
            try
            {
                options = ParseArguments(args);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine("Usage: PartnerCenterLicenses.HelpGenerator --assembly <cmdlets.dll> --doc <cmdlets.xml> --output <name.dll-Help.xml> "
                    + "[--markdown <folder>] [--about <about_X.help.txt>]");
                return 2;
            }

            string assemblyPath = Path.GetFullPath(options["assembly"]);
            string docPath = Path.GetFullPath(options["doc"]);
            string outputPath = Path.GetFullPath(options["output"]);
            try
            {
                var docs = DocComments.Load(docPath);
                IReadOnlyList<CmdletHelp> cmdlets = CmdletReader.Read(assemblyPath, docs);
                if (cmdlets.Count == 0)
                {
                    Console.Error.WriteLine($"{assemblyPath}: error PCLHELP001: no public cmdlet classes were found.");
                    return 1;
                }

                foreach (string gap in HelpGaps.Find(cmdlets))
                {
                    // The canonical MSBuild format, so the build lists these with its warnings.
                    Console.WriteLine($"{docPath}: warning PCLHELP002: {gap}");
                }

                MamlWriter.Write(cmdlets, outputPath);
                Console.WriteLine($"Help for {cmdlets.Count} cmdlets written to {outputPath}");
                if (options.TryGetValue("markdown", out string markdownPath))
                {
                    var aboutTopics = options.TryGetValue("about", out string about) ? new[] { Path.GetFullPath(about) } : Array.Empty<string>();
                    MarkdownWriter.Write(cmdlets, aboutTopics, Path.GetFullPath(markdownPath));
                    Console.WriteLine($"Help pages for {cmdlets.Count} cmdlets and {aboutTopics.Length} about topic(s) written to {Path.GetFullPath(markdownPath)}");
                }
                return 0;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is BadImageFormatException
                || e is System.Xml.XmlException || e is InvalidOperationException)
            {
                Console.Error.WriteLine($"{assemblyPath}: error PCLHELP001: {e.GetType().Name}: {e.Message}");
                return 1;
            }
        }

        private static Dictionary<string, string> ParseArguments(string[] args)
        {
            var required = new[] { "assembly", "doc", "output" };
            var known = required.Concat(new[] { "markdown", "about" }).ToArray();
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < args.Length; i++)
            {
                string name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i].Substring(2) : null;
                if (name == null || !known.Contains(name) || i + 1 >= args.Length)
                {
                    throw new ArgumentException($"Unexpected argument '{args[i]}'.");
                }

                options[name] = args[++i];
            }

            string missing = required.FirstOrDefault(k => !options.ContainsKey(k));
            if (missing != null)
            {
                throw new ArgumentException($"--{missing} is required.");
            }

            return options;
        }
    }
}
