using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.RealConsole
{
    /// <summary>
    /// How pwsh finds the module by name once its folder is on $env:PSModulePath, as after
    /// Install-Module: #Requires in a script, Import-Module by name, and command autoloading.
    /// </summary>
    public sealed class ConsoleModuleLoadingTests
    {
        // out/ holds PartnerCenterLicenses/, as a module folder does.
        private static readonly string ModuleRoot = Path.GetDirectoryName(RepositoryPaths.ModuleFolder);

        private static Dictionary<string, string> OnModulePath() => new Dictionary<string, string>
        {
            ["PSModulePath"] = ModuleRoot,
        };

        private static string ExpectedBase => RepositoryPaths.ModuleFolder.TrimEnd(Path.DirectorySeparatorChar);

        [Fact]
        public async Task A_script_that_requires_the_module_by_name_gets_it_imported_before_it_runs()
        {
            const string script = @"#Requires -Modules PartnerCenterLicenses
Write-Host ('LOADED FROM ' + (Get-Module PartnerCenterLicenses).ModuleBase)
Write-Host ('RETRIES ' + (Get-PartnerCenterRequestOption).MaxRetryCount)
";
            await using var pwsh = TerminalPwsh.RunFile(120, script, OnModulePath());

            Assert.True(await pwsh.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, pwsh.Describe());
            Assert.Contains("LOADED FROM " + ExpectedBase + "\n", pwsh.Text);
            Assert.Contains("RETRIES 4\n", pwsh.Text);
        }

        [Fact]
        public async Task A_fresh_session_autoloads_the_module_for_its_first_command_and_imports_it_by_name()
        {
            const string script = @"
Write-Host ('BEFORE ' + @(Get-Module PartnerCenterLicenses).Count)
$options = Get-PartnerCenterRequestOption
Write-Host ('AUTOLOADED FROM ' + (Get-Module PartnerCenterLicenses).ModuleBase)
Write-Host ('OUTPUT ' + $options.GetType().FullName)
Remove-Module PartnerCenterLicenses
Write-Host ('REMOVED ' + @(Get-Module PartnerCenterLicenses).Count)
Import-Module PartnerCenterLicenses -ErrorAction Stop
Write-Host ('IMPORTED FROM ' + (Get-Module PartnerCenterLicenses).ModuleBase)
Write-Host ('COMMANDS ' + (Get-Command -Module PartnerCenterLicenses -CommandType Cmdlet).Count + ' OF ' + (Import-PowerShellDataFile (Join-Path (Get-Module PartnerCenterLicenses).ModuleBase 'PartnerCenterLicenses.psd1')).CmdletsToExport.Count)
";
            await using var pwsh = TerminalPwsh.RunFile(120, script, OnModulePath());

            Assert.True(await pwsh.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, pwsh.Describe());
            string screen = pwsh.Text;
            Assert.Contains("BEFORE 0\n", screen);
            Assert.Contains("AUTOLOADED FROM " + ExpectedBase + "\n", screen);
            Assert.Contains("OUTPUT PartnerCenterLicenses.Models.PartnerCenterRequestOptions\n", screen);
            Assert.Contains("REMOVED 0\n", screen);
            Assert.Contains("IMPORTED FROM " + ExpectedBase + "\n", screen);
            Assert.Matches(@"COMMANDS (\d+) OF \1\n", screen);
            Assert.DoesNotContain("COMMANDS 0 ", screen);
        }
    }
}
