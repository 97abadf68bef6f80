using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Newtonsoft.Json;
using PartnerCenterLicenses.Engine.Client;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// Reads the claims of an access token without validating it: the module only uses them to
    /// describe the session (who, which tenant, until when) and to explain a 403. Validation is the
    /// API's job. Nothing here throws, whatever the token holds: the token may come from the user.
    /// </summary>
    internal sealed class JwtClaims
    {
        // Entra ID's tokens are a few kilobytes. A token far beyond that is not one of them, and
        // decoding it would only cost memory; it is left unread, like any opaque token.
        private const int MaxTokenLength = 256 * 1024;

        private static readonly long EarliestExpiry = DateTimeOffset.MinValue.ToUnixTimeSeconds();
        private static readonly long LatestExpiry = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

        private readonly Dictionary<string, object> _payload;

        private JwtClaims(Dictionary<string, object> payload)
        {
            _payload = payload;
            if (payload.TryGetValue("exp", out object exp) && exp != null)
            {
                ExpiresOn = ToTime(exp);
                HasUnreadableExpiry = ExpiresOn == null;
            }
        }

        public string UserPrincipalName
        {
            get { return Text("upn") ?? Text("preferred_username") ?? Text("unique_name"); }
        }

        public string TenantId
        {
            get { return Text("tid"); }
        }

        public string ApplicationId
        {
            get { return Text("appid") ?? Text("azp"); }
        }

        /// <summary>App+User tokens carry delegated scopes; app-only tokens carry roles and no scp.</summary>
        public bool IsAppOnly
        {
            get { return !_payload.ContainsKey("scp") && _payload.ContainsKey("roles"); }
        }

        /// <summary>
        /// Whether the sign-in behind the token used multifactor authentication: its amr (authentication
        /// methods) claim lists "mfa". Partner Center refuses App+User tokens without it from April 1, 2026
        /// (https://learn.microsoft.com/partner-center/developer/partner-center-authentication).
        /// </summary>
        public bool HasMfa
        {
            get
            {
                return _payload.TryGetValue("amr", out object amr) && amr is System.Collections.IEnumerable methods && !(amr is string)
                    && System.Linq.Enumerable.Any(System.Linq.Enumerable.OfType<string>(methods), m => string.Equals(m, "mfa", StringComparison.OrdinalIgnoreCase));
            }
        }

        /// <summary>When the token expires; null when it has no exp claim or one that is not a time (see <see cref="HasUnreadableExpiry"/>).</summary>
        public DateTimeOffset? ExpiresOn { get; }

        /// <summary>
        /// The token has an exp claim, but not one a DateTimeOffset can hold: not a number, or a
        /// number of seconds before year 1 or after year 9999. Entra ID never issues such a token.
        /// </summary>
        public bool HasUnreadableExpiry { get; }

        /// <summary>Parses a JWT's payload; null for a token that is not a readable JWT (opaque tokens are allowed).</summary>
        public static JwtClaims TryParse(string token)
        {
            if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
            {
                return null;
            }

            string[] parts = token.Split('.');
            if (parts.Length != 3)
            {
                return null;
            }

            try
            {
                // Invalid UTF-8 decodes to replacement characters rather than throwing.
                string json = Encoding.UTF8.GetString(Base64UrlDecode(parts[1]));
                using (var reader = new JsonTextReader(new StringReader(json)))
                {
                    // A claim that looks like a date is still the string the issuer wrote.
                    reader.DateParseHandling = DateParseHandling.None;
                    reader.FloatParseHandling = FloatParseHandling.Double;
                    reader.MaxDepth = 64;
                    Dictionary<string, object> payload = JsonObjectReader.Read(reader);
                    return reader.Read() ? null : new JwtClaims(payload);
                }
            }
            catch (Exception e) when (e is FormatException || e is JsonException || e is ArgumentException)
            {
                return null;
            }
        }

        private static DateTimeOffset? ToTime(object exp)
        {
            long seconds;
            switch (exp)
            {
                case long whole:
                    seconds = whole;
                    break;
                case double fractional when !double.IsNaN(fractional) && fractional >= EarliestExpiry && fractional < LatestExpiry + 1.0:
                    seconds = (long)Math.Floor(fractional);
                    break;
                default:
                    // A string, an object, an integer beyond Int64 (a BigInteger), infinity.
                    return null;
            }

            return seconds >= EarliestExpiry && seconds <= LatestExpiry ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        }

        private string Text(string name)
        {
            return _payload.TryGetValue(name, out object value) ? value as string : null;
        }

        private static byte[] Base64UrlDecode(string text)
        {
            string padded = text.Replace('-', '+').Replace('_', '/');
            switch (padded.Length % 4)
            {
                case 2: padded += "=="; break;
                case 3: padded += "="; break;
            }

            return Convert.FromBase64String(padded);
        }
    }
}
