using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.EndToEnd;
using Xunit;

namespace PartnerCenterLicenses.Tests.RealConsole
{
    /// <summary>
    /// The default views of every output type as a user sees them: printed by the real pwsh console
    /// in a terminal of 80 and of 120 columns, with the emulator's documented values (Microsoft Dynamics CRM,
    /// DT DEMO CSP CUSTOMER 005, OFFICE 365 BUSINESS ESSENTIALS, Skype For Business, DOMESTIC AND
    /// INTERNATIONAL CALLING PLAN, the China cloud's endpoints). Headers stay on one line, no line is wider
    /// than the terminal, no row wraps onto a second line, nothing is cut by PowerShell ("…") and no number
    /// is too long for its column ("#"). tests/Views.Tests.ps1 renders every view of every output type.
    /// </summary>
    [Collection(EmulatorCollection.Name)]
    public sealed class ConsoleViewTests
    {
        // The documented shape with values that exercise the formats: a fraction, a fraction above 1
        // (three digits before the point), a count past Int32 (2,147,483,649, which issue 21 saw cut to
        // …147,483,649) and a time sent with an offset other than UTC.
        private const string Insights = """
            {
                "totalCount": 3,
                "items": [
                    { "proratedDeploymentPercent": 0.8743, "licensesSold": 4464, "processedDateTime": "2017-03-14T03:25:16.36+00:00",
                      "serviceName": "o365", "channel": "reseller", "attributes": { "objectType": "PartnerLicensesDeploymentInsights" } },
                    { "proratedDeploymentPercent": 0.0, "licensesSold": 343, "processedDateTime": "2017-03-10T00:00:00+00:00",
                      "serviceName": "crm", "channel": "reseller", "attributes": { "objectType": "PartnerLicensesDeploymentInsights" } },
                    { "proratedDeploymentPercent": 1.125, "licensesSold": 2147483649, "processedDateTime": "2024-05-02T04:00:00+05:30",
                      "serviceName": "intune", "channel": "reseller", "attributes": { "objectType": "PartnerLicensesDeploymentInsights" } }
                ],
                "attributes": { "objectType": "Collection" }
            }
            """;

        private const string Script = ConsoleScripts.Prelude + @"
Write-Host ('WIDTH=' + $Host.UI.RawUI.WindowSize.Width)
Write-Host '@@ context'
" + ConsoleScripts.Connect + @" | Out-Default
Write-Host '@@ insights'
Get-PartnerLicenseDeployment | Out-Default
Write-Host '@@ insights-list'
Get-PartnerLicenseDeployment | Format-List | Out-Default
Write-Host '@@ context-table'
Get-PartnerCenterContext | Format-Table | Out-Default
Write-Host '@@ environments'
$null = Add-PartnerCenterEnvironment -Name 'Contoso proxy' -ActiveDirectoryAuthority https://login.example.net -PartnerCenterEndpoint https://pc-proxy.example.net:8443/partner
Get-PartnerCenterEnvironment | Out-Default
Write-Host '@@ options'
Get-PartnerCenterRequestOption | Out-Default
Write-Host '@@ usage'
Get-PartnerLicenseUsage | Out-Default
Write-Host '@@ customer-deployment'
Get-PartnerLicenseDeployment -CustomerId " + EmulatorState.DefaultCustomerId + @" | Out-Default
Write-Host '@@ customer-usage'
Get-PartnerLicenseUsage -CustomerId " + EmulatorState.DefaultCustomerId + @" | Out-Default
Write-Host '@@ commercial-deployment'
Get-PartnerCommercialLicenseDeployment | Out-Default
Write-Host '@@ commercial-usage'
Get-PartnerCommercialLicenseUsage | Out-Default
Write-Host '@@ insights-datasets'
Get-PartnerInsightsDataset | Out-Default
Write-Host '@@ insights-reports'
$report = New-PartnerInsightsReport -QueryId c9fc1c79-4408-49ff-97f9-e1aa3f155804 -ReportName 'Seats now' -ExecuteNow
$report | Out-Default
Write-Host '@@ insights-executions'
$report | Get-PartnerInsightsReportExecution | Out-Default
Write-Host '@@ data'
$first = Get-PartnerLicenseDeployment | Select-Object -First 1
Write-Host ($first | ConvertTo-Json -Compress)
Write-Host (($first | ConvertTo-Csv) -join '|')
Write-Host '@@ end'
";

        private static readonly string[] ViewSections =
        {
            "context", "insights", "insights-list", "context-table", "environments", "options",
            "usage", "customer-deployment", "customer-usage", "commercial-deployment", "commercial-usage", "insights-datasets",
            "insights-reports", "insights-executions",
        };

        private readonly EmulatorFixture _emulator;

        public ConsoleViewTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        [Theory]
        [InlineData(80)]
        [InlineData(120)]
        public async Task Every_default_view_fits_the_console_with_headers_on_one_line_and_values_uncut(int columns)
        {
            _emulator.State.DeploymentInsightsJson = Insights;
            _emulator.State.InsightsExecutionPendingPolls = 0;
            await using var pwsh = TerminalPwsh.RunFile(columns, Script, ConsoleScripts.Environment(_emulator));
            Assert.Equal(0, await pwsh.WaitForExitAsync(TimeSpan.FromSeconds(60)));

            string screen = pwsh.Text;
            Assert.Contains("WIDTH=" + columns + "\n", screen);
            var sections = Sections(screen);
            Assert.True(sections.ContainsKey("end"), pwsh.Describe());
            foreach (string name in ViewSections)
            {
                string[] lines = sections[name];
                Assert.True(lines.Any(l => l.Trim().Length > 0), name + " printed nothing. " + pwsh.Describe());
                Assert.All(lines, line => Assert.True(line.Length < columns, $"{name}: a line of {line.Length} characters in {columns} columns: '{line}'"));
                Assert.All(lines, line => Assert.DoesNotContain("…", line));
                Assert.All(lines, line => Assert.DoesNotContain("##", line));
            }

            // Connect-PartnerCenter's context: a list, since account and tenant alone take 66 columns.
            string context = string.Join("\n", sections["context"]);
            Assert.Contains("Account            : " + EmulatorState.DefaultUserPrincipalName + "\n", context);
            Assert.Contains("Tenant             : " + EmulatorState.DefaultTenantId + "\n", context);
            Assert.Contains("ApplicationId      : " + EmulatorFixture.ClientId + "\n", context);
            Assert.Contains("Environment        : Emulator\n", context);
            Assert.Contains("AuthenticationType : RefreshToken\n", context);
            Assert.Matches(@"TokenExpiresOn     : \d{4}-\d\d-\d\d \d\d:\d\d UTC\n", context);

            // The insights table: one header line, percents as 12.5 %, counts grouped and whole, times in UTC.
            string[] insights = Table(sections["insights"], @"^ServiceName +Channel +LicensesSold +Deployed +ProcessedDateTime$");
            Assert.Matches(@"^o365 +reseller +4,464 +87\.4 % 2017-03-14 03:25 UTC$", insights[0]);
            Assert.Matches(@"^crm +reseller +343 +0\.0 % 2017-03-10 00:00 UTC$", insights[1]);
            Assert.Matches(@"^intune +reseller +2,147,483,649 +112\.5 % 2024-05-01 22:30 UTC$", insights[2]);

            // Format-List: the property names, and the values in the table's formats.
            string list = string.Join("\n", sections["insights-list"]);
            Assert.Contains("ServiceName               : o365\n", list);
            Assert.Contains("LicensesSold              : 4,464\n", list);
            Assert.Contains("LicensesSold              : 2,147,483,649\n", list);
            Assert.Contains("ProratedDeploymentPercent : 87.4 %\n", list);
            Assert.Contains("ProcessedDateTime         : 2017-03-14 03:25 UTC\n", list);
            Assert.Contains("ProcessedDateTime         : 2024-05-01 22:30 UTC\n", list);

            // Format-Table of the context: who and where, the tenant last and whole, at either width (README);
            // the account (29 characters here) shortened to its 24 columns.
            string[] contextRow = Table(sections["context-table"], "^Account +Environment +Tenant$");
            Assert.Matches(
                "^" + Regex.Escape(EmulatorState.DefaultUserPrincipalName.Substring(0, 21) + "...") + " +Emulator +" + EmulatorState.DefaultTenantId + "$",
                Assert.Single(contextRow));

            // Environments: hosts without the scheme (all are HTTPS), built-in and custom in groups.
            string environments = string.Join("\n", sections["environments"]);
            Assert.Contains("IsBuiltIn: True\n", environments);
            Assert.Contains("IsBuiltIn: False\n", environments);
            string[] builtIn = Table(
                sections["environments"].TakeWhile(l => !l.Contains("IsBuiltIn: False", StringComparison.Ordinal)).ToArray(),
                "^Name +ActiveDirectoryAuthority +PartnerCenterEndpoint$");
            Assert.Contains(builtIn, l => Regex.IsMatch(l, "^AzureCloud +login.microsoftonline.com +api.partnercenter.microsoft.com$"));
            Assert.Contains(builtIn, l => Regex.IsMatch(l, "^AzureUSGovernment +login.microsoftonline.us +api.partnercenter.microsoft.com$"));
            string[] custom = Table(
                sections["environments"].SkipWhile(l => !l.Contains("IsBuiltIn: False", StringComparison.Ordinal)).ToArray(),
                "^Name +ActiveDirectoryAuthority +PartnerCenterEndpoint$");
            Assert.Equal(2, custom.Length);
            Assert.Matches("^Contoso proxy +login.example.net +pc-proxy.example.net:8443/partner$", custom[0]);
            Assert.Matches("^Emulator +127.0.0.1:" + _emulator.Url.Port + " +127.0.0.1:" + _emulator.Url.Port + "$", custom[1]);
            // partner.partnercenterapi.microsoftonline.cn (43 characters) does not fit its 35 columns: it keeps
            // the end that names the cloud rather than wrapping mid-word, the same at either width.
            Assert.Contains(builtIn, l => Regex.IsMatch(l, @"^AzureChinaCloud +login\.chinacloudapi\.cn +\.\.\.microsoftonline\.cn$"));

            // Request options: seconds, as Set-PartnerCenterRequestOption takes them.
            string[] options = Table(sections["options"], "^Timeout +MaxRetryCount +MaxRetryWait +RetryBaseDelay +MaxFieldLength +MaxPageCount$");
            Assert.Matches(@"^ *100 s +4 +120 s +1 s +1,048,576 +100,000$", Assert.Single(options));

            // The analytics beyond the seed: a table each, headers on one line, percents as 12.5 %, and each
            // row on one line: a wrapped cell would start a line with spaces (issue 21 saw "Microsoft Dynamics C"
            // over "RM"). Long names end in "..." where their column is narrower.
            string[] usage = Table(sections["usage"], "^ServiceName +Channel +Workload +Used +ProcessedDateTime$");
            Assert.All(usage, row => Assert.Matches(@"^\S.* \d+\.\d % \d{4}-\d\d-\d\d \d\d:\d\d UTC$", row));
            Assert.Contains(usage, row => Regex.IsMatch(row, "^crm +reseller +Microsoft Dynamics CRM +0\\.0 % "));
            string[] customerDeployment = Table(sections["customer-deployment"], "^Customer +Product +Deployed +Sold +Percent$");
            Assert.All(customerDeployment, row => Assert.Matches(@"^DT DEMO CSP CUSTOMER 005 .* \d+\.\d %$", row));
            Assert.Contains(customerDeployment, row => row.Contains(" OFFICE 365 BUSINESS ESS... ", StringComparison.Ordinal));
            string[] customerUsage = Table(sections["customer-usage"], "^Customer +Product +Workload +Active +Qualified +Used$");
            Assert.All(customerUsage, row => Assert.Matches(@"^\S.* \d+\.\d %$", row));
            Assert.Contains(customerUsage, row => row.Contains(" Skype For Business ", StringComparison.Ordinal));
            Assert.All(
                Table(sections["commercial-deployment"], "^CustomerName +Service +Channel +ProductName +Deployed +Sold$"),
                row => Assert.Matches(@"^\S.* \d[\d,]*$", row));
            Assert.All(
                Table(sections["commercial-usage"], "^CustomerName +Service +Workload +ProductName +Active +Qualified$"),
                row => Assert.Matches(@"^\S.* \d[\d,]*$", row));

            // Partner insights datasets: a name and three counts a line.
            string[] datasets = Table(sections["insights-datasets"], "^Name +Columns +Metrics +MinRecurrenceHours$");
            Assert.Contains(datasets, row => Regex.IsMatch(row, @"^SeatsSubscriptionsAndRevenue +31 +6 +24$"));

            // Partner insights reports and executions: the link as scheme, host and path, never its signature.
            string[] reports = Table(sections["insights-reports"], "^ReportName +Status +Hours +Format +ReportId$");
            Assert.Matches("^Seats now +Active +now +csv +[0-9a-f-]{36}$", Assert.Single(reports));
            string[] runs = Table(sections["insights-executions"], "^Status +Expires +Link$");
            Assert.Matches(@"^Completed +\d{4}-\d\d-\d\d \d\d:\d\d UTC +" + Regex.Escape(new Uri(_emulator.State.Downloads.BaseUri, "/reports/").ToString()), runs[0]);
            Assert.DoesNotContain("sig=", string.Join("\n", sections["insights-executions"]));

            // The data behind the views is unchanged: the fraction and the time as Partner Center sent them.
            string data = string.Join("\n", sections["data"]);
            Assert.Contains("\"ProratedDeploymentPercent\":0.8743", data);
            Assert.Contains("\"LicensesSold\":4464", data);
            Assert.Contains("\"0.8743\"", data);
            Assert.Contains("\"ProcessedDateTime\"", data);
        }

        private static Dictionary<string, string[]> Sections(string screen)
        {
            var sections = new Dictionary<string, string[]>(StringComparer.Ordinal);
            string name = null;
            var lines = new List<string>();
            foreach (string line in screen.Split('\n'))
            {
                if (line.StartsWith("@@ ", StringComparison.Ordinal))
                {
                    if (name != null)
                    {
                        sections[name] = lines.ToArray();
                    }

                    name = line.Substring(3).Trim();
                    lines.Clear();
                }
                else if (name != null)
                {
                    lines.Add(line);
                }
            }

            if (name != null)
            {
                sections[name] = lines.ToArray();
            }

            return sections;
        }

        // The rows of the first table in the lines, without trailing spaces: its header matches the
        // pattern on one line, the next line underlines every header, rows run to the next blank line.
        private static string[] Table(IReadOnlyList<string> lines, string headerPattern)
        {
            int header = lines.ToList().FindIndex(l => l.Trim().Length > 0 && !l.Contains(':', StringComparison.Ordinal));
            string all = string.Join("\n", lines);
            Assert.True(header >= 0 && header + 1 < lines.Count, "no table in:\n" + all);
            Assert.Matches(headerPattern, lines[header].Trim());
            string underline = lines[header + 1];
            Assert.Matches("^[- ]+$", underline);
            Assert.Equal(
                Regex.Matches(lines[header], @"\S+( \(\S+\))?").Select(m => m.Index),
                Regex.Matches(underline, "-+").Select(m => m.Index));
            return lines.Skip(header + 2).TakeWhile(l => l.Trim().Length > 0).Select(l => l.TrimEnd()).ToArray();
        }
    }
}
