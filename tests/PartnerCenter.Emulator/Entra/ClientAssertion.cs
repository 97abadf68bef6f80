using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using PartnerCenter.Emulator.State;

namespace PartnerCenter.Emulator.Entra
{
    /// <summary>
    /// Certificate credentials: checks a <c>client_assertion</c> JWT (RFC 7523) the way Entra does, against
    /// the certificates registered for the client. Returns Entra's error for the first problem found.
    /// </summary>
    internal static class ClientAssertion
    {
        public const string JwtBearerType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

        private const string DocumentationHint = "Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .";

        /// <summary>
        /// A client clock slightly ahead of ours should not fail a fresh assertion; expiry gets no such grace
        /// so that a test can make an assertion expired without waiting.
        /// </summary>
        private static readonly TimeSpan NotBeforeSkew = TimeSpan.FromMinutes(5);

        /// <summary>Why an assertion was rejected, as Entra words it.</summary>
        public sealed record Failure(int StatusCode, string Error, int Code, string Message);

        /// <summary>
        /// Validates <paramref name="assertion"/> for <paramref name="client"/>; null when it is acceptable.
        /// </summary>
        /// <param name="acceptedAudiences">Token endpoint URLs that count as this request's realm (compared case-insensitively).</param>
        public static Failure Validate(string assertion, ClientRegistration client, IReadOnlyCollection<string> acceptedAudiences, DateTimeOffset now)
        {
            if (!TryParse(assertion, out JsonObject header, out JsonObject claims, out byte[] signedPart, out byte[] signature))
            {
                return Malformed();
            }

            string algorithm = StringValue(header, "alg");
            RSASignaturePadding padding = algorithm switch
            {
                "RS256" => RSASignaturePadding.Pkcs1,
                "PS256" => RSASignaturePadding.Pss,
                _ => null,
            };
            if (padding == null)
            {
                return new Failure(StatusCodes.Status400BadRequest, "invalid_request", 5002730, "Invalid JWT token. Unsupported key for the signing algorithm.");
            }

            // The claims that identify the client come first: they say whose keys to look at.
            string issuer = StringValue(claims, "iss");
            string subject = StringValue(claims, "sub");
            if (issuer == null || subject == null || !TryReadTime(claims, "exp", required: true, out DateTimeOffset? expires)
                || !TryReadTime(claims, "nbf", required: false, out DateTimeOffset? notBefore)
                || StringValue(claims, "jti") == null
                || claims["aud"] is not JsonValue)
            {
                // Entra requires aud, iss, sub, jti and exp, and rejects an aud array outright.
                return Malformed();
            }

            if (!string.Equals(issuer, client.ClientId, StringComparison.OrdinalIgnoreCase))
            {
                return InvalidClient(700021, $"Client assertion application identifier doesn't match 'client_id' parameter. {DocumentationHint}");
            }

            if (!string.Equals(subject, issuer, StringComparison.Ordinal))
            {
                return InvalidClient(50048, "Subject must match the issuer claim in the client assertion.");
            }

            Failure keyFailure = VerifySignature(header, client, signedPart, signature, padding, now);
            if (keyFailure != null)
            {
                return keyFailure;
            }

            string audience = StringValue(claims, "aud");
            if (audience == null || !acceptedAudiences.Any(a => string.Equals(a, audience.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)))
            {
                return InvalidClient(700023, $"Client assertion audience claim does not match Realm issuer. {DocumentationHint}");
            }

            if (now >= expires.Value || (notBefore is DateTimeOffset nbf && now < nbf - NotBeforeSkew))
            {
                return InvalidClient(
                    700024,
                    $"Client assertion is not within its valid time range. Current time: {FormatInstant(now)}, " +
                    $"assertion valid from {FormatInstant(notBefore ?? DateTimeOffset.UnixEpoch)}, expiry time of assertion {FormatInstant(expires.Value)}. {DocumentationHint}");
            }

            return null;
        }

        /// <summary>
        /// Finds the registered certificate the header names (by <c>x5t</c>, <c>x5t#S256</c> or the first
        /// <c>x5c</c> entry) and checks the signature with its public key.
        /// </summary>
        private static Failure VerifySignature(
            JsonObject header,
            ClientRegistration client,
            byte[] signedPart,
            byte[] signature,
            RSASignaturePadding padding,
            DateTimeOffset now)
        {
            string x5t = StringValue(header, "x5t");
            string x5tS256 = StringValue(header, "x5t#S256");
            string reportedThumbprint = x5t != null ? HexOfBase64Url(x5t) : x5tS256 != null ? HexOfBase64Url(x5tS256) : string.Empty;

            Func<X509Certificate2, bool> matches;
            if (x5t != null || x5tS256 != null)
            {
                matches = certificate =>
                    (x5t == null || x5t == Base64Url.EncodeToString(certificate.GetCertHash(HashAlgorithmName.SHA1)))
                    && (x5tS256 == null || x5tS256 == Base64Url.EncodeToString(certificate.GetCertHash(HashAlgorithmName.SHA256)));
            }
            else if (header["x5c"] is JsonArray chain && chain.Count > 0 && chain[0] is JsonValue first
                && first.TryGetValue(out string leafBase64) && TryDecodeBase64(leafBase64, out byte[] leaf))
            {
                // Subject name + issuer style: the leaf certificate travels in the header. It still has to be
                // one the app has, since the emulator keeps no trusted roots to validate a chain against.
                reportedThumbprint = Convert.ToHexString(SHA1.HashData(leaf));
                matches = certificate => certificate.RawDataMemory.Span.SequenceEqual(leaf);
            }
            else
            {
                return KeyNotFound(client, reportedThumbprint);
            }

            X509Certificate2 key = client.Certificates.FirstOrDefault(matches);
            if (key == null)
            {
                return KeyNotFound(client, reportedThumbprint);
            }

            string foundKey = $"Found key 'Start={FormatKeyDate(key.NotBefore)}, End={FormatKeyDate(key.NotAfter)}'";
            if (now.UtcDateTime < key.NotBefore.ToUniversalTime() || now.UtcDateTime > key.NotAfter.ToUniversalTime())
            {
                return InvalidClient(700027, $"Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '{key.Thumbprint}', {foundKey}]");
            }

            using RSA rsa = key.GetRSAPublicKey();
            if (!rsa.VerifyData(signedPart, signature, HashAlgorithmName.SHA256, padding))
            {
                return InvalidClient(
                    700027,
                    $"Client assertion contains an invalid signature. [Reason - Key was found, but use of the key to verify the signature failed., Thumbprint of key used by client: '{key.Thumbprint}', {foundKey}]");
            }

            return null;
        }

        private static Failure KeyNotFound(ClientRegistration client, string thumbprint) =>
            InvalidClient(
                700027,
                $"Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '{thumbprint}', " +
                $"Configured keys for app Id '{client.ClientId}': {client.Certificates.Count}]");

        private static Failure Malformed() =>
            new Failure(StatusCodes.Status400BadRequest, "invalid_request", 50027, "JWT token is invalid or malformed.");

        private static Failure InvalidClient(int code, string message) =>
            new Failure(StatusCodes.Status401Unauthorized, "invalid_client", code, message);

        private static bool TryParse(string jwt, out JsonObject header, out JsonObject claims, out byte[] signedPart, out byte[] signature)
        {
            header = null;
            claims = null;
            signedPart = null;
            signature = null;
            string[] parts = jwt.Split('.');
            if (parts.Length != 3 || parts[2].Length == 0)
            {
                return false;
            }

            try
            {
                header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0])) as JsonObject;
                claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) as JsonObject;
                signature = Base64Url.DecodeFromChars(parts[2]);
            }
            catch (Exception e) when (e is FormatException || e is JsonException)
            {
                return false;
            }

            signedPart = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            return header != null && claims != null;
        }

        private static string StringValue(JsonObject json, string name) =>
            json[name] is JsonValue value && value.TryGetValue(out string text) ? text : null;

        /// <summary>
        /// Reads a NumericDate. MSAL.NET writes <c>nbf</c> and <c>exp</c> as JSON strings ("1700000000"),
        /// which Entra accepts, so both forms are read.
        /// </summary>
        private static bool TryReadTime(JsonObject claims, string name, bool required, out DateTimeOffset? time)
        {
            time = null;
            if (claims[name] is not JsonValue value)
            {
                return !required && claims[name] == null;
            }

            long seconds;
            if (value.TryGetValue(out long number))
            {
                seconds = number;
            }
            else if (value.TryGetValue(out double real))
            {
                seconds = (long)real;
            }
            else if (!value.TryGetValue(out string text) || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seconds))
            {
                return false;
            }

            if (seconds < 0 || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                return false;
            }

            time = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        private static bool TryDecodeBase64(string text, out byte[] bytes)
        {
            try
            {
                bytes = Convert.FromBase64String(text);
                return true;
            }
            catch (FormatException)
            {
                bytes = null;
                return false;
            }
        }

        /// <summary>Entra quotes thumbprints as upper-case hex, whatever form the header carried them in.</summary>
        private static string HexOfBase64Url(string value)
        {
            try
            {
                return Convert.ToHexString(Base64Url.DecodeFromChars(value));
            }
            catch (FormatException)
            {
                return value;
            }
        }

        private static string FormatInstant(DateTimeOffset instant) =>
            instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

        private static string FormatKeyDate(DateTime date) =>
            date.ToUniversalTime().ToString("MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture);
    }
}
