using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Authentication
{
    /// <summary>
    /// The environments this process knows: the built-in clouds plus any added with
    /// Add-PartnerCenterEnvironment. Custom environments live as long as the process, like Az's.
    /// </summary>
    public static class PartnerCenterEnvironments
    {
        /// <summary>The name of the default, commercial cloud.</summary>
        public const string AzureCloud = "AzureCloud";

        // Endpoints from Partner Center's documented base URLs per cloud; the authorities are the
        // Entra ID hosts of each cloud. Partner Center for US Government shares the commercial API
        // host. Tokens are requested for the API's own URL as resource, as the archived PartnerCenter
        // module did ("{endpoint}/user_impersonation").
        private const string PartnerCenterResource = "https://api.partnercenter.microsoft.com";

        private static readonly ConcurrentDictionary<string, PartnerCenterEnvironment> Known =
            new ConcurrentDictionary<string, PartnerCenterEnvironment>(StringComparer.OrdinalIgnoreCase);

        static PartnerCenterEnvironments()
        {
            AddBuiltIn(AzureCloud, "https://login.microsoftonline.com", "https://api.partnercenter.microsoft.com");
            AddBuiltIn("AzureChinaCloud", "https://login.chinacloudapi.cn", "https://partner.partnercenterapi.microsoftonline.cn");
            AddBuiltIn("AzureUSGovernment", "https://login.microsoftonline.us", "https://api.partnercenter.microsoft.com");
        }

        /// <summary>Every known environment, built-in ones first.</summary>
        public static IReadOnlyList<PartnerCenterEnvironment> All
        {
            get
            {
                return Known.Values
                    .OrderByDescending(e => e.IsBuiltIn)
                    .ThenBy(e => e.Name, StringComparer.OrdinalIgnoreCase)
                    .ToList();
            }
        }

        /// <summary>Finds an environment by name (case-insensitive), or returns null.</summary>
        public static PartnerCenterEnvironment Find(string name)
        {
            PartnerCenterEnvironment environment;
            return name != null && Known.TryGetValue(name, out environment) ? environment : null;
        }

        /// <summary>Finds an environment or throws the module's error saying which names exist.</summary>
        public static PartnerCenterEnvironment Get(string name)
        {
            var environment = Find(string.IsNullOrEmpty(name) ? AzureCloud : name);
            if (environment == null)
            {
                throw new PartnerCenterException(
                    PartnerCenterErrorIds.UnknownEnvironment,
                    PartnerCenterErrorKind.InvalidArgument,
                    "There is no Partner Center environment named '" + name + "'. Known environments: "
                    + string.Join(", ", All.Select(e => e.Name)) + ". Add one with Add-PartnerCenterEnvironment.");
            }

            return environment;
        }

        /// <summary>
        /// Adds or replaces a custom environment. Built-in names cannot be redefined, and both
        /// endpoints must be absolute HTTPS URLs, since tokens travel to them.
        /// </summary>
        public static PartnerCenterEnvironment Add(string name, Uri activeDirectoryAuthority, Uri partnerCenterEndpoint, string partnerCenterAudience)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw InvalidEnvironment("An environment needs a name.");
            }

            var existing = Find(name);
            if (existing != null && existing.IsBuiltIn)
            {
                throw InvalidEnvironment("'" + existing.Name + "' is a built-in environment and cannot be redefined. Choose another name.");
            }

            RequireHttps(activeDirectoryAuthority, "ActiveDirectoryAuthority");
            RequireHttps(partnerCenterEndpoint, "PartnerCenterEndpoint");

            // A private endpoint or proxy still fronts the Partner Center API, whose tokens name
            // the commercial resource; a sovereign deployment passes its own audience.
            string audience = string.IsNullOrWhiteSpace(partnerCenterAudience)
                ? PartnerCenterResource
                : partnerCenterAudience.TrimEnd('/');

            var environment = new PartnerCenterEnvironment(
                name.Trim(), Normalize(activeDirectoryAuthority), Normalize(partnerCenterEndpoint), audience, isBuiltIn: false);
            Known[environment.Name] = environment;
            return environment;
        }

        private static void AddBuiltIn(string name, string authority, string endpoint)
        {
            Known[name] = new PartnerCenterEnvironment(name, new Uri(authority), new Uri(endpoint), endpoint, isBuiltIn: true);
        }

        private static void RequireHttps(Uri uri, string parameter)
        {
            if (uri == null || !uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps)
            {
                throw InvalidEnvironment("-" + parameter + " must be an absolute https:// URL; got '" + uri + "'. Tokens are only sent over HTTPS.");
            }
        }

        // Authorities and endpoints are used as bases for relative paths, so keep scheme, host,
        // port and path, without query or fragment, and without a trailing slash.
        private static Uri Normalize(Uri uri)
        {
            var text = uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
            return new Uri(text);
        }

        private static PartnerCenterException InvalidEnvironment(string message)
        {
            return new PartnerCenterException(PartnerCenterErrorIds.InvalidEnvironment, PartnerCenterErrorKind.InvalidArgument, message);
        }
    }
}
