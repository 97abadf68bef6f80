using System;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// A Partner insights report query id, checked where it enters: a GUID (braces allowed), as every id the
    /// service issues and every system query id is ("List of system queries":
    /// https://learn.microsoft.com/partner-center/insights/insights-programmatic-system-queries). It becomes a
    /// path segment (DELETE ScheduledQueries/{queryId}), so it is written only in its 8-4-4-4-12 form.
    /// </summary>
    public static class InsightsQueryId
    {
        /// <summary>The id in its path form, or null when <paramref name="text"/> is not one.</summary>
        public static string Normalize(string text)
        {
            string trimmed = text?.Trim();
            return Guid.TryParseExact(trimmed, "D", out Guid id) || Guid.TryParseExact(trimmed, "B", out id) ? id.ToString("D") : null;
        }
    }
}
