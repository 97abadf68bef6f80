using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Http;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// New-PartnerCenterRefreshToken: a refresh token to keep, for the secure application model. An admin
    /// agent signs in once (browser or device code), or the application redeems the token it has and gets
    /// the rotated one. Every sign-in runs on an MSAL application of its own whose in-memory cache is
    /// thrown away with it; the refresh token is read from that cache (MSAL has no other way to hand it
    /// out) and the cache is emptied before the application is let go. No session is opened.
    /// </summary>
    internal static class RefreshTokenIssuance
    {
        /// <summary>Redeems a refresh token with the application and returns the one Entra ID rotated it to.</summary>
        public static async Task<PartnerCenterRefreshToken> RenewAsync(
            RefreshTokenSignIn request, CertificateFailures certificates, IEngineLog log, CancellationToken cancellationToken)
        {
            using (MsalApplication msal = MsalApplications.ForApplication(request, certificates))
            {
                RefreshTokenCapture capture = RefreshTokenCapture.Attach(msal.Application.UserTokenCache);
                try
                {
                    log.Verbose("Redeeming the refresh token at " + msal.Authority + " for application " + request.ApplicationId
                        + " (" + (request.Credential?.Describe() ?? "public client") + "), scope " + string.Join(" ", msal.RefreshTokenScopes) + ".");
                    AuthenticationResult result = await MsalFailures.RunAsync(
                        () => ((IByRefreshToken)msal.Application).AcquireTokenByRefreshToken(msal.RefreshTokenScopes, SecureStrings.Reveal(request.RefreshToken))
                            .ExecuteAsync(cancellationToken),
                        msal.Authority,
                        certificates,
                        cancellationToken,
                        refused => refused.NewRefreshTokenFor = new RefreshTokenApplication(request),
                        msal.Credential).ConfigureAwait(false);
                    PartnerCenterRefreshToken renewed = Describe(result, capture, msal, request.Environment, log, warnWithoutMfa: true);
                    if (SecureStrings.Reveal(renewed.RefreshToken) == SecureStrings.Reveal(request.RefreshToken))
                    {
                        log.Verbose("Microsoft Entra ID answered with no new refresh token: the one redeemed stays valid, so the "
                            + "object returned keeps it. Store it as before.");
                    }

                    return renewed;
                }
                finally
                {
                    await capture.ClearAsync(msal.Application).ConfigureAwait(false);
                }
            }
        }

        /// <summary>An admin agent signs in, in the browser or with a device code, and the application gets a refresh token.</summary>
        public static async Task<PartnerCenterRefreshToken> SignInAsync(
            AdminAgentSignIn request, CertificateFailures certificates, IEngineLog log, CancellationToken cancellationToken)
        {
            bool deviceCode = request.Method == PersonSignInMethod.DeviceCode;
            if (!deviceCode && !BrowserLauncher.CanOpen(request.HostIsInteractive))
            {
                throw new PartnerCenterException(
                    PartnerCenterErrorIds.InteractiveNotAvailable,
                    PartnerCenterErrorKind.Authentication,
                    "Signing in in the browser needs a browser and a person, and this PowerShell host has neither (a runbook, a service, "
                    + "a remote session or a machine without a desktop).")
                {
                    NewRefreshTokenFor = new RefreshTokenApplication(request),
                };
            }

            if (deviceCode)
            {
                // A certificate that cannot sign is found out before the person signs in, not after.
                if (request.Credential is ApplicationCredential.ClientCertificate certificate)
                {
                    CertificateLocator.Resolve(certificate);
                }

                PartnerCenterRefreshToken issued = await PublicClientAsync(request, true, certificates, log, cancellationToken).ConfigureAwait(false);
                if (request.Credential == null)
                {
                    return issued;
                }

                // The code was redeemed by the registration as a public client; the application that will
                // keep redeeming the token proves now that it can, with its own credential, and the
                // token it gets in return is the one to store.
                log.Verbose("Redeeming the new refresh token once as the confidential application, to check its credential.");
                return await RenewAsync(
                    new RefreshTokenSignIn(request.Environment, request.Tenant, request.ApplicationId, request.Credential, issued.RefreshToken),
                    certificates,
                    log,
                    cancellationToken).ConfigureAwait(false);
            }

            try
            {
                return request.Credential == null
                    ? await PublicClientAsync(request, false, certificates, log, cancellationToken).ConfigureAwait(false)
                    : await ConfidentialBrowserAsync(request, certificates, log, cancellationToken).ConfigureAwait(false);
            }
            catch (PartnerCenterException e) when (e.ErrorId == PartnerCenterErrorIds.InteractiveNotAvailable && e.NewRefreshTokenFor == null)
            {
                // A browser that would not start: the advice names this application's device code command.
                e.NewRefreshTokenFor = new RefreshTokenApplication(request);
                throw;
            }
        }

        // As a public client MSAL runs the whole sign-in: device code, or the browser with PKCE, state and
        // its own loopback listener.
        private static async Task<PartnerCenterRefreshToken> PublicClientAsync(
            AdminAgentSignIn request, bool deviceCode, CertificateFailures certificates, IEngineLog log, CancellationToken cancellationToken)
        {
            using (MsalApplication msal = MsalApplications.ForAdminAgentPublicClient(request, certificates))
            {
                RefreshTokenCapture capture = RefreshTokenCapture.Attach(msal.Application.UserTokenCache);
                try
                {
                    var application = (IPublicClientApplication)msal.Application;
                    log.Verbose((deviceCode ? "Signing in with a device code at " : "Signing in in the browser at ") + msal.Authority
                        + " for application " + request.ApplicationId + (deviceCode ? " (as a public client)." : " (public client)."));
                    AuthenticationResult result = await SignInDeadline.RunAsync(
                        "New-PartnerCenterRefreshToken",
                        request.SignInTimeout,
                        limit => MsalFailures.RunAsync(
                            () => deviceCode
                                ? PersonSignInFlow.WithDeviceCode(application, msal.RefreshTokenScopes, log, request.SignInTimeout, limit)
                                : PersonSignInFlow.InSystemBrowser(application, msal.RefreshTokenScopes, log, request.SignInTimeout, limit),
                            msal.Authority,
                            certificates,
                            limit),
                        cancellationToken).ConfigureAwait(false);

                    // A device code sign-in with a credential is redeemed once more by the application, which warns then.
                    return Describe(result, capture, msal, request.Environment, log, warnWithoutMfa: !deviceCode || request.Credential == null);
                }
                catch (PartnerCenterException e) when (deviceCode && e.ErrorId == PartnerCenterErrorIds.InvalidClientCredential)
                {
                    // A confidential registration that does not allow public client flows asks for a
                    // secret here, which the device code flow never sends: the setting is the fix.
                    e.RecommendedAction = "Device code is a public client flow: in the app registration, under Authentication, set "
                        + "'Allow public client flows' to Yes, or sign in in the browser (leave out -UseDeviceAuthentication).";
                    throw;
                }
                finally
                {
                    await capture.ClearAsync(msal.Application).ConfigureAwait(false);
                }
            }
        }

        // A confidential client: MSAL builds the authorize URL with PKCE and redeems the code with the
        // application's credential; the browser and the loopback listener are the module's.
        private static async Task<PartnerCenterRefreshToken> ConfidentialBrowserAsync(
            AdminAgentSignIn request, CertificateFailures certificates, IEngineLog log, CancellationToken cancellationToken)
        {
            using (LoopbackRedirectListener listener = LoopbackRedirectListener.Start())
            using (MsalApplication msal = MsalApplications.ForApplication(request, certificates, listener.RedirectUri))
            {
                RefreshTokenCapture capture = RefreshTokenCapture.Attach(msal.Application.UserTokenCache);
                try
                {
                    var application = (IConfidentialClientApplication)msal.Application;
                    string verifier = null;
                    Uri authorize = await application.GetAuthorizationRequestUrl(msal.RefreshTokenScopes)
                        .WithPkce(out verifier)
                        .WithPrompt(Prompt.SelectAccount)
                        .ExecuteAsync(cancellationToken).ConfigureAwait(false);
                    authorize = WithState(authorize, out string state);

                    log.Verbose("Signing in in the browser at " + msal.Authority + " for application " + request.ApplicationId + " ("
                        + request.Credential.Describe() + "); the answer comes back to " + listener.RedirectUri + ".");
                    AuthorizationAnswer answer = await SignInDeadline.RunAsync(
                        "New-PartnerCenterRefreshToken",
                        request.SignInTimeout,
                        async limit =>
                        {
                            await BrowserLauncher.OpenAsync(authorize).ConfigureAwait(false);
                            SignInDeadline.AnnounceBrowser(log, authorize, request.SignInTimeout);
                            return await listener.WaitAsync(state, log.Verbose, limit).ConfigureAwait(false);
                        },
                        cancellationToken).ConfigureAwait(false);

                    if (answer.Code == null)
                    {
                        throw Refused(answer, msal.Authority);
                    }

                    AuthenticationResult result = await MsalFailures.RunAsync(
                        () => application.AcquireTokenByAuthorizationCode(msal.RefreshTokenScopes, answer.Code)
                            .WithPkceCodeVerifier(verifier)
                            .ExecuteAsync(cancellationToken),
                        msal.Authority,
                        certificates,
                        cancellationToken,
                        credential: msal.Credential).ConfigureAwait(false);
                    return Describe(result, capture, msal, request.Environment, log, warnWithoutMfa: true);
                }
                finally
                {
                    await capture.ClearAsync(msal.Application).ConfigureAwait(false);
                }
            }
        }

        /// <summary>
        /// The warning for a token whose sign-in did not use multifactor authentication: from April 1, 2026
        /// Partner Center refuses such App+User calls (401, error 900421;
        /// https://learn.microsoft.com/partner-center/developer/partner-center-authentication).
        /// </summary>
        internal static string WithoutMfaWarning(string account)
        {
            return "The sign-in of " + (account ?? "the user") + " did not use multifactor authentication (the access token's amr claim has no "
                + "'mfa'), and the refresh token keeps it that way. Partner Center refuses App+User calls without MFA from April 1, 2026 "
                + "(PartnerCenter.MfaRequired): sign in again as a user who completes MFA.";
        }

        // MSAL puts a state of its own into the URL it builds; that is the one to expect back. Should a
        // version leave it out, the module adds one, since the listener accepts no answer without it.
        internal static Uri WithState(Uri authorize, out string state)
        {
            Dictionary<string, string> query = LoopbackRedirectListener.ParseForm(authorize.Query.TrimStart('?'));
            if (query.TryGetValue("state", out state) && !string.IsNullOrEmpty(state))
            {
                return authorize;
            }

            state = LoopbackRedirectListener.NewState();
            var builder = new UriBuilder(authorize);
            builder.Query = (builder.Query.Length > 1 ? builder.Query.Substring(1) + "&" : string.Empty) + "state=" + Uri.EscapeDataString(state);
            return builder.Uri;
        }

        private static PartnerCenterException Refused(AuthorizationAnswer answer, string authority)
        {
            string description = Causes.OneLine(answer.ErrorDescription ?? string.Empty);
            if (answer.Error == "access_denied" || answer.Error == "consent_required" || answer.Error == "interaction_required")
            {
                return new PartnerCenterException(
                    PartnerCenterErrorIds.SignInDeclined,
                    PartnerCenterErrorKind.Authentication,
                    "The sign-in was declined or cancelled (" + answer.Error + "): " + description)
                {
                    RecommendedAction = "Run New-PartnerCenterRefreshToken again and accept the sign-in as an admin agent of the partner tenant; "
                        + "an administrator may need to grant the application consent first.",
                };
            }

            return new PartnerCenterException(
                PartnerCenterErrorIds.AuthenticationFailed,
                PartnerCenterErrorKind.Authentication,
                "Signing in to Microsoft Entra ID at " + authority + " failed (" + answer.Error + "): " + description);
        }

        private static PartnerCenterRefreshToken Describe(
            AuthenticationResult result, RefreshTokenCapture capture, MsalApplication msal, PartnerCenterEnvironment environment, IEngineLog log, bool warnWithoutMfa)
        {
            string clientId = msal.Application.AppConfig.ClientId;
            string refreshToken = capture.Read(clientId, result.Account?.HomeAccountId?.Identifier);
            if (string.IsNullOrEmpty(refreshToken))
            {
                throw new PartnerCenterException(
                    PartnerCenterErrorIds.InvalidTokenResponse,
                    PartnerCenterErrorKind.Authentication,
                    "Microsoft Entra ID at " + msal.Authority + " signed in but issued no refresh token, so there is nothing to keep.")
                {
                    RecommendedAction = "Check that the application may ask for offline_access (it is granted with any delegated permission "
                        + "unless a policy removes it) and that -Environment names Microsoft Entra ID.",
                };
            }

            JwtClaims id = JwtClaims.TryParse(result.IdToken);
            string tenant = id?.TenantId ?? result.TenantId;
            string account = id?.UserPrincipalName ?? result.Account?.Username;
            log.Verbose("Issued a refresh token for " + (account ?? "(unknown user)") + " in tenant " + tenant + " to application " + clientId + ".");
            JwtClaims access = JwtClaims.TryParse(result.AccessToken);
            if (warnWithoutMfa && access != null && !access.IsAppOnly && !access.HasMfa)
            {
                log.Warning(WithoutMfaWarning(account));
            }

            return new PartnerCenterRefreshToken(SecureStrings.Conceal(refreshToken), clientId, tenant, account, environment.Name, DateTimeOffset.UtcNow);
        }
    }
}
