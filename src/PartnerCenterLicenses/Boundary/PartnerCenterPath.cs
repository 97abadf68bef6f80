using System;
using System.Globalization;
using System.Linq;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// The one check of a path a user gives Invoke-PartnerCenterRequest. The path is joined to the
    /// connected endpoint and the session's access token goes with it, so only a plain path under
    /// that endpoint passes: no scheme or host ('https://elsewhere', '//elsewhere'), no dot segments
    /// ('..', '%2e%2e'), no encoded or back slashes, no query or fragment (those go through -Query),
    /// no spaces or control characters.
    /// </summary>
    public sealed class PartnerCenterPath
    {
        private const int MaximumLength = 2048;

        private PartnerCenterPath(string value)
        {
            Value = value;
        }

        /// <summary>The path, starting with '/'.</summary>
        public string Value { get; }

        /// <inheritdoc />
        public override string ToString() => Value;

        /// <summary>The path, or PartnerCenter.InvalidArgument (see <see cref="Validate"/>).</summary>
        public static PartnerCenterPath Parse(string path, string parameterName = "Path")
        {
            return new PartnerCenterPath(Validate(path, parameterName));
        }

        /// <summary>
        /// Returns the path starting with '/', or refuses it with PartnerCenter.InvalidArgument. A
        /// path without a leading '/' gets one ('v1/customers' is '/v1/customers').
        /// </summary>
        public static string Validate(string path, string parameterName = "Path")
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                throw Invalid(path, parameterName, "it is empty");
            }

            if (path.Length > MaximumLength)
            {
                throw Invalid(path, parameterName, "it is longer than " + MaximumLength + " characters");
            }

            if (path.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                throw Invalid(path, parameterName, "it has spaces or control characters (encode them, for example %20)");
            }

            if (path.IndexOf("://", StringComparison.Ordinal) >= 0 || path.StartsWith("//", StringComparison.Ordinal))
            {
                throw Invalid(path, parameterName, "it names a scheme or host; give the path only, such as /v1/customers: requests go to the connected endpoint");
            }

            if (path.IndexOf('\\') >= 0)
            {
                throw Invalid(path, parameterName, "it has a backslash");
            }

            if (path.IndexOf('?') >= 0 || path.IndexOf('#') >= 0)
            {
                throw Invalid(path, parameterName, "it has a query or fragment; pass query parameters with -Query");
            }

            string value = path[0] == '/' ? path : "/" + path;
            for (int i = 0; i < value.Length; i++)
            {
                if (value[i] != '%')
                {
                    continue;
                }

                if (i + 2 >= value.Length || !IsHex(value[i + 1]) || !IsHex(value[i + 2]))
                {
                    throw Invalid(path, parameterName, "it has a '%' that does not start an escape such as %20");
                }

                int decoded = int.Parse(value.Substring(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (decoded == '/' || decoded == '\\' || decoded == '.' || decoded == '%' || decoded < 0x20 || decoded == 0x7f)
                {
                    throw Invalid(path, parameterName, "it has an escaped '/', '\\', '.', '%' or control character");
                }
            }

            string[] segments = value.Split('/');
            for (int i = 1; i < segments.Length; i++)
            {
                if (segments[i] == "." || segments[i] == "..")
                {
                    throw Invalid(path, parameterName, "it has a '.' or '..' segment");
                }

                // A trailing '/' is a path Partner Center may know; '//' inside one is not.
                if (segments[i].Length == 0 && i < segments.Length - 1)
                {
                    throw Invalid(path, parameterName, "it has an empty segment ('//')");
                }
            }

            return value;
        }

        private static bool IsHex(char c)
        {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        }

        private static PartnerCenterException Invalid(string path, string parameterName, string why)
        {
            string shown = path == null ? "(null)" : new string(path.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray());
            return new PartnerCenterException(
                PartnerCenterErrorIds.InvalidArgument,
                PartnerCenterErrorKind.InvalidArgument,
                "-" + parameterName + " '" + shown + "' is not a Partner Center path: " + why + ". Nothing was sent.")
            {
                RecommendedAction = "Give a path under the connected endpoint, such as /v1/customers, and pass query parameters with -Query @{ size = 100 }.",
            };
        }
    }
}
