using System;
using System.Globalization;
using System.Text;

namespace PartnerCenterLicenses.Reporting
{
    /// <summary>
    /// How the report writes numbers in its culture. The page's script formats the rows it shows with the same
    /// rules (group sizes, separators, percent pattern), read from <see cref="ToJson"/>, so a number reads the
    /// same in a table as in the headline, whichever culture the browser has.
    /// </summary>
    internal sealed class ReportNumbers
    {
        /// <summary>What a percentage of nothing (zero sold, zero qualified) shows.</summary>
        public const string NoPercent = "\u2014";

        private readonly NumberFormatInfo _format;

        public ReportNumbers(CultureInfo culture)
        {
            Culture = culture ?? CultureInfo.CurrentCulture;
            _format = Culture.NumberFormat;
        }

        public CultureInfo Culture { get; }

        /// <summary>A count, grouped: 12,345 in en-US, 12.345 in de-DE.</summary>
        public string Whole(long value) => value.ToString("N0", _format);

        /// <summary>
        /// A share in tenths of a percent, rounded half up in whole numbers (no floating point), so that the
        /// script's integer arithmetic gives the same digit; null when <paramref name="whole"/> is not above 0.
        /// </summary>
        public static long? Tenths(long part, long whole)
        {
            if (whole <= 0)
            {
                return null;
            }

            // (2000 * part + whole) / (2 * whole) is round(1000 * part / whole) with halves up, for part >= 0.
            decimal exact = (2000m * part + whole) / (2m * whole);
            return (long)decimal.Floor(exact);
        }

        /// <summary>A fraction as Partner Center sends it (0.874 for 87.4 %), in tenths of a percent.</summary>
        public static long? Tenths(double fraction)
        {
            if (double.IsNaN(fraction) || double.IsInfinity(fraction))
            {
                return null;
            }

            return (long)Math.Round(fraction * 1000, MidpointRounding.AwayFromZero);
        }

        /// <summary>A percentage from tenths, with one decimal and the culture's percent pattern (87.4%, 87,4 %).</summary>
        public string Percent(long? tenths)
        {
            if (tenths == null)
            {
                return NoPercent;
            }

            string number = (tenths.Value / 10m).ToString("N1", _format);
            switch (_format.PercentPositivePattern)
            {
                case 0: return number + " " + _format.PercentSymbol;
                case 2: return _format.PercentSymbol + number;
                case 3: return _format.PercentSymbol + " " + number;
                default: return number + _format.PercentSymbol;
            }
        }

        /// <summary>A date in UTC, in the culture's long date and short time, with "UTC" after it.</summary>
        public string Utc(DateTimeOffset value) =>
            value.UtcDateTime.ToString(Culture.DateTimeFormat.LongDatePattern + " " + Culture.DateTimeFormat.ShortTimePattern, Culture) + " UTC";

        /// <summary>The rules the page's script formats with, as a JSON object.</summary>
        public string ToJson()
        {
            var json = new StringBuilder("{");
            json.Append("\"group\":").Append(ReportText.JsonString(_format.NumberGroupSeparator));
            json.Append(",\"decimal\":").Append(ReportText.JsonString(_format.NumberDecimalSeparator));
            json.Append(",\"negative\":").Append(ReportText.JsonString(_format.NegativeSign));
            json.Append(",\"sizes\":[");
            int[] sizes = _format.NumberGroupSizes;
            for (int i = 0; i < sizes.Length; i++)
            {
                json.Append(i == 0 ? string.Empty : ",").Append(sizes[i].ToString(CultureInfo.InvariantCulture));
            }

            json.Append("],\"percentPattern\":").Append(_format.PercentPositivePattern.ToString(CultureInfo.InvariantCulture));
            json.Append(",\"percentSymbol\":").Append(ReportText.JsonString(_format.PercentSymbol));
            json.Append(",\"none\":").Append(ReportText.JsonString(NoPercent));
            return json.Append('}').ToString();
        }
    }
}
