using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using PartnerCenterLicenses.Reporting;
using Xunit;

namespace PartnerCenterLicenses.Tests.Browser
{
    /// <summary>
    /// The license report as a person sees it: Export-PartnerLicenseReport's page opened from a file in headless Chromium,
    /// with no console error and no request, its figures read back from the page, its tables sorted and filtered through
    /// their controls, screenshots at desktop and phone widths, its accessibility basics, print, and the names and sizes
    /// that break pages.
    /// </summary>
    public sealed class LicenseReportBrowserTests : IClassFixture<HeadlessChromium>
    {
        private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");
        private readonly HeadlessChromium _browser;

        public LicenseReportBrowserTests(HeadlessChromium browser)
        {
            _browser = browser;
        }

        private const string ReadFigures =
            "(() => { const f = {}; document.querySelectorAll('[data-figure]').forEach(d => f[d.dataset.figure] = d.textContent); return f; })()";

        private static string ReadRows(string table) =>
            "Array.from(document.querySelectorAll('#" + table + " tbody tr')).map(tr => Array.from(tr.cells).map(c => c.textContent))";

        private static List<string[]> Rows(JsonNode rows) => rows.AsArray().Select(r => r.AsArray().Select(c => (string)c).ToArray()).ToList();

        private static string Whole(long value) => value.ToString("N0", English);

        private static string Percent(long part, long whole) =>
            whole <= 0 ? "\u2014" : (Math.Round(1000m * part / whole, MidpointRounding.AwayFromZero) / 10m).ToString("0.0", English) + "%";

        /// <summary>No console error, no uncaught exception, no CSP or other error in the log, no request but the file itself.</summary>
        private void AssertQuiet(string path)
        {
            string self = new Uri(path).AbsoluteUri;
            var problems = _browser.Events
                .Where(e => e.Method == "Runtime.exceptionThrown"
                    || (e.Method == "Runtime.consoleAPICalled" && (string)e.Params["type"] is "error" or "warning" or "assert")
                    || (e.Method == "Log.entryAdded" && (string)e.Params["entry"]["level"] is "error" or "warning"))
                .Select(e => e.Method + " " + e.Params.ToJsonString())
                .ToList();
            Assert.True(problems.Count == 0, "The page reported:\n" + string.Join("\n", problems));
            var requests = _browser.Events
                .Where(e => e.Method == "Network.requestWillBeSent")
                .Select(e => (string)e.Params["request"]["url"])
                .Where(url => url != self)
                .ToList();
            Assert.True(requests.Count == 0, "The page fetched:\n" + string.Join("\n", requests));
        }

        [Fact]
        public async Task The_documented_report_renders_quietly_shows_the_input_figures_and_is_captured_at_desktop_and_phone_widths()
        {
            LicenseReport report = LicenseReportSamples.Documented();
            string path = LicenseReportSamples.Write(report, "documented");

            await _browser.OpenAsync(path);
            AssertQuiet(path);
            Assert.Equal("true", (string)await _browser.EvaluateAsync("document.documentElement.dataset.ready"));

            JsonNode figures = await _browser.EvaluateAsync(ReadFigures);
            long sold = report.Deployment.Sum(r => r.Sold);
            long deployed = report.Deployment.Sum(r => r.Deployed);
            long undeployed = report.Deployment.Sum(r => Math.Max(0, r.Sold - r.Deployed));
            Assert.Equal(Whole(sold), (string)figures["sold"]);
            Assert.Equal(Whole(deployed), (string)figures["deployed"]);
            Assert.Equal(Whole(undeployed), (string)figures["undeployed"]);
            Assert.Equal(Percent(deployed, sold), (string)figures["percent"]);
            Assert.Equal("12", (string)figures["customers"]);

            // Every customer's row, in the order of most licenses not deployed, exactly as the input adds up.
            var expected = report.Deployment
                .GroupBy(r => r.Customer.Name)
                .Select(g => new { Name = g.Key, Sold = g.Sum(r => r.Sold), Deployed = g.Sum(r => r.Deployed), Undeployed = g.Sum(r => Math.Max(0, r.Sold - r.Deployed)) })
                .OrderByDescending(g => g.Undeployed).ThenBy(g => g.Name, StringComparer.Ordinal)
                .Select(g => new[] { g.Name, Whole(g.Sold), Whole(g.Deployed), Whole(g.Undeployed), Percent(g.Deployed, g.Sold) })
                .ToList();
            Assert.Equal(expected, Rows(await _browser.EvaluateAsync(ReadRows("customers-table"))));

            // The charts say the same: the top customer's bar carries its name and figure.
            string firstBar = (string)await _browser.EvaluateAsync("document.querySelector('#customers-heading ~ svg .bar title').textContent");
            Assert.Equal(expected[0][0] + ": " + expected[0][3], firstBar);
            Assert.Equal("Rows 1\u201312 of 12", (string)await _browser.EvaluateAsync("document.querySelector('#customers-table .page-status').textContent"));

            // Usage per workload, and Partner Center's own prorated totals as given.
            var usage = Rows(await _browser.EvaluateAsync(ReadRows("workloads-table")));
            var exchange = report.Usage.Where(u => u.Workload == "exchange").ToList();
            Assert.Contains(new[] { "o365", "exchange", Whole(exchange.Sum(u => u.Active)), Whole(exchange.Sum(u => u.Qualified)), Percent(exchange.Sum(u => u.Active), exchange.Sum(u => u.Qualified)) }, usage);
            Assert.Equal(new[] { "o365", "reseller", "2,143", "87.4%" }, Rows(await _browser.EvaluateAsync(ReadRows("partner-deployment-table")))[0]);

            Assert.Equal(1280, (int)await _browser.EvaluateAsync("document.documentElement.clientWidth"));
            string desktop = await _browser.ScreenshotAsync("license-report-desktop");
            await _browser.ResizeAsync(390, 844, mobile: true);

            // At a phone's width the page itself does not scroll sideways: only a wide table does, inside its frame.
            Assert.True((bool)await _browser.EvaluateAsync("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), "The page is wider than a phone.");
            string phone = await _browser.ScreenshotAsync("license-report-phone");
            Assert.True(new FileInfo(desktop).Length > 10_000 && new FileInfo(phone).Length > 10_000);
            AssertQuiet(path);
        }

        [Fact]
        public async Task Tables_sort_by_their_headings_filter_by_name_and_page_through_their_controls()
        {
            var report = new LicenseReport();
            for (int c = 1; c <= 120; c++)
            {
                report.AddDeployment(null, "Customer " + c.ToString("D3", CultureInfo.InvariantCulture), "PRODUCT", "o365", 100 + c, c, LicenseReportSamples.Processed);
            }

            string path = LicenseReportSamples.Write(report, "sorting");
            await _browser.OpenAsync(path);

            // Given order: most licenses not deployed first (Customer 001 has 100 of 101 left), 50 rows a page.
            var rows = Rows(await _browser.EvaluateAsync(ReadRows("customers-table")));
            Assert.Equal(50, rows.Count);
            Assert.Equal("Customer 001", rows[0][0]);
            Assert.Equal("descending", (string)await _browser.EvaluateAsync("document.querySelectorAll('#customers-table thead th')[3].getAttribute('aria-sort')"));

            // A click on "Sold": the largest first; a second click: the smallest first.
            await _browser.EvaluateAsync("document.querySelector('#customers-table thead button[data-column=\"1\"]').click()");
            Assert.Equal(new[] { "Customer 120", "220" }, Rows(await _browser.EvaluateAsync(ReadRows("customers-table")))[0].Take(2));
            await _browser.EvaluateAsync("document.querySelector('#customers-table thead button[data-column=\"1\"]').click()");
            Assert.Equal(new[] { "Customer 001", "101" }, Rows(await _browser.EvaluateAsync(ReadRows("customers-table")))[0].Take(2));
            Assert.Equal("ascending", (string)await _browser.EvaluateAsync("document.querySelectorAll('#customers-table thead th')[1].getAttribute('aria-sort')"));

            // The next page, then a filter typed into the box: it applies to every row, not only the page shown.
            await _browser.EvaluateAsync("document.querySelector('#customers-table [data-page=next]').click()");
            Assert.Equal("Customer 051", Rows(await _browser.EvaluateAsync(ReadRows("customers-table")))[0][0]);
            Assert.Equal("Rows 51\u2013100 of 120", (string)await _browser.EvaluateAsync("document.querySelector('#customers-table .page-status').textContent"));
            await _browser.EvaluateAsync("(() => { const i = document.querySelector('#customers-table input[type=search]'); i.value = 'customer 11'; i.dispatchEvent(new Event('input')); })()");
            rows = Rows(await _browser.EvaluateAsync(ReadRows("customers-table")));
            Assert.Equal(new[] { "Customer 110", "Customer 111", "Customer 112", "Customer 113", "Customer 114", "Customer 115", "Customer 116", "Customer 117", "Customer 118", "Customer 119" }, rows.Select(r => r[0]));
            await _browser.EvaluateAsync("(() => { const i = document.querySelector('#customers-table input[type=search]'); i.value = 'nobody'; i.dispatchEvent(new Event('input')); })()");
            Assert.Empty(Rows(await _browser.EvaluateAsync(ReadRows("customers-table"))));
            Assert.Equal("No rows match the filter.", (string)await _browser.EvaluateAsync("document.querySelector('#customers-table .page-status').textContent"));
            AssertQuiet(path);
        }

        [Fact]
        public async Task The_page_has_headings_table_headers_chart_titles_and_text_alternatives_and_its_text_has_enough_contrast()
        {
            string path = LicenseReportSamples.Write(LicenseReportSamples.Documented(), "accessibility");
            await _browser.OpenAsync(path);
            JsonNode check = await _browser.EvaluateAsync(@"(() => {
                const levels = Array.from(document.querySelectorAll('h1,h2,h3,h4')).map(h => Number(h.tagName[1]));
                const tables = Array.from(document.querySelectorAll('table'));
                const charts = Array.from(document.querySelectorAll('svg'));
                const named = id => { const e = id && document.getElementById(id); return e ? e.textContent.trim() : ''; };
                const inputsUnlabelled = Array.from(document.querySelectorAll('input')).filter(i => !i.closest('label')).length;
                function rgb(text) { const m = text.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; }
                function lum(c) { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); }
                function background(e) { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0) return c; } return { r: 255, g: 255, b: 255, a: 1 }; }
                let worst = 99, where = '';
                for (const e of document.querySelectorAll('body *')) {
                    if (e.closest('svg') || !Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
                    const s = getComputedStyle(e);
                    if (s.display === 'none' || s.visibility === 'hidden') continue;
                    const fg = lum(rgb(s.color)), bg = lum(background(e));
                    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
                    if (ratio < worst) { worst = ratio; where = e.tagName + ' ' + e.textContent.trim().slice(0, 40); }
                }
                for (const t of document.querySelectorAll('svg text')) {
                    const fg = lum(rgb(getComputedStyle(t).fill)), bg = 1;
                    const ratio = (bg + 0.05) / (fg + 0.05);
                    if (ratio < worst) { worst = ratio; where = 'svg text ' + t.textContent; }
                }
                return {
                    levels,
                    lang: document.documentElement.lang,
                    title: document.title,
                    tablesWithoutCaption: tables.filter(t => !t.caption || !t.caption.textContent.trim()).length,
                    headersWithoutScope: tables.map(t => t.querySelectorAll('thead th:not([scope=col])').length).reduce((a, b) => a + b, 0),
                    rowsWithoutHeader: tables.map(t => t.querySelectorAll('tbody tr:not(:has(th[scope=row]))').length).reduce((a, b) => a + b, 0),
                    tables: tables.length,
                    charts: charts.length,
                    chartsUnnamed: charts.filter(c => c.getAttribute('role') !== 'img' || !named(c.getAttribute('aria-labelledby')) || !named(c.getAttribute('aria-describedby'))).length,
                    inputsUnlabelled,
                    worst, where
                };
            })()");
            var levels = check["levels"].AsArray().Select(l => (int)l).ToList();
            Assert.Equal(1, levels[0]);
            Assert.Single(levels, 1);
            Assert.All(levels.Zip(levels.Skip(1)), pair => Assert.True(pair.Second <= pair.First + 1, "A heading level is skipped."));
            Assert.Equal("en", (string)check["lang"]);
            Assert.False(string.IsNullOrWhiteSpace((string)check["title"]));
            Assert.True((int)check["tables"] >= 5);
            Assert.Equal(0, (int)check["tablesWithoutCaption"]);
            Assert.Equal(0, (int)check["headersWithoutScope"]);
            Assert.Equal(0, (int)check["rowsWithoutHeader"]);
            Assert.True((int)check["charts"] >= 4);
            Assert.Equal(0, (int)check["chartsUnnamed"]);
            Assert.Equal(0, (int)check["inputsUnlabelled"]);

            // WCAG 2's AA level for normal text: 4.5 to 1.
            Assert.True((double)check["worst"] >= 4.5, "Lowest contrast " + (double)check["worst"] + " at " + (string)check["where"]);
        }

        [Fact]
        public async Task Names_with_markup_and_right_to_left_names_are_text_and_zero_sold_has_no_percentage()
        {
            string[] names =
            {
                "<script>window.__ran = 1</script>",
                "<img src=x onerror=\"window.__ran = 2\">",
                "\"Quoted\" & 'Apostrophe' </script><script>window.__ran = 3</script>",
                "\u0634\u0631\u0643\u0629 \u0627\u0644\u0627\u062e\u062a\u0628\u0627\u0631",
                "\u05d7\u05d1\u05e8\u05ea \u05d1\u05d3\u05d9\u05e7\u05d4 <b>",
            };
            var report = new LicenseReport();
            for (int i = 0; i < names.Length; i++)
            {
                report.AddDeployment(null, names[i], "<i>PRODUCT</i> & " + i, "o365", 10 * (names.Length - i), i, LicenseReportSamples.Processed);
            }

            report.AddDeployment(null, "Zero Sold", "NOTHING", "o365", 0, 0, LicenseReportSamples.Processed);
            string path = LicenseReportSamples.Write(report, "markup", title: "<script>window.__ran = 4</script> & report");

            await _browser.OpenAsync(path);
            AssertQuiet(path);
            Assert.Equal("undefined", (string)await _browser.EvaluateAsync("typeof window.__ran"));
            Assert.Equal(0, (int)await _browser.EvaluateAsync("document.querySelectorAll('img, b, i').length"));
            Assert.Equal(2, (int)await _browser.EvaluateAsync("document.scripts.length"));
            Assert.Equal("<script>window.__ran = 4</script> & report", (string)await _browser.EvaluateAsync("document.querySelector('h1').textContent"));

            var rows = Rows(await _browser.EvaluateAsync(ReadRows("customers-table")));
            Assert.Equal(names.Concat(new[] { "Zero Sold" }).OrderBy(n => n, StringComparer.Ordinal), rows.Select(r => r[0]).OrderBy(n => n, StringComparer.Ordinal));
            Assert.Equal(new[] { "Zero Sold", "0", "0", "0", "\u2014" }, rows.Single(r => r[0] == "Zero Sold"));

            // Right-to-left names are laid out by their own direction in their cells and in the chart's labels.
            Assert.Equal("rtl", (string)await _browser.EvaluateAsync(
                "getComputedStyle(Array.from(document.querySelectorAll('#customers-table tbody th')).find(c => c.textContent.startsWith('\\u0634'))).direction"));
            string chartText = (string)await _browser.EvaluateAsync("Array.from(document.querySelectorAll('svg text')).map(t => t.textContent).join('|')");
            Assert.Contains("\u0634\u0631\u0643\u0629 \u0627\u0644\u0627\u062e\u062a\u0628\u0627\u0631", chartText);
            Assert.Contains("<script>window.__ran = 1</script>", chartText);
        }

        [Fact]
        public async Task One_customer_and_no_rows_at_all_make_clear_pages()
        {
            var one = new LicenseReport();
            one.AddDeployment("0112a436-b14e-4888-967b-ca4bb2cf1234", "Contoso", "OFFICE 365 E3", "o365", 25, 25, LicenseReportSamples.Processed);
            string path = LicenseReportSamples.Write(one, "one");
            await _browser.OpenAsync(path);
            AssertQuiet(path);
            Assert.Equal(new[] { new[] { "Contoso", "25", "25", "0", "100.0%" } }, Rows(await _browser.EvaluateAsync(ReadRows("customers-table"))));
            Assert.Contains("Every license sold is deployed.", (string)await _browser.EvaluateAsync("document.querySelector('#customers-heading').parentElement.textContent"));

            string empty = LicenseReportSamples.Write(new LicenseReport(), "empty");
            await _browser.OpenAsync(empty);
            AssertQuiet(empty);
            Assert.Equal("No license data", (string)await _browser.EvaluateAsync("document.querySelector('h2').textContent"));
            Assert.Equal(0, (int)await _browser.EvaluateAsync("document.querySelectorAll('table, svg').length"));
            Assert.Equal("true", (string)await _browser.EvaluateAsync("document.documentElement.dataset.ready"));
        }

        [Fact]
        public async Task Five_thousand_customers_with_twenty_products_stay_a_few_megabytes_and_sort_and_filter_in_the_page()
        {
            LicenseReport report = Large(5000, 20);
            string path = LicenseReportSamples.Write(report, "large");
            long size = new FileInfo(path).Length;
            Assert.True(size < 4_000_000, "The report of 100,000 rows is " + size + " bytes.");

            await _browser.OpenAsync(path);
            AssertQuiet(path);

            // A page of rows in the document per table, whatever the input's size.
            Assert.True((int)await _browser.EvaluateAsync("document.querySelectorAll('tbody tr').length") <= 50 * 5);
            Assert.Equal("Rows 1\u201350 of 100,000", (string)await _browser.EvaluateAsync("document.querySelector('#details-table .page-status').textContent"));

            // Sorted by customer name, A to Z: the collation is the reader's, numbers in names compare as numbers.
            await _browser.EvaluateAsync("document.querySelector('#details-table thead button[data-column=\"0\"]').click()");
            Assert.Equal("Customer 0001", Rows(await _browser.EvaluateAsync(ReadRows("details-table")))[0][0]);
            await _browser.EvaluateAsync("(() => { const i = document.querySelector('#details-table input[type=search]'); i.value = 'customer 4999'; i.dispatchEvent(new Event('input')); })()");
            var rows = Rows(await _browser.EvaluateAsync(ReadRows("details-table")));
            Assert.Equal(20, rows.Count);
            Assert.All(rows, r => Assert.Equal("Customer 4999", r[0]));
        }

        [Fact]
        public async Task The_print_layout_fits_A4_and_Letter_without_the_controls()
        {
            string path = LicenseReportSamples.Write(LicenseReportSamples.Documented(), "print");
            await _browser.OpenAsync(path, width: 718, height: 1000);
            await _browser.EmulateMediaAsync("print");
            try
            {
                // A4's width less the 12 mm margins is about 718 CSS pixels; Letter's about 725.
                Assert.True((bool)await _browser.EvaluateAsync("document.documentElement.scrollWidth <= 718"), "The print layout is wider than A4.");
                Assert.Equal("none", (string)await _browser.EvaluateAsync("getComputedStyle(document.querySelector('.pager')).display"));
            }
            finally
            {
                await _browser.EmulateMediaAsync(null);
            }

            byte[] a4 = await _browser.PrintAsync(8.27, 11.69);
            byte[] letter = await _browser.PrintAsync(8.5, 11);
            Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(a4, 0, 4));
            Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(letter, 0, 4));
            AssertQuiet(path);
        }

        [Fact]
        public async Task Numbers_follow_the_reports_culture_whatever_the_browsers()
        {
            var report = new LicenseReport();
            report.AddDeployment(null, "Contoso", "OFFICE 365 E3", "o365", 1234567, 1080246, LicenseReportSamples.Processed);
            string path = LicenseReportSamples.Write(report, "german", CultureInfo.GetCultureInfo("de-DE"));
            await _browser.OpenAsync(path);
            AssertQuiet(path);
            var de = CultureInfo.GetCultureInfo("de-DE");
            JsonNode figures = await _browser.EvaluateAsync(ReadFigures);
            Assert.Equal(1234567L.ToString("N0", de), (string)figures["sold"]);
            Assert.Equal("87,5 %", (string)figures["percent"]);
            Assert.Equal(new[] { "Contoso", "1.234.567", "1.080.246", "154.321", "87,5 %" }, Rows(await _browser.EvaluateAsync(ReadRows("customers-table")))[0]);
            Assert.Contains("UTC", (string)await _browser.EvaluateAsync("document.querySelector('header .meta').textContent"));
        }

        /// <summary>Customers "Customer 0001"... with every product each, the same on every run.</summary>
        internal static LicenseReport Large(int customers, int products)
        {
            var report = new LicenseReport();
            for (int c = 1; c <= customers; c++)
            {
                string name = "Customer " + c.ToString("D4", CultureInfo.InvariantCulture);
                string id = c.ToString("x8", CultureInfo.InvariantCulture) + "-c0de-4000-8000-000000000000";
                for (int p = 1; p <= products; p++)
                {
                    long sold = 1 + ((c * 31 + p * 17) % 400);
                    report.AddDeployment(id, name, "PRODUCT " + p.ToString("D2", CultureInfo.InvariantCulture), p % 2 == 0 ? "o365" : "crm", sold, sold - ((c + p) % (sold + 1)), LicenseReportSamples.Processed);
                }
            }

            return report;
        }
    }
}
