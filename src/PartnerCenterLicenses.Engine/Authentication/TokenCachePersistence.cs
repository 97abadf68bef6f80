using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.Extensions.Msal;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Http;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// The opt-in CurrentUser token cache: MSAL's cache persisted by Microsoft.Identity.Client.Extensions.Msal,
    /// encrypted with DPAPI on Windows, kept in the Keychain on macOS and in the Secret Service
    /// (libsecret) on Linux. Where no secure store works, the user must say explicitly that a plain
    /// file is acceptable; that file is readable by its owner only.
    /// </summary>
    internal static class TokenCachePersistence
    {
        public const string CacheFileName = "PartnerCenterLicenses.msalcache";
        private const string KeyringSchema = "com.partnercenterlicenses.tokencache";
        private const string KeychainService = "PartnerCenterLicenses.TokenCache";

        /// <summary>The folder the cache lives in: the user's local application data.</summary>
        public static string CacheDirectory
        {
            get
            {
                string overridden = Environment.GetEnvironmentVariable("PARTNERCENTERLICENSES_TOKEN_CACHE_DIRECTORY");
                return !string.IsNullOrEmpty(overridden)
                    ? overridden
                    : Path.Combine(MsalCacheHelper.UserRootDirectory, ".PartnerCenterLicenses");
            }
        }

        public static async Task AttachAsync(ITokenCache cache, bool allowUnencrypted, IEngineLog log)
        {
            Directory.CreateDirectory(CacheDirectory);
            MsalCacheHelper helper;
            try
            {
                helper = await MsalCacheHelper.CreateAsync(SecureProperties()).ConfigureAwait(false);
                helper.VerifyPersistence();
                log.Verbose("Using the encrypted token cache in " + CacheDirectory + ".");
            }
            catch (Exception e) when (e is MsalCachePersistenceException || e is DllNotFoundException || e is TypeInitializationException
                                      || e is InvalidOperationException || e is PlatformNotSupportedException)
            {
                if (!allowUnencrypted)
                {
                    throw Unavailable(e);
                }

                helper = await MsalCacheHelper.CreateAsync(UnprotectedProperties()).ConfigureAwait(false);
                log.Warning("No secure store is available, so the token cache is a plain file readable only by you: "
                    + Path.Combine(CacheDirectory, CacheFileName) + ". Disconnect-PartnerCenter removes its entries.");
            }

            helper.RegisterCache(cache);
            RestrictToOwner(Path.Combine(CacheDirectory, CacheFileName));
        }

        private static StorageCreationProperties SecureProperties()
        {
            return new StorageCreationPropertiesBuilder(CacheFileName, CacheDirectory)
                .WithMacKeyChain(KeychainService, "MSALCache")
                .WithLinuxKeyring(
                    KeyringSchema,
                    MsalCacheHelper.LinuxKeyRingDefaultCollection,
                    "PartnerCenterLicenses token cache",
                    new KeyValuePair<string, string>("Version", "1"),
                    new KeyValuePair<string, string>("ProductGroup", "PartnerCenterLicenses"))
                .Build();
        }

        private static StorageCreationProperties UnprotectedProperties()
        {
            return new StorageCreationPropertiesBuilder(CacheFileName, CacheDirectory)
                .WithUnprotectedFile()
                .Build();
        }

        // The cache file (and its folder) must not be readable by other local users, whatever the
        // umask; on Windows the profile folder's ACL already says so.
        private static void RestrictToOwner(string file)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return;
            }

            if (!File.Exists(file))
            {
                using (File.Create(file))
                {
                }
            }

            chmod(Path.GetDirectoryName(file), Convert.ToInt32("700", 8));
            chmod(file, Convert.ToInt32("600", 8));
        }

        /// <summary>
        /// The refusal to keep tokens for the current user without a secure store, in a few lines: the
        /// runtime's text for a library it cannot load lists every path it probed (a dozen on Linux), which
        /// says nothing the user can act on, so a missing libsecret is named instead.
        /// </summary>
        internal static PartnerCenterException Unavailable(Exception e)
        {
            bool linux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
            string cause = MissingLibrary(e)
                ? "libsecret, the Secret Service library, could not be loaded"
                : Shortened(Causes.Describe(e));
            return new PartnerCenterException(
                PartnerCenterErrorIds.SecureTokenCacheUnavailable,
                PartnerCenterErrorKind.Unsupported,
                "The session cannot be kept for the current user: no secure store for the token cache is available here (" + cause + ").",
                e)
            {
                RecommendedAction = (linux
                        ? "Install libsecret (for example: sudo apt-get install libsecret-1-0) with a running Secret Service (gnome-keyring, "
                          + "KeePassXC), or use -ContextScope Process (the default; nothing is written to disk)."
                        : "Use -ContextScope Process (the default; nothing is written to disk).")
                    + " To accept a plain file readable only by you, add -AllowUnencryptedTokenCache.",
            };
        }

        private static bool MissingLibrary(Exception exception)
        {
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                if (e is DllNotFoundException || (e.Message ?? string.Empty).IndexOf("libsecret", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        // A cause is one clause of the message, not a page.
        private static string Shortened(string cause)
        {
            const int Longest = 160;
            return cause.Length <= Longest ? cause : cause.Substring(0, Longest - 3).TrimEnd() + "...";
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int chmod(string path, int mode);
    }
}
