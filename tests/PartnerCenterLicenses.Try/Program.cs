using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenter.Emulator;
using PartnerCenterLicenses.Tests.Hosting;

namespace PartnerCenterLicenses.Try
{
    /// <summary>
    /// Starts the emulator, then runs the built module in pwsh 7.6.9 (tools/pwsh: the real console
    /// host with every built-in module) against it: connect with the secure application model and run
    /// the PowerShell given as arguments, by default Get-PartnerLicenseDeployment. With -Interactive,
    /// the pwsh prompt stays open, connected, until you type exit. pwsh trusts the emulator's
    /// certificate through SSL_CERT_FILE, the way a user trusts a private CA.
    /// </summary>
    public static class Program
    {
        private const string ClientId = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

        public static async Task<int> Main(string[] args)
        {
            bool interactive = args.Any(a => string.Equals(a, "-Interactive", StringComparison.OrdinalIgnoreCase));
            string[] commands = args.Where(a => !string.Equals(a, "-Interactive", StringComparison.OrdinalIgnoreCase)).ToArray();
            string script = commands.Length > 0 ? string.Join(" ", commands) : (interactive ? string.Empty : "Get-PartnerLicenseDeployment");

            if (!File.Exists(RepositoryPaths.Pwsh) || !File.Exists(RepositoryPaths.ModuleManifest))
            {
                Console.Error.WriteLine("The module or tools/pwsh is not built; run: dotnet build -c Release Module.sln");
                return 2;
            }

            string secret = "try-" + Guid.NewGuid().ToString("N");
            string folder = Path.Combine(Path.GetTempPath(), "pcl-try-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);

            Progress("Starting the emulator of Entra ID and Partner Center...");
            await using EmulatorServer emulator = await EmulatorServer.StartAsync();
            try
            {
                emulator.State.RegisterConfidentialClient(ClientId, secret);
                string refreshToken = emulator.State.IssueRefreshToken(ClientId);
                string bundle = emulator.WriteTrustBundle(Path.Combine(folder, "ca-bundle.pem"));
                string startup = Path.Combine(folder, "connect.ps1");
                File.WriteAllText(startup, StartupScript);

                Progress("Emulator: " + emulator.BaseUri + " (its certificate is trusted through SSL_CERT_FILE=" + bundle + ")");
                Progress("Module: " + RepositoryPaths.ModuleManifest);
                Progress("Starting pwsh " + "7.6.9 and connecting...");
                Console.WriteLine();
                Console.WriteLine("PS> Connect-PartnerCenter -Environment Emulator -ApplicationId " + ClientId + " -Credential $credential -RefreshToken $refreshToken -Tenant " + EmulatorState.DefaultTenantId);
                if (script.Length > 0)
                {
                    Console.WriteLine("PS> " + script);
                }

                var arguments = new[]
                {
                    RepositoryPaths.Pwsh, "-NoLogo", "-NoProfile", interactive ? "-NoExit" : "-NonInteractive",
                    "-Command", ". '" + startup.Replace("'", "''") + "'" + (script.Length > 0 ? "\n" + script : string.Empty),
                };
                var environment = new Dictionary<string, string>
                {
                    ["SSL_CERT_FILE"] = bundle,
                    ["PCL_MODULE"] = RepositoryPaths.ModuleManifest,
                    ["PCL_URL"] = emulator.BaseUri.ToString().TrimEnd('/'),
                    ["PCL_CLIENT_ID"] = ClientId,
                    ["PCL_CLIENT_SECRET"] = secret,
                    ["PCL_REFRESH_TOKEN"] = refreshToken,
                    ["PCL_TENANT"] = EmulatorState.DefaultTenantId,
                };
                if (Console.IsOutputRedirected)
                {
                    // Into a file or a pipe, plain text: pwsh leaves out its colour codes.
                    environment["NO_COLOR"] = "1";
                }

                using var pwsh = new SupervisedProcess(SupervisedProcess.Dotnet, arguments) { Name = "pwsh", Environment = environment, UseConsole = true, OfflinePowerShell = true };
                return await pwsh.Start().WaitForExitAsync(Timeout.InfiniteTimeSpan);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        private static void Progress(string message)
        {
            Console.Error.WriteLine("[try] " + message);
        }

        // The secrets arrive as environment variables, as a runbook gets them from its automation
        // account, and are removed from the environment once they are SecureStrings.
        private const string StartupScript = @"
$ErrorActionPreference = 'Stop'
Import-Module $env:PCL_MODULE
$credential = [pscredential]::new($env:PCL_CLIENT_ID, (ConvertTo-SecureString $env:PCL_CLIENT_SECRET -AsPlainText -Force))
$refreshToken = ConvertTo-SecureString $env:PCL_REFRESH_TOKEN -AsPlainText -Force
Remove-Item Env:PCL_CLIENT_SECRET, Env:PCL_REFRESH_TOKEN
$null = Add-PartnerCenterEnvironment -Name Emulator -ActiveDirectoryAuthority $env:PCL_URL -PartnerCenterEndpoint $env:PCL_URL
$null = Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -RefreshToken $refreshToken -Tenant $env:PCL_TENANT
$ErrorActionPreference = 'Continue'
";
    }
}
