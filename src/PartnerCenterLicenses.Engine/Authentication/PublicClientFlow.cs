using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// A person signs in: with a code on another device, or in the system browser with a loopback
    /// redirect. With the CurrentUser scope, an account already in the persisted cache is used
    /// silently first, so a new PowerShell process reconnects without asking again.
    /// </summary>
    internal static class PublicClientFlow
    {
        /// <summary>
        /// The public client the archived PartnerCenter module used when no -ApplicationId was given,
        /// kept so its device-code and browser sign-ins keep working as they were written.
        /// </summary>
        public const string DefaultApplicationId = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

        public static async Task<MsalTokenSource> ConnectAsync(
            ConnectRequest request, bool useDeviceCode, HttpClient entraHttp, IEngineLog log, CancellationToken cancellationToken)
        {
            PartnerCenterEnvironment environment = request.Environment;
            string applicationId = string.IsNullOrEmpty(request.ApplicationId) ? DefaultApplicationId : request.ApplicationId;
            string authority = RefreshTokenFlow.Authority(environment, request.Tenant);
            string[] scopes = { environment.UserImpersonationScope };

            // The loopback redirect: MSAL listens on a free port of localhost for the browser's answer.
            IPublicClientApplication application = RefreshTokenFlow.ConfigureMsal(
                    PublicClientApplicationBuilder.Create(applicationId).WithRedirectUri("http://localhost"), environment, authority, entraHttp)
                .Build();

            if (request.ContextScope == PartnerCenterContextScope.CurrentUser)
            {
                await TokenCachePersistence.AttachAsync(application.UserTokenCache, request.AllowUnencryptedTokenCache, log).ConfigureAwait(false);
                MsalTokenSource cached = await TryCachedAccountAsync(application, scopes, authority, request.Tenant, log, cancellationToken).ConfigureAwait(false);
                if (cached != null)
                {
                    return cached;
                }
            }

            if (!useDeviceCode && !BrowserLauncher.CanOpen(request.HostIsInteractive))
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

            // A sign-in waits for a person; it may take minutes, never forever.
            using (var signIn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                signIn.CancelAfter(request.SignInTimeout);
                AuthenticationResult result;
                try
                {
                    result = await MsalFailures.RunAsync(
                        () => useDeviceCode
                            ? application.AcquireTokenWithDeviceCode(scopes, code => ShowDeviceCode(code, log)).ExecuteAsync(signIn.Token)
                            : application.AcquireTokenInteractive(scopes)
                                .WithUseEmbeddedWebView(false)
                                .WithSystemWebViewOptions(new SystemWebViewOptions { OpenBrowserAsync = BrowserLauncher.OpenAsync })
                                .WithPrompt(Prompt.SelectAccount)
                                .ExecuteAsync(signIn.Token),
                        authority,
                        signIn.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new PartnerCenterException(
                        PartnerCenterErrorIds.SignInTimedOut,
                        PartnerCenterErrorKind.Timeout,
                        "The sign-in was not completed within " + request.SignInTimeout.TotalMinutes + " minutes.",
                        e)
                    {
                        RecommendedAction = "Run Connect-PartnerCenter again and complete the sign-in in time.",
                    };
                }

                var flow = useDeviceCode ? PartnerCenterAuthenticationType.DeviceCode : PartnerCenterAuthenticationType.Interactive;
                var source = new MsalTokenSource(application, scopes, authority, flow);
                source.Accept(result);
                log.Verbose("Signed in as " + (result.Account?.Username ?? "(unknown user)") + " in tenant " + result.TenantId + ".");
                return source;
            }
        }

        private static Task ShowDeviceCode(DeviceCodeResult code, IEngineLog log)
        {
            // The warning stream reaches the console, runbook job output and transcripts alike.
            log.Warning(code.Message);
            return Task.FromResult(0);
        }

        private static async Task<MsalTokenSource> TryCachedAccountAsync(
            IPublicClientApplication application, string[] scopes, string authority, string tenant, IEngineLog log, CancellationToken cancellationToken)
        {
            var accounts = (await application.GetAccountsAsync().ConfigureAwait(false)).ToList();
            IAccount account = accounts.FirstOrDefault(a => TenantMatches(a, tenant)) ?? (string.IsNullOrEmpty(tenant) ? accounts.FirstOrDefault() : null);
            if (account == null)
            {
                log.Verbose("No account for this application and tenant in the token cache; signing in.");
                return null;
            }

            try
            {
                AuthenticationResult result = await application.AcquireTokenSilent(scopes, account).ExecuteAsync(cancellationToken).ConfigureAwait(false);
                var source = new MsalTokenSource(application, scopes, authority, PartnerCenterAuthenticationType.TokenCache);
                source.Accept(result);
                log.Verbose("Reconnected silently as " + account.Username + " from the token cache.");
                return source;
            }
            catch (MsalUiRequiredException)
            {
                log.Verbose("The cached sign-in of " + account.Username + " has expired; signing in again.");
                return null;
            }
            catch (MsalException e)
            {
                throw MsalFailures.Translate(e, authority);
            }
            catch (System.Net.Http.HttpRequestException e)
            {
                throw MsalFailures.Transport(e, authority);
            }
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
