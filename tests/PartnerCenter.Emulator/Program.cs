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
    /// Standalone mode: <c>dotnet run --project tests/PartnerCenter.Emulator [-- --port N]</c> starts the
    /// emulator with a demo app registration and prints how to point the module at it.
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
            if (!TryParseArguments(args, out int port, out string infoFile, out bool autoApproveDeviceCodes, out bool showHelp) || showHelp)
            {
                Console.Error.WriteLine("Usage: dotnet run --project tests/PartnerCenter.Emulator [-- --port N] [--info-file PATH] [--auto-approve-device-codes]");
                Console.Error.WriteLine("--info-file writes the URL, trust bundle, server certificate, demo clients, the demo app's certificate (PFX)");
                Console.Error.WriteLine("and refresh token as JSON (owner-only) once serving, for scripts such as the Pester tests.");
                Console.Error.WriteLine("--auto-approve-device-codes approves every device code for the default user as soon as it is polled,");
                Console.Error.WriteLine("so a script can sign in with -UseDeviceAuthentication unattended.");
                Console.Error.WriteLine("Serves Entra ID and the Partner Center API on https://127.0.0.1 (a free port unless --port is given) until Ctrl+C.");
                Console.Error.WriteLine("Sign-ins: refresh token and client credentials (secret or certificate) for the demo app; device code and");
                Console.Error.WriteLine("interactive (authorization code + PKCE, loopback redirect) for the demo public client. A device code is");
                Console.Error.WriteLine("logged when issued; approve it by opening https://127.0.0.1:PORT/devicelogin?user_code=CODE (add");
                Console.Error.WriteLine("&action=deny to decline, &login_hint=UPN to sign in as another user). Interactive sign-in needs no page:");
                Console.Error.WriteLine("the authorize endpoint signs in the default user and redirects straight back to the app.");
                return showHelp ? 0 : 2;
            }

            await using EmulatorServer server = await EmulatorServer.StartAsync(new EmulatorOptions { Port = port, Quiet = false });

            string clientSecret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
            server.State.RegisterConfidentialClient(DemoClientId, clientSecret);
            server.State.AllowPublicClientFlows(DemoClientId);
            server.State.RegisterPublicClient(DemoPublicClientId);
            string refreshToken = server.State.IssueRefreshToken(DemoClientId);
            if (autoApproveDeviceCodes)
            {
                server.State.AutoApproveDeviceCodesAfter = TimeSpan.Zero;
            }

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

            PrintInstructions(server, clientSecret, refreshToken, bundlePath, cerPath, pfxPath, autoApproveDeviceCodes);
            if (infoFile != null)
            {
                WriteInfoFile(infoFile, server, clientSecret, refreshToken, bundlePath, cerPath, pfxPath);
            }

            await WaitForShutdownSignalAsync();
            Console.WriteLine("Stopping.");
            return 0;
        }

        private static void PrintInstructions(
            EmulatorServer server, string clientSecret, string refreshToken, string bundlePath, string cerPath, string pfxPath, bool autoApproveDeviceCodes)
        {
            string deviceCodeApproval = autoApproveDeviceCodes
                ? "approved for " + EmulatorState.DefaultUserPrincipalName + " when first polled (--auto-approve-device-codes), or by hand at"
                : "the code is also logged below when issued; approve it at";
            string url = server.BaseUri.ToString().TrimEnd('/');
            Console.WriteLine($"""

                Partner Center emulator (Entra ID + Partner Center API) listening on {url}

                Demo app registration - demo values, valid for this run only:
                  Application (client) id : {DemoClientId}
                  Client secret           : {clientSecret}
                  Tenant id               : {EmulatorState.DefaultTenantId} ({EmulatorState.DefaultTenantDomain})
                  User                    : {EmulatorState.DefaultUserPrincipalName}
                  Refresh token           : {refreshToken}
                  Certificate (PFX)       : {pfxPath}  (no password; -Certificate (Get-PfxCertificate <path>))

                Trust the emulator's certificate (a new one is made on every start):
                  Linux / macOS - in the shell, before starting pwsh:
                    export SSL_CERT_FILE='{bundlePath}'
                  Windows - in PowerShell (Windows asks for confirmation):
                    Import-Certificate -FilePath '{cerPath}' -CertStoreLocation Cert:\CurrentUser\Root
                  and remove it again when done:
                    Remove-Item Cert:\CurrentUser\Root\{server.Certificate.Thumbprint}

                User sign-in (public client {DemoPublicClientId}):
                  Device code  - {deviceCodeApproval}
                                 {url}/devicelogin?user_code=CODE  (&action=deny to decline,
                                 &login_hint=UPN for another user in {EmulatorState.DefaultTenantDomain})
                  Interactive  - redirect URI http://localhost (any port and path); the authorize endpoint signs in
                                 {EmulatorState.DefaultUserPrincipalName} at once and redirects back with the code

                Try the module:
                  Add-PartnerCenterEnvironment -Name Emulator -ActiveDirectoryAuthority {url} -PartnerCenterEndpoint {url}
                  Connect-PartnerCenter -Environment Emulator -ApplicationId {DemoClientId} -Credential (New-Object PSCredential '{DemoClientId}', (ConvertTo-SecureString '{clientSecret}' -AsPlainText -Force)) -RefreshToken '{refreshToken}' -Tenant {EmulatorState.DefaultTenantId}
                  Get-PartnerLicenseDeployment
                  New-PartnerCenterRefreshToken -Environment Emulator -ApplicationId {DemoClientId} -Credential <as above> -Tenant {EmulatorState.DefaultTenantId}
                    (the demo app also allows public client flows, so -UseDeviceAuthentication works for it)

                Press Ctrl+C to stop.

                """);
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

        private static bool TryParseArguments(string[] args, out int port, out string infoFile, out bool autoApproveDeviceCodes, out bool showHelp)
        {
            port = 0;
            infoFile = null;
            autoApproveDeviceCodes = false;
            showHelp = false;
            for (int i = 0; i < args.Length; i++)
            {
                string arg = args[i];
                string value = null;
                if (arg == "-h" || arg == "--help" || arg == "-?")
                {
                    showHelp = true;
                    continue;
                }

                if (arg == "--auto-approve-device-codes")
                {
                    autoApproveDeviceCodes = true;
                    continue;
                }

                if (arg == "--info-file")
                {
                    if (i + 1 == args.Length)
                    {
                        Console.Error.WriteLine("--info-file needs a path.");
                        return false;
                    }

                    infoFile = Path.GetFullPath(args[++i]);
                    continue;
                }

                if (arg.StartsWith("--port=", StringComparison.Ordinal))
                {
                    value = arg.Substring("--port=".Length);
                }
                else if (arg == "--port")
                {
                    if (i + 1 == args.Length)
                    {
                        Console.Error.WriteLine("--port needs a value.");
                        return false;
                    }

                    value = args[++i];
                }
                else
                {
                    Console.Error.WriteLine($"Unknown argument '{arg}'.");
                    return false;
                }

                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                {
                    Console.Error.WriteLine($"Invalid port '{value}'.");
                    return false;
                }
            }

            return true;
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
