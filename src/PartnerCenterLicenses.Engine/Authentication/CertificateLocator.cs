using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// Finds the application's certificate by thumbprint, in CurrentUser\My and then LocalMachine\My
    /// (where Windows keeps machine certificates for services), and checks it can sign.
    /// </summary>
    internal static class CertificateLocator
    {
        private static readonly StoreLocation[] Locations = { StoreLocation.CurrentUser, StoreLocation.LocalMachine };

        /// <summary>The credential's certificate, checked, whether it was given as an object or by thumbprint.</summary>
        public static X509Certificate2 Resolve(ApplicationCredential.ClientCertificate credential)
        {
            return credential.Certificate != null ? Validate(credential.Certificate) : FindByThumbprint(credential.Thumbprint);
        }

        private static X509Certificate2 FindByThumbprint(string thumbprint)
        {
            string wanted = Normalize(thumbprint);
            foreach (StoreLocation location in Locations)
            {
                using (var store = new X509Store(StoreName.My, location))
                {
                    try
                    {
                        store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                    }
                    catch (Exception e) when (e is CryptographicException || e is PlatformNotSupportedException || e is UnauthorizedAccessException)
                    {
                        // A store that does not exist (LocalMachine\My on Linux) or cannot be read holds nothing for us.
                        continue;
                    }

                    X509Certificate2Collection found = store.Certificates.Find(X509FindType.FindByThumbprint, wanted, validOnly: false);
                    if (found.Count > 0)
                    {
                        return Validate(found[0], wanted);
                    }
                }
            }

            throw new PartnerCenterException(
                PartnerCenterErrorIds.CertificateNotFound,
                PartnerCenterErrorKind.NotFound,
                "No certificate with thumbprint " + wanted + " is in the current user's or the local machine's personal "
                + "certificate store (CurrentUser\\My, LocalMachine\\My).");

            // The way to import it differs by platform, so the cmdlets write the recommended action.
        }

        /// <summary>Checks that a certificate can be the application's credential now.</summary>
        private static X509Certificate2 Validate(X509Certificate2 certificate, string label = null)
        {
            string name = label ?? certificate.Thumbprint;
            if (!certificate.HasPrivateKey)
            {
                throw new PartnerCenterException(
                    PartnerCenterErrorIds.CertificateWithoutPrivateKey,
                    PartnerCenterErrorKind.InvalidArgument,
                    "The certificate " + name + " has no private key, so it cannot sign the application's sign-in.")
                {
                    RecommendedAction = "Import the certificate from its .pfx file (with the private key), not from a .cer file.",
                };
            }

            DateTime now = DateTime.Now;
            if (certificate.NotAfter < now || certificate.NotBefore > now)
            {
                throw new PartnerCenterException(
                    PartnerCenterErrorIds.CertificateExpired,
                    PartnerCenterErrorKind.InvalidArgument,
                    "The certificate " + name + " is valid from " + certificate.NotBefore.ToString("u") + " to " + certificate.NotAfter.ToString("u")
                    + ", which does not include now.")
                {
                    RecommendedAction = "Create a new certificate, upload its public part to the app registration, and use its thumbprint.",
                };
            }

            return certificate;
        }

        private static string Normalize(string thumbprint)
        {
            return (thumbprint ?? string.Empty).Replace(" ", string.Empty).Replace("\u200e", string.Empty).ToUpperInvariant();
        }
    }
}
