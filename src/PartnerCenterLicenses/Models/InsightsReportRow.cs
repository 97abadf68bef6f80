using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// One row of a Partner insights report file, as Receive-PartnerInsightsReport and Invoke-PartnerInsightsQuery
    /// write it. Each file's columns become the public properties of a class made for that header (derived from
    /// this one), so the row is an ordinary .NET object: Format-Table, Export-Csv, Select-Object and
    /// ConvertTo-Json see the columns, in the file's order, with their typed values.
    /// </summary>
    /// <remarks>
    /// A class per header rather than a PSCustomObject per row: PowerShell reads a class's properties once per
    /// type, where seven note properties cost a member collection and seven members on every row (the row
    /// stream of a large report was several times slower and its memory grew with the rows).
    /// </remarks>
    public abstract class InsightsReportRow
    {
        private readonly ReportRowShape _shape;
        private readonly object[] _values;

        /// <summary>Called by the class made for a header; <paramref name="values"/> becomes the row's own.</summary>
        protected InsightsReportRow(ReportRowShape shape, object[] values)
        {
            _shape = shape;
            _values = values;
        }

        /// <summary>The value of the column at <paramref name="index"/>.</summary>
        protected object GetValue(int index) => _values[index];

        /// <summary>Replaces the value of the column at <paramref name="index"/> (a row can be changed like any object).</summary>
        protected void SetValue(int index, object value) => _values[index] = value;

        /// <summary>The value of the named column (case-insensitive, as PowerShell names are), null when the file has none.</summary>
        internal object ValueOf(string column) => _shape.IndexOf(column) is int index ? _values[index] : null;

        /// <summary>The row as PowerShell writes a custom object in a string: <c>@{Column=value; ...}</c>.</summary>
        public override string ToString()
        {
            var text = new StringBuilder("@{");
            IReadOnlyList<string> names = _shape.Names;
            for (int i = 0; i < names.Count; i++)
            {
                if (i > 0)
                {
                    text.Append("; ");
                }

                text.Append(names[i]).Append('=');
                object value = _values[i];
                text.Append(value is IFormattable formattable ? formattable.ToString(null, CultureInfo.InvariantCulture) : value?.ToString());
            }

            return text.Append('}').ToString();
        }
    }
}
