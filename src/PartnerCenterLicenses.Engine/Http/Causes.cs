using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace PartnerCenterLicenses.Engine.Http
{
    /// <summary>
    /// Puts the cause of a failure into words for an error message. .NET's outer exceptions often
    /// say only "see inner exception"; users never see inner exceptions, so the causes are joined
    /// into one line instead, and that phrase is left out.
    /// </summary>
    internal static class Causes
    {
        private static readonly Regex SeeInner = new Regex(@"[,;:]?\s*see (the )?inner exception( for details)?\.?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        public static string Describe(Exception exception)
        {
            var parts = new List<string>();
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                string text = OneLine(e.Message);
                if (text.Length == 0 || parts.Exists(part => Contains(part, text)))
                {
                    // .NET's outer exceptions often quote the inner one ("Connection refused (host:port)"
                    // around "Connection refused"): saying it twice adds nothing.
                    continue;
                }

                // An inner text that says all the outer one did and more takes its place.
                parts.RemoveAll(part => Contains(text, part));
                parts.Add(text);
            }

            return parts.Count == 0 ? exception?.GetType().Name ?? string.Empty : string.Join(": ", parts);
        }

        private static bool Contains(string text, string part) => text.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>A message on one line, without the "see inner exception" phrase, and without terminal control characters (a server may have written it).</summary>
        public static string OneLine(string message)
        {
            if (string.IsNullOrEmpty(message))
            {
                return string.Empty;
            }

            string text = PartnerCenterLicenses.Boundary.TerminalText.Clean(string.Join(" ", message.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries)));
            return SeeInner.Replace(text, string.Empty).Trim().TrimEnd('.', ',', ';', ':').Trim();
        }
    }
}
