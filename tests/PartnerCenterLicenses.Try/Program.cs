using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;

namespace PartnerCenterLicenses.Try
{
    /// <summary>
    /// Starts the emulator, then runs the built module in a PowerShell engine (a child process that
    /// trusts the emulator's certificate through SSL_CERT_FILE): connect with the secure application
    /// model, get the license deployment insights, and print what came back. Extra PowerShell to run
    /// after connecting can be passed as arguments.
    /// </summary>
    public static class Program
    {
        private const string ClientId = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

        public static async Task<int> Main(string[] args)
        {
            string script = args.Length > 0 ? string.Join(" ", args) : "Get-PartnerLicenseDeployment";
            string secret = "try-" + Guid.NewGuid().ToString("N");
            string bundleFolder = Path.Combine(Path.GetTempPath(), "pcl-try-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(bundleFolder);

            await using EmulatorServer emulator = await EmulatorServer.StartAsync();
            try
            {
                emulator.State.RegisterConfidentialClient(ClientId, secret);
                string refreshToken = emulator.State.IssueRefreshToken(ClientId);
                string bundle = emulator.WriteTrustBundle(Path.Combine(bundleFolder, "ca-bundle.pem"));

                Console.WriteLine("Emulator (Entra ID + Partner Center): " + emulator.BaseUri);
                Console.WriteLine("Module: " + RepositoryPaths.ModuleManifest);
                Console.WriteLine("PS> Connect-PartnerCenter -Environment Emulator -ApplicationId " + ClientId + " -Credential $credential -RefreshToken $refreshToken -Tenant " + EmulatorState.DefaultTenantId);
                Console.WriteLine("PS> " + script);
                Console.WriteLine();

                HostedRunResult result = await HostedPowerShell.RunAsync(new HostedRunRequest
                {
                    // One run: a process started for it and gone after it, nothing left to share.
                    FreshProcess = true,
                    ModulePath = RepositoryPaths.ModuleManifest,
                    Environment = new Dictionary<string, string>
                    {
                        ["SSL_CERT_FILE"] = bundle,
                        ["PCL_URL"] = emulator.BaseUri.ToString().TrimEnd('/'),
                        ["PCL_CLIENT_ID"] = ClientId,
                        ["PCL_CLIENT_SECRET"] = secret,
                        ["PCL_REFRESH_TOKEN"] = refreshToken,
                        ["PCL_TENANT"] = EmulatorState.DefaultTenantId,
                    },
                    Script = @"
$ErrorActionPreference = 'Stop'
function ConvertTo-Secure([string] $text) {
    $secure = [System.Security.SecureString]::new()
    foreach ($c in $text.ToCharArray()) { $secure.AppendChar($c) }
    $secure.MakeReadOnly(); $secure
}
$credential = [pscredential]::new($env:PCL_CLIENT_ID, (ConvertTo-Secure $env:PCL_CLIENT_SECRET))
$null = Add-PartnerCenterEnvironment -Name Emulator -ActiveDirectoryAuthority $env:PCL_URL -PartnerCenterEndpoint $env:PCL_URL
$null = Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken (ConvertTo-Secure $env:PCL_REFRESH_TOKEN) -Tenant $env:PCL_TENANT
" + script,
                });

                Print(result);
                return result.TerminatingError == null && result.Errors.Count == 0 ? 0 : 1;
            }
            finally
            {
                Directory.Delete(bundleFolder, recursive: true);
            }
        }

        // The hosted engine has no Format-Table, so objects are laid out here, one table per type.
        private static void Print(HostedRunResult result)
        {
            foreach (var group in result.Output.GroupBy(o => o.TypeNames.FirstOrDefault() ?? "(null)"))
            {
                Console.WriteLine("   TypeName: " + group.Key);
                Console.WriteLine();
                List<HostedObject> items = group.ToList();
                string[] columns = items[0].Properties.Keys.ToArray();
                if (columns.Length == 0)
                {
                    items.ForEach(i => Console.WriteLine(i.Text));
                    continue;
                }

                int[] widths = columns.Select(c => Math.Max(c.Length, items.Max(i => Cell(i, c).Length))).ToArray();
                Console.WriteLine(string.Join(" ", columns.Select((c, n) => c.PadRight(widths[n]))));
                Console.WriteLine(string.Join(" ", widths.Select(w => new string('-', w))));
                foreach (HostedObject item in items)
                {
                    Console.WriteLine(string.Join(" ", columns.Select((c, n) => Cell(item, c).PadRight(widths[n]))));
                }

                Console.WriteLine();
            }

            foreach (HostedStreamRecord record in result.Streams)
            {
                Console.WriteLine(record.Stream.ToUpperInvariant() + ": " + record.Text);
            }

            if (result.TerminatingError != null)
            {
                Console.WriteLine("ERROR " + result.TerminatingError);
            }
        }

        private static string Cell(HostedObject item, string column)
        {
            return item.Properties.TryGetValue(column, out HostedValue value) ? value.Value ?? string.Empty : string.Empty;
        }
    }
}
