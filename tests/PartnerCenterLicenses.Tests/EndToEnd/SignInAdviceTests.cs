using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// Sign-in failures that are the user's to fix get advice for the sign-in used: a browser that
    /// cannot start points at the device code flow, a certificate Entra ID refuses at the certificate.
    /// </summary>
    [Collection(SignInEmulatorCollection.Name)]
    public sealed class SignInAdviceTests : IDisposable
    {
        private const string Command = ",PartnerCenterLicenses.Commands.";

        private readonly EmulatorFixture _emulator;
        private readonly ScratchFolder _folder = new ScratchFolder("pcl-advice");

        public SignInAdviceTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        public void Dispose() => _folder.Dispose();

        [Fact]
        public async Task A_browser_that_cannot_start_is_a_sign_in_error_that_points_at_the_device_code_flow()
        {
            string missing = Path.Combine(_folder.Path, "no-such-browser");

            var result = await _emulator.RunAsync(
                @"
try { Connect-PartnerCenter -Environment Emulator -Tenant $env:PCL_TENANT } catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category.ToString(); $_.ErrorDetails.RecommendedAction; $_.Exception.Message }
try { New-PartnerCenterRefreshToken -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential -Tenant $env:PCL_TENANT } catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category.ToString(); $_.ErrorDetails.RecommendedAction }
",
                new Dictionary<string, string> { ["BROWSER"] = missing });

            Assert.True(result.TerminatingError == null, result.Describe());
            string[] text = result.Output.Select(o => o.Text).ToArray();
            Assert.Equal("PartnerCenter.InteractiveNotAvailable" + Command + "ConnectPartnerCenterCommand", text[0]);
            Assert.Equal("AuthenticationError", text[1]);
            Assert.Contains("Connect-PartnerCenter -UseDeviceAuthentication", text[2]);
            Assert.Contains("secure application model", text[2]);
            Assert.Contains("could not be started", text[3]);
            Assert.Contains(missing, text[3]);
            Assert.DoesNotContain("Win32Exception", string.Join("\n", text));

            Assert.Equal("PartnerCenter.InteractiveNotAvailable" + Command + "NewPartnerCenterRefreshTokenCommand", text[4]);
            Assert.Equal("AuthenticationError", text[5]);
            Assert.StartsWith("Add -UseDeviceAuthentication", text[6]);
            Assert.Contains("New-PartnerCenterRefreshToken -ApplicationId '" + EmulatorFixture.ClientId + "'", text[6]);
        }

        [Fact]
        public async Task A_certificate_Entra_ID_rejects_gets_advice_about_the_certificate_not_a_client_secret()
        {
            // The registration knows another certificate than the one the application signs with.
            string clientId = Guid.NewGuid().ToString();
            using X509Certificate2 registered = NewCertificate();
            using X509Certificate2 used = NewCertificate();
            _emulator.State.RegisterConfidentialClient(clientId, "unused-" + Guid.NewGuid().ToString("N"));
            _emulator.State.RegisterConfidentialClientCertificate(clientId, X509CertificateLoader.LoadCertificate(registered.Export(X509ContentType.Cert)));
            string pfx = Path.Combine(_folder.Path, "used.pfx");
            File.WriteAllBytes(pfx, used.Export(X509ContentType.Pfx));

            var result = await _emulator.RunAsync(
                @"
$cert = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($env:PCL_PFX, [string]::Empty)
try { Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CERT_CLIENT_ID -Certificate $cert -RefreshToken $env:PCL_REFRESH_TOKEN -Tenant $env:PCL_TENANT } catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category.ToString(); $_.ErrorDetails.RecommendedAction }
try { New-PartnerCenterRefreshToken -Environment Emulator -ApplicationId $env:PCL_CERT_CLIENT_ID -Certificate $cert -RefreshToken (ConvertTo-Secure $env:PCL_REFRESH_TOKEN) -Tenant $env:PCL_TENANT } catch { $_.FullyQualifiedErrorId; $_.ErrorDetails.RecommendedAction }
try { Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CERT_CLIENT_ID -Credential ([pscredential]::new($env:PCL_CERT_CLIENT_ID, (ConvertTo-Secure 'wrong'))) -RefreshToken $env:PCL_REFRESH_TOKEN -Tenant $env:PCL_TENANT } catch { $_.FullyQualifiedErrorId; $_.ErrorDetails.RecommendedAction }
",
                new Dictionary<string, string>
                {
                    ["PCL_CERT_CLIENT_ID"] = clientId,
                    ["PCL_PFX"] = pfx,
                    ["PCL_REFRESH_TOKEN"] = _emulator.State.IssueRefreshToken(clientId),
                });

            Assert.True(result.TerminatingError == null, result.Describe());
            string[] text = result.Output.Select(o => o.Text).ToArray();
            Assert.Equal("PartnerCenter.InvalidClientCredential" + Command + "ConnectPartnerCenterCommand", text[0]);
            Assert.Equal("AuthenticationError", text[1]);
            foreach (string advice in new[] { text[2], text[4] })
            {
                Assert.Contains("-CertificateThumbprint or -Certificate", advice);
                Assert.Contains("uploaded", advice);
                Assert.Contains("expired", advice);
                Assert.Contains("private key", advice);
                Assert.DoesNotContain("-Credential", advice);
                Assert.DoesNotContain("client secret", advice, StringComparison.OrdinalIgnoreCase);
            }

            Assert.Equal("PartnerCenter.InvalidClientCredential" + Command + "NewPartnerCenterRefreshTokenCommand", text[3]);

            // The same refusal of a client secret still speaks of the secret.
            Assert.Equal("PartnerCenter.InvalidClientCredential" + Command + "ConnectPartnerCenterCommand", text[5]);
            Assert.Contains("client secret in -Credential", text[6]);
        }

        private static X509Certificate2 NewCertificate()
        {
            using RSA key = RSA.Create(2048);
            var request = new CertificateRequest("CN=PartnerCenterLicenses advice test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        }
    }
}
