using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Models
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

        /// <summary>
        /// Finds an environment by name, ignoring case and surrounding whitespace, or returns null.
        /// </summary>
        public static PartnerCenterEnvironment Find(string name)
        {
            PartnerCenterEnvironment environment;
            return name != null && Known.TryGetValue(name.Trim(), out environment) ? environment : null;
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
                    "There is no Partner Center environment named '" + Printable(name) + "'. Known environments: "
                    + string.Join(", ", All.Select(e => e.Name)) + ". Add one with Add-PartnerCenterEnvironment.")
                {
                    RecommendedAction = "Pass one of the names Get-PartnerCenterEnvironment lists (tab completion offers them), "
                        + "or add the environment first with Add-PartnerCenterEnvironment.",
                };
            }

            return environment;
        }

        /// <summary>
        /// Adds or replaces a custom environment. Built-in names cannot be redefined, and both
        /// endpoints must be absolute HTTPS URLs, since tokens travel to them.
        /// </summary>
        public static PartnerCenterEnvironment Add(string name, Uri activeDirectoryAuthority, Uri partnerCenterEndpoint, string partnerCenterAudience)
        {
            return Register(Create(name, activeDirectoryAuthority, partnerCenterEndpoint, partnerCenterAudience));
        }

        /// <summary>
        /// Checks a custom environment and describes it without adding it, so -WhatIf reports the
        /// same refusals as a real Add.
        /// </summary>
        internal static PartnerCenterEnvironment Create(string name, Uri activeDirectoryAuthority, Uri partnerCenterEndpoint, string partnerCenterAudience)
        {
            string trimmed = RequireCustomName(name);
            RequireHttps(activeDirectoryAuthority, "ActiveDirectoryAuthority");
            RequireHttps(partnerCenterEndpoint, "PartnerCenterEndpoint");

            // A private endpoint or proxy still fronts the Partner Center API, whose tokens name
            // the commercial resource; a sovereign deployment passes its own audience.
            string audience = string.IsNullOrWhiteSpace(partnerCenterAudience)
                ? PartnerCenterResource
                : partnerCenterAudience.TrimEnd('/');

            return new PartnerCenterEnvironment(
                trimmed, Normalize(activeDirectoryAuthority), Normalize(partnerCenterEndpoint), audience, isBuiltIn: false);
        }

        /// <summary>Adds an environment made by <see cref="Create"/>, replacing a custom one of the same name.</summary>
        internal static PartnerCenterEnvironment Register(PartnerCenterEnvironment environment)
        {
            // Checked again at the point of storing: the dictionary is the only thing a later
            // Connect reads, so nothing may reach it under a built-in's key.
            RequireCustomName(environment.Name);
            Known[environment.Name] = environment;
            return environment;
        }

        // A custom name is stored trimmed, and every lookup trims, so ' AzureCloud' and 'AzureCloud'
        // are the same key. Names that differ from a built-in only in case or whitespace anywhere
        // ('Azure Cloud') are refused too: in a list of environments they read as the built-in.
        // Control and invisible format characters would let two names look alike, or break the
        // verbose line and log that show the name.
        private static string RequireCustomName(string name)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw InvalidEnvironment("An environment needs a name.");
            }

            foreach (char c in name)
            {
                if (IsUnprintable(c))
                {
                    throw InvalidEnvironment("The environment name '" + Printable(name) + "' contains a control or invisible character ("
                        + Escape(c) + "). Use letters, digits, spaces and punctuation.");
                }
            }

            string trimmed = name.Trim();
            string lookAlike = WithoutWhitespace(trimmed);
            PartnerCenterEnvironment builtIn = Known.Values.FirstOrDefault(
                e => e.IsBuiltIn && string.Equals(WithoutWhitespace(e.Name), lookAlike, StringComparison.OrdinalIgnoreCase));
            if (builtIn != null)
            {
                throw InvalidEnvironment("'" + Printable(trimmed) + "' is, or reads as, the built-in environment '" + builtIn.Name
                    + "', which cannot be redefined. Choose another name.");
            }

            return trimmed;
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

        private static string WithoutWhitespace(string text)
        {
            return new string(text.Where(c => !char.IsWhiteSpace(c)).ToArray());
        }

        // A name as it may appear in a message: control characters shown as escapes, so an error
        // cannot carry a forged line into a log.
        private static string Printable(string text)
        {
            return text == null ? string.Empty : string.Concat(text.Select(c => IsUnprintable(c) ? Escape(c) : c.ToString()));
        }

        private static bool IsUnprintable(char c)
        {
            return char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;
        }

        private static string Escape(char c)
        {
            return "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture);
        }

        private static PartnerCenterException InvalidEnvironment(string message)
        {
            return new PartnerCenterException(PartnerCenterErrorIds.InvalidEnvironment, PartnerCenterErrorKind.InvalidArgument, message);
        }
    }
}
