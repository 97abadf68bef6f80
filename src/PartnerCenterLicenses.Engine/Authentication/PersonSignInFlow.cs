using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Http;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// A person signs in: with a code on another device, or in the system browser with a loopback
    /// redirect. With the CurrentUser scope, an account already in the persisted cache is used
    /// silently first, so a new PowerShell process reconnects without asking again.
    /// </summary>
    internal static class PersonSignInFlow
    {
        // A person's session renews with the refresh token MSAL keeps; once that is refused, the
        // person signs in again.
        private static readonly Action<PartnerCenterException> SignInAgain = refused => refused.RecommendedAction = "Run Connect-PartnerCenter again to sign in.";

        public static async Task<ITokenSource> ConnectAsync(
            PersonSignIn request, CertificateFailures certificates, IEngineLog log, CancellationToken cancellationToken)
        {
            MsalApplication msal = MsalApplications.ForPerson(request, certificates);
            try
            {
                var application = (IPublicClientApplication)msal.Application;
                if (request.ContextScope == PartnerCenterContextScope.CurrentUser)
                {
                    await TokenCachePersistence.AttachAsync(application.UserTokenCache, request.AllowUnencryptedTokenCache, log).ConfigureAwait(false);
                    MsalTokenSource cached = await TryCachedAccountAsync(msal, certificates, request.Tenant?.ToString(), log, cancellationToken).ConfigureAwait(false);
                    if (cached != null)
                    {
                        return cached;
                    }
                }

                bool deviceCode = request.Method == PersonSignInMethod.DeviceCode;
                if (!deviceCode && !BrowserLauncher.CanOpen(request.HostIsInteractive))
                {
                    throw new PartnerCenterException(
                        PartnerCenterErrorIds.InteractiveNotAvailable,
                        PartnerCenterErrorKind.Authentication,
                        "Interactive sign-in needs a browser and a person, and this PowerShell host has neither (a runbook, a service, "
                        + "a remote session or a machine without a desktop).")
                    {
                        RecommendedAction = "Use Connect-PartnerCenter -UseDeviceAuthentication to sign in with a code on another device, or "
                            + "-ApplicationId, -Credential and -RefreshToken (the secure application model) for unattended runs.",
                    };
                }

                AuthenticationResult result = await SignInDeadline.RunAsync(
                    "Connect-PartnerCenter",
                    request.SignInTimeout,
                    limit => MsalFailures.RunAsync(
                        () => deviceCode
                            ? WithDeviceCode(application, msal.Scopes, log, request.SignInTimeout, limit)
                            : InSystemBrowser(application, msal.Scopes, log, request.SignInTimeout, limit),
                        msal.Authority,
                        certificates,
                        limit),
                    cancellationToken).ConfigureAwait(false);

                var source = new MsalTokenSource(
                    msal, certificates, deviceCode ? PartnerCenterAuthenticationType.DeviceCode : PartnerCenterAuthenticationType.Interactive, SignInAgain);
                source.Accept(result);
                log.Verbose("Signed in as " + (result.Account?.Username ?? "(unknown user)") + " in tenant " + result.TenantId + ".");
                return source;
            }
            catch
            {
                msal.Dispose();
                throw;
            }
        }

        /// <summary>MSAL's device code flow, with the code and URL on the warning stream.</summary>
        internal static Task<AuthenticationResult> WithDeviceCode(
            IPublicClientApplication application, string[] scopes, IEngineLog log, TimeSpan timeout, CancellationToken cancellationToken)
        {
            return application.AcquireTokenWithDeviceCode(scopes, code => ShowDeviceCode(code, log, timeout)).ExecuteAsync(cancellationToken);
        }

        /// <summary>
        /// MSAL's interactive flow in the system browser (BrowserLauncher), answering on its loopback listener;
        /// once the browser is open, the wait is announced.
        /// </summary>
        internal static Task<AuthenticationResult> InSystemBrowser(
            IPublicClientApplication application, string[] scopes, IEngineLog log, TimeSpan timeout, CancellationToken cancellationToken)
        {
            return application.AcquireTokenInteractive(scopes)
                .WithUseEmbeddedWebView(false)
                .WithSystemWebViewOptions(new SystemWebViewOptions
                {
                    OpenBrowserAsync = async uri =>
                    {
                        await BrowserLauncher.OpenAsync(uri).ConfigureAwait(false);
                        SignInDeadline.AnnounceBrowser(log, uri, timeout);
                    },
                })
                .WithPrompt(Prompt.SelectAccount)
                .ExecuteAsync(cancellationToken);
        }

        private static Task ShowDeviceCode(DeviceCodeResult code, IEngineLog log, TimeSpan timeout)
        {
            // The warning stream reaches the console, runbook job output and transcripts alike.
            log.Warning(code.Message + " Waiting up to " + SignInDeadline.Describe(timeout) + " (-SignInTimeoutSec changes it; Ctrl+C stops).");
            return Task.FromResult(0);
        }

        private static async Task<MsalTokenSource> TryCachedAccountAsync(
            MsalApplication msal, CertificateFailures certificates, string tenant, IEngineLog log, CancellationToken cancellationToken)
        {
            var accounts = (await msal.Application.GetAccountsAsync().ConfigureAwait(false)).ToList();
            IAccount account = accounts.FirstOrDefault(a => TenantMatches(a, tenant)) ?? (string.IsNullOrEmpty(tenant) ? accounts.FirstOrDefault() : null);
            if (account == null)
            {
                log.Verbose("No account for this application and tenant in the token cache; signing in.");
                return null;
            }

            AuthenticationResult result;
            try
            {
                result = await MsalFailures.RunAsync(
                    () => msal.Application.AcquireTokenSilent(msal.Scopes, account).ExecuteAsync(cancellationToken),
                    msal.Authority,
                    certificates,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (PartnerCenterException e) when (e.InnerException is MsalUiRequiredException)
            {
                log.Verbose("The cached sign-in of " + account.Username + " has expired; signing in again.");
                return null;
            }

            var source = new MsalTokenSource(msal, certificates, PartnerCenterAuthenticationType.TokenCache, SignInAgain);
            source.Accept(result);
            log.Verbose("Reconnected silently as " + account.Username + " from the token cache.");
            return source;
        }

        private static bool TenantMatches(IAccount account, string tenant)
        {
            if (string.IsNullOrEmpty(tenant) || account.HomeAccountId == null)
            {
                return false;
            }

            return string.Equals(account.HomeAccountId.TenantId, tenant, StringComparison.OrdinalIgnoreCase)
                || (account.Username ?? string.Empty).EndsWith("@" + tenant, StringComparison.OrdinalIgnoreCase);
        }
    }
}
