using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Reports;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>The report file reader: CSV and TSV as Partner insights writes them, typed per column.</summary>
    public sealed class ReportRowReaderTests
    {
        private static ReportRowReader Open(string text, char? delimiter = ',', TestLog log = null, bool byteOrderMark = false)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            if (byteOrderMark)
            {
                bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(bytes).ToArray();
            }

            return ReportRowReader.Open(new MemoryStream(bytes), delimiter, log ?? new TestLog());
        }

        private static object[][] ReadAll(ReportRowReader reader)
        {
            var rows = new System.Collections.Generic.List<object[]>();
            while (reader.Read())
            {
                rows.Add((object[])reader.Values.Clone());
            }

            return rows.ToArray();
        }

        [Fact]
        public void Quoted_fields_keep_their_commas_doubled_quotes_and_line_breaks()
        {
            using ReportRowReader reader = Open("CustomerName,Note\r\n\"Contoso, Ltd\",\"said \"\"hi\"\"\nand left\"\r\nFabrikam,plain\r\n");

            object[][] rows = ReadAll(reader);

            Assert.Equal(new[] { "CustomerName", "Note" }, reader.Columns.Select(c => c.Name));
            Assert.Equal(2, rows.Length);
            Assert.Equal(new object[] { "Contoso, Ltd", "said \"hi\"\nand left" }, rows[0]);
            Assert.Equal(new object[] { "Fabrikam", "plain" }, rows[1]);
        }

        [Fact]
        public void A_byte_order_mark_is_not_part_of_the_first_column_name()
        {
            using ReportRowReader reader = Open("CustomerTenantId,TotalSoldSeats\n7a1,5\n", byteOrderMark: true);

            object[][] rows = ReadAll(reader);

            Assert.Equal("CustomerTenantId", reader.Columns[0].Name);
            Assert.Equal(new object[] { "7a1", 5L }, Assert.Single(rows));
        }

        [Fact]
        public void Tab_separated_files_are_read_by_format_or_found_from_the_header()
        {
            const string Tsv = "CustomerName\tTotalSoldSeats\nContoso, Ltd\t12\n";
            using (ReportRowReader byFormat = Open(Tsv, '\t'))
            {
                Assert.Equal(new object[] { "Contoso, Ltd", 12L }, Assert.Single(ReadAll(byFormat)));
            }

            using (ReportRowReader sniffed = Open(Tsv, delimiter: null))
            {
                Assert.Equal(new[] { "CustomerName", "TotalSoldSeats" }, sniffed.Columns.Select(c => c.Name));
                Assert.Equal(new object[] { "Contoso, Ltd", 12L }, Assert.Single(ReadAll(sniffed)));
            }
        }

        [Fact]
        public void Values_are_typed_by_the_column_table_and_unknown_columns_stay_text()
        {
            using ReportRowReader reader = Open(
                "MpnId,Month,TotalSoldSeats,BilledRevenueUSD,ActiveUsagePercent,SubscriptionStartDate,Whatever\n"
                + "00123,2026-11-01,-42,1234.5,0.75,2026-01-15T10:30:00+02:00,17\n"
                + "00124,,,,,,\n");

            object[][] rows = ReadAll(reader);

            Assert.Equal(
                new[] { ReportColumnType.Text, ReportColumnType.Date, ReportColumnType.Whole, ReportColumnType.Number, ReportColumnType.Number, ReportColumnType.Date, ReportColumnType.Text },
                reader.Columns.Select(c => c.Type));
            Assert.Equal("00123", rows[0][0]);
            Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), rows[0][1]);
            Assert.Equal(TimeSpan.Zero, ((DateTimeOffset)rows[0][1]).Offset);
            Assert.Equal(-42L, rows[0][2]);
            Assert.Equal(1234.5, rows[0][3]);
            Assert.Equal(0.75, rows[0][4]);
            Assert.Equal(new DateTimeOffset(2026, 1, 15, 8, 30, 0, TimeSpan.Zero), rows[0][5]);
            Assert.Equal(TimeSpan.Zero, ((DateTimeOffset)rows[0][5]).Offset);
            Assert.Equal("17", rows[0][6]);
            Assert.Equal(new object[] { "00124", null, null, null, null, null, string.Empty }, rows[1]);
        }

        [Fact]
        public void A_value_that_does_not_fit_its_column_is_kept_as_text_with_one_warning_then_a_count_at_the_end()
        {
            var log = new TestLog();
            using ReportRowReader reader = Open("TotalSoldSeats,Month\n1,2026-01-01\nmany,2026-02-01\n3,soon\nlots,2026-03-01\n12.0,2026-04-01\n99999999999999999999,2026-05-01\n", log: log);

            object[][] rows = ReadAll(reader);

            Assert.Equal(new object[] { 1L, "many", 3L, "lots", 12L, "99999999999999999999" }, rows.Select(r => r[0]));
            Assert.Equal("soon", rows[2][1]);
            string[] warnings = log.Lines.Where(l => l.StartsWith("WARNING: ", StringComparison.Ordinal)).ToArray();
            Assert.Equal(3, warnings.Length);
            Assert.Contains("Column 'TotalSoldSeats' holds whole numbers, but row 2 has 'many'", warnings[0]);
            Assert.Contains("Column 'Month' holds dates, but row 3 has 'soon'", warnings[1]);
            Assert.Contains("Column 'TotalSoldSeats': 3 of 6 values (the first on row 2) are not whole numbers and were kept as text.", warnings[2]);
        }

        [Fact]
        public void Rows_with_fewer_fields_than_the_header_end_in_nulls()
        {
            using ReportRowReader reader = Open("CustomerName,TotalSoldSeats,Product\nContoso\n");

            Assert.Equal(new object[] { "Contoso", null, null }, Assert.Single(ReadAll(reader)));
        }

        [Fact]
        public async Task The_first_row_is_read_before_the_rest_of_the_file_has_arrived()
        {
            using var body = new ChunkedStream();
            body.Send("CustomerName,TotalSoldSeats\nContoso,5\nFabri");

            Task<ReportRowReader> open = Task.Run(() => ReportRowReader.Open(body, ',', new TestLog()));
            using ReportRowReader reader = await open.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(await Task.Run(reader.Read).WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(new object[] { "Contoso", 5L }, reader.Values);

            Task<bool> second = Task.Run(reader.Read);
            body.Send("kam,7\n");
            body.End();
            Assert.True(await second.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(new object[] { "Fabrikam", 7L }, reader.Values);
            Assert.False(reader.Read());
        }

        /// <summary>A body that gives each read only what has been sent, and waits for more: bytes arriving over a network.</summary>
        private sealed class ChunkedStream : Stream
        {
            private readonly BlockingCollection<byte[]> _chunks = new BlockingCollection<byte[]>();
            private byte[] _current = Array.Empty<byte>();
            private int _offset;

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public void Send(string text) => _chunks.Add(Encoding.UTF8.GetBytes(text));

            public void End() => _chunks.CompleteAdding();

            public override int Read(byte[] buffer, int offset, int count)
            {
                if (_offset == _current.Length)
                {
                    if (!_chunks.TryTake(out _current, Timeout.Infinite))
                    {
                        return 0;
                    }

                    _offset = 0;
                }

                int n = Math.Min(count, _current.Length - _offset);
                Array.Copy(_current, _offset, buffer, offset, n);
                _offset += n;
                return n;
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
