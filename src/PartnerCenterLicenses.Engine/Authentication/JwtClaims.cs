using System;
using System.Text;
using Newtonsoft.Json.Linq;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// Reads the claims of an access token without validating it: the module only uses them to
    /// describe the session (who, which tenant, until when) and to explain a 403. Validation is the
    /// API's job.
    /// </summary>
    internal sealed class JwtClaims
    {
        private readonly JObject _payload;

        private JwtClaims(JObject payload)
        {
            _payload = payload;
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
            get { return _payload["scp"] == null && _payload["roles"] != null; }
        }

        public DateTimeOffset? ExpiresOn
        {
            get
            {
                JToken exp = _payload["exp"];
                if (exp == null || (exp.Type != JTokenType.Integer && exp.Type != JTokenType.Float))
                {
                    return null;
                }

                return DateTimeOffset.FromUnixTimeSeconds((long)exp.Value<double>());
            }
        }

        /// <summary>Parses a JWT's payload; null for a token that is not a readable JWT (opaque tokens are allowed).</summary>
        public static JwtClaims TryParse(string token)
        {
            if (string.IsNullOrEmpty(token))
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
                string json = Encoding.UTF8.GetString(Base64UrlDecode(parts[1]));
                return new JwtClaims(JObject.Parse(json));
            }
            catch (Exception e) when (e is FormatException || e is Newtonsoft.Json.JsonException || e is ArgumentException)
            {
                return null;
            }
        }

        private string Text(string name)
        {
            JToken value = _payload[name];
            return value != null && value.Type == JTokenType.String ? (string)value : null;
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
