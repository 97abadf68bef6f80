using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Engine.Http
{
    /// <summary>
    /// Why the platform refused a server's TLS certificate, kept per host so that the failed request's
    /// error can name the certificate and the chain problem. A certificate problem is never retried
    /// and never reported as "unreachable": it is either an interception or a missing trusted root,
    /// and either way the user has to act.
    /// </summary>
    internal sealed class CertificateFailures
    {
        private readonly ConcurrentDictionary<string, string> _reasons = new ConcurrentDictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>The validation callback: returns the platform's verdict unchanged.</summary>
        public bool Check(HttpRequestMessage request, X509Certificate2 certificate, X509Chain chain, SslPolicyErrors errors)
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (request?.RequestUri != null)
            {
                _reasons[Origin(request.RequestUri)] = Describe(certificate, chain, errors);
            }

            return false;
        }

        /// <summary>True when a send failed because the TLS handshake failed.</summary>
        public static bool IsTlsFailure(Exception exception)
        {
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                if (e is AuthenticationException)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The module's error for a TLS failure talking to <paramref name="uri"/>.</summary>
        public PartnerCenterException Explain(Exception exception, Uri uri, string what)
        {
            string reason = _reasons.TryGetValue(Origin(uri), out string seen) ? seen : Causes.Describe(exception);
            return new PartnerCenterException(
                PartnerCenterErrorIds.ServerCertificateUntrusted,
                PartnerCenterErrorKind.Security,
                "The TLS connection to " + what + " at " + Origin(uri) + " was refused because its certificate is not trusted here, "
                + "so nothing was sent: " + reason,
                exception)
            {
                RecommendedAction = "If your network inspects TLS (a proxy or firewall that presents its own certificates), add its root CA "
                    + "to this machine's trusted roots (the Windows certificate store; on Linux the system CA bundle or SSL_CERT_FILE; "
                    + "on macOS the System keychain) and try again. Otherwise the connection may be intercepted: do not work around it.",
            };
        }

        private static string Origin(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

        private static string Describe(X509Certificate2 certificate, X509Chain chain, SslPolicyErrors errors)
        {
            string problems = string.Join(", ", new[]
            {
                (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0 ? "no certificate was presented" : null,
                (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 ? "the certificate is for another host name" : null,
                (errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0 ? "its chain does not end at a trusted root" : null,
            }.Where(p => p != null));

            string chainStatus = chain == null
                ? string.Empty
                : string.Join("; ", chain.ChainStatus
                    .Where(s => s.Status != X509ChainStatusFlags.NoError)
                    .Select(s => s.Status + (string.IsNullOrWhiteSpace(s.StatusInformation) ? string.Empty : " (" + s.StatusInformation.Trim() + ")"))
                    .Distinct());

            return problems + "."
                + (certificate != null
                    ? " Subject: " + certificate.Subject + "; issuer: " + certificate.Issuer + "; thumbprint: " + certificate.Thumbprint
                      + "; valid " + certificate.NotBefore.ToUniversalTime().ToString("u") + " to " + certificate.NotAfter.ToUniversalTime().ToString("u") + "."
                    : string.Empty)
                + (chainStatus.Length > 0 ? " Chain status: " + chainStatus + "." : string.Empty);
        }
    }
}
