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
        /// <summary>Partner Center users are work accounts, so the default authority leaves out personal accounts.</summary>
        public const string DefaultTenant = "organizations";

        /// <summary>
        /// The public client the archived PartnerCenter module used when no -ApplicationId was given,
        /// kept so its device-code and browser sign-ins keep working as they were written.
        /// </summary>
        public const string DefaultPublicClientId = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

        /// <summary>The authority URL for an environment and a tenant (already checked by TenantName).</summary>
        public static string Authority(PartnerCenterEnvironment environment, string tenant)
        {
            return environment.ActiveDirectoryAuthority.ToString().TrimEnd('/') + "/"
                + (string.IsNullOrEmpty(tenant) ? DefaultTenant : Uri.EscapeDataString(TenantName.Validate(tenant)));
        }

        /// <summary>The application of the secure application model: confidential with its credential, public without one.</summary>
        public static MsalApplication ForRefreshToken(RefreshTokenSignIn request, CertificateFailures certificates)
        {
            string authority = Authority(request.Environment, request.Tenant);
            HttpClient http = HttpClients.ForAuthority(certificates);
            try
            {
                IClientApplicationBase application;
                switch (request.Credential)
                {
                    case ApplicationCredential.ClientSecret secret:
                        application = Configure(ConfidentialClientApplicationBuilder.Create(request.ApplicationId)
                            .WithClientSecret(SecureStrings.Reveal(secret.Secret)), request.Environment, authority, http).Build();
                        break;
                    case ApplicationCredential.ClientCertificate certificate:
                        application = Configure(ConfidentialClientApplicationBuilder.Create(request.ApplicationId)
                            .WithCertificate(certificate.Certificate != null
                                ? CertificateLocator.Validate(certificate.Certificate)
                                : CertificateLocator.FindByThumbprint(certificate.Thumbprint)), request.Environment, authority, http).Build();
                        break;
                    default:
                        application = Configure(PublicClientApplicationBuilder.Create(request.ApplicationId), request.Environment, authority, http).Build();
                        break;
                }

                return new MsalApplication(application, authority, request.Environment, http);
            }
            catch
            {
                http.Dispose();
                throw;
            }
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

        public HttpClient Http { get; }

        public void Dispose()
        {
            Http.Dispose();
        }
    }
}
