using System;
using System.Text;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// What to do when an admin agent has to get a new refresh token: the New-PartnerCenterRefreshToken
    /// command for the same application, tenant, environment and kind of credential, ready to paste.
    /// The engine only says which application (<see cref="PartnerCenterException.NewRefreshTokenFor"/>);
    /// the command line is made here, so the errors of Connect-PartnerCenter, of a renewal inside a
    /// session and of New-PartnerCenterRefreshToken itself say the same.
    /// </summary>
    internal static class RefreshTokenAdvice
    {
        /// <summary>For a refused refresh token when nothing is known about the application.</summary>
        internal const string General =
            "An admin agent signs in once more with New-PartnerCenterRefreshToken -ApplicationId <app id> -Tenant <tenant> "
            + "(in the browser, or with -UseDeviceAuthentication); the refresh token it writes replaces the stored one, "
            + "and Connect-PartnerCenter takes it.";

        /// <summary>The recommended action of an engine failure, with the sign-in command where the failure names an application.</summary>
        internal static string RecommendedActionOf(PartnerCenterException e)
        {
            if (e.ErrorId == PartnerCenterErrorIds.CertificateNotFound && e.RecommendedAction == null)
            {
                return CertificateNotFound(System.Environment.OSVersion.Platform == PlatformID.Win32NT);
            }

            RefreshTokenApplication application = e.NewRefreshTokenFor;
            if (application == null)
            {
                return e.RecommendedAction ?? (e.ErrorId == PartnerCenterErrorIds.RefreshTokenExpired ? General : null);
            }

            if (e.ErrorId == PartnerCenterErrorIds.MfaRequired)
            {
                return "An admin agent signs in with multifactor authentication: " + SignInCommand(application)
                    + " (in the browser, or with -UseDeviceAuthentication), completing the MFA prompt; the refresh token it writes replaces "
                    + "the stored one, and Connect-PartnerCenter takes it (pipe the object to it).";
            }

            if (e.ErrorId == PartnerCenterErrorIds.InteractiveNotAvailable)
            {
                return "Add -UseDeviceAuthentication to sign in with a code on another device, or run "
                    + SignInCommand(application) + " on a machine with a browser.";
            }

            return "An admin agent runs " + SignInCommand(application)
                + " where a browser can open (or adds -UseDeviceAuthentication to sign in with a code); the refresh token it writes "
                + "replaces the stored one, and Connect-PartnerCenter takes it (pipe the object to it). To keep a refresh token from "
                + "expiring, renew it with New-PartnerCenterRefreshToken -RefreshToken at least once in its lifetime.";
        }

        /// <summary>
        /// How to put the application's certificate where -CertificateThumbprint looks, on the platform the
        /// command runs on: Windows has the Cert: drive and Import-PfxCertificate; PowerShell on Linux and
        /// macOS has neither, and .NET keeps CurrentUser\My in ~/.dotnet/corefx/cryptography/x509stores/my,
        /// written through X509Store.
        /// </summary>
        internal static string CertificateNotFound(bool windows)
        {
            const string Either = " Or pass the certificate itself with -Certificate instead of -CertificateThumbprint.";
            if (windows)
            {
                return "Import the application's certificate with its private key: "
                    + "Import-PfxCertificate -FilePath <file.pfx> -CertStoreLocation Cert:\\CurrentUser\\My -Password (Read-Host -AsSecureString)."
                    + Either;
            }

            return "Add the application's certificate with its private key to .NET's CurrentUser\\My store "
                + "(~/.dotnet/corefx/cryptography/x509stores/my): "
                + "$s = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser'); $s.Open('ReadWrite'); "
                + "$s.Add([System.Security.Cryptography.X509Certificates.X509Certificate2]::new('<file.pfx>', (Read-Host -AsSecureString), 'PersistKeySet')); "
                + "$s.Close()." + Either;
        }

        /// <summary>
        /// The sign-in command for an application: its id, its credential as a parameter (a secret is
        /// asked for by Get-Credential, a certificate is named by its thumbprint), the tenant when one
        /// was given and the environment when it is not the default.
        /// </summary>
        internal static string SignInCommand(RefreshTokenApplication application)
        {
            var command = new StringBuilder("New-PartnerCenterRefreshToken -ApplicationId ").Append(Quote(application.ApplicationId));
            if (application.HasClientSecret)
            {
                command.Append(" -Credential (Get-Credential -UserName ").Append(Quote(application.ApplicationId)).Append(')');
            }
            else if (application.CertificateThumbprint != null)
            {
                command.Append(" -CertificateThumbprint ").Append(Quote(application.CertificateThumbprint));
            }

            if (!string.IsNullOrEmpty(application.Tenant))
            {
                command.Append(" -Tenant ").Append(Quote(application.Tenant));
            }

            if (!string.Equals(application.EnvironmentName, PartnerCenterEnvironments.AzureCloud, StringComparison.OrdinalIgnoreCase))
            {
                command.Append(" -Environment ").Append(Quote(application.EnvironmentName));
            }

            return command.ToString();
        }

        // Single quotes take everything literally in PowerShell except a single quote, which is
        // doubled; PowerShell reads the typographic single quotes as quotes too.
        internal static string Quote(string value)
        {
            var quoted = new StringBuilder("'");
            foreach (char c in value ?? string.Empty)
            {
                quoted.Append(c);
                if (c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201A' || c == '\u201B')
                {
                    quoted.Append(c);
                }
            }

            return quoted.Append('\'').ToString();
        }
    }
}
