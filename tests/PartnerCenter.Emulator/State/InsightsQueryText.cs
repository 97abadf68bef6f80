using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace PartnerCenter.Emulator.State
{
    /// <summary>
    /// A report query of the insights query language, parsed and checked against its dataset:
    /// <c>SELECT [DISTINCT] ColumnOrMetric (, ColumnOrMetric)* FROM Dataset [WHERE Condition (AND Condition)*]
    /// [ORDER BY ColumnOrMetric [ASC|DESC] (, ...)*] [LIMIT n] [TIMESPAN range]</c>, keywords, names and values in
    /// any case, no <c>SELECT *</c>. "Custom query specification":
    /// https://learn.microsoft.com/partner-center/insights/insights-programmatic-custom-query
    /// </summary>
    internal sealed class InsightsQueryText
    {
        private static readonly Regex Token = new Regex(
            @"\s*(?:(?<string>'[^']*')|(?<number>-?[0-9]+(?:\.[0-9]+)?)|(?<op>>=|<=|!=|=|>|<)|(?<punct>[(),*;])|(?<word>[A-Za-z_][A-Za-z0-9_]*))",
            RegexOptions.CultureInvariant);

        private static readonly string[] Keywords = { "SELECT", "DISTINCT", "FROM", "WHERE", "AND", "ORDER", "BY", "ASC", "DESC", "LIMIT", "TIMESPAN", "LIKE", "NOT", "IN" };

        private InsightsQueryText()
        {
        }

        public InsightsDataset Dataset { get; private init; }

        /// <summary>The selected columns and metrics, in the dataset's spelling and the order given.</summary>
        public IReadOnlyList<string> Select { get; private init; }

        public bool Distinct { get; private init; }

        public IReadOnlyList<(string Field, string Operator, IReadOnlyList<string> Values)> Where { get; private init; }

        public IReadOnlyList<(string Field, bool Ascending)> OrderBy { get; private init; }

        public int? Limit { get; private init; }

        public string TimeSpan { get; private init; }

        /// <summary>The query parsed and checked, or null with the service-style message saying what is wrong.</summary>
        public static InsightsQueryText Parse(string text, out string error)
        {
            error = null;
            if (string.IsNullOrWhiteSpace(text))
            {
                error = "The query is empty.";
                return null;
            }

            var tokens = new List<(string Kind, string Text)>();
            int at = 0;
            string trimmed = text.TrimEnd();
            while (at < trimmed.Length)
            {
                Match match = Token.Match(trimmed, at);
                if (!match.Success || match.Index != at)
                {
                    error = $"Syntax error in the query near '{Near(trimmed, at)}'.";
                    return null;
                }

                string kind = new[] { "string", "number", "op", "punct", "word" }.First(k => match.Groups[k].Success);
                tokens.Add((kind, match.Groups[kind].Value));
                at = match.Index + match.Length;
            }

            var reader = new TokenReader(tokens);
            if (!reader.Keyword("SELECT"))
            {
                error = "Syntax error: the query must start with SELECT.";
                return null;
            }

            bool distinct = reader.Keyword("DISTINCT");
            var selected = new List<string>();
            do
            {
                if (reader.Peek.Text == "*")
                {
                    error = "SELECT * is not supported: name the columns and metrics to export.";
                    return null;
                }

                string name = reader.Name();
                if (name == null)
                {
                    error = $"Syntax error: a column or metric name is expected after SELECT, near '{reader.Peek.Text}'.";
                    return null;
                }

                selected.Add(name);
            }
            while (reader.Punct(","));

            if (!reader.Keyword("FROM"))
            {
                error = $"Syntax error: FROM is expected near '{reader.Peek.Text}'.";
                return null;
            }

            string datasetName = reader.Name();
            InsightsDataset dataset = datasetName == null ? null : InsightsDatasets.Find(datasetName);
            if (dataset == null)
            {
                error = $"Invalid dataset name '{datasetName}'. Valid dataset names are: {string.Join(", ", InsightsDatasets.All.Select(d => d.Name))}.";
                return null;
            }

            var select = new List<string>();
            foreach (string name in selected)
            {
                string field = dataset.Field(name);
                if (field == null)
                {
                    error = UnknownField(name, dataset);
                    return null;
                }

                select.Add(field);
            }

            var where = new List<(string, string, IReadOnlyList<string>)>();
            if (reader.Keyword("WHERE"))
            {
                do
                {
                    string name = reader.Name();
                    string field = name == null ? null : dataset.Field(name);
                    if (field == null)
                    {
                        error = name == null ? $"Syntax error in WHERE near '{reader.Peek.Text}'." : UnknownField(name, dataset);
                        return null;
                    }

                    string op = reader.Operator();
                    if (op == null)
                    {
                        error = $"Syntax error: an operator (=, >, <, >=, <=, !=, LIKE, NOT LIKE, IN, NOT IN) is expected after {field}.";
                        return null;
                    }

                    IReadOnlyList<string> values = op.EndsWith("IN", StringComparison.Ordinal) ? reader.ValueList() : reader.Value() is string one ? new[] { one } : null;
                    if (values == null)
                    {
                        error = $"Syntax error: a value is expected after {field} {op}.";
                        return null;
                    }

                    where.Add((field, op, values));
                }
                while (reader.Keyword("AND"));
            }

            var order = new List<(string, bool)>();
            if (reader.Keyword("ORDER"))
            {
                if (!reader.Keyword("BY"))
                {
                    error = "Syntax error: ORDER must be followed by BY.";
                    return null;
                }

                do
                {
                    string name = reader.Name();
                    string field = name == null ? null : dataset.Field(name);
                    if (field == null)
                    {
                        error = name == null ? $"Syntax error in ORDER BY near '{reader.Peek.Text}'." : UnknownField(name, dataset);
                        return null;
                    }

                    // Without a direction the order is descending, as the specification says.
                    bool ascending = reader.Keyword("ASC");
                    if (!ascending)
                    {
                        reader.Keyword("DESC");
                    }

                    order.Add((field, ascending));
                }
                while (reader.Punct(","));
            }

            int? limit = null;
            if (reader.Keyword("LIMIT"))
            {
                (string kind, string number) = reader.Next();
                if (kind != "number" || !int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int rows) || rows < 1)
                {
                    error = "LIMIT must be a positive nonzero integer.";
                    return null;
                }

                limit = rows;
            }

            string timeSpan = null;
            if (reader.Keyword("TIMESPAN"))
            {
                string range = reader.Name();
                timeSpan = dataset.DateRanges.FirstOrDefault(r => string.Equals(r, range, StringComparison.OrdinalIgnoreCase));
                if (timeSpan == null)
                {
                    error = $"Invalid TIMESPAN '{range}' for dataset '{dataset.Name}'. Valid values are: {string.Join(", ", dataset.DateRanges)}.";
                    return null;
                }
            }

            reader.Punct(";");
            if (!reader.AtEnd)
            {
                error = $"Syntax error in the query near '{reader.Peek.Text}'.";
                return null;
            }

            return new InsightsQueryText
            {
                Dataset = dataset,
                Select = select,
                Distinct = distinct,
                Where = where,
                OrderBy = order,
                Limit = limit,
                TimeSpan = timeSpan,
            };
        }

        private static string UnknownField(string name, InsightsDataset dataset) =>
            $"Invalid column or metric '{name}' for dataset '{dataset.Name}'. Valid columns are: {string.Join(", ", dataset.Columns)}. Valid metrics are: {string.Join(", ", dataset.Metrics)}.";

        private static string Near(string text, int at) => text.Substring(at, Math.Min(20, text.Length - at)).Trim();

        private sealed class TokenReader
        {
            private readonly List<(string Kind, string Text)> _tokens;
            private int _next;

            public TokenReader(List<(string Kind, string Text)> tokens) => _tokens = tokens;

            public bool AtEnd => _next >= _tokens.Count;

            public (string Kind, string Text) Peek => AtEnd ? ("end", "end of query") : _tokens[_next];

            public (string Kind, string Text) Next() => AtEnd ? ("end", string.Empty) : _tokens[_next++];

            public bool Keyword(string keyword)
            {
                if (Peek.Kind == "word" && string.Equals(Peek.Text, keyword, StringComparison.OrdinalIgnoreCase))
                {
                    _next++;
                    return true;
                }

                return false;
            }

            public bool Punct(string punct)
            {
                if (Peek.Kind == "punct" && Peek.Text == punct)
                {
                    _next++;
                    return true;
                }

                return false;
            }

            /// <summary>A name that is not a keyword, or null.</summary>
            public string Name()
            {
                if (Peek.Kind == "word" && !Keywords.Contains(Peek.Text, StringComparer.OrdinalIgnoreCase))
                {
                    return Next().Text;
                }

                return null;
            }

            public string Operator()
            {
                if (Peek.Kind == "op")
                {
                    return Next().Text;
                }

                bool not = Keyword("NOT");
                if (Keyword("LIKE"))
                {
                    return not ? "NOT LIKE" : "LIKE";
                }

                if (Keyword("IN"))
                {
                    return not ? "NOT IN" : "IN";
                }

                return null;
            }

            public string Value()
            {
                (string kind, string text) = Peek;
                if (kind == "string")
                {
                    _next++;
                    return text.Substring(1, text.Length - 2);
                }

                if (kind == "number")
                {
                    _next++;
                    return text;
                }

                return null;
            }

            public IReadOnlyList<string> ValueList()
            {
                if (!Punct("("))
                {
                    return null;
                }

                var values = new List<string>();
                do
                {
                    string value = Value();
                    if (value == null)
                    {
                        return null;
                    }

                    values.Add(value);
                }
                while (Punct(","));

                return Punct(")") ? values : null;
            }
        }

        /// <summary>Whether a row (values by field) meets every WHERE condition; values compare without regard to case, numbers as numbers.</summary>
        public bool Matches(IReadOnlyDictionary<string, object> row)
        {
            foreach ((string field, string op, IReadOnlyList<string> values) in Where)
            {
                row.TryGetValue(field, out object value);
                if (!Holds(value, op, values))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool Holds(object value, string op, IReadOnlyList<string> values)
        {
            string text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
            switch (op)
            {
                case "IN": return values.Any(v => Compare(value, v) == 0);
                case "NOT IN": return values.All(v => Compare(value, v) != 0);
                case "LIKE": return Like(text, values[0]);
                case "NOT LIKE": return !Like(text, values[0]);
                case "=": return Compare(value, values[0]) == 0;
                case "!=": return Compare(value, values[0]) != 0;
                case ">": return Compare(value, values[0]) > 0;
                case "<": return Compare(value, values[0]) < 0;
                case ">=": return Compare(value, values[0]) >= 0;
                default: return Compare(value, values[0]) <= 0;
            }
        }

        private static int Compare(object value, string literal)
        {
            if (value is long number && double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out double other))
            {
                return ((double)number).CompareTo(other);
            }

            if (value is double real && double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out double otherReal))
            {
                return real.CompareTo(otherReal);
            }

            return string.Compare(Convert.ToString(value, CultureInfo.InvariantCulture), literal, StringComparison.OrdinalIgnoreCase);
        }

        private static bool Like(string text, string pattern)
        {
            var regex = new StringBuilder("^");
            foreach (char c in pattern)
            {
                regex.Append(c == '%' ? ".*" : c == '_' ? "." : Regex.Escape(c.ToString()));
            }

            return Regex.IsMatch(text, regex.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }
    }
}
