using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// What the Partner insights report cmdlets share: the report routes (each id checked as an
    /// <see cref="InsightsId"/> before it becomes a path segment), the one way they send a method and a
    /// body (the typed resource's request sent to a checked path, as Invoke-PartnerCenterRequest does),
    /// and the JSON body of a report.
    /// </summary>
    public abstract class InsightsReportCmdlet : PartnerCenterCmdlet
    {
        /// <summary>ScheduledReport, or ScheduledReport/{action}/{reportId}, ScheduledReport/{reportId}, as a checked path.</summary>
        internal PartnerCenterPath ReportPath(string action = null, string reportId = null)
        {
            try
            {
                return CheckedReportPath(action, reportId);
            }
            catch (PartnerCenterException e)
            {
                ThrowTerminating(e, reportId);
                return null;
            }
        }

        private static PartnerCenterPath CheckedReportPath(string action, string reportId)
        {
            string path = "/" + PartnerInsightsReport.RoutePath;
            if (action != null)
            {
                path += "/" + action;
            }

            if (reportId != null)
            {
                // Binding has refused anything that is not a GUID; written again from its value, the segment is
                // exactly 36 hexadecimal digits and hyphens.
                path += "/" + CheckedId(reportId);
            }

            return PartnerCenterPath.Parse(path, "ReportId");
        }

        /// <summary>The id written from its GUID, or the cmdlet ends with PartnerCenter.InvalidArgument.</summary>
        internal string Id(string id)
        {
            try
            {
                return CheckedId(id);
            }
            catch (PartnerCenterException e)
            {
                ThrowTerminating(e, id);
                return null;
            }
        }

        /// <summary>The id written from its GUID, or PartnerCenter.InvalidArgument (for a caller that bypassed binding).</summary>
        internal static string CheckedId(string id)
        {
            InsightsId? parsed = InsightsId.TryParse(id);
            if (parsed == null)
            {
                throw new PartnerCenterException(PartnerCenterErrorIds.InvalidArgument, PartnerCenterErrorKind.InvalidArgument,
                    "'" + TerminalText.Clean(id) + "' is not a Partner insights id (a GUID). Nothing was sent.");
            }

            return parsed.Value.ToString();
        }

        /// <summary>Sends <paramref name="method"/> with <paramref name="body"/> to <paramref name="path"/> and writes the reports it answers.</summary>
        internal void SendAndWrite(string method, PartnerCenterPath path, OrderedDictionary body, bool write = true)
        {
            string json = null;
            try
            {
                json = body == null ? null : JsonObjects.FromPowerShell(body);
            }
            catch (PartnerCenterException e)
            {
                ThrowTerminating(e);
            }

            ResourceRequest<PartnerInsightsReport> request = PartnerInsightsReport.Resource.Request().To(method, path, json, all: false);
            using (IItemStream<PartnerInsightsReport> stream = Session.Read(request, NewCall(), Log, StopToken))
            {
                while (Next(stream))
                {
                    if (write)
                    {
                        WriteObject(stream.Current);
                    }
                }
            }
        }

        /// <summary>The report of that id, or null when Partner insights lists none (GET ScheduledReport?reportId=).</summary>
        internal PartnerInsightsReport FindReport(string reportId)
        {
            var query = new[] { new KeyValuePair<string, string>("reportId", Id(reportId)) };
            using (IItemStream<PartnerInsightsReport> stream = Session.Read(PartnerInsightsReport.Resource.Request().With(query), NewCall(), Log, StopToken))
            {
                // Only the report of that id, should the service ever answer more than the filter asks for.
                while (Next(stream))
                {
                    if (string.Equals(stream.Current.ReportId, query[0].Value, StringComparison.OrdinalIgnoreCase))
                    {
                        return stream.Current;
                    }
                }

                return null;
            }
        }

        /// <summary>PartnerCenter.NotFound for a report id Partner insights does not list, written as a non-terminating error.</summary>
        internal void WriteReportNotFound(string reportId)
        {
            WriteError(ToErrorRecord(
                new PartnerCenterException(PartnerCenterErrorIds.NotFound, PartnerCenterErrorKind.NotFound,
                    "Partner insights has no report with id '" + TerminalText.Clean(reportId) + "'.")
                {
                    RecommendedAction = "Run Get-PartnerInsightsReport without -ReportId to list the reports and their ids.",
                },
                reportId));
        }

        /// <summary>A time as the insights API takes it: UTC, to the second, ISO 8601 with a Z.</summary>
        internal static string ServiceTime(DateTimeOffset time) =>
            time.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

        /// <summary>Csv or Tsv as the documented bodies write it.</summary>
        internal static string ServiceFormat(string format) => string.IsNullOrEmpty(format) ? null : format.ToUpperInvariant();
    }

    /// <summary>
    /// Refuses, at parameter binding, a report's callback address that is not an absolute https URL: Partner
    /// insights calls it when a run completes, and nothing of the module's goes over plain http.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateHttpsUrlAttribute : ValidateArgumentsAttribute
    {
        /// <inheritdoc />
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            object value = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
            string text = value is Uri uri ? uri.OriginalString : value as string;
            if (!Uri.TryCreate(text, UriKind.Absolute, out Uri address) || address.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(address.UserInfo))
            {
                string shown = text == null ? "(null)" : TerminalText.Clean(text.Length > 80 ? text.Substring(0, 80) + "..." : text);
                throw new ValidationMetadataException("'" + shown + "' is not an https address. The callback must be an absolute https URL, such as https://contoso.example/report-ready, without user info.");
            }
        }
    }
}
