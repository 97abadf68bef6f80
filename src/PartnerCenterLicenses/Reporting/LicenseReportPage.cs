using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace PartnerCenterLicenses.Reporting
{
    /// <summary>
    /// Writes a <see cref="LicenseReport"/> as one self-contained HTML file: the headline and the charts are in the
    /// markup (they show without script and in print), the tables are drawn by a small inline script from a JSON
    /// data block, a page of rows at a time. A Content-Security-Policy of the file's own making allows only its
    /// own style and script (by their SHA-256 hashes) and data: images, so the page fetches nothing, from a mail
    /// attachment or a file share alike.
    /// </summary>
    internal sealed class LicenseReportPage
    {
        /// <summary>How many customers and products the ranking charts show; the tables hold them all.</summary>
        public const int ChartTop = 10;

        private static readonly Lazy<string> Style = new Lazy<string>(() => Resource("LicenseReport.css"));
        private static readonly Lazy<string> Script = new Lazy<string>(() => Resource("LicenseReport.js"));

        private readonly LicenseReport _report;
        private readonly ReportNumbers _numbers;
        private readonly List<string> _strings = new List<string>();
        private readonly Dictionary<string, int> _stringIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        private readonly StringBuilder _tables = new StringBuilder();
        private int _charts;

        public LicenseReportPage(LicenseReport report, CultureInfo culture, string title, DateTimeOffset generatedAt)
        {
            _report = report;
            _numbers = new ReportNumbers(culture);
            Title = string.IsNullOrWhiteSpace(title) ? "License deployment report" : title;
            GeneratedAt = generatedAt.ToUniversalTime();
        }

        public string Title { get; }

        public DateTimeOffset GeneratedAt { get; }

        /// <summary>The policy the page carries: nothing but its own inline style and script, and data: images.</summary>
        public static string ContentSecurityPolicy =>
            "default-src 'none'; style-src '" + Hash(Style.Value) + "'; script-src '" + Hash(Script.Value)
            + "'; img-src data:; base-uri 'none'; form-action 'none'";

        public void WriteTo(TextWriter writer)
        {
            var body = new StringBuilder();
            body.Append("<header><h1 dir=\"auto\">").Append(ReportText.Html(Title)).Append("</h1><p class=\"meta\">");
            if (_report.ProcessedAt != null)
            {
                body.Append("Figures as of <time datetime=\"").Append(_report.ProcessedAt.Value.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))
                    .Append("\">").Append(ReportText.Html(_numbers.Utc(_report.ProcessedAt.Value))).Append("</time> (Partner Center's processed date). ");
            }

            body.Append("Written ").Append(ReportText.Html(_numbers.Utc(GeneratedAt))).Append(". All times are UTC. Numbers in the ")
                .Append(ReportText.Html(CultureName())).Append(" format.</p></header><main>");

            if (_report.IsEmpty)
            {
                body.Append("<section aria-labelledby=\"empty-heading\"><h2 id=\"empty-heading\">No license data</h2><p class=\"empty\" id=\"empty\">")
                    .Append("This report has no rows: the command was given no license deployment or usage objects, or Partner Center had none for this partner. ")
                    .Append("Nothing is wrong with the file; run the command again when there are customers with licenses.</p></section>");
            }
            else
            {
                Headline(body);
                Rankings(body);
                Shares(body);
                Details(body);
            }

            body.Append("</main><footer><h2 id=\"about-heading\">About these figures</h2>")
                .Append("<p>Undeployed licenses are, for each customer and product, the licenses sold minus those deployed, never below zero; ")
                .Append("percentages are rounded to one decimal. Partner Center's license analytics carry no prices, so the report shows no cost. ")
                .Append("Tables show 50 rows at a time: sort by a column's heading, filter by name.</p>")
                .Append("<p>Written by Export-PartnerLicenseReport (PartnerCenterLicenses). The file is self-contained and fetches nothing.</p></footer>");

            writer.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            writer.Write("<meta http-equiv=\"Content-Security-Policy\" content=\"" + ReportText.Html(ContentSecurityPolicy) + "\">\n");
            writer.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">\n");
            writer.Write("<title>" + ReportText.Html(Title) + "</title>\n<style>" + Style.Value + "</style>\n</head>\n<body>\n");
            writer.Write(body.ToString());
            writer.Write("\n<script type=\"application/json\" id=\"report-data\">");
            writer.Write("{\"numbers\":" + _numbers.ToJson() + ",\"strings\":[");
            for (int i = 0; i < _strings.Count; i++)
            {
                writer.Write(i == 0 ? string.Empty : ",");
                writer.Write(ReportText.JsonString(_strings[i]));
            }

            writer.Write("],\"tables\":[" + _tables + "]}</script>\n<script>" + Script.Value + "</script>\n</body>\n</html>\n");
        }

        private string CultureName() => _numbers.Culture.Name.Length == 0 ? "invariant" : _numbers.Culture.Name;

        private void Headline(StringBuilder body)
        {
            body.Append("<section aria-labelledby=\"headline-heading\"><h2 id=\"headline-heading\">Summary</h2>");
            if (_report.Deployment.Count == 0)
            {
                body.Append("<p class=\"note\">The input held no deployment rows (licenses sold and deployed), so there is no headline; usage follows below.</p></section>");
                return;
            }

            body.Append("<dl class=\"figures\">");
            Figure(body, "sold", "Licenses sold", _numbers.Whole(_report.Sold));
            Figure(body, "deployed", "Licenses deployed", _numbers.Whole(_report.Deployed));
            Figure(body, "undeployed", "Licenses not deployed", _numbers.Whole(_report.Undeployed));
            Figure(body, "percent", "Deployed", _numbers.Percent(ReportNumbers.Tenths(_report.Deployed, _report.Sold)));
            Figure(body, "customers", "Customers", _numbers.Whole(_report.Customers().Count));
            Figure(body, "products", "Products", _numbers.Whole(_report.Products().Count));
            body.Append("</dl></section>");
        }

        private static void Figure(StringBuilder body, string name, string label, string value)
        {
            body.Append("<div class=\"figure ").Append(name).Append("\"><dt>").Append(label).Append("</dt><dd data-figure=\"").Append(name).Append("\">")
                .Append(ReportText.Html(value)).Append("</dd></div>");
        }

        private void Rankings(StringBuilder body)
        {
            if (_report.Deployment.Count == 0)
            {
                return;
            }

            Ranking(body, "customers", "Customers by licenses not deployed", "Customer", _report.Customers());
            Ranking(body, "products", "Products by licenses not deployed", "Product", _report.Products());
        }

        private void Ranking(StringBuilder body, string id, string heading, string nameHeader, IReadOnlyList<LicenseReport.Group> groups)
        {
            body.Append("<section aria-labelledby=\"").Append(id).Append("-heading\"><h2 id=\"").Append(id).Append("-heading\">").Append(heading).Append("</h2>");
            var chart = new SvgBarChart(NextChartId(), "The " + Math.Min(ChartTop, groups.Count(g => g.Undeployed > 0)) + " " + nameHeader.ToLowerInvariant() + "s with the most licenses not deployed");
            foreach (LicenseReport.Group group in groups.Where(g => g.Undeployed > 0).Take(ChartTop))
            {
                chart.Add(group.Name, group.Undeployed, _numbers.Whole(group.Undeployed));
            }

            if (chart.Count == 0)
            {
                body.Append("<p class=\"note\">Every license sold is deployed.</p>");
            }
            else
            {
                body.Append(chart.ToSvg());
            }

            Table(
                body,
                id + "-table",
                "Every " + nameHeader.ToLowerInvariant() + ", most licenses not deployed first",
                new[] { Text(nameHeader), Whole("Sold"), Whole("Deployed"), Whole("Not deployed"), PercentOf("Deployed %", 2, 1) },
                3,
                groups.Select(g => new object[] { Intern(g.Name), g.Sold, g.Deployed, g.Undeployed, null }));
            body.Append("</section>");
        }

        private void Shares(StringBuilder body)
        {
            IReadOnlyList<LicenseReport.Group> services = _report.Services();
            if (services.Count > 0 || _report.PartnerDeployment.Count > 0)
            {
                body.Append("<section aria-labelledby=\"services-heading\"><h2 id=\"services-heading\">Deployment by service</h2>");
                if (services.Count > 0)
                {
                    var chart = new SvgBarChart(NextChartId(), "Share of licenses deployed, per service") { Percent = true };
                    foreach (LicenseReport.Group service in services)
                    {
                        long? tenths = ReportNumbers.Tenths(service.Deployed, service.Sold);
                        chart.Add(service.Name, (tenths ?? 0) / 1000.0, _numbers.Percent(tenths));
                    }

                    body.Append(chart.ToSvg());
                    Table(
                        body,
                        "services-table",
                        "Licenses per service, summed over the customers in the report",
                        new[] { Text("Service"), Whole("Sold"), Whole("Deployed"), Whole("Not deployed"), PercentOf("Deployed %", 2, 1) },
                        3,
                        services.Select(g => new object[] { Intern(g.Name), g.Sold, g.Deployed, g.Undeployed, null }));
                }

                if (_report.PartnerDeployment.Count > 0)
                {
                    var chart = new SvgBarChart(NextChartId(), "Prorated share of licenses deployed, per service and channel (Partner Center's totals)") { Percent = true };
                    foreach (LicenseReport.ShareRow share in _report.PartnerDeployment)
                    {
                        long? tenths = ReportNumbers.Tenths(share.Fraction);
                        chart.Add(share.Service + " \u00b7 " + share.Channel, (tenths ?? 0) / 1000.0, _numbers.Percent(tenths));
                    }

                    body.Append(chart.ToSvg());
                    Table(
                        body,
                        "partner-deployment-table",
                        "Partner Center's totals over all customers, per service and channel",
                        new[] { Text("Service"), Text("Channel"), Whole("Sold"), Tenths("Deployed % (prorated)") },
                        -1,
                        _report.PartnerDeployment.Select(s => new object[] { Intern(s.Service), Intern(s.Channel), s.Sold ?? 0, ReportNumbers.Tenths(s.Fraction) }));
                }

                body.Append("</section>");
            }

            IReadOnlyList<LicenseReport.UsageGroup> workloads = _report.Workloads();
            if (workloads.Count > 0 || _report.PartnerUsage.Count > 0)
            {
                body.Append("<section aria-labelledby=\"usage-heading\"><h2 id=\"usage-heading\">Usage by workload</h2>");
                if (workloads.Count > 0)
                {
                    var chart = new SvgBarChart(NextChartId(), "Share of qualified licenses in active use, per service and workload") { Percent = true };
                    foreach (LicenseReport.UsageGroup workload in workloads)
                    {
                        long? tenths = ReportNumbers.Tenths(workload.Active, workload.Qualified);
                        chart.Add(workload.Service + " \u00b7 " + workload.Workload, (tenths ?? 0) / 1000.0, _numbers.Percent(tenths));
                    }

                    body.Append(chart.ToSvg());
                    Table(
                        body,
                        "workloads-table",
                        "Licenses in active use per service and workload, summed over the customers in the report",
                        new[] { Text("Service"), Text("Workload"), Whole("Active"), Whole("Qualified"), PercentOf("Used %", 2, 3) },
                        -1,
                        workloads.Select(w => new object[] { Intern(w.Service), Intern(w.Workload), w.Active, w.Qualified, null }));
                }

                if (_report.PartnerUsage.Count > 0)
                {
                    var chart = new SvgBarChart(NextChartId(), "Prorated share of licenses used, per service, channel and workload (Partner Center's totals)") { Percent = true };
                    foreach (LicenseReport.ShareRow share in _report.PartnerUsage)
                    {
                        long? tenths = ReportNumbers.Tenths(share.Fraction);
                        chart.Add(share.Service + " \u00b7 " + share.Channel + " \u00b7 " + share.Workload, (tenths ?? 0) / 1000.0, _numbers.Percent(tenths));
                    }

                    body.Append(chart.ToSvg());
                    Table(
                        body,
                        "partner-usage-table",
                        "Partner Center's totals over all customers, per service, channel and workload",
                        new[] { Text("Service"), Text("Channel"), Text("Workload"), Tenths("Used % (prorated)") },
                        -1,
                        _report.PartnerUsage.Select(s => new object[] { Intern(s.Service), Intern(s.Channel), Intern(s.Workload), ReportNumbers.Tenths(s.Fraction) }));
                }

                body.Append("</section>");
            }
        }

        private void Details(StringBuilder body)
        {
            if (_report.Deployment.Count == 0)
            {
                return;
            }

            body.Append("<section aria-labelledby=\"details-heading\"><h2 id=\"details-heading\">Every customer and product</h2>");
            Table(
                body,
                "details-table",
                "Licenses per customer and product, most licenses not deployed first",
                new[] { Text("Customer"), Text("Product"), Text("Service"), Whole("Sold"), Whole("Deployed"), Whole("Not deployed"), PercentOf("Deployed %", 4, 3) },
                5,
                _report.Deployment
                    .OrderByDescending(r => r.Undeployed)
                    .Select(r => new object[] { Intern(r.Customer.Name), Intern(r.Product), Intern(r.Service ?? string.Empty), r.Sold, r.Deployed, r.Undeployed, null }));
            body.Append("</section>");
        }

        // A table's frame (caption, headers, filter, pager) in the markup; its rows in the data block. The rows
        // come in the order of sortColumn, descending, which the headers say from the start.
        private void Table(StringBuilder body, string id, string caption, Column[] columns, int sortColumn, IEnumerable<object[]> rows)
        {
            body.Append("<div class=\"table-block\" id=\"").Append(id).Append("\"><div class=\"controls\"><label>Filter <input type=\"search\" aria-controls=\"")
                .Append(id).Append("-rows\" autocomplete=\"off\"></label></div><div class=\"scroll\"><table id=\"").Append(id).Append("-rows\"><caption>")
                .Append(ReportText.Html(caption)).Append("</caption><thead><tr>");
            for (int i = 0; i < columns.Length; i++)
            {
                string sort = i == sortColumn ? "descending" : "none";
                body.Append("<th scope=\"col\" aria-sort=\"").Append(sort).Append('"').Append(columns[i].Type == "text" ? string.Empty : " class=\"num\"")
                    .Append("><button type=\"button\" data-column=\"").Append(i.ToString(CultureInfo.InvariantCulture)).Append("\">")
                    .Append(ReportText.Html(columns[i].Header)).Append("</button></th>");
            }

            body.Append("</tr></thead><tbody></tbody></table></div><div class=\"pager\"><button type=\"button\" data-page=\"previous\">Previous</button>")
                .Append("<span class=\"page-status\" aria-live=\"polite\"></span><button type=\"button\" data-page=\"next\">Next</button></div>")
                .Append("<noscript><p class=\"note\">This table needs JavaScript; the charts and the summary above do not.</p></noscript></div>");

            var json = _tables;
            json.Append(json.Length == 0 ? string.Empty : ",").Append("{\"id\":").Append(ReportText.JsonString(id))
                .Append(",\"sortColumn\":").Append(sortColumn.ToString(CultureInfo.InvariantCulture))
                .Append(",\"descending\":true,\"columns\":[");
            for (int i = 0; i < columns.Length; i++)
            {
                json.Append(i == 0 ? string.Empty : ",").Append("{\"type\":\"").Append(columns[i].Type).Append('"');
                if (columns[i].Type == "percent")
                {
                    json.Append(",\"part\":").Append(columns[i].Part.ToString(CultureInfo.InvariantCulture))
                        .Append(",\"total\":").Append(columns[i].Total.ToString(CultureInfo.InvariantCulture));
                }

                json.Append('}');
            }

            json.Append("],\"rows\":[");
            bool first = true;
            foreach (object[] row in rows)
            {
                json.Append(first ? "[" : ",[");
                first = false;
                for (int i = 0; i < row.Length; i++)
                {
                    // A percent column is computed by the page from its two counts; it is stored as 0.
                    object value = columns[i].Type == "percent" ? 0L : row[i];
                    json.Append(i == 0 ? string.Empty : ",").Append(value == null ? "null" : Convert.ToString(value, CultureInfo.InvariantCulture));
                }

                json.Append(']');
            }

            json.Append("]}");
        }

        private int Intern(string value)
        {
            value = value ?? string.Empty;
            if (!_stringIndex.TryGetValue(value, out int index))
            {
                index = _strings.Count;
                _strings.Add(value);
                _stringIndex.Add(value, index);
            }

            return index;
        }

        private string NextChartId() => "chart-" + (++_charts).ToString(CultureInfo.InvariantCulture);

        private static Column Text(string header) => new Column(header, "text", 0, 0);

        private static Column Whole(string header) => new Column(header, "whole", 0, 0);

        private static Column Tenths(string header) => new Column(header, "tenths", 0, 0);

        private static Column PercentOf(string header, int part, int total) => new Column(header, "percent", part, total);

        private static string Hash(string text)
        {
            using (SHA256 sha = SHA256.Create())
            {
                return "sha256-" + Convert.ToBase64String(sha.ComputeHash(new UTF8Encoding(false).GetBytes(text)));
            }
        }

        private static string Resource(string name)
        {
            Assembly assembly = typeof(LicenseReportPage).Assembly;
            using (Stream stream = assembly.GetManifestResourceStream("PartnerCenterLicenses.Reporting." + name))
            using (var reader = new StreamReader(stream, new UTF8Encoding(false)))
            {
                // Line ends are fixed here, so the hash in the policy matches what the page holds on every platform.
                return reader.ReadToEnd().Replace("\r\n", "\n");
            }
        }

        private sealed class Column
        {
            public Column(string header, string type, int part, int total)
            {
                Header = header;
                Type = type;
                Part = part;
                Total = total;
            }

            public string Header { get; }

            public string Type { get; }

            public int Part { get; }

            public int Total { get; }
        }
    }
}
