using System;
using System.Net.Http;
using System.Text.RegularExpressions;
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

            PartnerCenterException recognised = EntraRefusal(exception, refreshTokenRefused);
            if (recognised != null)
            {
                return recognised;
            }

            if (exception is MsalUiRequiredException || code == "invalid_grant")
            {
                var refused = new PartnerCenterException(
                    PartnerCenterErrorIds.RefreshTokenExpired,
                    PartnerCenterErrorKind.Authentication,
                    "Microsoft Entra ID rejected the refresh token: it is expired, revoked, or was issued to another application. "
                    + FirstLine(exception.Message),
                    exception);
                refreshTokenRefused?.Invoke(refused);
                return refused;
            }

            if (code == "invalid_client" || code == "unauthorized_client")
            {
                return new PartnerCenterException(
                    PartnerCenterErrorIds.InvalidClientCredential,
                    PartnerCenterErrorKind.Authentication,
                    "Microsoft Entra ID rejected the application's credentials: " + FirstLine(exception.Message),
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
                "Signing in to Microsoft Entra ID at " + authority + " failed (" + code + "): " + FirstLine(exception.Message),
                exception)
            {
                RecommendedAction = "Look up the AADSTS code in the message at https://login.microsoftonline.com/error, correct what it names "
                    + "(-ApplicationId, -Tenant, the credential or the app registration), and run the command again.",
            };
        }

        private static readonly Regex AadstsCode = new Regex(@"\bAADSTS(\d+)\b", RegexOptions.CultureInvariant);

        /// <summary>
        /// The AADSTS code at the start of Entra ID's error_description, which MSAL gives as the message;
        /// null when there is none. MSAL does not expose the error_codes array publicly.
        /// </summary>
        internal static int? AadstsCodeOf(string message)
        {
            Match match = AadstsCode.Match(message ?? string.Empty);
            return match.Success && int.TryParse(match.Groups[1].Value, out int code) ? code : (int?)null;
        }

        /// <summary>
        /// Entra ID's description without the trace id, correlation id and timestamp lines it appends:
        /// the first line says what happened, the rest only fills the screen.
        /// </summary>
        internal static string FirstLine(string message)
        {
            string text = message ?? string.Empty;

            // MSAL puts its own paragraph before Entra ID's words for some errors (invalid_client: "A
            // configuration issue is preventing authentication ... Original exception: AADSTS7000215: ...");
            // Entra ID's description, from its code on, is the part that says what happened.
            Match code = AadstsCode.Match(text);
            if (code.Success)
            {
                text = text.Substring(code.Index);
            }

            int end = text.IndexOfAny(new[] { '\r', '\n' });
            return Causes.OneLine(end < 0 ? text : text.Substring(0, end));
        }

        /// <summary>
        /// The Entra ID refusals the module recognises by their AADSTS code, each with a way out the user
        /// can follow; null for any other. The codes and their meanings are Microsoft's:
        /// https://learn.microsoft.com/entra/identity-platform/reference-error-codes (a code may be added
        /// there or reworded, so an unknown code falls through to the general mapping by OAuth error).
        /// </summary>
        private static PartnerCenterException EntraRefusal(MsalException exception, Action<PartnerCenterException> refreshTokenRefused)
        {
            int? code = AadstsCodeOf(exception.Message);
            string said = FirstLine(exception.Message);
            switch (code)
            {
                case 900144: // a required parameter of the token request is missing
                    return new PartnerCenterException(
                        PartnerCenterErrorIds.InvalidArgument,
                        PartnerCenterErrorKind.InvalidArgument,
                        "Microsoft Entra ID refused the token request because a value was missing: " + said,
                        exception)
                    {
                        RecommendedAction = "Pass a value for what it names: 'refresh_token' is -RefreshToken, 'client_secret' the password "
                            + "of -Credential, 'client_id' -ApplicationId.",
                    };
                case 70000:  // invalid grant: the refresh token is not valid, or for another application
                case 70008:  // the refresh token or code expired or was revoked
                case 700082: // the refresh token expired after 90 days of inactivity
                case 50173:  // the grant was revoked (password changed or reset, or an admin revoked it)
                {
                    var refused = new PartnerCenterException(
                        PartnerCenterErrorIds.RefreshTokenExpired,
                        PartnerCenterErrorKind.Authentication,
                        "Microsoft Entra ID refused the refresh token: " + said,
                        exception);
                    refreshTokenRefused?.Invoke(refused);
                    return refused;
                }

                case 50076: // multifactor authentication required
                case 50079: // the user must register for multifactor authentication
                {
                    var refused = new PartnerCenterException(
                        PartnerCenterErrorIds.MfaRequired,
                        PartnerCenterErrorKind.Authentication,
                        "Microsoft Entra ID requires multifactor authentication for this sign-in: " + said,
                        exception)
                    {
                        RecommendedAction = "Sign in again as a user who completes multifactor authentication (registering for it first if "
                            + "Entra ID asks): Connect-PartnerCenter, or New-PartnerCenterRefreshToken for the secure application model.",
                    };
                    string action = refused.RecommendedAction;
                    refreshTokenRefused?.Invoke(refused);
                    if (refused.NewRefreshTokenFor == null)
                    {
                        // A person's session advises signing in again; MFA is the part that must be different this time.
                        refused.RecommendedAction = action;
                    }

                    return refused;
                }

                case 90002:  // no tenant of that id or domain
                case 900023: // the tenant is neither a directory id nor a domain
                    return new PartnerCenterException(
                        PartnerCenterErrorIds.TenantNotFound,
                        PartnerCenterErrorKind.InvalidArgument,
                        "Microsoft Entra ID does not know the tenant: " + said,
                        exception)
                    {
                        RecommendedAction = "Check -Tenant: give the partner tenant's id (a GUID) or a verified domain of it, such as "
                            + "contoso.onmicrosoft.com, in the cloud -Environment names; or leave -Tenant out to use the account's home tenant.",
                    };
                case 7000215: // a wrong client secret
                    return new PartnerCenterException(
                        PartnerCenterErrorIds.InvalidClientCredential,
                        PartnerCenterErrorKind.Authentication,
                        "Microsoft Entra ID rejected the application's credentials, the client secret: " + said,
                        exception)
                    {
                        RecommendedAction = "Check the client secret in -Credential: its password must be the secret's value (not its id), "
                            + "its user name -ApplicationId; the app registration lists its secrets under Certificates & secrets.",
                    };
                case 7000222: // the client secret has expired
                    return new PartnerCenterException(
                        PartnerCenterErrorIds.InvalidClientCredential,
                        PartnerCenterErrorKind.Authentication,
                        "Microsoft Entra ID rejected the application's credentials, an expired client secret: " + said,
                        exception)
                    {
                        RecommendedAction = "Create a new client secret in the app registration (Certificates & secrets) and pass its value "
                            + "as the password of -Credential.",
                    };
                case 700016: // no application of that id in the tenant
                    return new PartnerCenterException(
                        PartnerCenterErrorIds.ApplicationNotFound,
                        PartnerCenterErrorKind.InvalidArgument,
                        "Microsoft Entra ID does not know the application in this tenant: " + said,
                        exception)
                    {
                        RecommendedAction = "Check -ApplicationId against the app registration's Application (client) ID, and -Tenant: "
                            + "the application must be registered in that tenant, or be multitenant and consented to there.",
                    };
                case 65001: // no consent for the application's permissions
                    return new PartnerCenterException(
                        PartnerCenterErrorIds.ConsentRequired,
                        PartnerCenterErrorKind.PermissionDenied,
                        "The application has no consent for the permissions it asks for: " + said,
                        exception)
                    {
                        RecommendedAction = "An administrator of the tenant grants consent: in the Entra admin center, App registrations, "
                            + "the application, API permissions, 'Grant admin consent' (the Partner Center API's user_impersonation); "
                            + "then run the command again.",
                    };
                default:
                    return null;
            }
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
