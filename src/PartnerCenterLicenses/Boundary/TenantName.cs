using System;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// A tenant a user named, checked once: the cmdlet parses it and everything after takes only this
    /// type, so no later layer checks again. The tenant becomes a path segment of the authority URL the
    /// credentials are sent to, so only the forms Entra ID knows pass: anything else ('../', '?', '#',
    /// '%2F', a line break) could move the request to another path or tenant.
    /// </summary>
    public sealed class TenantName
    {
        /// <summary>The keyword for any work or school account's home tenant; the module's default.</summary>
        public const string Organizations = "organizations";

        /// <summary>The keyword Entra ID also accepts for any account; kept for the archived module's scripts.</summary>
        public const string Common = "common";

        // DNS labels of letters, digits and inner hyphens, 1-63 characters each, two labels at least;
        // the last names a top-level domain, so it has a letter. \z, not $, which also matches before
        // a final line feed.
        private static readonly Regex DomainName = new Regex(
            @"\A(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\z",
            RegexOptions.CultureInvariant);

        private const int MaximumDomainLength = 253;
        private const int MaximumEchoedLength = 80;

        private readonly string _name;

        private TenantName(string name)
        {
            _name = name;
        }

        /// <summary>
        /// The tenant to sign in to: a tenant id in its plain form (braces removed, lower case), a domain
        /// name, or 'organizations' or 'common' in lower case. Null or empty gives null, which means the
        /// sign-in flow's default. Anything else is refused with PartnerCenter.InvalidArgument.
        /// </summary>
        /// <param name="tenant">The tenant as the user gave it; surrounding spaces are ignored.</param>
        /// <param name="parameterName">The parameter the value came from, for the error message.</param>
        public static TenantName Parse(string tenant, string parameterName = "Tenant")
        {
            if (string.IsNullOrEmpty(tenant))
            {
                return null;
            }

            // Refused before trimming: a line break at either end is never a copy-and-paste
            // accident worth forgiving in a value that becomes part of a request.
            string value = tenant.Any(char.IsControl) ? null : tenant.Trim();
            if (string.IsNullOrEmpty(value))
            {
                throw Invalid(tenant, parameterName, null);
            }

            Guid id;
            if (Guid.TryParseExact(value, "D", out id) || Guid.TryParseExact(value, "B", out id))
            {
                return new TenantName(id.ToString("D"));
            }

            if (string.Equals(value, Organizations, StringComparison.OrdinalIgnoreCase))
            {
                return new TenantName(Organizations);
            }

            if (string.Equals(value, Common, StringComparison.OrdinalIgnoreCase))
            {
                return new TenantName(Common);
            }

            if (string.Equals(value, "consumers", StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid(tenant, parameterName,
                    "'consumers' signs in personal Microsoft accounts, and Partner Center accepts only work accounts of a partner tenant.");
            }

            if (value.Length <= MaximumDomainLength && DomainName.IsMatch(value))
            {
                return new TenantName(value);
            }

            throw Invalid(tenant, parameterName, null);
        }

        /// <summary>The tenant in its plain form, safe as a path segment of the authority URL.</summary>
        public override string ToString() => _name;

        private static PartnerCenterException Invalid(string tenant, string parameterName, string reason)
        {
            var message = new StringBuilder();
            message.Append('-').Append(parameterName).Append(" '").Append(Echo(tenant)).Append("' is not a tenant. ");
            if (reason != null)
            {
                message.Append(reason).Append(' ');
            }

            message.Append("Give the tenant id (a GUID such as 00000000-0000-0000-0000-000000000000), a domain of the tenant ")
                .Append("(letters, digits, hyphens and dots, for example contoso.onmicrosoft.com), or '")
                .Append(Organizations).Append("' or '").Append(Common).Append("'.");
            return new PartnerCenterException(PartnerCenterErrorIds.InvalidArgument, PartnerCenterErrorKind.InvalidArgument, message.ToString())
            {
                RecommendedAction = "Pass the partner tenant's id (a GUID) or one of its verified domains (contoso.onmicrosoft.com), "
                    + "or leave -" + parameterName + " out to sign in to the user's home tenant.",
            };
        }

        // The value as the message shows it: shortened, in case something long such as a token was
        // passed by mistake, and with control characters escaped, so it cannot forge a log line.
        private static string Echo(string tenant)
        {
            string shown = tenant.Length > MaximumEchoedLength ? tenant.Substring(0, MaximumEchoedLength) + "..." : tenant;
            var text = new StringBuilder(shown.Length);
            foreach (char c in shown)
            {
                if (char.IsControl(c))
                {
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                }
                else
                {
                    text.Append(c);
                }
            }

            return text.ToString();
        }
    }
}
