using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PartnerCenterLicenses.Reporting
{
    /// <summary>
    /// A horizontal bar chart as inline SVG: one labelled bar per item, its value written beside it. The module
    /// draws its own rather than take a charting library: ScottPlot, the well-kept .NET one, draws through
    /// SkiaSharp's native libraries, which a netstandard2.0 module loaded into Windows PowerShell 5.1, Azure
    /// Automation's sandbox and pwsh on every platform cannot count on (README, "The license report").
    /// </summary>
    /// <remarks>
    /// The chart is an image to assistive technology (role="img"), named by its title and described by a text
    /// that lists every bar's label and value, so nothing is only in the drawing. Sizes are in the viewBox's
    /// units; the page scales the SVG to its width.
    /// </remarks>
    internal sealed class SvgBarChart
    {
        public const int Width = 720;
        public const int RowHeight = 26;
        public const int LabelWidth = 250;
        public const int ValueWidth = 96;
        public const int MaxLabelCharacters = 34;

        private readonly List<Bar> _bars = new List<Bar>();

        public SvgBarChart(string id, string title)
        {
            Id = id;
            Title = title;
        }

        /// <summary>Unique in the page: the title and description elements' ids derive from it.</summary>
        public string Id { get; }

        public string Title { get; }

        /// <summary>
        /// Bars of percentages: each is drawn against a track that stands for 100 %, and a value above 100 %
        /// fills the track. Otherwise bars are scaled to the largest value.
        /// </summary>
        public bool Percent { get; set; }

        public int Count => _bars.Count;

        /// <param name="label">What the bar is for, shown as text (shortened with an ellipsis when long; the whole label is the bar's tooltip).</param>
        /// <param name="value">The bar's length: a count, or with <see cref="Percent"/> a fraction (1 is 100 %).</param>
        /// <param name="valueText">The value as the report writes it.</param>
        public void Add(string label, double value, string valueText)
        {
            _bars.Add(new Bar(string.IsNullOrEmpty(label) ? "(none)" : label, double.IsNaN(value) || value < 0 ? 0 : value, valueText ?? string.Empty));
        }

        /// <summary>The text alternative: every bar's label and value, in order.</summary>
        public string Description()
        {
            var text = new StringBuilder();
            foreach (Bar bar in _bars)
            {
                text.Append(text.Length == 0 ? string.Empty : "; ").Append(bar.Label).Append(": ").Append(bar.ValueText);
            }

            return text.Length == 0 ? "No data." : text.Append('.').ToString();
        }

        public string ToSvg()
        {
            double largest = 0;
            foreach (Bar bar in _bars)
            {
                largest = Math.Max(largest, bar.Value);
            }

            double scale = Percent ? 1 : largest;
            int height = Math.Max(1, _bars.Count) * RowHeight + 8;
            int barSpace = Width - LabelWidth - ValueWidth;
            var svg = new StringBuilder();
            svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 ")
                .Append(Number(Width)).Append(' ').Append(Number(height))
                .Append("\" aria-labelledby=\"").Append(Id).Append("-title\" aria-describedby=\"").Append(Id).Append("-desc\">");
            svg.Append("<title id=\"").Append(Id).Append("-title\">").Append(ReportText.Html(Title)).Append("</title>");
            svg.Append("<desc id=\"").Append(Id).Append("-desc\">").Append(ReportText.Html(Description())).Append("</desc>");
            for (int i = 0; i < _bars.Count; i++)
            {
                Bar bar = _bars[i];
                double top = 4 + i * RowHeight;
                double length = scale <= 0 ? 0 : Math.Min(1, bar.Value / scale) * barSpace;
                svg.Append("<g class=\"bar\"><title>").Append(ReportText.Html(bar.Label + ": " + bar.ValueText)).Append("</title>");
                svg.Append("<text class=\"label\" x=\"").Append(Number(LabelWidth - 8)).Append("\" y=\"").Append(Number(top + RowHeight / 2.0 + 4))
                    .Append("\" text-anchor=\"end\">").Append(ReportText.Html(Shorten(bar.Label))).Append("</text>");
                if (Percent)
                {
                    svg.Append("<rect class=\"track\" x=\"").Append(Number(LabelWidth)).Append("\" y=\"").Append(Number(top + 4))
                        .Append("\" width=\"").Append(Number(barSpace)).Append("\" height=\"").Append(Number(RowHeight - 8)).Append("\"/>");
                }

                svg.Append("<rect class=\"fill\" x=\"").Append(Number(LabelWidth)).Append("\" y=\"").Append(Number(top + 4))
                    .Append("\" width=\"").Append(Number(length)).Append("\" height=\"").Append(Number(RowHeight - 8)).Append("\"/>");
                svg.Append("<text class=\"value\" x=\"").Append(Number(LabelWidth + barSpace + 6)).Append("\" y=\"").Append(Number(top + RowHeight / 2.0 + 4))
                    .Append("\">").Append(ReportText.Html(bar.ValueText)).Append("</text></g>");
            }

            return svg.Append("</svg>").ToString();
        }

        /// <summary>A label cut to fit the label column, by whole characters (never inside a surrogate pair).</summary>
        internal static string Shorten(string label)
        {
            if (label.Length <= MaxLabelCharacters)
            {
                return label;
            }

            int cut = MaxLabelCharacters - 1;
            if (char.IsHighSurrogate(label[cut - 1]))
            {
                cut--;
            }

            return label.Substring(0, cut) + "\u2026";
        }

        private static string Number(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

        private sealed class Bar
        {
            public Bar(string label, double value, string valueText)
            {
                Label = label;
                Value = value;
                ValueText = valueText;
            }

            public string Label { get; }

            public double Value { get; }

            public string ValueText { get; }
        }
    }
}
