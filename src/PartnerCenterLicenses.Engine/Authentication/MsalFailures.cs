using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Http;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>The one place MSAL's exceptions become the module's errors.</summary>
    internal static class MsalFailures
    {
        /// <summary>
        /// Runs one MSAL call and lets out only the module's errors (or the user's own cancellation).
        /// The guard under MSAL raises some of them itself (a refused redirect, an unusable token
        /// answer, a timeout); those pass through unchanged, whether or not MSAL wrapped them.
        /// </summary>
        /// <param name="call">The MSAL call.</param>
        /// <param name="authority">The authority it talks to, for messages.</param>
        /// <param name="certificates">Why server certificates were refused, for messages.</param>
        /// <param name="cancellationToken">The user's cancellation.</param>
        /// <param name="refreshTokenRefused">
        /// Says on PartnerCenter.RefreshTokenExpired what the caller knows of the way out (who signs in
        /// again); without it the cmdlets give the general advice.
        /// </param>
        /// <param name="credential">The application's credential, so a refused one gets advice about that credential; null for a public client.</param>
        public static async Task<AuthenticationResult> RunAsync(
            Func<Task<AuthenticationResult>> call, string authority, CertificateFailures certificates, CancellationToken cancellationToken,
            Action<PartnerCenterException> refreshTokenRefused = null, ApplicationCredential credential = null)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (PartnerCenterException)
            {
                throw;
            }
            catch (Exception e) when (Find<PartnerCenterException>(e) != null)
            {
                throw Find<PartnerCenterException>(e);
            }
            catch (Exception e) when (CertificateFailures.IsTlsFailure(e))
            {
                throw certificates.Explain(e, new Uri(authority), "Microsoft Entra ID");
            }
            catch (MsalException e)
            {
                throw Translate(e, authority, refreshTokenRefused, credential);
            }
            catch (HttpRequestException e)
            {
                throw Transport(e, authority);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw Transport(e, authority);
            }
        }

        private static T Find<T>(Exception exception)
            where T : Exception
        {
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                if (e is T found)
                {
                    return found;
                }
            }

            return null;
        }

        public static PartnerCenterException Translate(
            MsalException exception, string authority, Action<PartnerCenterException> refreshTokenRefused = null, ApplicationCredential credential = null)
        {
            var service = exception as MsalServiceException;
            string code = exception.ErrorCode ?? string.Empty;

            if (code == "code_expired" || code == "expired_token")
            {
                return new PartnerCenterException(
                    PartnerCenterErrorIds.DeviceCodeExpired,
                    PartnerCenterErrorKind.Authentication,
                    "The device code expired before anyone signed in with it.",
                    exception)
                {
                    RecommendedAction = "Run Connect-PartnerCenter -UseDeviceAuthentication again and enter the new code promptly.",
                };
            }

            if (code == "authorization_declined" || code == "access_denied" || code == MsalError.AuthenticationCanceledError)
            {
                return new PartnerCenterException(
                    PartnerCenterErrorIds.SignInDeclined,
                    PartnerCenterErrorKind.Authentication,
                    "The sign-in was declined or cancelled: " + Causes.OneLine(exception.Message),
                    exception)
                {
                    RecommendedAction = "Run Connect-PartnerCenter again and accept the sign-in as a partner user.",
                };
            }

            if (exception is MsalUiRequiredException || code == "invalid_grant")
            {
                var refused = new PartnerCenterException(
                    PartnerCenterErrorIds.RefreshTokenExpired,
                    PartnerCenterErrorKind.Authentication,
                    "Microsoft Entra ID rejected the refresh token: it is expired, revoked, or was issued to another application. "
                    + Causes.OneLine(exception.Message),
                    exception);
                refreshTokenRefused?.Invoke(refused);
                return refused;
            }

            if (code == "invalid_client" || code == "unauthorized_client")
            {
                return new PartnerCenterException(
                    PartnerCenterErrorIds.InvalidClientCredential,
                    PartnerCenterErrorKind.Authentication,
                    "Microsoft Entra ID rejected the application's credentials: " + Causes.OneLine(exception.Message),
                    exception)
                {
                    RecommendedAction = CredentialAdvice(credential),
                };
            }

            if (code == MsalError.RequestTimeout)
            {
                return Timeouts.Authority(authority, null, exception);
            }

            if (service != null && (service.StatusCode == 0 || service.StatusCode >= 500 || code == MsalError.ServiceNotAvailable))
            {
                return new PartnerCenterException(
                    PartnerCenterErrorIds.AuthorityUnreachable,
                    PartnerCenterErrorKind.ServiceUnavailable,
                    "Could not get a token from Microsoft Entra ID at " + authority + ": " + Causes.OneLine(exception.Message),
                    exception)
                {
                    RecommendedAction = "Check the network path to the authority and the -Environment, then try again.",
                };
            }

            return new PartnerCenterException(
                PartnerCenterErrorIds.AuthenticationFailed,
                PartnerCenterErrorKind.Authentication,
                "Signing in to Microsoft Entra ID at " + authority + " failed (" + code + "): " + Causes.OneLine(exception.Message),
                exception);
        }

        /// <summary>
        /// What to check when Entra ID refuses the application's credential, for the credential used. A
        /// certificate is refused when it is not among the registration's certificates, has expired, or
        /// its key did not sign the assertion (AADSTS700027 and kin:
        /// https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
        /// </summary>
        internal static string CredentialAdvice(ApplicationCredential credential)
        {
            switch (credential)
            {
                case ApplicationCredential.ClientCertificate _:
                    return "Check -ApplicationId and the certificate (-CertificateThumbprint or -Certificate): its public part must be uploaded "
                        + "to the app registration (Certificates & secrets), it must not have expired there or locally, and it must come with "
                        + "its private key, which signs the sign-in.";
                case ApplicationCredential.ClientSecret _:
                    return "Check -ApplicationId and the client secret in -Credential (its password). Secrets expire; "
                        + "create a new one in the app registration if needed.";
                default:
                    return "Check -ApplicationId. An application without a credential signs in as a public client: in the app registration, "
                        + "under Authentication, 'Allow public client flows' must be Yes; otherwise give its client secret (-Credential) or "
                        + "certificate (-CertificateThumbprint or -Certificate).";
            }
        }

        /// <summary>
        /// MSAL lets transport failures through as they are (after its own retry), and an
        /// HttpClient timeout as a cancellation: both become the module's errors here.
        /// </summary>
        public static PartnerCenterException Transport(Exception exception, string authority)
        {
            if (exception is OperationCanceledException)
            {
                return Timeouts.Authority(authority, null, exception);
            }

            return new PartnerCenterException(
                PartnerCenterErrorIds.AuthorityUnreachable,
                PartnerCenterErrorKind.ServiceUnavailable,
                "Could not reach Microsoft Entra ID at " + authority + ": " + Causes.Describe(exception),
                exception)
            {
                RecommendedAction = "Check the network path to the authority (proxy, firewall, DNS) and the -Environment, then try again.",
            };
        }
    }
}
