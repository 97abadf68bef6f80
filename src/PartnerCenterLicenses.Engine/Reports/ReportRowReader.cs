using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using PartnerCenterLicenses.Boundary;
using Sylvan.Data.Csv;

namespace PartnerCenterLicenses.Engine.Reports
{
    /// <summary>
    /// Reads a report file's rows as its bytes arrive: Sylvan.Data.Csv parses (quoted fields, embedded
    /// newlines, doubled quotes; a comma or a tab), this types each value by its column
    /// (<see cref="ReportColumnTypes"/>). Memory stays one buffer however long the file: nothing is kept
    /// between rows but the values array, which is reused.
    /// </summary>
    /// <remarks>
    /// Sylvan.Data.Csv rather than CsvHelper: it is one small assembly without dependencies for
    /// netstandard2.0, reads from a TextReader a buffer at a time (so a row is parsed as soon as its bytes
    /// are in), and is among the fastest .NET CSV readers; CsvHelper's strength, mapping rows to classes,
    /// is not needed where the columns are known only from the header.
    /// </remarks>
    internal sealed class ReportRowReader : IDisposable
    {
        // Longer records (a huge quoted field) grow the buffer up to this; past it the file is refused
        // rather than held in memory.
        private const int MaxRecordChars = 16 * 1024 * 1024;

        private readonly CsvDataReader _csv;
        private readonly ReportColumnType[] _types;
        private readonly object[] _values;
        private readonly Misfits[] _misfits;
        private readonly IEngineLog _log;
        private readonly char[] _digits = new char[32];

        private ReportRowReader(CsvDataReader csv, IEngineLog log)
        {
            _csv = csv;
            _log = log;
            int count = csv.FieldCount;
            var columns = new ReportColumn[count];
            _types = new ReportColumnType[count];
            _misfits = new Misfits[count];
            for (int i = 0; i < count; i++)
            {
                string name = csv.GetName(i);
                _types[i] = ReportColumnTypes.Of(name);
                columns[i] = new ReportColumn(name, _types[i]);
            }

            Columns = columns;
            _values = new object[count];
        }

        /// <summary>The file's columns, in order, with their types.</summary>
        public IReadOnlyList<ReportColumn> Columns { get; }

        /// <summary>The values of the row read last, typed; the same array for every row.</summary>
        public object[] Values => _values;

        /// <summary>Rows read so far.</summary>
        public long Rows { get; private set; }

        /// <summary>
        /// Opens a file: reads its header line (and, when <paramref name="delimiter"/> is null, finds the
        /// separator from it). A UTF-8 (or UTF-16) byte order mark is skipped; UTF-8 without one is assumed.
        /// </summary>
        public static ReportRowReader Open(Stream body, char? delimiter, IEngineLog log)
        {
            var text = new StreamReader(body, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
            var options = new CsvDataReaderOptions
            {
                HasHeaders = true,
                Delimiter = delimiter,
                MaxBufferSize = MaxRecordChars,
                OwnsReader = true,
                Culture = CultureInfo.InvariantCulture,
            };
            try
            {
                return new ReportRowReader(CsvDataReader.Create(text, options), log);
            }
            catch
            {
                text.Dispose();
                throw;
            }
        }

        /// <summary>Reads the next row into <see cref="Values"/>; false at the end of the file.</summary>
        public bool Read()
        {
            if (!_csv.Read())
            {
                ReportMisfits();
                return false;
            }

            Rows++;
            int present = Math.Min(_csv.RowFieldCount, _values.Length);
            for (int i = 0; i < present; i++)
            {
                _values[i] = Value(i);
            }

            for (int i = present; i < _values.Length; i++)
            {
                _values[i] = null;
            }

            return true;
        }

        public void Dispose()
        {
            _csv.Dispose();
        }

        private object Value(int i)
        {
            ReportColumnType type = _types[i];
            if (type == ReportColumnType.Text)
            {
                return _csv.GetString(i);
            }

            if (type == ReportColumnType.Whole)
            {
                // Whole numbers are read from the field's characters without a string: the common column of a large file.
                int length = (int)_csv.GetChars(i, 0, null, 0, 0);
                if (length == 0)
                {
                    return null;
                }

                if (length <= _digits.Length)
                {
                    _csv.GetChars(i, 0, _digits, 0, length);
                    if (TryWhole(_digits, length, out long whole))
                    {
                        return whole;
                    }
                }
            }

            string text = _csv.GetString(i);
            if (text.Length == 0 || string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            if (type == ReportColumnType.Number && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
            {
                return number;
            }

            if (type == ReportColumnType.Date && DateTimeOffset.TryParse(
                text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowWhiteSpaces, out DateTimeOffset date))
            {
                return date;
            }

            if (type == ReportColumnType.Whole && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double asNumber)
                && asNumber == Math.Floor(asNumber) && Math.Abs(asNumber) < 9e15)
            {
                // "12.0" is a whole number written by a tool that writes every number with a fraction.
                return (long)asNumber;
            }

            Misfit(i, text);
            return text;
        }

        // A value that does not fit its column is kept as text. The first one of a column is reported at
        // once (with its row, so the user can find it), the rest are counted and reported once, at the end
        // of the file: a whole column of misfits is one problem, not a million warnings.
        private void Misfit(int column, string text)
        {
            Misfits seen = _misfits[column] ?? (_misfits[column] = new Misfits(Rows));
            seen.Count++;
            if (seen.Count == 1)
            {
                _log.Warning("Column '" + Columns[column].Name + "' holds " + Described(_types[column]) + ", but row " + Rows + " has '" + Shorten(text)
                    + "': kept as text. Other values of this column that do not fit are counted and reported at the end of the file.");
            }
        }

        private void ReportMisfits()
        {
            for (int i = 0; i < _misfits.Length; i++)
            {
                Misfits seen = _misfits[i];
                if (seen != null && seen.Count > 1 && !seen.Reported)
                {
                    seen.Reported = true;
                    _log.Warning("Column '" + Columns[i].Name + "': " + seen.Count + " of " + Rows + " values (the first on row " + seen.FirstRow + ") are not "
                        + Described(_types[i]) + " and were kept as text.");
                }
            }
        }

        private static string Described(ReportColumnType type) =>
            type == ReportColumnType.Whole ? "whole numbers" : type == ReportColumnType.Number ? "numbers" : "dates";

        private static string Shorten(string text) => text.Length > 40 ? text.Substring(0, 40) + "..." : text;

        private static bool TryWhole(char[] chars, int length, out long value)
        {
            value = 0;
            int i = 0;
            bool negative = false;
            if (chars[0] == '-' || chars[0] == '+')
            {
                negative = chars[0] == '-';
                i = 1;
                if (length == 1)
                {
                    return false;
                }
            }

            ulong total = 0;
            for (; i < length; i++)
            {
                uint digit = (uint)(chars[i] - '0');
                if (digit > 9)
                {
                    return false;
                }

                if (total > (ulong.MaxValue - digit) / 10)
                {
                    return false;
                }

                total = total * 10 + digit;
            }

            if (negative ? total > (ulong)long.MaxValue + 1 : total > long.MaxValue)
            {
                return false;
            }

            value = negative ? (long)(0 - total) : (long)total;
            return true;
        }

        private sealed class Misfits
        {
            public Misfits(long firstRow)
            {
                FirstRow = firstRow;
            }

            public long FirstRow { get; }

            public long Count { get; set; }

            public bool Reported { get; set; }
        }
    }
}
