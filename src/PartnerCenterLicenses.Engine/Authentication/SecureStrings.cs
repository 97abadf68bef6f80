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

        public static bool IsNullOrEmpty(SecureString value)
        {
            return value == null || value.Length == 0;
        }
    }
}
