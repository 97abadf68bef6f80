using System;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PartnerCenter.Emulator.Hosting;

namespace PartnerCenter.Emulator.Entra
{
    /// <summary>
    /// Produces RS256-signed JWTs and the matching JWKS document.
    /// </summary>
    /// <remarks>
    /// The emulator itself accepts a token only if it issued it (lookup, not signature check), so the
    /// signature is not load-bearing. Signing for real costs nothing and keeps the tokens honest for any
    /// client or tool that decodes or validates them against the advertised <c>jwks_uri</c>.
    /// </remarks>
    internal sealed class TokenSigner : IDisposable
    {
        private readonly RSA _key = RSA.Create(2048);

        public TokenSigner()
        {
            byte[] thumbprint = SHA256.HashData(_key.ExportSubjectPublicKeyInfo());
            KeyId = Base64Url.EncodeToString(thumbprint.AsSpan(0, 20));
        }

        public string KeyId { get; }

        public string CreateJwt(JsonObject payload)
        {
            var header = new JsonObject
            {
                ["typ"] = "JWT",
                ["alg"] = "RS256",
                ["kid"] = KeyId,
            };

            string signingInput = Encode(header) + "." + Encode(payload);
            byte[] signature = _key.SignData(
                Encoding.ASCII.GetBytes(signingInput),
                HashAlgorithmName.SHA256,
                RSASignaturePadding.Pkcs1);
            return signingInput + "." + Base64Url.EncodeToString(signature);
        }

        public string CreateJwksJson()
        {
            RSAParameters publicKey = _key.ExportParameters(includePrivateParameters: false);
            var jwks = new JsonObject
            {
                ["keys"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["kty"] = "RSA",
                        ["use"] = "sig",
                        ["kid"] = KeyId,
                        ["n"] = Base64Url.EncodeToString(publicKey.Modulus),
                        ["e"] = Base64Url.EncodeToString(publicKey.Exponent),
                    },
                },
            };
            return jwks.ToJsonString(JsonText.Options);
        }

        public void Dispose() => _key.Dispose();

        private static string Encode(JsonObject value) =>
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value.ToJsonString(JsonText.Options)));
    }
}
