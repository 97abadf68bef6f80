using System;
using System.Net.Http;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Http;

namespace PartnerCenterLicenses.Engine.Reports
{
    /// <summary>
    /// The errors of a report's secure link, in one place. Every one names the link's host and path only:
    /// the query string is a shared access signature, and a message may end up in a log, a ticket or a
    /// screenshot. Inner exceptions carry no address (.NET's network errors name host and port at most).
    /// </summary>
    internal static class SignedLinkFailures
    {
        private const string RetryAction = "Try again later; Set-PartnerCenterRequestOption sets the timeout, the retries and how long the module waits for them.";

        /// <summary>An address as lines and errors may show it: scheme, host and path, never the query string or fragment.</summary>
        public static string Shown(string address) =>
            Uri.TryCreate(address, UriKind.Absolute, out Uri uri) ? Shown(uri) : "(an address that is not absolute)";

        /// <summary>An address as lines and errors may show it.</summary>
        public static string Shown(Uri uri) => uri == null ? "(no address)" : uri.GetLeftPart(UriPartial.Path);

        /// <summary>The host sent no answer: a timeout or a broken connection.</summary>
        public static PartnerCenterException NoAnswer(string id, PartnerCenterErrorKind kind, Uri uri, string what, Exception cause) =>
            new PartnerCenterException(id, kind, "The report file's host at " + Shown(uri) + " " + what + ".", cause) { RecommendedAction = RetryAction };

        /// <summary>
        /// The secure link is followed without any redirect: blob storage answers a shared access signature
        /// itself, so a redirect is not part of its contract, and following one would hand the file's
        /// request (and, for a redirect that keeps the query, the signature) to a host nobody chose.
        /// </summary>
        public static PartnerCenterException RedirectRefused(RedirectRefusal why, HttpRequestMessage request, HttpResponseMessage response, Uri target, int followed)
        {
            string to = target == null ? "nowhere (no Location)" : Shown(target);
            bool notHttps = target != null && target.Scheme != Uri.UriSchemeHttps;
            return new PartnerCenterException(
                PartnerCenterErrorIds.InsecureRedirectRefused,
                PartnerCenterErrorKind.Security,
                "The report file's host answered " + (int)response.StatusCode + " redirecting " + Shown(request.RequestUri) + " to " + to
                + (notHttps ? ", which is not HTTPS." : ".") + " A report's secure link is never redirected (blob storage serves it itself), so the redirect "
                + "was refused and nothing was sent there.")
            {
                RecommendedAction = "Get the execution again (Get-PartnerInsightsReportExecution) and retry; if a proxy redirects downloads, have it pass them through.",
                StatusCode = (int)response.StatusCode,
            };
        }

        /// <summary>The host's answer when it is not the file.</summary>
        public static PartnerCenterException FromStatus(HttpResponseMessage response, Uri uri, string storageErrorCode, int retries)
        {
            int status = (int)response.StatusCode;
            string answered = "The report file's host at " + Shown(uri) + " answered " + status + " " + response.ReasonPhrase
                + (string.IsNullOrEmpty(storageErrorCode) ? string.Empty : " (" + storageErrorCode + ")")
                + (retries > 0 ? " after " + retries + " retries" : string.Empty);
            PartnerCenterException failure;
            if (status == 403)
            {
                // Blob storage refuses an expired or otherwise invalid shared access signature with 403
                // AuthenticationFailed (https://learn.microsoft.com/rest/api/storageservices/sas-error-codes).
                failure = new PartnerCenterException(PartnerCenterErrorIds.ReportLinkExpired, PartnerCenterErrorKind.Authentication,
                    answered + ": the secure link has expired or is no longer valid.")
                {
                    RecommendedAction = "Get the execution again (Get-PartnerInsightsReportExecution | Receive-PartnerInsightsReport): a completed execution's link "
                        + "is valid until its ReportExpiryTime. If that has passed, run the report again (Invoke-PartnerInsightsQuery, or a new report).",
                };
            }
            else if (status == 404)
            {
                failure = new PartnerCenterException(PartnerCenterErrorIds.NotFound, PartnerCenterErrorKind.NotFound, answered + ": the file is not there.")
                {
                    RecommendedAction = "Get the execution again (Get-PartnerInsightsReportExecution); the file may have been removed after it expired.",
                };
            }
            else if (status == 429)
            {
                failure = new PartnerCenterException(PartnerCenterErrorIds.Throttled, PartnerCenterErrorKind.Throttled, answered + ".") { RecommendedAction = RetryAction };
            }
            else if (status >= 500)
            {
                failure = new PartnerCenterException(PartnerCenterErrorIds.ServiceError, PartnerCenterErrorKind.ServiceUnavailable, answered + ".") { RecommendedAction = RetryAction };
            }
            else
            {
                failure = new PartnerCenterException(PartnerCenterErrorIds.RequestFailed, PartnerCenterErrorKind.RequestFailed, answered + ".")
                {
                    RecommendedAction = "Get the execution again (Get-PartnerInsightsReportExecution) and retry.",
                };
            }

            failure.StatusCode = status;
            return failure;
        }

        /// <summary>The body stopped, or broke off, after the file had started arriving.</summary>
        public static PartnerCenterException BodyFailed(Uri uri, long rows, bool timedOut, TimeSpan timeout, Exception cause)
        {
            string after = " after " + rows + " row(s)";
            return timedOut
                ? new PartnerCenterException(PartnerCenterErrorIds.Timeout, PartnerCenterErrorKind.Timeout,
                    "The report file's host at " + Shown(uri) + " sent nothing for " + timeout.TotalSeconds + " s" + after + ".", cause) { RecommendedAction = RetryAction }
                : new PartnerCenterException(PartnerCenterErrorIds.ServiceUnreachable, PartnerCenterErrorKind.ServiceUnavailable,
                    "The download of the report file from " + Shown(uri) + " broke off" + after + ": " + Causes.Describe(cause) + ".", cause) { RecommendedAction = RetryAction };
        }

        /// <summary>A link the module does not download from: not an absolute HTTPS address.</summary>
        public static PartnerCenterException NotHttps(InsightsReportLink link) =>
            new PartnerCenterException(PartnerCenterErrorIds.InvalidResponse, PartnerCenterErrorKind.Security,
                "The execution's secure link " + link + " is not an absolute HTTPS address, so nothing was downloaded: the module reads nothing over plain HTTP.")
            {
                RecommendedAction = "Get the execution again (Get-PartnerInsightsReportExecution); if its link is still not HTTPS, report it to Microsoft support.",
            };
    }
}
