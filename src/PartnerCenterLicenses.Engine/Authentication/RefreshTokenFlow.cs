using System;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// The secure application model: an application redeems a refresh token that a partner user
    /// granted it once. With a client secret the application is confidential; without one it is a
    /// public client, as runbooks written for the archived PartnerCenter module sometimes used.
    /// </summary>
    internal static class RefreshTokenFlow
    {
        /// <summary>Partner Center users are work accounts, so the default authority leaves out personal accounts.</summary>
        public const string DefaultTenant = "organizations";

        public static async Task<MsalTokenSource> ConnectAsync(ConnectRequest request, HttpClient entraHttp, IEngineLog log, CancellationToken cancellationToken)
        {
            PartnerCenterEnvironment environment = request.Environment;
            string authority = Authority(environment, request.Tenant);
            string[] scopes = { environment.UserImpersonationScope };
            IClientApplicationBase application = CreateApplication(request, environment, authority, entraHttp);

            log.Verbose("Redeeming the refresh token at " + authority + " for application " + request.ApplicationId
                + " (" + DescribeCredential(request) + "), scope " + scopes[0] + ".");

            AuthenticationResult result = await MsalFailures.RunAsync(
                () => ((IByRefreshToken)application).AcquireTokenByRefreshToken(scopes, SecureStrings.Reveal(request.RefreshToken)).ExecuteAsync(cancellationToken),
                authority,
                cancellationToken).ConfigureAwait(false);

            var source = new MsalTokenSource(application, scopes, authority, PartnerCenterAuthenticationType.RefreshToken);
            source.Accept(result);
            log.Verbose("Signed in as " + (result.Account?.Username ?? "(unknown user)") + " in tenant " + result.TenantId
                + "; the access token expires at " + result.ExpiresOn.ToString("u") + ".");
            return source;
        }

        private static string DescribeCredential(ConnectRequest request)
        {
            if (request.Certificate != null || !string.IsNullOrEmpty(request.CertificateThumbprint))
            {
                return "confidential client with a certificate";
            }

            return SecureStrings.IsNullOrEmpty(request.ClientSecret) ? "public client" : "confidential client with a secret";
        }

        internal static string Authority(PartnerCenterEnvironment environment, string tenant)
        {
            return environment.ActiveDirectoryAuthority.ToString().TrimEnd('/') + "/" + (string.IsNullOrEmpty(tenant) ? DefaultTenant : tenant);
        }

        private static IClientApplicationBase CreateApplication(ConnectRequest request, PartnerCenterEnvironment environment, string authority, HttpClient entraHttp)
        {
            X509Certificate2 certificate = request.Certificate != null
                ? CertificateLocator.Validate(request.Certificate)
                : !string.IsNullOrEmpty(request.CertificateThumbprint) ? CertificateLocator.FindByThumbprint(request.CertificateThumbprint) : null;
            if (certificate != null)
            {
                return ConfigureMsal(ConfidentialClientApplicationBuilder.Create(request.ApplicationId).WithCertificate(certificate), environment, authority, entraHttp)
                    .Build();
            }

            if (!SecureStrings.IsNullOrEmpty(request.ClientSecret))
            {
                return ConfigureMsal(ConfidentialClientApplicationBuilder.Create(request.ApplicationId).WithClientSecret(SecureStrings.Reveal(request.ClientSecret)), environment, authority, entraHttp)
                    .Build();
            }

            return ConfigureMsal(PublicClientApplicationBuilder.Create(request.ApplicationId), environment, authority, entraHttp).Build();
        }

        /// <summary>What every MSAL application of the module shares, whichever flow builds it.</summary>
        internal static T ConfigureMsal<T>(T builder, PartnerCenterEnvironment environment, string authority, HttpClient entraHttp)
            where T : AbstractApplicationBuilder<T>
        {
            // Custom environments (private endpoints, the emulator) are not in Microsoft's list of
            // authorities: validating them would ask login.microsoftonline.com about a host it does
            // not know, so instance discovery is switched off for them and kept for built-in clouds.
            bool discover = environment.IsBuiltIn;
            return builder
                .WithAuthority(authority, validateAuthority: discover)
                .WithInstanceDiscovery(discover)
                .WithHttpClientFactory(new MsalHttpClientFactory(entraHttp))
                .WithClientName("PartnerCenterLicenses")
                .WithClientVersion(typeof(RefreshTokenFlow).Assembly.GetName().Version.ToString(3));
        }
    }
}
