using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using PartnerCenterLicenses.Reporting;

// The assembly is named PartnerCenterLicenses.Tests only to reach the writer's internal types (the cmdlet
// assembly's InternalsVisibleTo); it is not the test project.
//
// Ours: LicenseReport + LicenseReportPage.WriteTo for 5,000 customers x 20 products (100,000 rows), into memory.
// Baseline: the same rows as CSV with a StringBuilder, what a partner does today before charting by hand.
// ABBA rounds, medians, a ratio: a busier machine moves both sides.
const int Customers = 5000;
const int Products = 20;
int rounds = args.Contains("--quick") ? 3 : 7;
var rows = new List<(string Id, string Name, string Product, string Service, long Sold, long Deployed)>();
for (int c = 1; c <= Customers; c++)
{
    for (int p = 1; p <= Products; p++)
    {
        long sold = 1 + ((c * 31 + p * 17) % 400);
        rows.Add((c.ToString("x8", CultureInfo.InvariantCulture) + "-c0de-4000-8000-000000000000", "Customer " + c.ToString("D4", CultureInfo.InvariantCulture),
            "PRODUCT " + p.ToString("D2", CultureInfo.InvariantCulture), p % 2 == 0 ? "o365" : "crm", sold, sold - ((c + p) % (sold + 1))));
    }
}

long reportBytes = 0;
double Ours()
{
    var clock = Stopwatch.StartNew();
    var report = new LicenseReport();
    foreach (var r in rows)
    {
        report.AddDeployment(r.Id, r.Name, r.Product, r.Service, r.Sold, r.Deployed, DateTimeOffset.UtcNow);
    }

    var writer = new StringWriter();
    new LicenseReportPage(report, CultureInfo.GetCultureInfo("en-US"), null, DateTimeOffset.UtcNow).WriteTo(writer);
    reportBytes = Encoding.UTF8.GetByteCount(writer.ToString());
    return clock.Elapsed.TotalMilliseconds;
}

long csvBytes = 0;
double Baseline()
{
    var clock = Stopwatch.StartNew();
    var csv = new StringBuilder("CustomerTenantId,CustomerName,ProductName,ServiceName,LicensesSold,LicensesDeployed\n");
    foreach (var r in rows)
    {
        csv.Append('"').Append(r.Id).Append("\",\"").Append(r.Name).Append("\",\"").Append(r.Product).Append("\",\"").Append(r.Service).Append("\",")
            .Append(r.Sold.ToString(CultureInfo.InvariantCulture)).Append(',').Append(r.Deployed.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    csvBytes = Encoding.UTF8.GetByteCount(csv.ToString());
    return clock.Elapsed.TotalMilliseconds;
}

Console.WriteLine($"warm-up: ours {Ours():F0} ms, CSV {Baseline():F0} ms (not counted)");
var ours = new List<double>();
var baseline = new List<double>();
for (int i = 0; i < rounds; i++)
{
    if (i % 2 == 0)
    {
        ours.Add(Ours());
        baseline.Add(Baseline());
    }
    else
    {
        baseline.Add(Baseline());
        ours.Add(Ours());
    }
}

static double Median(List<double> values) => values.OrderBy(v => v).ElementAt(values.Count / 2);
double o = Median(ours), b = Median(baseline);
Console.WriteLine();
Console.WriteLine("| 5,000 customers x 20 products (100,000 rows) | ours: Export-PartnerLicenseReport's writer | baseline: the rows as CSV | ratio |");
Console.WriteLine("| --- | --- | --- | --- |");
Console.WriteLine($"| time to write (median of {rounds}, ABBA) | {o:F0} ms | {b:F0} ms | {o / b:F1}x |");
Console.WriteLine($"| bytes | {reportBytes:N0} | {csvBytes:N0} | {(double)reportBytes / csvBytes:F2}x |");
