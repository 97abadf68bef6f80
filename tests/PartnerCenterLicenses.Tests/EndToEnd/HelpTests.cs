using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Get-Help on the built module: the MAML file the build generates from the cmdlets' XML doc
    /// comments (src/PartnerCenterLicenses.HelpGenerator) is found, and says something for every
    /// cmdlet, parameter and example. The scripts write tab-separated lines, since the hosted engine
    /// has no Out-String to render help as text.
    /// </summary>
    public sealed class HelpTests
    {
        private static readonly string[] ExpectedCmdlets =
        {
            "Add-PartnerCenterEnvironment", "Connect-PartnerCenter", "Disconnect-PartnerCenter",
            "Get-PartnerCenterContext", "Get-PartnerCenterEnvironment", "Get-PartnerCenterRequestOption", "Get-PartnerLicenseDeployment",
            "Get-PartnerLicenseUsage", "Invoke-PartnerCenterRequest", "New-PartnerCenterRefreshToken",
            "Set-PartnerCenterRequestOption",
            "Get-PartnerCommercialLicenseDeployment", "Get-PartnerCommercialLicenseUsage",
        };

        [Fact]
        public async Task Every_cmdlet_has_a_synopsis_a_description_and_a_description_of_every_parameter()
        {
            var result = await HostedPowerShell.RunAsync(new HostedRunRequest
            {
                ModulePath = RepositoryPaths.ModuleManifest,
                Script = """
                    function Join-Text($paragraphs) { (@($paragraphs) | ForEach-Object { $_.Text }) -join ' ' }
                    $common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
                    foreach ($command in Get-Command -Module PartnerCenterLicenses -CommandType Cmdlet) {
                        $help = Get-Help $command.Name -Full
                        "cmdlet`t$($command.Name)`t$($help.Synopsis.Trim())`t$(Join-Text $help.description)"
                        # The parameters the command really has, so one missing from the help fails too.
                        foreach ($name in $command.Parameters.Keys | Where-Object { $common -notcontains $_ }) {
                            $parameter = Get-Help $command.Name -Parameter $name -ErrorAction SilentlyContinue
                            "parameter`t$($command.Name)`t$name`t$(Join-Text $parameter.description)"
                        }
                    }
                    """,
            });

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            List<string[]> lines = result.Output.Select(o => o.Text.Split('\t')).ToList();
            Assert.All(lines, fields => Assert.Equal(4, fields.Length));

            var cmdlets = lines.Where(f => f[0] == "cmdlet").ToList();
            Assert.Equal(ExpectedCmdlets.OrderBy(n => n, StringComparer.Ordinal), cmdlets.Select(f => f[1]).OrderBy(n => n, StringComparer.Ordinal));
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
            var result = await HostedPowerShell.RunAsync(new HostedRunRequest
            {
                ModulePath = RepositoryPaths.ModuleManifest,
                Script = """
                    $parameter = Get-Help Connect-PartnerCenter -Parameter RefreshToken
                    "value`t$($parameter.parameterValue)"
                    "type`t$($parameter.type.name)"
                    "required`t$($parameter.required)"
                    "description`t$((@($parameter.description) | ForEach-Object { $_.Text }) -join ' ')"
                    "examples`t$(@((Get-Help Connect-PartnerCenter -Examples).examples.example | Where-Object { $_.code }).Count)"
                    """,
            });

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            var values = result.Output.Select(o => o.Text.Split('\t', 2)).ToDictionary(f => f[0], f => f[1]);
            Assert.Equal("SecureString", values["value"]);
            Assert.Equal("System.Security.SecureString", values["type"]);
            Assert.Equal("true", values["required"]);
            Assert.Contains("SecureString", values["description"]);
            Assert.True(int.Parse(values["examples"]) >= 3, "Connect-PartnerCenter has " + values["examples"] + " examples.");
        }

        [Fact]
        public async Task Every_cmdlet_has_an_example_and_every_example_binds_to_the_modules_real_parameters()
        {
            // PowerShell's own static binder, as completion and script analysis use it: it reports a
            // parameter the cmdlet does not have, a positional argument too many, and parameters from
            // parameter sets that do not go together, without running anything.
            var result = await HostedPowerShell.RunAsync(new HostedRunRequest
            {
                ModulePath = RepositoryPaths.ModuleManifest,
                Script = """
                    $moduleCmdlets = @(Get-Command -Module PartnerCenterLicenses -CommandType Cmdlet | ForEach-Object Name)
                    foreach ($name in $moduleCmdlets) {
                        $examples = @((Get-Help $name -Examples).examples.example | Where-Object { $_.code })
                        "examples`t$name`t$($examples.Count)"
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
            });

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            List<string[]> lines = result.Output.Select(o => o.Text.Split('\t')).ToList();
            var examples = lines.Where(f => f[0] == "examples").ToDictionary(f => f[1], f => int.Parse(f[2]));
            Assert.Equal(ExpectedCmdlets.Length, examples.Count);
            Assert.All(examples, e => Assert.True(e.Value >= 1, e.Key + " has no example."));

            // Each cmdlet's examples call it at least once, so the binder did look at every cmdlet.
            var called = lines.Where(f => f[0] == "call").Select(f => f[2]).Distinct().ToList();
            Assert.Equal(ExpectedCmdlets.OrderBy(n => n, StringComparer.Ordinal), called.OrderBy(n => n, StringComparer.Ordinal));

            var problems = lines.Where(f => f[0] == "problem").Select(f => f[1] + ": " + f[2]).ToList();
            Assert.True(problems.Count == 0, "Examples that would not bind:\n" + string.Join("\n", problems));
        }
    }
}
