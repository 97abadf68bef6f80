using System;
using System.Collections.Generic;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>What the engine needs to read one report file: its secure link and its format.</summary>
    public sealed class ReportFileRequest
    {
        /// <summary>Describes the file of a completed execution.</summary>
        /// <param name="link">The execution's secure link.</param>
        /// <param name="format">csv or tsv as the execution says; null or anything else lets the header decide.</param>
        /// <param name="wanted">The most rows wanted (-First); null for all.</param>
        public ReportFileRequest(InsightsReportLink link, string format, ulong? wanted = null)
        {
            Link = link ?? throw new ArgumentNullException(nameof(link));
            Format = format;
            Wanted = wanted;
        }

        /// <summary>The secure link.</summary>
        public InsightsReportLink Link { get; }

        /// <summary>The format the execution named, if any.</summary>
        public string Format { get; }

        /// <summary>The most rows wanted; null for all.</summary>
        public ulong? Wanted { get; }

        /// <summary>
        /// The field separator: a comma for csv, a tab for tsv (Partner insights' two formats,
        /// https://learn.microsoft.com/partner-center/insights/insights-programmatic-create-report), null to find
        /// it from the header line.
        /// </summary>
        public char? Delimiter =>
            string.Equals(Format, "tsv", StringComparison.OrdinalIgnoreCase) ? '\t'
            : string.Equals(Format, "csv", StringComparison.OrdinalIgnoreCase) ? ',' : (char?)null;
    }

    /// <summary>
    /// Builds output rows from a report file's typed values as they are read: the engine reads and types, the
    /// cmdlet layer decides what a row is (a PSObject whose properties are the columns, in order).
    /// </summary>
    public interface IReportRowBuilder
    {
        /// <summary>Called once, after the header line: whatever the builder wants to keep per file.</summary>
        object Shape(IReadOnlyList<ReportColumn> columns);

        /// <summary>One row. <paramref name="values"/> is the engine's buffer, reused for the next row: copy what is kept.</summary>
        object Row(object shape, object[] values);
    }

    /// <summary>A column of a report file: its name as the header gives it and the type its values are read as.</summary>
    public sealed class ReportColumn
    {
        /// <summary>Creates a column.</summary>
        public ReportColumn(string name, ReportColumnType type)
        {
            Name = name;
            Type = type;
        }

        /// <summary>The column's name.</summary>
        public string Name { get; }

        /// <summary>How its values are read.</summary>
        public ReportColumnType Type { get; }
    }

    /// <summary>How the values of a report column are read.</summary>
    public enum ReportColumnType
    {
        /// <summary>As text (string), the type of any column the table does not name.</summary>
        Text,

        /// <summary>Whole numbers (long): counts of seats, users, units, customers.</summary>
        Whole,

        /// <summary>Numbers with a fraction (double): revenue, percentages.</summary>
        Number,

        /// <summary>Dates and times, as UTC DateTimeOffset.</summary>
        Date,
    }
}
