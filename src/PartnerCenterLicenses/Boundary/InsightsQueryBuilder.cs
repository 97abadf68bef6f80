using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// Writes a Partner insights report query from its parts: <c>SELECT columns, metrics FROM Dataset [WHERE ...]
    /// [ORDER BY ...] [LIMIT n] [TIMESPAN ...]</c> ("Custom query specification":
    /// https://learn.microsoft.com/partner-center/insights/insights-programmatic-custom-query). Dataset, column,
    /// metric and ORDER BY names are plain identifiers (letters, digits, '_'), so nothing a caller passes as a
    /// name can add a clause, a second dataset or a statement to the text; the WHERE clause is the caller's own
    /// condition and is written as given. The cmdlets that take the same parts (New-PartnerInsightsQuery,
    /// Get-PartnerInsightsQueryPreview and any later one) build their text here.
    /// </summary>
    public sealed class InsightsQueryBuilder
    {
        /// <summary>
        /// The TIMESPAN values Microsoft documents for the partner datasets (each dataset's availableDateRanges,
        /// "Make your first API call": https://learn.microsoft.com/partner-center/insights/insights-programmatic-first-api-call).
        /// </summary>
        public static readonly IReadOnlyList<string> DocumentedTimeSpans = new[] { "LAST_MONTH", "LAST_3_MONTHS", "LAST_6_MONTHS", "LAST_1_YEAR", "LIFETIME" };

        /// <summary>The longest identifier accepted; the service's longest dataset and column names are far shorter.</summary>
        public const int MaximumIdentifierLength = 128;

        /// <summary>The dataset the query reads (after FROM).</summary>
        public string Dataset { get; set; }

        /// <summary>The columns to select.</summary>
        public IReadOnlyList<string> Columns { get; set; } = Array.Empty<string>();

        /// <summary>The metrics (aggregates) to select, after the columns.</summary>
        public IReadOnlyList<string> Metrics { get; set; } = Array.Empty<string>();

        /// <summary>The WHERE clause's condition, without the keyword, as the caller wrote it; null for none.</summary>
        public string Where { get; set; }

        /// <summary>ORDER BY terms: a column or metric name, optionally followed by ASC or DESC.</summary>
        public IReadOnlyList<string> OrderBy { get; set; } = Array.Empty<string>();

        /// <summary>The most rows; null for no LIMIT.</summary>
        public int? Limit { get; set; }

        /// <summary>One of <see cref="DocumentedTimeSpans"/> (any case); null for no TIMESPAN (the service's default).</summary>
        public string TimeSpan { get; set; }

        /// <summary>Whether <paramref name="name"/> is a plain identifier: a letter or '_' first, then letters, digits and '_'.</summary>
        public static bool IsIdentifier(string name)
        {
            if (string.IsNullOrEmpty(name) || name.Length > MaximumIdentifierLength || char.IsDigit(name[0]))
            {
                return false;
            }

            return name.All(c => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
        }

        /// <summary>Whether <paramref name="term"/> is an ORDER BY term: an identifier, optionally a space and ASC or DESC.</summary>
        public static bool IsOrderByTerm(string term)
        {
            if (term == null)
            {
                return false;
            }

            string[] words = term.Trim().Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            return (words.Length == 1 && IsIdentifier(words[0]))
                || (words.Length == 2 && IsIdentifier(words[0]) && (Is(words[1], "ASC") || Is(words[1], "DESC")));
        }

        /// <summary>Whether <paramref name="value"/> is one of <see cref="DocumentedTimeSpans"/>, in any case.</summary>
        public static bool IsTimeSpan(string value) => value != null && DocumentedTimeSpans.Any(t => Is(t, value));

        /// <summary>
        /// The query text, or PartnerCenter.InvalidArgument (nothing is sent) when a name is not an identifier,
        /// nothing is selected, the limit is not positive, the TIMESPAN is not a documented one or the WHERE
        /// clause has a control character or a ';'.
        /// </summary>
        public string Build()
        {
            Require(IsIdentifier(Dataset), "-Dataset", Dataset, "is not a dataset name (letters, digits and '_' only)");
            foreach (string column in Columns ?? Array.Empty<string>())
            {
                Require(IsIdentifier(column), "-Column", column, "is not a column name (letters, digits and '_' only)");
            }

            foreach (string metric in Metrics ?? Array.Empty<string>())
            {
                Require(IsIdentifier(metric), "-Metric", metric, "is not a metric name (letters, digits and '_' only)");
            }

            foreach (string term in OrderBy ?? Array.Empty<string>())
            {
                Require(IsOrderByTerm(term), "-OrderBy", term, "is not a column or metric name, optionally followed by ASC or DESC");
            }

            string[] selected = (Columns ?? Array.Empty<string>()).Concat(Metrics ?? Array.Empty<string>()).ToArray();
            Require(selected.Length > 0, "-Column", null, "is missing: select at least one column or metric (Partner insights has no SELECT *)");
            Require(Limit == null || Limit > 0, "-Limit", Limit?.ToString(CultureInfo.InvariantCulture), "is not a positive number of rows");
            Require(TimeSpan == null || IsTimeSpan(TimeSpan), "-TimeSpan", TimeSpan, "is not one of " + string.Join(", ", DocumentedTimeSpans));

            // The condition is the caller's, but it stays one clause of one statement: a ';' or a line break
            // would only ever be a mistake (or text from elsewhere pasted in), and the service takes neither.
            Require(Where == null || Where.All(c => !char.IsControl(c) && c != ';'), "-Where", Where, "has a ';' or a control character");

            var text = new StringBuilder("SELECT ").Append(string.Join(",", selected)).Append(" FROM ").Append(Dataset);
            if (!string.IsNullOrWhiteSpace(Where))
            {
                text.Append(" WHERE ").Append(Where.Trim());
            }

            if (OrderBy != null && OrderBy.Count > 0)
            {
                text.Append(" ORDER BY ").Append(string.Join(",", OrderBy.Select(Normalized)));
            }

            if (Limit.HasValue)
            {
                text.Append(" LIMIT ").Append(Limit.Value.ToString(CultureInfo.InvariantCulture));
            }

            if (TimeSpan != null)
            {
                text.Append(" TIMESPAN ").Append(TimeSpan.ToUpperInvariant());
            }

            return text.ToString();
        }

        /// <summary>
        /// The dataset a query's text names after FROM, when it is a plain identifier; null otherwise. Used only
        /// to word names and advice, never to decide what is sent.
        /// </summary>
        public static string DatasetOf(string query)
        {
            if (string.IsNullOrEmpty(query))
            {
                return null;
            }

            string[] words = query.Split(new[] { ' ', '\t', '\r', '\n', ',' }, StringSplitOptions.RemoveEmptyEntries);
            for (int i = 0; i + 1 < words.Length; i++)
            {
                if (Is(words[i], "FROM") && IsIdentifier(words[i + 1]))
                {
                    return words[i + 1];
                }
            }

            return null;
        }

        private static string Normalized(string term)
        {
            string[] words = term.Trim().Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            return words.Length == 1 ? words[0] : words[0] + " " + words[1].ToUpperInvariant();
        }

        private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

        private static void Require(bool condition, string parameter, string value, string why)
        {
            if (condition)
            {
                return;
            }

            // The value is shown on one line, control characters (line breaks too) as '?'.
            string shown = value == null ? string.Empty
                : " '" + new string((value.Length > 80 ? value.Substring(0, 80) + "..." : value).Select(c => char.IsControl(c) ? '?' : c).ToArray()) + "'";
            throw new PartnerCenterException(
                PartnerCenterErrorIds.InvalidArgument,
                PartnerCenterErrorKind.InvalidArgument,
                parameter + shown + " " + why + ". Nothing was sent.")
            {
                RecommendedAction = "Take the dataset, column and metric names from Get-PartnerInsightsDataset (Tab completes them once it has run), "
                    + "or pass the whole query text with -Query.",
            };
        }
    }
}
