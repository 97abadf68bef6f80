using System;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// The id of a Partner insights report, report query or report execution, checked once where it enters.
    /// Partner insights makes these ids as GUIDs (every documented sample: "Create report API",
    /// https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-create-report),
    /// and a report id becomes a segment of the request's path (ScheduledReport/{reportId}), so only a GUID
    /// passes: no '/', '..', '?', '%' or anything else that could change which path the request names.
    /// </summary>
    public struct InsightsId : IEquatable<InsightsId>
    {
        private readonly Guid _id;

        /// <summary>The id of that GUID.</summary>
        public InsightsId(Guid id)
        {
            _id = id;
        }

        /// <summary>The id in <paramref name="text"/> (8-4-4-4-12 hexadecimal digits, braces allowed), or null when it is not one.</summary>
        public static InsightsId? TryParse(string text)
        {
            string trimmed = text?.Trim();
            return Guid.TryParseExact(trimmed, "D", out Guid id) || Guid.TryParseExact(trimmed, "B", out id) ? new InsightsId(id) : (InsightsId?)null;
        }

        /// <summary>The id as a path segment or JSON value: 8-4-4-4-12 lower-case hexadecimal digits.</summary>
        public override string ToString() => _id.ToString("D");

        /// <inheritdoc />
        public bool Equals(InsightsId other) => _id == other._id;

        /// <inheritdoc />
        public override bool Equals(object obj) => obj is InsightsId other && Equals(other);

        /// <inheritdoc />
        public override int GetHashCode() => _id.GetHashCode();
    }
}
