using System;
using System.Buffers.Text;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;

namespace PartnerCenter.Emulator
{
    /// <summary>
    /// Standalone mode: <c>dotnet run --project tests/PartnerCenter.Emulator [-- SWITCHES]</c> starts the
    /// emulator with a demo app registration and prints how to point the module at it; the switches
    /// (<see cref="EmulatorCommandLine.Help"/>) simulate latency, paging, throttling and faults.
    /// </summary>
    internal static class Program
    {
        /// <summary>Fixed so that instructions copied from one run keep their shape; the secret is new each run.</summary>
        private const string DemoClientId = "9a3c5e71-2b4d-4f68-8e1a-7c0b3d5f2a94";

        /// <summary>
        /// A public client for the user sign-in flows (device code, interactive): those apps have no secret,
        /// so the confidential demo app cannot stand in for them.
        /// </summary>
        private const string DemoPublicClientId = "c4e81f27-6d3a-4b95-a0c2-5e7f9b1d3a68";

        public static async Task<int> Main(string[] args)
        {
            EmulatorCommandLine commandLine = EmulatorCommandLine.Parse(args, out string error);
            if (commandLine == null || commandLine.ShowHelp)
            {
                if (error != null)
                {
                    Console.Error.WriteLine(error);
                }

                Console.Error.WriteLine(EmulatorCommandLine.Help);
                return error == null ? 0 : 2;
            }

            await using EmulatorServer server = await EmulatorServer.StartAsync(new EmulatorOptions { Port = commandLine.Port, Quiet = false });

            string clientSecret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
            server.State.RegisterConfidentialClient(DemoClientId, clientSecret);
            server.State.AllowPublicClientFlows(DemoClientId);
            server.State.RegisterPublicClient(DemoPublicClientId);
            string refreshToken = server.State.IssueRefreshToken(DemoClientId);
            commandLine.ApplyTo(server.State);

            string directory = Path.Combine(Path.GetTempPath(), "PartnerCenter.Emulator", server.BaseUri.Port.ToString(CultureInfo.InvariantCulture));
            string bundlePath = server.WriteTrustBundle(Path.Combine(directory, "ca-bundle.pem"));
            string cerPath = Path.Combine(directory, "PartnerCenter.Emulator.cer");
            File.WriteAllBytes(cerPath, server.Certificate.Export(X509ContentType.Cert));

            // The demo app also signs in with a certificate; its PFX has no password, so keep it to the owner.
            string pfxPath = Path.Combine(directory, "demo-app.pfx");
            using (X509Certificate2 clientCertificate = server.State.CreateClientCertificate(DemoClientId))
            {
                WriteOwnerOnly(pfxPath, clientCertificate.Export(X509ContentType.Pfx));
            }

            // The refresh token is longer than a terminal line, so the banner points at a script holding it.
            string connectPath = Path.Combine(directory, "connect.ps1");
            WriteOwnerOnly(connectPath, System.Text.Encoding.UTF8.GetBytes(ConnectScript(server, clientSecret, refreshToken)));

            PrintInstructions(server, clientSecret, bundlePath, cerPath, pfxPath, connectPath, commandLine);
            if (commandLine.InfoFile != null)
            {
                WriteInfoFile(commandLine.InfoFile, server, clientSecret, refreshToken, bundlePath, cerPath, pfxPath);
            }

            await WaitForShutdownSignalAsync();
            Console.WriteLine("Stopping.");
            return 0;
        }

        private static string ConnectScript(EmulatorServer server, string clientSecret, string refreshToken)
        {
            string url = server.BaseUri.ToString().TrimEnd('/');
            return $"""
                # Demo values of the Partner Center emulator at {url}, valid for this run only.
                # Dot-source it in pwsh or Windows PowerShell with the module imported: . '<this file>'
                if (-not (Get-PartnerCenterEnvironment -Name Emulator -ErrorAction Ignore)) {"{"}
                    $null = Add-PartnerCenterEnvironment -Name Emulator -ActiveDirectoryAuthority '{url}' -PartnerCenterEndpoint '{url}'
                {"}"}
                $credential = New-Object PSCredential '{DemoClientId}', (ConvertTo-SecureString '{clientSecret}' -AsPlainText -Force)
                $refreshToken = '{refreshToken}'
                Connect-PartnerCenter -Environment Emulator -ApplicationId '{DemoClientId}' -Credential $credential -RefreshToken $refreshToken -Tenant '{EmulatorState.DefaultTenantId}'

                """;
        }

        /// <summary>
        /// Every line within 80 columns with this machine's paths (a test starts the emulator and checks),
        /// so a standard terminal never wraps a word or a command in the middle.
        /// </summary>
        private static void PrintInstructions(
            EmulatorServer server, string clientSecret, string bundlePath, string cerPath, string pfxPath, string connectPath, EmulatorCommandLine commandLine)
        {
            string deviceCodeApproval = commandLine.AutoApproveDeviceCodes
                ? "approved when first polled\n    (--auto-approve-device-codes), or by hand at"
                : "logged below when issued; approve it at";
            string url = server.BaseUri.ToString().TrimEnd('/');
            string simulated = Simulation(commandLine);
            Console.WriteLine($"""

                Partner Center emulator (Entra ID + Partner Center API)
                listening on {url}{simulated}

                Demo app registration, valid for this run only:
                  Application id : {DemoClientId}
                  Client secret  : {clientSecret}
                  Tenant id      : {EmulatorState.DefaultTenantId}
                                   ({EmulatorState.DefaultTenantDomain})
                  User           : {EmulatorState.DefaultUserPrincipalName}
                  Refresh token  : in the connect script below ($refreshToken)
                  Certificate    : {pfxPath}
                                   (no password: Get-PfxCertificate <path>)

                Trust the emulator's certificate (a new one on every start):
                  Linux / macOS, in the shell before starting pwsh:
                    export SSL_CERT_FILE='{bundlePath}'
                  Windows, in PowerShell (Windows asks to confirm):
                    Import-Certificate -CertStoreLocation Cert:\CurrentUser\Root `
                      -FilePath '{cerPath}'
                  and remove it when done:
                    Remove-Item Cert:\CurrentUser\Root\{server.Certificate.Thumbprint}

                Try the module: import it, then dot-source the connect script
                (it adds the environment Emulator and signs in):
                  . '{connectPath}'
                  Get-PartnerLicenseDeployment
                To run README's examples here, add -Environment Emulator to
                Connect-PartnerCenter and New-PartnerCenterRefreshToken.

                User sign-in (public client {DemoPublicClientId}):
                  Device code: {deviceCodeApproval}
                    {url}/devicelogin?user_code=CODE
                    (&action=deny to decline, &login_hint=UPN for another user)
                  Interactive: redirect URI http://localhost (any port, path);
                    the default user is signed in at once, no page is shown

                Press Ctrl+C to stop.

                """);
        }

        private static string Simulation(EmulatorCommandLine commandLine)
        {
            var parts = new System.Collections.Generic.List<string>();
            if (commandLine.Latency > TimeSpan.Zero)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"latency {commandLine.Latency.TotalMilliseconds:0} ms"));
            }

            if (commandLine.PageSize is int pageSize)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"pages of {pageSize}"));
            }

            if (commandLine.ThrottleEvery is int every)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"429 every {every} (Retry-After {commandLine.RetryAfter.TotalSeconds:0} s)"));
            }

            if (commandLine.FaultCount > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{commandLine.FaultCount} faults queued (--fault)"));
            }

            // One switch a line, so that no combination outgrows 80 columns.
            return parts.Count == 0 ? string.Empty : "\nsimulating:\n  " + string.Join("\n  ", parts);
        }

        // Written to a temporary name and moved into place, so a script polling for the file never
        // reads half of it; demo secrets only, still kept from other local users.
        private static void WriteInfoFile(
            string path, EmulatorServer server, string clientSecret, string refreshToken, string bundlePath, string cerPath, string pfxPath)
        {
            var info = new System.Text.Json.Nodes.JsonObject
            {
                ["url"] = server.BaseUri.ToString().TrimEnd('/'),
                ["trustBundle"] = bundlePath,
                ["serverCertificate"] = cerPath,
                ["clientId"] = DemoClientId,
                ["clientSecret"] = clientSecret,
                ["publicClientId"] = DemoPublicClientId,
                ["refreshToken"] = refreshToken,
                ["clientCertificate"] = pfxPath,
                ["tenantId"] = EmulatorState.DefaultTenantId,
            };
            string temporary = path + ".tmp";
            WriteOwnerOnly(temporary, System.Text.Encoding.UTF8.GetBytes(info.ToJsonString()));
            File.Move(temporary, path, overwrite: true);
        }

        // Created with owner-only permissions rather than narrowed afterwards, so no other local user
        // can open it in between (Windows: the temporary folder is the user's own).
        private static void WriteOwnerOnly(string path, byte[] content)
        {
            File.Delete(path);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, options);
            stream.Write(content);
        }

        private static async Task WaitForShutdownSignalAsync()
        {
            var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Console.CancelKeyPress += (_, e) =>
            {
                // Let the server stop cleanly instead of the runtime killing the process.
                e.Cancel = true;
                stop.TrySetResult();
            };
            using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.TrySetResult();
            });
            await stop.Task;
        }
    }
}
