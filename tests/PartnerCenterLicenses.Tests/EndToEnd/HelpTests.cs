using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Get-Help on the built module: the MAML file the build generates from the cmdlets' XML doc
    /// comments (src/PartnerCenterLicenses.HelpGenerator) is found, and says something for every
    /// cmdlet, parameter and example. The scripts write tab-separated lines, since the hosted engine
    /// has no Out-String to render help as text. The Markdown pages in docs/ (the cmdlets' HelpUri) and
    /// the about topic are checked here too, as files.
    /// </summary>
    public sealed class HelpTests
    {
        private static IEnumerable<string> ExpectedCmdlets => SourceManifest.Cmdlets.OrderBy(n => n, StringComparer.Ordinal);

        // Get-Help is slow in a fresh engine, so one run reads every cmdlet's full help once and
        // writes what each test needs as tab-separated lines: the kind first, then the fields.
        private static readonly Lazy<Task<HostedRunResult>> Help = new Lazy<Task<HostedRunResult>>(() => HostedPowerShell.RunAsync(new HostedRunRequest
        {
            ModulePath = RepositoryPaths.ModuleManifest,
            Script = """
                function Join-Text($paragraphs) { (@($paragraphs) | ForEach-Object { $_.Text }) -join ' ' }
                $common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
                $moduleCmdlets = @(Get-Command -Module PartnerCenterLicenses -CommandType Cmdlet | ForEach-Object Name)
                "project`t$([string](Get-Module PartnerCenterLicenses).ProjectUri)`t`t"
                foreach ($command in Get-Command -Module PartnerCenterLicenses -CommandType Cmdlet) {
                    $name = $command.Name
                    $help = Get-Help $name -Full
                    "cmdlet`t$name`t$($help.Synopsis.Trim())`t$(Join-Text $help.description)"

                    # The parameters the command really has, so one missing from the help fails too.
                    $documented = @($help.parameters.parameter)
                    foreach ($parameterName in $command.Parameters.Keys | Where-Object { $common -notcontains $_ }) {
                        $parameter = @($documented | Where-Object { $_.name -eq $parameterName })[0]
                        "parameter`t$name`t$parameterName`t$(Join-Text $parameter.description)"
                        if ($name -eq 'Connect-PartnerCenter' -and $parameterName -eq 'RefreshToken') {
                            "refreshtoken`tvalue`t$($parameter.parameterValue)"
                            "refreshtoken`ttype`t$($parameter.type.name)"
                            "refreshtoken`trequired`t$($parameter.required)"
                            "refreshtoken`tdescription`t$(Join-Text $parameter.description)"
                        }
                    }

                    $examples = @($help.examples.example | Where-Object { $_.code })
                    $runbooks = @($examples | Where-Object {
                        $_.code -match 'Get-Automation(PSCredential|Variable|Certificate)\b' -and
                        $_.code -match "(-ErrorAction\s+Stop\b|\`$ErrorActionPreference\s*=\s*'Stop')" })
                    "examples`t$name`t$($examples.Count)`t$($runbooks.Count)"
                    "helpuri`t$name`t$($command.HelpUri)`t"
                    foreach ($link in @($help.relatedLinks.navigationLink)) { "link`t$name`t$([string]$link.linkText)`t$([string]$link.uri)" }

                    # PowerShell's own static binder, as completion and script analysis use it: it reports a
                    # parameter the cmdlet does not have, a positional argument too many, and parameters from
                    # parameter sets that do not go together, without running anything.
                    $number = 0
                    foreach ($example in $examples) {
                        $number++
                        $tokens = $null; $parseErrors = $null
                        $ast = [System.Management.Automation.Language.Parser]::ParseInput([string]$example.code, [ref]$tokens, [ref]$parseErrors)
                        foreach ($parseError in $parseErrors) { "problem`t$name example $number`t$($parseError.Message)" }
                        $calls = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true) |
                            Where-Object { $moduleCmdlets -contains $_.GetCommandName() }
                        foreach ($call in $calls) {
                            "call`t$name example $number`t$($call.GetCommandName())"
                            $binding = [System.Management.Automation.Language.StaticParameterBinder]::BindCommand($call, $true)
                            # A command further down a pipeline may have its parameter set chosen by the
                            # input's properties, which the static binder cannot see.
                            $receivesInput = $call.Parent -is [System.Management.Automation.Language.PipelineAst] -and $call.Parent.PipelineElements.IndexOf($call) -gt 0
                            foreach ($failure in $binding.BindingExceptions.GetEnumerator()) {
                                if ($receivesInput -and $failure.Value.BindingException.ErrorId -eq 'AmbiguousParameterSet') { continue }
                                "problem`t$name example $number`t$($call.Extent.Text): $($failure.Key): $($failure.Value.BindingException.ErrorId)"
                            }
                        }
                    }
                }
                """,
        }));

        private static async Task<List<string[]>> HelpLines(params string[] kinds)
        {
            HostedRunResult result = await Help.Value;
            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            return result.Output.Select(o => o.Text.Split('\t')).Where(f => kinds.Contains(f[0])).ToList();
        }

        [Fact]
        public async Task Every_cmdlet_has_a_synopsis_a_description_and_a_description_of_every_parameter()
        {
            List<string[]> lines = await HelpLines("cmdlet", "parameter");
            Assert.All(lines, fields => Assert.Equal(4, fields.Length));

            var cmdlets = lines.Where(f => f[0] == "cmdlet").ToList();
            Assert.Equal(ExpectedCmdlets, cmdlets.Select(f => f[1]).OrderBy(n => n, StringComparer.Ordinal));
            foreach (string[] cmdlet in cmdlets)
            {
                string name = cmdlet[1], synopsis = cmdlet[2], description = cmdlet[3];
                Assert.False(string.IsNullOrWhiteSpace(synopsis), name + " has no synopsis.");

                // Without a help file, Get-Help makes the synopsis up from the syntax.
                Assert.False(synopsis.StartsWith(name, StringComparison.OrdinalIgnoreCase), name + "'s synopsis is its syntax: " + synopsis);
                Assert.False(string.IsNullOrWhiteSpace(description), name + " has no description.");
            }

            var parameters = lines.Where(f => f[0] == "parameter").ToList();
            Assert.Contains(parameters, f => f[1] == "Connect-PartnerCenter" && f[2] == "RefreshToken");
            var undocumented = parameters.Where(f => string.IsNullOrWhiteSpace(f[3])).Select(f => f[1] + " -" + f[2]).ToList();
            Assert.True(undocumented.Count == 0, "Parameters without a description in Get-Help: " + string.Join(", ", undocumented));
        }

        [Fact]
        public async Task Connect_PartnerCenter_documents_RefreshToken_as_a_SecureString_and_shows_how_to_connect()
        {
            var values = (await HelpLines("refreshtoken")).ToDictionary(f => f[1], f => f[2]);
            Assert.Equal("SecureString", values["value"]);
            Assert.Equal("System.Security.SecureString", values["type"]);
            Assert.Equal("true", values["required"]);
            Assert.Contains("SecureString", values["description"]);
            string examples = (await HelpLines("examples")).Single(f => f[1] == "Connect-PartnerCenter")[2];
            Assert.True(int.Parse(examples) >= 3, "Connect-PartnerCenter has " + examples + " examples.");
        }

        [Fact]
        public async Task Every_cmdlet_has_an_example_and_every_example_binds_to_the_modules_real_parameters()
        {
            List<string[]> lines = await HelpLines("examples", "call", "problem");
            var examples = lines.Where(f => f[0] == "examples").ToDictionary(f => f[1], f => int.Parse(f[2]));
            Assert.Equal(ExpectedCmdlets, examples.Keys.OrderBy(n => n, StringComparer.Ordinal));
            Assert.All(examples, e => Assert.True(e.Value >= 1, e.Key + " has no example."));

            // Each cmdlet's examples call it at least once, so the binder did look at every cmdlet.
            var called = lines.Where(f => f[0] == "call").Select(f => f[2]).Distinct().ToList();
            Assert.Equal(ExpectedCmdlets, called.OrderBy(n => n, StringComparer.Ordinal));

            var problems = lines.Where(f => f[0] == "problem").Select(f => f[1] + ": " + f[2]).ToList();
            Assert.True(problems.Count == 0, "Examples that would not bind:\n" + string.Join("\n", problems));
        }

        [Fact]
        public async Task Every_cmdlet_has_two_examples_one_of_them_a_runbook_related_links_and_its_docs_page_as_online_link()
        {
            // A runbook example is one a runbook could run as it is: credentials from the automation
            // account's assets (Get-AutomationPSCredential, Get-AutomationVariable or
            // Get-AutomationCertificate), and failures that end it ($ErrorActionPreference = 'Stop', or
            // -ErrorAction Stop).
            List<string[]> lines = await HelpLines("project", "examples", "helpuri", "link");
            Assert.All(lines, fields => Assert.Equal(4, fields.Length));
            string projectUri = lines.Single(f => f[0] == "project")[1];
            Assert.Equal(SourceManifest.ProjectUri, projectUri);

            var examples = lines.Where(f => f[0] == "examples").ToList();
            Assert.Equal(ExpectedCmdlets, examples.Select(f => f[1]).OrderBy(n => n, StringComparer.Ordinal));
            var problems = new List<string>();
            foreach (string[] fields in examples)
            {
                string name = fields[1];
                if (int.Parse(fields[2]) < 2)
                {
                    problems.Add(name + " has " + fields[2] + " example(s), not two or more.");
                }

                if (int.Parse(fields[3]) < 1)
                {
                    problems.Add(name + " has no runbook example (automation assets and $ErrorActionPreference = 'Stop' or -ErrorAction Stop).");
                }

                string page = projectUri + "/blob/main/docs/" + name + ".md";
                string helpUri = lines.Single(f => f[0] == "helpuri" && f[1] == name)[2];
                if (helpUri != page)
                {
                    problems.Add(name + "'s HelpUri is '" + helpUri + "', not " + page + ".");
                }

                var links = lines.Where(f => f[0] == "link" && f[1] == name).ToList();

                // Get-Help -Online opens the first link that has a URI.
                string[] online = links.FirstOrDefault(f => f[3].Length > 0);
                if (online == null || online[3] != page || links.IndexOf(online) != 0)
                {
                    problems.Add(name + "'s first related link is not its online page " + page + ".");
                }

                var related = links.Where(f => f[3].Length == 0).Select(f => f[2].Trim()).ToList();
                if (related.Count == 0)
                {
                    problems.Add(name + " has no related command or topic.");
                }

                // A related link names one of the module's cmdlets or its about topic, so it leads somewhere.
                foreach (string text in related.Where(t => !ExpectedCmdlets.Contains(t) && t != "about_PartnerCenterLicenses"))
                {
                    problems.Add(name + " links to '" + text + "', which is not a cmdlet of the module or its about topic.");
                }
            }

            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void Every_cmdlet_names_its_page_in_docs_as_HelpUri_and_the_page_is_there()
        {
            string docs = SourceManifest.ProjectUri + "/blob/main/docs/";
            var cmdlets = typeof(PartnerCenterErrorIds).Assembly.GetExportedTypes()
                .Select(t => t.GetCustomAttribute<CmdletAttribute>())
                .Where(a => a != null)
                .ToList();

            Assert.Equal(ExpectedCmdlets, cmdlets.Select(c => c.VerbName + "-" + c.NounName).OrderBy(n => n, StringComparer.Ordinal));
            foreach (CmdletAttribute cmdlet in cmdlets)
            {
                string name = cmdlet.VerbName + "-" + cmdlet.NounName;
                Assert.Equal(docs + name + ".md", cmdlet.HelpUri);
                Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "docs", name + ".md")), "docs/" + name + ".md is missing.");
            }
        }

        [Fact]
        public void The_committed_docs_are_what_the_help_generator_writes_now()
        {
            // The build writes the pages to out/docs/ from the doc comments; docs/ is their committed copy.
            string generated = Path.Combine(RepositoryPaths.Root, "out", "docs");
            string committed = Path.Combine(RepositoryPaths.Root, "docs");
            Assert.True(Directory.Exists(generated), "The build did not write " + generated + ".");
            var generatedPages = Pages(generated);
            var committedPages = Pages(committed);

            Assert.Contains("Connect-PartnerCenter.md", generatedPages.Keys);
            Assert.Contains("about_PartnerCenterLicenses.md", generatedPages.Keys);
            var differences = generatedPages.Keys.Union(committedPages.Keys).OrderBy(n => n, StringComparer.Ordinal)
                .Where(n => !generatedPages.TryGetValue(n, out string page) || !committedPages.TryGetValue(n, out string copy) || page != copy)
                .Select(n => "docs/" + n + (!generatedPages.ContainsKey(n) ? " (not generated any more)" : !committedPages.ContainsKey(n) ? " (missing)" : " (differs)"))
                .ToList();
            Assert.True(
                differences.Count == 0,
                "docs/ is not what the help generator writes from the doc comments now: " + string.Join(", ", differences)
                + ". Run `dotnet build -c Release Module.sln -p:UpdateDocs=true` and commit docs/.");
        }

        [Fact]
        public void The_about_topic_is_in_the_format_Get_Help_reads_and_ships_in_the_module()
        {
            string source = File.ReadAllText(AboutTopicSource);
            string[] lines = source.Replace("\r\n", "\n").Split('\n');

            Assert.Equal("TOPIC", lines[0]);
            Assert.Equal("    about_PartnerCenterLicenses", lines[1]);
            int shortDescription = Array.IndexOf(lines, "SHORT DESCRIPTION");
            int longDescription = Array.IndexOf(lines, "LONG DESCRIPTION");
            Assert.True(shortDescription > 1 && longDescription > shortDescription, "TOPIC, SHORT DESCRIPTION and LONG DESCRIPTION come first, in that order.");
            Assert.StartsWith("    ", lines[shortDescription + 1]);
            var wide = lines.Select((line, i) => (Line: line, Number: i + 1)).Where(x => x.Line.Length > 80 || x.Line.Contains('\t')).ToList();
            Assert.True(wide.Count == 0, "Lines over 80 columns or with tabs: " + string.Join(", ", wide.Select(x => x.Number)));

            // Each part the issue asks for has its section.
            foreach (string section in new[]
            {
                "THE SECURE APPLICATION MODEL: FROM CONSENT TO RUNBOOK", "ENVIRONMENTS", "SESSIONS AND SILENT RENEWAL", "ERRORS",
                "RETRIES AND REQUEST OPTIONS", "CUSTOMER-LEVEL ANALYTICS AND THE FAN-OUT", "COMMERCIAL ANALYTICS AND PAGING",
                "INVOKE-PARTNERCENTERREQUEST", "COEXISTENCE WITH OTHER MODULES", "SEE ALSO",
            })
            {
                Assert.Contains(section, lines);
            }

            string shipped = Path.Combine(RepositoryPaths.ModuleFolder, "en-US", "about_PartnerCenterLicenses.help.txt");
            Assert.True(File.Exists(shipped), "The build did not copy the about topic to " + shipped + ".");
            Assert.Equal(source, File.ReadAllText(shipped));
        }

        [Fact]
        public void The_about_topic_lists_every_error_id_the_module_defines_and_no_other()
        {
            string topic = File.ReadAllText(AboutTopicSource);
            var ids = typeof(PartnerCenterErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral)
                .Select(f => (string)f.GetRawConstantValue())
                .ToList();
            var mentioned = Regex.Matches(topic, @"\bPartnerCenter\.[A-Z][A-Za-z]+").Select(m => m.Value).Distinct().ToList();

            // The ERRORS section: from its heading to the next heading (a line that starts in column 0).
            Match errors = Regex.Match(topic.Replace("\r\n", "\n"), @"^ERRORS\n(.*?)^\S", RegexOptions.Multiline | RegexOptions.Singleline);
            Assert.True(errors.Success, "The about topic has no ERRORS section.");
            Assert.NotEmpty(ids);
            var missing = ids.Where(id => !Regex.IsMatch(errors.Groups[1].Value, Regex.Escape(id) + @"\b(?!\.)")).ToList();
            Assert.True(missing.Count == 0, "Add these ids to the ERRORS section of the about topic: " + string.Join(", ", missing));
            var unknown = mentioned.Except(ids).ToList();
            Assert.True(unknown.Count == 0, "The about topic names ids the module does not define: " + string.Join(", ", unknown));
        }

        private static string AboutTopicSource =>
            Path.Combine(RepositoryPaths.Root, "src", "PartnerCenterLicenses", "en-US", "about_PartnerCenterLicenses.help.txt");

        private static Dictionary<string, string> Pages(string folder) =>
            (Directory.Exists(folder) ? Directory.GetFiles(folder, "*.md") : Array.Empty<string>())
                .ToDictionary(Path.GetFileName, f => File.ReadAllText(f).Replace("\r\n", "\n"), StringComparer.Ordinal);
    }
}
