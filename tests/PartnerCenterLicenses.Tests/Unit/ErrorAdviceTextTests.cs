using System;
using System.Net.Http;
using System.Linq;
using System.Net.Sockets;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Commands;
using PartnerCenterLicenses.Engine.Authentication;
using PartnerCenterLicenses.Engine.Http;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>The texts of errors whose cause cannot be produced on every machine: other platforms, missing libraries.</summary>
    public class ErrorAdviceTextTests
    {
        // The runtime's text for a native library it cannot load names every path it probed.
        private static readonly string ProbedPaths = "Unable to load shared library 'libsecret-1.so.0' or one of its dependencies. In order to help diagnose "
            + "loading problems, consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG environment variable: "
            + string.Join(": ", Enumerable.Range(1, 12).Select(i => "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0/libsecret-1.so.0." + i + ".so: cannot open shared object file: No such file or directory"));

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void A_missing_libsecret_is_named_in_a_few_lines_without_the_probed_paths(bool wrapped)
        {
            Exception cause = new DllNotFoundException(ProbedPaths);
            if (wrapped)
            {
                cause = new TypeInitializationException("Microsoft.Identity.Client.Extensions.Msal.Libsecret", cause);
            }

            PartnerCenterException error = TokenCachePersistence.Unavailable(cause);

            Assert.Equal(PartnerCenterErrorIds.SecureTokenCacheUnavailable, error.ErrorId);
            Assert.Contains("libsecret", error.Message);
            Assert.DoesNotContain("/usr/share", error.Message);
            Assert.True(error.Message.Length <= 3 * 80, error.Message);
            Assert.Contains("-ContextScope Process", error.RecommendedAction);
            Assert.Contains("-AllowUnencryptedTokenCache", error.RecommendedAction);
            if (OperatingSystem.IsLinux())
            {
                Assert.Contains("apt-get install libsecret-1-0", error.RecommendedAction);
            }
        }

        [Fact]
        public void Another_cache_failure_keeps_a_short_cause()
        {
            PartnerCenterException error = TokenCachePersistence.Unavailable(new InvalidOperationException(new string('x', 1000)));

            Assert.True(error.Message.Length <= 4 * 80, error.Message);
            Assert.Contains("...", error.Message);
        }

        [Fact]
        public void A_missing_certificate_on_Windows_is_imported_into_the_Cert_drive()
        {
            string advice = RefreshTokenAdvice.CertificateNotFound(windows: true);

            Assert.Contains("Import-PfxCertificate", advice);
            Assert.Contains("Cert:\\CurrentUser\\My", advice);
            Assert.Contains("-Certificate instead of -CertificateThumbprint", advice);
        }

        [Fact]
        public void A_missing_certificate_on_Linux_or_macOS_is_added_through_the_dotnet_store()
        {
            string advice = RefreshTokenAdvice.CertificateNotFound(windows: false);

            Assert.Contains("[System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')", advice);
            Assert.Contains("~/.dotnet/corefx/cryptography/x509stores/my", advice);
            Assert.Contains("-Certificate instead of -CertificateThumbprint", advice);
            Assert.DoesNotContain("Import-PfxCertificate", advice);
            Assert.DoesNotContain("Cert:\\", advice);
        }

        [Fact]
        public void A_cause_the_outer_exception_already_quotes_is_said_once()
        {
            var refused = new HttpRequestException("Connection refused (127.0.0.1:33007)", new SocketException((int)SocketError.ConnectionRefused));
            var unknown = new HttpRequestException("Name or service not known (pcl.invalid:443)", new SocketException((int)SocketError.HostNotFound));

            Assert.Equal(1, Count(Causes.Describe(refused), new SocketException((int)SocketError.ConnectionRefused).Message));
            Assert.Contains("127.0.0.1:33007", Causes.Describe(refused));
            Assert.Contains("pcl.invalid:443", Causes.Describe(unknown));
            Assert.Equal("An error occurred while sending the request: Connection refused (127.0.0.1:1)",
                Causes.Describe(new HttpRequestException("An error occurred while sending the request.", new Exception("Connection refused (127.0.0.1:1)", new Exception("Connection refused")))));
        }

        [Fact]
        public void Entra_IDs_description_is_cut_to_its_first_line_and_its_code_is_read()
        {
            const string Description = "AADSTS700082: The refresh token has expired due to inactivity.\r\nTrace ID: 1\r\nCorrelation ID: 2\r\nTimestamp: 2026-12-08 00:00:00Z";

            Assert.Equal(700082, MsalFailures.AadstsCodeOf(Description));
            Assert.Equal("AADSTS700082: The refresh token has expired due to inactivity", MsalFailures.FirstLine(Description));
            Assert.Null(MsalFailures.AadstsCodeOf("invalid_grant"));
            Assert.Equal("AADSTS7000215: Invalid client secret provided",
                MsalFailures.FirstLine("A configuration issue is preventing authentication. Original exception: AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1"));
        }

        private static int Count(string text, string part)
        {
            int count = 0;
            for (int at = text.IndexOf(part, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.OrdinalIgnoreCase))
            {
                count++;
            }

            return count;
        }
    }
}
