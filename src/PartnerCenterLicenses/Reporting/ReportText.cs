using System.Globalization;
using System.Text;

namespace PartnerCenterLicenses.Reporting
{
    /// <summary>
    /// Every string from Partner Center or the user goes into the page through here: as HTML (and SVG) text
    /// or attribute, or as a JSON string inside the page's data block. Nothing is ever written raw.
    /// </summary>
    internal static class ReportText
    {
        /// <summary>Text for an element or a quoted attribute, in HTML or inline SVG.</summary>
        public static string Html(string value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return string.Empty;
            }

            var text = new StringBuilder(value.Length + 16);
            foreach (char c in value)
            {
                switch (c)
                {
                    case '&': text.Append("&amp;"); break;
                    case '<': text.Append("&lt;"); break;
                    case '>': text.Append("&gt;"); break;
                    case '"': text.Append("&quot;"); break;
                    case '\'': text.Append("&#39;"); break;
                    default:
                        // Control characters are parse errors in HTML and invalid in SVG: shown as U+FFFD.
                        text.Append(c < ' ' && c != '\t' && c != '\n' && c != '\r' ? '\uFFFD' : c);
                        break;
                }
            }

            return text.ToString();
        }

        /// <summary>
        /// A JSON string literal that is also safe inside a script element: '&lt;', '&gt;' and '&amp;' are
        /// escaped, so a name holding "&lt;/script&gt;" or "&lt;!--" cannot end or change the block.
        /// </summary>
        public static string JsonString(string value)
        {
            var json = new StringBuilder((value?.Length ?? 0) + 2).Append('"');
            foreach (char c in value ?? string.Empty)
            {
                switch (c)
                {
                    case '"': json.Append("\\\""); break;
                    case '\\': json.Append("\\\\"); break;
                    case '<':
                    case '>':
                    case '&':
                    case '\u2028':
                    case '\u2029':
                        json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        break;
                    default:
                        if (c < ' ')
                        {
                            json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            json.Append(c);
                        }

                        break;
                }
            }

            return json.Append('"').ToString();
        }
    }
}
