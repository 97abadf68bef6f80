using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using PartnerCenterLicenses.Boundary;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>
    /// The formats every view shares (tests/Views.Tests.ps1 renders the views themselves in real pwsh).
    /// </summary>
    public class ViewTextTests
    {
        [Theory]
        [InlineData("Microsoft Dynamics CRM", 22, "Microsoft Dynamics CRM")]
        [InlineData("OFFICE 365 BUSINESS ESSENTIALS", 26, "OFFICE 365 BUSINESS ESS...")]
        [InlineData("DT DEMO CSP CUSTOMER 005", 20, "DT DEMO CSP CUSTO...")]
        [InlineData("admin@dtdemocspcustomer005.onmicrosoft.com", 30, "admin@dtdemocspcustomer005...")]
        [InlineData("DOMESTIC AND INTERNATIONAL CALLING PLAN", 18, "DOMESTIC AND IN...")]
        [InlineData("two\nlines\tand a tab", 40, "two lines and a tab")]
        [InlineData(null, 10, null)]
        public void Text_longer_than_its_column_ends_in_three_dots_on_one_line(string text, int width, string expected)
        {
            string fitted = ViewText.Fit(text, width);
            Assert.Equal(expected, fitted);
            Assert.True(fitted == null || fitted.Length <= width);
        }

        [Fact]
        public void Text_in_a_cell_reaches_the_console_without_control_characters()
        {
            Assert.Equal("A?]52;c;SGk=?B", ViewText.Fit("A\u001b]52;c;SGk=\u0007B", 40));
        }

        [Theory]
        [InlineData("https://partner.partnercenterapi.microsoftonline.cn/", 35, "...microsoftonline.cn")]
        [InlineData("https://partner.partnercenterapi.microsoftonline.cn/", 43, "partner.partnercenterapi.microsoftonline.cn")]
        [InlineData("https://login.microsoftonline.com/", 25, "login.microsoftonline.com")]
        [InlineData("https://pc-proxy.example.net:8443/partner", 35, "pc-proxy.example.net:8443/partner")]
        [InlineData("https://127.0.0.1:44321/", 25, "127.0.0.1:44321")]
        public void An_endpoint_shows_host_port_and_path_and_keeps_the_end_of_its_host_when_too_long(string endpoint, int width, string expected)
        {
            Assert.Equal(expected, ViewText.Endpoint(new Uri(endpoint), width));
        }

        [Fact]
        public void Counts_percents_times_and_durations_look_the_same_in_every_culture()
        {
            CultureInfo before = CultureInfo.CurrentCulture;
            try
            {
                foreach (string culture in new[] { "en-US", "de-DE", "sv-SE", "fr-FR" })
                {
                    CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
                    Assert.Equal("2,147,483,649", ViewText.Count(2147483649));
                    Assert.Equal("87.4 %", ViewText.Percent(0.8743));
                    Assert.Equal("112.5 %", ViewText.Percent(1.125));
                    Assert.Equal("0.0 %", ViewText.Percent(0));
                    Assert.Equal("87.4 %", ViewText.PercentOf100(87.43));
                    Assert.Equal("2024-05-01 22:30 UTC", ViewText.Time(DateTimeOffset.Parse("2024-05-02T04:00:00+05:30", CultureInfo.InvariantCulture)));
                    Assert.Equal("100 s", ViewText.Seconds(TimeSpan.FromSeconds(100)));
                    Assert.Equal("0.25 s", ViewText.Seconds(TimeSpan.FromMilliseconds(250)));
                }
            }
            finally
            {
                CultureInfo.CurrentCulture = before;
            }
        }

        [Fact]
        public void Nothing_shows_as_nothing()
        {
            Assert.Null(ViewText.Count(null));
            Assert.Null(ViewText.Count(null, 9));
            Assert.Null(ViewText.Percent(null));
            Assert.Null(ViewText.Time(null));
            Assert.Null(ViewText.Seconds(null));
        }

        [Theory]
        [InlineData(2147483649L, 13, "2,147,483,649")]
        [InlineData(2147483649L, 12, "############")]
        [InlineData(9999999L, 9, "9,999,999")]
        [InlineData(10000000L, 9, "#########")]
        public void A_number_that_does_not_fit_its_column_fills_it_with_hashes_rather_than_losing_digits(long count, int width, string expected)
        {
            Assert.Equal(expected, ViewText.Count(count, width));
        }

        [Fact]
        public void List_text_breaks_between_words_and_links_after_a_path_segment_never_beyond_the_width()
        {
            string query = "SELECT CustomerName, Product, BilledRevenueUSD FROM CustomersAndTenants ORDER BY BilledRevenueUSD LIMIT 10 TIMESPAN LAST_MONTH";
            string[] lines = ViewText.Wrap(query, 50).Split('\n');
            Assert.All(lines, line => Assert.True(line.Length <= 50, line));
            Assert.Equal(query, string.Join(" ", lines));
            Assert.All(lines, line => Assert.DoesNotContain("  ", line));

            string link = "https://pcinsights.blob.core.windows.net/reports/906931dc-4f2f-4195-bbb2-d7295c7550d3/Top10_CustomersReport.csv";
            string[] parts = ViewText.Wrap(link, 50).Split('\n');
            Assert.Equal(link, string.Concat(parts));
            Assert.All(parts.Take(parts.Length - 1), part => Assert.EndsWith("/", part));
            Assert.Equal("https://pcinsights.blob.core.windows.net/reports/", parts[0]);

            Assert.Equal("first line\nsecond", ViewText.Wrap("first line\r\nsecond", 50));
            Assert.Equal(new string('x', 10) + "\n" + new string('x', 5), ViewText.Wrap(new string('x', 15), 10));
        }
    }
}
