using System;
using System.Linq;
using System.Reflection;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Commands;
using PartnerCenterLicenses.Models;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>The classes made per report header: what PowerShell sees of a row (its public properties) and what a row keeps.</summary>
    public sealed class ReportRowsTests
    {
        private static ReportColumn[] Columns(params string[] names) =>
            names.Select(name => new ReportColumn(name, ReportColumnType.Text)).ToArray();

        [Fact]
        public void A_row_has_one_public_property_per_column_in_the_files_order_and_keeps_its_own_values()
        {
            object shape = ReportRows.Instance.Shape(Columns("CustomerName", "Month", "TotalSoldSeats"));
            var buffer = new object[] { "Contoso, Ltd", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), 25L };
            var row = (InsightsReportRow)ReportRows.Instance.Row(shape, buffer);
            buffer[2] = 99L; // the engine reuses its buffer for the next row

            PropertyInfo[] properties = row.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance);
            Assert.Equal(new[] { "CustomerName", "Month", "TotalSoldSeats" }, properties.Select(p => p.Name));
            Assert.Equal(25L, properties[2].GetValue(row));
            properties[2].SetValue(row, 30L);
            Assert.Equal(30L, row.ValueOf("totalsoldseats"));
            Assert.Null(row.ValueOf("NotAColumn"));
            Assert.Equal("@{CustomerName=Contoso, Ltd; Month=11/01/2026 00:00:00 +00:00; TotalSoldSeats=30}", row.ToString());
        }

        [Fact]
        public void One_header_is_one_class_and_another_header_another()
        {
            Type first = ReportRows.Instance.Row(ReportRows.Instance.Shape(Columns("A", "B")), new object[] { 1, 2 }).GetType();
            Type again = ReportRows.Instance.Row(ReportRows.Instance.Shape(Columns("A", "B")), new object[] { 3, 4 }).GetType();
            Type other = ReportRows.Instance.Row(ReportRows.Instance.Shape(Columns("B", "A")), new object[] { 5, 6 }).GetType();
            Assert.Same(first, again);
            Assert.NotSame(first, other);
            Assert.True(typeof(InsightsReportRow).IsAssignableFrom(other));
        }

        [Fact]
        public void Names_that_PowerShell_could_not_tell_apart_or_that_are_empty_become_distinct_properties()
        {
            object shape = ReportRows.Instance.Shape(Columns("Product", "product", " ", "Seats Sold", "a;b <x>"));
            object row = ReportRows.Instance.Row(shape, new object[] { "p1", "p2", "blank", 3L, "odd" });
            string[] names = row.GetType().GetProperties().Select(p => p.Name).ToArray();
            Assert.Equal(new[] { "Product", "product_2", "Column3", "Seats Sold", "a;b <x>" }, names);
            Assert.Equal("p2", row.GetType().GetProperty("product_2").GetValue(row));
            Assert.Equal("odd", row.GetType().GetProperty("a;b <x>").GetValue(row));
        }
    }
}
