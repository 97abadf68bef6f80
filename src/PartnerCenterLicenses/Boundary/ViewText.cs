using System;
using System.Globalization;
using System.Text;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// How the default views (PartnerCenterLicenses.format.ps1xml) show a value, decided once for every
    /// table and list: counts grouped as 2,147,483,649, fractions as 87.4 %, times as 2017-03-10 00:00 UTC,
    /// durations as 100 s, all in the invariant culture so a view reads the same in every culture and in
    /// Windows PowerShell 5.1 and PowerShell 7. A table cell never wraps or is cut by PowerShell: text too
    /// long for its column ends in "..." (ASCII, which every console and code page shows, and what
    /// Windows PowerShell itself uses), and a number too long for its column is filled with '#', as a
    /// spreadsheet does, rather than shown with digits missing. The objects keep their values as sent.
    /// </summary>
    public static class ViewText
    {
        /// <summary>What ends text shortened to fit its column.</summary>
        public const string Ellipsis = "...";

        private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

        /// <summary>The text made safe for a terminal, on one line, shortened with "..." to at most <paramref name="width"/> characters.</summary>
        public static string Fit(string text, int width)
        {
            string line = OneLine(text);
            if (line == null || line.Length <= width)
            {
                return line;
            }

            // A cut that ends in a space or a dot would read as "005 ..." or "005....": the ellipsis follows the last word.
            return line.Substring(0, Math.Max(0, width - Ellipsis.Length)).TrimEnd(' ', '.', ',', ';', ':', '-') + Ellipsis;
        }

        /// <summary>
        /// An HTTPS endpoint as host, port and path (every endpoint of the module is HTTPS, so the scheme says
        /// nothing). Too long for its column, it loses its leading host labels first, since the end of a host
        /// name (microsoftonline.cn) is what tells clouds apart.
        /// </summary>
        public static string Endpoint(Uri endpoint, int width)
        {
            if (endpoint == null)
            {
                return null;
            }

            string text = OneLine(endpoint.IsAbsoluteUri ? endpoint.Authority + endpoint.AbsolutePath.TrimEnd('/') : endpoint.OriginalString);
            if (text.Length <= width)
            {
                return text;
            }

            int hostEnd = text.IndexOfAny(new[] { ':', '/' });
            for (int dot = text.IndexOf('.'); dot >= 0 && (hostEnd < 0 || dot < hostEnd); dot = text.IndexOf('.', dot + 1))
            {
                if (Ellipsis.Length + text.Length - dot - 1 <= width)
                {
                    return Ellipsis + text.Substring(dot + 1);
                }
            }

            return Fit(text, width);
        }

        /// <summary>A count grouped in threes (2,147,483,649); empty for none.</summary>
        public static string Count(long? value) => value.HasValue ? value.Value.ToString("N0", Invariant) : null;

        /// <summary>A count that fits <paramref name="width"/> characters, or '#' across the column when it does not.</summary>
        public static string Count(long? value, int width) => Whole(Count(value), width);

        /// <summary>A fraction (0.874) as a percent with one decimal (87.4 %); empty for none.</summary>
        public static string Percent(double? fraction) => fraction.HasValue ? PercentOf100(fraction.Value * 100) : null;

        /// <summary>A fraction as a percent that fits <paramref name="width"/> characters, or '#' across the column.</summary>
        public static string Percent(double? fraction, int width) => Whole(Percent(fraction), width);

        /// <summary>A value already in percent (87.4) shown as the fractions are: 87.4 %.</summary>
        public static string PercentOf100(double? percent) =>
            percent.HasValue ? percent.Value.ToString("0.0", Invariant) + " %" : null;

        /// <summary>A value already in percent that fits <paramref name="width"/> characters, or '#' across the column.</summary>
        public static string PercentOf100(double? percent, int width) => Whole(PercentOf100(percent), width);

        /// <summary>A point in time in UTC to the minute, saying so: 2017-03-10 00:00 UTC; empty for none.</summary>
        public static string Time(DateTimeOffset? value) =>
            value.HasValue ? value.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm", Invariant) + " UTC" : null;

        /// <summary>A duration in seconds, the unit Set-PartnerCenterRequestOption takes: 100 s, 0.25 s.</summary>
        public static string Seconds(TimeSpan? value) =>
            value.HasValue ? value.Value.TotalSeconds.ToString("0.###", Invariant) + " s" : null;

        /// <summary>
        /// Text for a list view, broken into lines of at most <paramref name="width"/> characters between words.
        /// PowerShell breaks a long list value at the console's last column, in the middle of a word; a
        /// value that comes with its own line breaks is shown with each line under the first. The width is
        /// what an 80-column console leaves beside the view's labels, minus one, so PowerShell never breaks
        /// a line itself. A word longer than a line (a link) is broken after a '/' where it has one.
        /// </summary>
        public static string Wrap(string text, int width)
        {
            string clean = TerminalText.Clean(text);
            if (string.IsNullOrEmpty(clean) || width < 1)
            {
                return clean;
            }

            var wrapped = new StringBuilder(clean.Length + 16);
            var line = new StringBuilder(width);
            foreach (string paragraph in clean.Replace("\r\n", "\n").Replace('\t', ' ').Split('\n'))
            {
                foreach (string word in paragraph.Split(' '))
                {
                    if (line.Length > 0 && line.Length + 1 + word.Length <= width)
                    {
                        line.Append(' ').Append(word);
                        continue;
                    }

                    if (line.Length > 0)
                    {
                        EndLine(wrapped, line);
                    }

                    string rest = word;
                    while (rest.Length > width)
                    {
                        int slash = PathBreak(rest, width);
                        int take = slash > 0 ? slash + 1 : width;
                        line.Append(rest, 0, take);
                        EndLine(wrapped, line);
                        rest = rest.Substring(take);
                    }

                    line.Append(rest);
                }

                EndLine(wrapped, line);
            }

            return wrapped.ToString(0, wrapped.Length - 1);
        }

        // The last '/' within the width that ends a path segment: not one of the scheme's "//".
        private static int PathBreak(string word, int width)
        {
            for (int i = Math.Min(width, word.Length) - 1; i > 0; i--)
            {
                if (word[i] == '/' && word[i - 1] != '/' && (i + 1 >= word.Length || word[i + 1] != '/'))
                {
                    return i;
                }
            }

            return -1;
        }

        private static void EndLine(StringBuilder wrapped, StringBuilder line)
        {
            wrapped.Append(line).Append('\n');
            line.Clear();
        }

        private static string Whole(string number, int width) =>
            number == null || number.Length <= width ? number : new string('#', width);

        private static string OneLine(string text)
        {
            string clean = TerminalText.Clean(text);
            return clean?.Replace("\r\n", " ").Replace('\n', ' ').Replace('\t', ' ');
        }
    }
}
