using System;
using System.Runtime.InteropServices;
using System.Security;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// Reveals a SecureString only at the moment a protocol needs the clear text (MSAL takes secrets
    /// and refresh tokens as strings, HTTP headers are strings), and zeroes the unmanaged copy.
    /// </summary>
    internal static class SecureStrings
    {
        public static string Reveal(SecureString value)
        {
            if (value == null)
            {
                return null;
            }

            IntPtr buffer = IntPtr.Zero;
            try
            {
                buffer = Marshal.SecureStringToGlobalAllocUnicode(value);
                return Marshal.PtrToStringUni(buffer);
            }
            finally
            {
                if (buffer != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(buffer);
                }
            }
        }

        /// <summary>A read-only SecureString of a token a protocol gave as a string.</summary>
        public static SecureString Conceal(string value)
        {
            var secure = new SecureString();
            foreach (char c in value)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        public static bool IsNullOrEmpty(SecureString value)
        {
            return value == null || value.Length == 0;
        }
    }
}
