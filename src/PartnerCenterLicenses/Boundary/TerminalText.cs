using System.Text;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// Text from a server or a file made safe to show in a terminal. Partner Center's and Entra ID's error
    /// descriptions, the device code message and names in objects' text form reach the console as they
    /// are; control characters in them (ESC and the sequences it starts, BEL, backspace, a bare carriage
    /// return, C1 controls such as CSI and OSC) could rewrite what the user sees or set their clipboard,
    /// and the explicit bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069)
    /// could show a line in another order than it reads (the "Trojan Source" trick). Each such character becomes '?', so the text stays readable and nothing is hidden. Line feeds and
    /// tabs are kept. Objects' property values are never cleaned: they stay exactly as sent.
    /// </summary>
    public static class TerminalText
    {
        /// <summary>The text with every terminal control character replaced by '?'; the same instance when there is none.</summary>
        public static string Clean(string text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text;
            }

            int first = -1;
            for (int i = 0; i < text.Length; i++)
            {
                if (IsControl(text, i))
                {
                    first = i;
                    break;
                }
            }

            if (first < 0)
            {
                return text;
            }

            var clean = new StringBuilder(text.Length).Append(text, 0, first);
            for (int i = first; i < text.Length; i++)
            {
                clean.Append(IsControl(text, i) ? '?' : text[i]);
            }

            return clean.ToString();
        }

        private static bool IsControl(string text, int index)
        {
            char c = text[index];
            if (c == '\n' || c == '\t')
            {
                return false;
            }

            if (c == '\r')
            {
                // A line ending stays; a lone carriage return would let the rest overwrite the line.
                return index + 1 >= text.Length || text[index + 1] != '\n';
            }

            return c < ' ' || (c >= '\u007F' && c <= '\u009F') || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
        }
    }
}
