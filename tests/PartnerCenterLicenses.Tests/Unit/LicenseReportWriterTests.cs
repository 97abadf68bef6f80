using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using PartnerCenterLicenses.Reporting;
using PartnerCenterLicenses.Tests.Browser;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>
    /// The license report's writers without a browser: the SVG bar chart, the numbers in a culture, the encoding of
    /// names, the page's Content-Security-Policy against its own inline blocks, and its size at 100,000 rows.
    /// </summary>
    public sealed class LicenseReportWriterTests
    {
        private static string Page(LicenseReport report, CultureInfo culture = null)
        {
            var text = new StringWriter();
            new LicenseReportPage(report, culture ?? CultureInfo.GetCultureInfo("en-US"), null, LicenseReportSamples.Written).WriteTo(text);
            return text.ToString();
        }

        [Fact]
        public void A_bar_chart_is_well_formed_svg_named_by_its_title_described_by_every_value_with_bars_scaled_to_the_largest()
        {
            var chart = new SvgBarChart("c1", "Top <customers> & co");
            chart.Add("Contoso \"East\"", 50, "50");
            chart.Add("<script>alert(1)</script>", 25, "25");
            chart.Add("A customer whose name is much longer than the label column can hold", 0, "0");

            XElement svg = XElement.Parse(chart.ToSvg());
            XNamespace ns = "http://www.w3.org/2000/svg";
            Assert.Equal("img", (string)svg.Attribute("role"));
            Assert.Equal("c1-title", (string)svg.Attribute("aria-labelledby"));
            Assert.Equal("Top <customers> & co", svg.Element(ns + "title").Value);
            Assert.Equal("Contoso \"East\": 50; <script>alert(1)</script>: 25; A customer whose name is much longer than the label column can hold: 0.", svg.Element(ns + "desc").Value);
            var widths = svg.Descendants(ns + "rect").Where(r => (string)r.Attribute("class") == "fill").Select(r => double.Parse((string)r.Attribute("width"), CultureInfo.InvariantCulture)).ToList();
            double full = SvgBarChart.Width - SvgBarChart.LabelWidth - SvgBarChart.ValueWidth;
            Assert.Equal(new[] { full, full / 2, 0 }, widths);
            Assert.Empty(svg.Descendants(ns + "script"));
            var labels = svg.Descendants(ns + "text").Where(t => (string)t.Attribute("class") == "label").Select(t => t.Value).ToList();
            Assert.Equal(SvgBarChart.MaxLabelCharacters, labels[2].Length);
            Assert.Equal("A customer whose name is much lon\u2026", labels[2]);
        }

        [Fact]
        public void A_percent_chart_draws_each_bar_on_a_full_track_and_caps_a_share_above_100_percent()
        {
            var chart = new SvgBarChart("c2", "Deployed") { Percent = true };
            chart.Add("o365", 0.5, "50.0%");
            chart.Add("crm", 1.25, "125.0%");
            XElement svg = XElement.Parse(chart.ToSvg());
            XNamespace ns = "http://www.w3.org/2000/svg";
            double full = SvgBarChart.Width - SvgBarChart.LabelWidth - SvgBarChart.ValueWidth;
            Assert.Equal(2, svg.Descendants(ns + "rect").Count(r => (string)r.Attribute("class") == "track"));
            var widths = svg.Descendants(ns + "rect").Where(r => (string)r.Attribute("class") == "fill").Select(r => double.Parse((string)r.Attribute("width"), CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(new[] { full / 2, full }, widths);
        }

        [Fact]
        public void Shortening_a_label_never_splits_a_surrogate_pair()
        {
            string label = new string('a', SvgBarChart.MaxLabelCharacters - 3) + "\U0001F600\U0001F600\U0001F600";
            string shortened = SvgBarChart.Shorten(label);
            Assert.False(shortened.Any(c => char.IsHighSurrogate(c)) && !char.IsLowSurrogate(shortened[shortened.IndexOf(shortened.First(char.IsHighSurrogate)) + 1]));
            Assert.False(char.IsHighSurrogate(shortened[shortened.Length - 2]));
        }

        [Theory]
        [InlineData("en-US", 1234567, "1,234,567")]
        [InlineData("de-DE", 1234567, "1.234.567")]
        [InlineData("hi-IN", 12345678, "1,23,45,678")]
        [InlineData("fr-FR", 1234567, "1\u202f234\u202f567")]
        public void Counts_are_grouped_as_the_culture_groups_them(string culture, long value, string expected)
        {
            Assert.Equal(expected, new ReportNumbers(CultureInfo.GetCultureInfo(culture)).Whole(value).Replace('\u00a0', '\u202f'));
        }

        [Fact]
        public void Percentages_round_half_up_in_whole_numbers_and_follow_the_cultures_pattern()
        {
            Assert.Equal(875, ReportNumbers.Tenths(7, 8));
            Assert.Equal(3, ReportNumbers.Tenths(1, 400));   // 0.25 % rounds up to 0.3 %
            Assert.Equal(667, ReportNumbers.Tenths(2, 3));
            Assert.Null(ReportNumbers.Tenths(0, 0));
            Assert.Equal(874, ReportNumbers.Tenths(0.874));
            Assert.Equal("87.5%", new ReportNumbers(CultureInfo.GetCultureInfo("en-US")).Percent(875));
            Assert.Equal("87,5 %", new ReportNumbers(CultureInfo.GetCultureInfo("de-DE")).Percent(875));
            Assert.Equal(ReportNumbers.NoPercent, new ReportNumbers(CultureInfo.InvariantCulture).Percent(null));
        }

        [Fact]
        public void Names_are_encoded_for_html_and_for_the_data_block_so_none_can_end_an_element_or_the_script()
        {
            Assert.Equal("&lt;script&gt;&amp;&quot;&#39;\uFFFD", ReportText.Html("<script>&\"'\u0001"));
            string json = ReportText.JsonString("</script><!-- \"\\ \u2028");
            Assert.DoesNotContain("<", json);
            Assert.DoesNotContain(">", json);
            Assert.Equal("</script><!-- \"\\ \u2028", System.Text.Json.JsonSerializer.Deserialize<string>(json));
        }

        [Fact]
        public void The_pages_policy_allows_exactly_its_own_inline_style_and_script_and_nothing_else()
        {
            string html = Page(LicenseReportSamples.Documented());
            string policy = System.Net.WebUtility.HtmlDecode(Regex.Match(html, "http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\"").Groups[1].Value);
            string style = Regex.Match(html, "<style>(.*?)</style>", RegexOptions.Singleline).Groups[1].Value;
            var scripts = Regex.Matches(html, "<script( [^>]*)?>(.*?)</script>", RegexOptions.Singleline);
            string script = scripts.Single(m => m.Groups[1].Value.Length == 0).Groups[2].Value;
            Assert.Equal(2, scripts.Count);
            Assert.Contains("type=\"application/json\"", scripts.Single(m => m.Groups[1].Value.Length > 0).Groups[1].Value);
            Assert.StartsWith("default-src 'none'; ", policy);
            Assert.Contains("style-src '" + Sha256(style) + "'", policy);
            Assert.Contains("script-src '" + Sha256(script) + "'", policy);
            Assert.Contains("img-src data:", policy);
            Assert.DoesNotContain("unsafe", policy);
            Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
            Assert.DoesNotContain(" style=\"", html);
        }

        [Fact]
        public void A_report_of_five_thousand_customers_with_twenty_products_stays_under_four_megabytes()
        {
            string html = Page(LicenseReportBrowserTests.Large(5000, 20));
            Assert.True(Encoding.UTF8.GetByteCount(html) < 4_000_000, "The page is " + Encoding.UTF8.GetByteCount(html) + " bytes.");
            Assert.Contains("data-figure=\"customers\">5,000<", html);
        }

        [Fact]
        public void Undeployed_licenses_never_go_below_zero_per_row_so_over_deployment_hides_nothing()
        {
            var report = new LicenseReport();
            report.AddDeployment("a", "Contoso", "E3", "o365", 10, 14, null);
            report.AddDeployment("a", "Contoso", "E5", "o365", 10, 4, null);
            Assert.Equal(6, report.Undeployed);
            Assert.Equal(20, report.Sold);
            Assert.Equal(18, report.Deployed);
            Assert.Single(report.Customers());
            Assert.Null(report.ProcessedAt);
        }

        private static string Sha256(string text) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
