using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Http;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// The secure application model: an application redeems a refresh token that a partner user
    /// granted it once. With a client secret or certificate the application is confidential; without
    /// one it is a public client, as runbooks written for the archived PartnerCenter module sometimes used.
    /// </summary>
    internal static class RefreshTokenFlow
    {
        public static async Task<ITokenSource> ConnectAsync(
            RefreshTokenSignIn request, CertificateFailures certificates, IEngineLog log, CancellationToken cancellationToken)
        {
            MsalApplication msal = MsalApplications.ForApplication(request, certificates);
            var application = new RefreshTokenApplication(request);
            Action<PartnerCenterException> newRefreshTokenNeeded = refused => refused.NewRefreshTokenFor = application;
            try
            {
                log.Verbose("Redeeming the refresh token at " + msal.Authority + " for application " + request.ApplicationId
                    + " (" + (request.Credential?.Describe() ?? "public client") + "), scope " + msal.Scopes[0] + ".");

                AuthenticationResult result = await MsalFailures.RunAsync(
                    () => ((IByRefreshToken)msal.Application).AcquireTokenByRefreshToken(msal.Scopes, SecureStrings.Reveal(request.RefreshToken)).ExecuteAsync(cancellationToken),
                    msal.Authority,
                    certificates,
                    cancellationToken,
                    newRefreshTokenNeeded,
                    msal.Credential).ConfigureAwait(false);

                var source = new MsalTokenSource(msal, certificates, PartnerCenterAuthenticationType.RefreshToken, newRefreshTokenNeeded, application);
                source.Accept(result);
                log.Verbose("Signed in as " + (result.Account?.Username ?? "(unknown user)") + " in tenant " + result.TenantId
                    + "; the access token expires at " + result.ExpiresOn.ToString("u") + ".");
                return source;
            }
            catch
            {
                msal.Dispose();
                throw;
            }
        }
    }
}
