using System;
using System.Text;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// What to do when a refresh token can no longer be redeemed: the New-PartnerCenterRefreshToken
    /// command that gets a new one for the same application, tenant, environment and kind of
    /// credential, ready to paste. Built here once, so the error of Connect-PartnerCenter, of a
    /// renewal inside a session and of New-PartnerCenterRefreshToken itself say the same.
    /// </summary>
    public static class RefreshTokenAdvice
    {
        /// <summary>For a session or call that knows nothing about the application.</summary>
        public const string General =
            "An admin agent signs in once more with New-PartnerCenterRefreshToken -ApplicationId <app id> -Tenant <tenant> "
            + "(in the browser, or with -UseDeviceAuthentication); the refresh token it writes replaces the stored one, "
            + "and Connect-PartnerCenter takes it.";

        /// <summary>
        /// The sign-in command for an application: its id, its credential as a parameter (a secret is
        /// asked for by Get-Credential, a certificate is named by its thumbprint), the tenant when one
        /// was given and the environment when it is not the default.
        /// </summary>
        public static string SignInCommand(PartnerCenterEnvironment environment, string tenant, string applicationId, ApplicationCredential credential)
        {
            var command = new StringBuilder("New-PartnerCenterRefreshToken -ApplicationId ").Append(Quote(applicationId));
            switch (credential)
            {
                case ApplicationCredential.ClientSecret _:
                    command.Append(" -Credential (Get-Credential -UserName ").Append(Quote(applicationId)).Append(')');
                    break;
                case ApplicationCredential.ClientCertificate certificate:
                    command.Append(" -CertificateThumbprint ").Append(Quote(certificate.Certificate?.Thumbprint ?? certificate.Thumbprint));
                    break;
            }

            if (!string.IsNullOrEmpty(tenant))
            {
                command.Append(" -Tenant ").Append(Quote(tenant));
            }

            if (environment != null && !string.Equals(environment.Name, PartnerCenterEnvironments.AzureCloud, StringComparison.OrdinalIgnoreCase))
            {
                command.Append(" -Environment ").Append(Quote(environment.Name));
            }

            return command.ToString();
        }

        /// <summary>The recommended action of PartnerCenter.RefreshTokenExpired for an application's token.</summary>
        public static string ForApplication(PartnerCenterEnvironment environment, string tenant, string applicationId, ApplicationCredential credential)
        {
            return "An admin agent runs " + SignInCommand(environment, tenant, applicationId, credential)
                + " where a browser can open (or adds -UseDeviceAuthentication to sign in with a code); the refresh token it writes "
                + "replaces the stored one, and Connect-PartnerCenter takes it (pipe the object to it). To keep a refresh token from "
                + "expiring, renew it with New-PartnerCenterRefreshToken -RefreshToken at least once in its lifetime.";
        }

        // Single quotes take everything literally in PowerShell except a single quote, which is
        // doubled; PowerShell reads the typographic single quotes as quotes too.
        private static string Quote(string value)
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
