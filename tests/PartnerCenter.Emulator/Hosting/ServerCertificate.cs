using System;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PartnerCenter.Emulator.Hosting
{
    internal static class ServerCertificate
    {
        public const string SubjectName = "CN=PartnerCenter.Emulator";

        // Each server's certificate is its own root. OpenSSL finds a root in a trust bundle by its
        // subject, so two emulators trusted side by side need subjects of their own.

        /// <summary>
        /// Creates a self-signed TLS certificate for 127.0.0.1 and localhost. It is its own CA
        /// (basic constraints CA=true) so that it can be put in a trust bundle like any private root.
        /// </summary>
        public static X509Certificate2 Create()
        {
            using RSA key = RSA.Create(2048);
            string subject = SubjectName + ", OU=" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

            var alternativeNames = new SubjectAlternativeNameBuilder();
            alternativeNames.AddIpAddress(IPAddress.Loopback);
            alternativeNames.AddDnsName("localhost");
            request.CertificateExtensions.Add(alternativeNames.Build());
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(
                X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign,
                critical: true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                new OidCollection { new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication") },
                critical: false));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

            DateTimeOffset now = DateTimeOffset.UtcNow;
            using X509Certificate2 created = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

            // CreateSelfSigned returns a certificate bound to an in-memory key handle, which SslStream cannot
            // use on every platform; a PKCS#12 round trip yields a certificate whose private key TLS can use.
            return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
        }
    }
}
