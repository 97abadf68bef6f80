using System;
using System.Net.Http;
using Microsoft.Identity.Client;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Http;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// Builds every MSAL application of the module, each with its own guarded HttpClient for Entra
    /// ID (no redirects, the request timeout in force, token answers checked), so that whichever way
    /// a session signs in, its credentials travel the same way.
    /// </summary>
    internal static class MsalApplications
    {
        /// <summary>
        /// The public client the archived PartnerCenter module used when no -ApplicationId was given,
        /// kept so its device-code and browser sign-ins keep working as they were written.
        /// </summary>
        public const string DefaultPublicClientId = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

        /// <summary>
        /// The authority URL for an environment and a tenant. A TenantName is a path segment as it is;
        /// without one, the work accounts' keyword, as Partner Center users are work accounts.
        /// </summary>
        public static string Authority(PartnerCenterEnvironment environment, TenantName tenant)
        {
            return environment.ActiveDirectoryAuthority.ToString().TrimEnd('/') + "/" + (tenant?.ToString() ?? TenantName.Organizations);
        }

        /// <summary>
        /// The application of the secure application model: confidential with its credential, public without
        /// one. For an admin agent's browser sign-in (New-PartnerCenterRefreshToken with a credential) MSAL
        /// builds the authorize URL and redeems the code the module's own loopback listener receives at
        /// <paramref name="loopbackRedirect"/>. Its token cache is MSAL's in-memory one, new with the
        /// application, so the sign-in's tokens live and die with it.
        /// </summary>
        public static MsalApplication ForApplication(ApplicationSignIn request, CertificateFailures certificates, Uri loopbackRedirect = null)
        {
            PartnerCenterEnvironment environment = request.Environment;
            string applicationId = request.ApplicationId;
            string authority = Authority(environment, request.Tenant);
            string redirectUri = loopbackRedirect?.AbsoluteUri;
            HttpClient http = HttpClients.ForAuthority(certificates);
            try
            {
                IClientApplicationBase application;
                switch (request.Credential)
                {
                    case ApplicationCredential.ClientSecret secret:
                        application = Configure(ConfidentialClientApplicationBuilder.Create(applicationId)
                            .WithClientSecret(SecureStrings.Reveal(secret.Secret)), environment, authority, http)
                            .WithRedirect(redirectUri).Build();
                        break;
                    case ApplicationCredential.ClientCertificate certificate:
                        application = Configure(ConfidentialClientApplicationBuilder.Create(applicationId)
                            .WithCertificate(CertificateLocator.Resolve(certificate)), environment, authority, http)
                            .WithRedirect(redirectUri).Build();
                        break;
                    default:
                        application = Configure(PublicClientApplicationBuilder.Create(applicationId), environment, authority, http)
                            .WithRedirect(redirectUri).Build();
                        break;
                }

                return new MsalApplication(application, authority, environment, http) { Credential = request.Credential };
            }
            catch
            {
                http.Dispose();
                throw;
            }
        }

        /// <summary>
        /// The same app registration as a public client, for the flows MSAL allows only there: device code,
        /// and the system browser with MSAL's own loopback listener when the application has no credential.
        /// In-memory cache of its own, as above.
        /// </summary>
        public static MsalApplication ForAdminAgentPublicClient(AdminAgentSignIn request, CertificateFailures certificates)
        {
            string authority = Authority(request.Environment, request.Tenant);
            HttpClient http = HttpClients.ForAuthority(certificates);
            IPublicClientApplication application = Configure(
                PublicClientApplicationBuilder.Create(request.ApplicationId).WithRedirectUri("http://localhost"), request.Environment, authority, http).Build();
            return new MsalApplication(application, authority, request.Environment, http);
        }

        private static T WithRedirect<T>(this T builder, string redirectUri)
            where T : AbstractApplicationBuilder<T>
        {
            return redirectUri == null ? builder : builder.WithRedirectUri(redirectUri);
        }

        /// <summary>The public client a person signs in to, with the loopback redirect the browser answers on.</summary>
        public static MsalApplication ForPerson(PersonSignIn request, CertificateFailures certificates)
        {
            string authority = Authority(request.Environment, request.Tenant);
            string applicationId = string.IsNullOrEmpty(request.ApplicationId) ? DefaultPublicClientId : request.ApplicationId;
            HttpClient http = HttpClients.ForAuthority(certificates);

            // MSAL listens on a free port of localhost for the browser's answer.
            IPublicClientApplication application = Configure(
                PublicClientApplicationBuilder.Create(applicationId).WithRedirectUri("http://localhost"), request.Environment, authority, http).Build();
            return new MsalApplication(application, authority, request.Environment, http);
        }

        private static T Configure<T>(T builder, PartnerCenterEnvironment environment, string authority, HttpClient http)
            where T : AbstractApplicationBuilder<T>
        {
            // Custom environments (private endpoints, the emulator) are not in Microsoft's list of
            // authorities: validating them would ask login.microsoftonline.com about a host it does
            // not know, so instance discovery is switched off for them and kept for built-in clouds.
            bool discover = environment.IsBuiltIn;
            return builder
                .WithAuthority(authority, validateAuthority: discover)
                .WithInstanceDiscovery(discover)
                .WithHttpClientFactory(new FixedHttpClientFactory(http))
                .WithClientName("PartnerCenterLicenses")
                .WithClientVersion(typeof(MsalApplications).Assembly.GetName().Version.ToString(3));
        }

        /// <summary>Gives MSAL the application's own guarded HttpClient.</summary>
        private sealed class FixedHttpClientFactory : IMsalHttpClientFactory
        {
            private readonly HttpClient _client;

            public FixedHttpClientFactory(HttpClient client)
            {
                _client = client;
            }

            public HttpClient GetHttpClient() => _client;
        }
    }

    /// <summary>An MSAL application with what it was built for: its authority, scope and HttpClient.</summary>
    internal sealed class MsalApplication : IDisposable
    {
        public MsalApplication(IClientApplicationBase application, string authority, PartnerCenterEnvironment environment, HttpClient http)
        {
            Application = application;
            Authority = authority;
            Scopes = new[] { environment.UserImpersonationScope };
            Http = http;
        }

        public IClientApplicationBase Application { get; }

        public string Authority { get; }

        /// <summary>The Partner Center user_impersonation scope of the environment.</summary>
        public string[] Scopes { get; }

        /// <summary>The scope plus offline_access, for a sign-in whose point is the refresh token.</summary>
        public string[] RefreshTokenScopes => new[] { Scopes[0], "offline_access" };

        public HttpClient Http { get; }

        /// <summary>What the application proves itself with; null for a public client. Entra ID's refusals are explained for it.</summary>
        public ApplicationCredential Credential { get; set; }

        public void Dispose()
        {
            Http.Dispose();
        }
    }
}
