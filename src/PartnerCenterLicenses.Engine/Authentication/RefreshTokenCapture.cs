using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using Newtonsoft.Json;
using PartnerCenterLicenses.Engine.Client;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// MSAL hands out refresh tokens through no public API: they stay in its token cache. This reads
    /// the one a sign-in produced from the serialized form of the application's own, throw-away,
    /// in-memory cache (MSAL's V3 format, as its cache-access callback offers it), and empties that
    /// cache afterwards. Nothing is written anywhere; the serialized copy is zeroed once read.
    /// </summary>
    internal sealed class RefreshTokenCapture
    {
        private readonly object _gate = new object();
        private byte[] _serialized;

        private RefreshTokenCapture()
        {
        }

        /// <summary>Watches a cache: after every change MSAL makes, the cache's serialized state is kept.</summary>
        public static RefreshTokenCapture Attach(ITokenCache cache)
        {
            var capture = new RefreshTokenCapture();
            cache.SetAfterAccess(args =>
            {
                if (args.HasStateChanged)
                {
                    capture.Keep(args.TokenCache.SerializeMsalV3());
                }
            });
            return capture;
        }

        /// <summary>
        /// The refresh token the cache holds for the application and the account; null when it holds
        /// none (Entra ID issued none, for example without offline_access).
        /// </summary>
        public string Read(string clientId, string homeAccountId)
        {
            lock (_gate)
            {
                return _serialized == null ? null : FindRefreshToken(_serialized, clientId, homeAccountId);
            }
        }

        /// <summary>Removes every account (and so every token) from the application's cache, and forgets the serialized copy.</summary>
        public async Task ClearAsync(IClientApplicationBase application)
        {
            try
            {
                foreach (IAccount account in await application.GetAccountsAsync().ConfigureAwait(false))
                {
                    await application.RemoveAsync(account).ConfigureAwait(false);
                }
            }
            catch (MsalException)
            {
                // The cache goes with the application anyway; there is nothing the user could do.
            }
            finally
            {
                Keep(null);
            }
        }

        /// <summary>
        /// Finds the refresh token in a cache serialized in MSAL's V3 format: the entry of credential type
        /// RefreshToken for the client and the account (by home account id), or, when no entry names the
        /// account, the only refresh token of the client. A family refresh token (shared by Microsoft's own
        /// applications) is not the application's, so it is never taken. Null when there is none.
        /// </summary>
        internal static string FindRefreshToken(byte[] serializedCache, string clientId, string homeAccountId)
        {
            Dictionary<string, object> cache;
            try
            {
                using (var reader = new JsonTextReader(new StreamReader(new MemoryStream(serializedCache, writable: false), Encoding.UTF8)))
                {
                    reader.DateParseHandling = DateParseHandling.None;
                    reader.MaxDepth = 16;
                    cache = JsonObjectReader.Read(reader);
                }
            }
            catch (JsonException)
            {
                return null;
            }

            if (!(cache.TryGetValue("RefreshToken", out object section) && section is Dictionary<string, object> entries))
            {
                return null;
            }

            var ours = entries.Values
                .OfType<Dictionary<string, object>>()
                .Where(e => string.Equals(Text(e, "credential_type"), "RefreshToken", StringComparison.OrdinalIgnoreCase)
                    && string.Equals(Text(e, "client_id"), clientId, StringComparison.OrdinalIgnoreCase)
                    && !string.IsNullOrEmpty(Text(e, "secret")))
                .ToList();

            Dictionary<string, object> match = ours.FirstOrDefault(e => homeAccountId != null && string.Equals(Text(e, "home_account_id"), homeAccountId, StringComparison.OrdinalIgnoreCase))
                ?? (ours.Count == 1 ? ours[0] : null);
            return match == null ? null : Text(match, "secret");
        }

        private static string Text(Dictionary<string, object> entry, string name)
        {
            return entry.TryGetValue(name, out object value) ? value as string : null;
        }

        private void Keep(byte[] serialized)
        {
            lock (_gate)
            {
                if (_serialized != null)
                {
                    Array.Clear(_serialized, 0, _serialized.Length);
                }

                _serialized = serialized;
            }
        }
    }
}
