using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using Newtonsoft.Json;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Http;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// The one place an unsuccessful Partner Center response becomes the module's error. Every error
    /// carries the request's MS-RequestId and MS-CorrelationId, and Partner Center's own error code
    /// and description when the body has them, so support can trace it.
    /// </summary>
    internal static class HttpFailures
    {
        // Partner Center's code for a customer the partner has no relationship with.
        private const string NoRelationshipCode = "20002";

        // From April 1, 2026 Partner Center refuses App+User calls whose access token shows no
        // multifactor authentication (no "mfa" in its amr claim): 401 with error code 900421. App-only
        // calls are not affected. "Partner Center authentication":
        // https://learn.microsoft.com/partner-center/developer/partner-center-authentication, and
        // "Mandating multifactor authentication (MFA) for your partner tenant":
        // https://learn.microsoft.com/partner-center/security/partner-security-requirements-mandating-mfa
        private const string MfaRequiredCode = "900421";

        /// <param name="response">The answer.</param>
        /// <param name="body">Its body, or null.</param>
        /// <param name="ids">The request's ids.</param>
        /// <param name="tokenIsAppOnly">Whether the session's token has no user.</param>
        /// <param name="retryAfter">When the retry step read a Retry-After: the moment it names and, when it asked
        /// for more than the call could still wait, what was left; null to read the header now.</param>
        public static PartnerCenterException FromResponse(
            HttpResponseMessage response, string body, RequestIds ids, bool tokenIsAppOnly, (DateTimeOffset? At, TimeSpan? WaitLeft)? retryAfter = null)
        {
            int status = (int)response.StatusCode;
            (string Code, string Description)? error = ErrorBody(body);
            string insightsPath = InsightsPath(response);
            string service = "Partner Center answered " + status + " " + Reason(response)
                + (error is (var code, var description) ? " (error " + code + (string.IsNullOrEmpty(description) ? string.Empty : ": " + description) + ")" : string.Empty)
                + ".";

            (string id, PartnerCenterErrorKind kind, string message, string action) = status switch
            {
                401 when error?.Code == MfaRequiredCode => (PartnerCenterErrorIds.MfaRequired, PartnerCenterErrorKind.Authentication,
                    "Partner Center requires multifactor authentication for App+User calls, and the session's access token shows none "
                    + "(the sign-in behind it, or behind its refresh token, did not use MFA). " + service,
                    "Sign in again as a partner user who completes multifactor authentication: for the secure application model an admin agent "
                    + "gets a new refresh token with New-PartnerCenterRefreshToken; otherwise run Connect-PartnerCenter again."),
                401 => (PartnerCenterErrorIds.Unauthorized, PartnerCenterErrorKind.Authentication,
                    "Partner Center rejected the session's access token. " + service,
                    "Run Connect-PartnerCenter again. If you passed -AccessToken, make sure it was issued for Partner Center and has not expired."),
                403 when tokenIsAppOnly => (PartnerCenterErrorIds.AppOnlyTokenRejected, PartnerCenterErrorKind.PermissionDenied,
                    "License analytics need App+User credentials, but the session's token is app-only "
                    + "(it has application roles and no signed-in user). " + service,
                    "Connect with App+User credentials: Connect-PartnerCenter -ApplicationId <app id> -Credential <app id + secret> "
                    + "-RefreshToken <refresh token of a partner user>, or pass an App+User -AccessToken."),
                // Partner insights answers a rejected query with 400 and its reason in the envelope's message
                // ("Custom query specification": https://learn.microsoft.com/partner-center/insights/insights-programmatic-custom-query).
                400 when insightsPath != null && insightsPath.IndexOf("/ScheduledQueries", StringComparison.OrdinalIgnoreCase) >= 0
                    => (PartnerCenterErrorIds.InvalidQuery, PartnerCenterErrorKind.InvalidArgument,
                    "Partner insights rejected the query: " + (string.IsNullOrEmpty(error?.Description) ? "no reason was given." : error?.Description) + " " + service,
                    "Correct the query: SELECT only the columns and metrics Get-PartnerInsightsDataset lists for the dataset (no SELECT *), "
                    + "FROM one of its dataset names, and a TIMESPAN from its AvailableDateRanges."),

                // The other insights calls answer a value they refuse (a report's start time, recurrence, format or
                // callback, an unknown query id) with 400 and the reason in the envelope's message ("Create report API":
                // https://learn.microsoft.com/partner-center/insights/insights-programmatic-analytics-api-create-report).
                400 when insightsPath != null => (PartnerCenterErrorIds.InvalidArgument, PartnerCenterErrorKind.InvalidArgument,
                    "Partner insights refused the request: " + (string.IsNullOrEmpty(error?.Description) ? "no reason was given." : error?.Description) + " " + service,
                    "Correct the value the message names (Get-Help New-PartnerInsightsReport -Parameter * lists what each takes) and run the command again."),

                // Programmatic access to partner insights needs the Executive Report Viewer role ("Prerequisites":
                // https://learn.microsoft.com/partner-center/insights/insights-programmatic-prerequisites).
                403 when insightsPath != null => (PartnerCenterErrorIds.Forbidden, PartnerCenterErrorKind.PermissionDenied,
                    "Partner insights refused the request: the signed-in user does not have the access partner insights need. " + service,
                    "Assign the signed-in user the Executive Report Viewer role in Partner Center (Partner Center insights role-based access), "
                    + "then sign in again (Connect-PartnerCenter) so the new role is in the token."),
                403 when error?.Code == NoRelationshipCode => (PartnerCenterErrorIds.Forbidden, PartnerCenterErrorKind.PermissionDenied,
                    "Partner Center refused the request: the partner has no relationship with this customer. " + service,
                    "Check the customer id (Invoke-PartnerCenterRequest -Path /v1/customers -All lists the partner's customers)."),
                403 => (PartnerCenterErrorIds.Forbidden, PartnerCenterErrorKind.PermissionDenied,
                    "Partner Center refused the request: the signed-in user or the application is not allowed to do this. " + service,
                    "Sign in as a partner user with a Partner Center role that can see analytics (for example an admin agent), "
                    + "and check that the application has the Partner Center API permission (user_impersonation)."),
                404 => (PartnerCenterErrorIds.NotFound, PartnerCenterErrorKind.NotFound,
                    "Partner Center did not find the resource. " + service,
                    "Check the path or customer id, and that -Environment points at the right Partner Center endpoint."),
                429 => Throttled(service, retryAfter ?? (DateTimeOffset.UtcNow + RetryPolicy.RetryAfter(response, DateTimeOffset.UtcNow), null)),
                >= 500 => (PartnerCenterErrorIds.ServiceError, PartnerCenterErrorKind.ServiceUnavailable,
                    "Partner Center failed to answer the request. " + service,
                    "Try again later. If it persists, contact Partner Center support with the ids below."),
                _ => (PartnerCenterErrorIds.RequestFailed, PartnerCenterErrorKind.RequestFailed, "Partner Center did not accept the request. " + service, null),
            };

            PartnerCenterException failure = Failure(id, kind, message, ids, null, action);
            failure.StatusCode = status;
            failure.PartnerCenterErrorCode = error?.Code;
            return failure;
        }

        /// <summary>Partner Center's words for a redirect the chain does not follow.</summary>
        public static PartnerCenterException RedirectRefused(RedirectRefusal why, HttpRequestMessage request, HttpResponseMessage response, Uri target, int followed)
        {
            RequestIds ids = RequestContext.Of(request).Ids;
            if (why == RedirectRefusal.TooMany)
            {
                return Failure(PartnerCenterErrorIds.RequestFailed, PartnerCenterErrorKind.RequestFailed,
                    "Partner Center redirected the request more than " + followed + " times.", ids, null, "Try again later.");
            }

            string from = request.RequestUri.GetLeftPart(UriPartial.Path);
            string to = target.GetLeftPart(UriPartial.Path);
            bool notHttps = why == RedirectRefusal.NotHttps;
            return Failure(
                PartnerCenterErrorIds.InsecureRedirectRefused,
                PartnerCenterErrorKind.Security,
                "Partner Center answered " + (int)response.StatusCode + (notHttps
                    ? " redirecting " + from + " to " + to + ", which is not HTTPS. Partner Center data is only read over HTTPS, so the redirect was refused and nothing was sent there."
                    : " redirecting the " + request.Method + " of " + from + " to " + to + ", another host. The request's body goes only to Partner Center, so the redirect "
                      + "was refused and nothing was sent there."),
                ids,
                null,
                "Check -Environment (and Add-PartnerCenterEnvironment -PartnerCenterEndpoint)" + (notHttps
                    ? ". If a proxy redirects to plain HTTP, have it keep HTTPS."
                    : " and the -Path."));
        }

        /// <summary>A failure that says, when the request was sent again, how often.</summary>
        public static PartnerCenterException AfterRetries(PartnerCenterException failure, int retries) =>
            retries == 0 ? failure : Restated(failure, failure.Message + " (Gave up after " + retries + " retries.)", null);

        public static PartnerCenterException Failure(string id, PartnerCenterErrorKind kind, string message, RequestIds ids, Exception inner, string action)
        {
            return new PartnerCenterException(id, kind, message + ids.Text, inner)
            {
                RecommendedAction = action,
                RequestId = ids.RequestId.ToString(),
                CorrelationId = ids.CorrelationId.ToString(),
            };
        }

        /// <summary>The same failure with another message and, when given, the request's ids.</summary>
        public static PartnerCenterException Restated(PartnerCenterException failure, string message, RequestIds ids)
        {
            PartnerCenterException restated = failure.WithMessage(message);
            if (ids != null)
            {
                restated.RequestId = ids.RequestId.ToString();
                restated.CorrelationId = ids.CorrelationId.ToString();
            }

            return restated;
        }

        private static string Reason(HttpResponseMessage response) =>
            string.IsNullOrEmpty(response.ReasonPhrase) ? ((HttpStatusCode)(int)response.StatusCode).ToString() : response.ReasonPhrase;

        // A 429 says when Partner Center takes requests again (its Retry-After, as a UTC time), and why
        // the module did not wait for it when the wait was longer than the call could still wait.
        private static (string, PartnerCenterErrorKind, string, string) Throttled(string service, (DateTimeOffset? At, TimeSpan? WaitLeft) retryAfter)
        {
            string message = "Partner Center is throttling this partner's requests. " + service;
            if (retryAfter.At is DateTimeOffset at)
            {
                string when = at.UtcDateTime.ToString("yyyy'-'MM'-'dd HH':'mm':'ss", CultureInfo.InvariantCulture) + " UTC";
                message += " It will accept requests again at " + when
                    + (retryAfter.WaitLeft is TimeSpan left
                        ? ", later than this call could still wait (" + Seconds(left) + " of its retry budget left; Set-PartnerCenterRequestOption "
                          + "-MaximumRetryWaitSec), so it was not sent again."
                        : ".");
                return (PartnerCenterErrorIds.Throttled, PartnerCenterErrorKind.Throttled, message,
                    "Run the command again after " + when + "; spread scheduled runs out over time.");
            }

            return (PartnerCenterErrorIds.Throttled, PartnerCenterErrorKind.Throttled, message,
                "Wait and run the command again; spread scheduled runs out over time.");
        }

        private static string Seconds(TimeSpan span) => Math.Floor(span.TotalSeconds).ToString("0", CultureInfo.InvariantCulture) + " s";

        // The path of a Partner insights request (/insights/...), whose errors read differently; null for others.
        private static string InsightsPath(HttpResponseMessage response)
        {
            string path = response.RequestMessage?.RequestUri?.AbsolutePath;
            return path != null && path.IndexOf("/insights/", StringComparison.OrdinalIgnoreCase) >= 0 ? path : null;
        }

        // Partner Center's REST error body (code, description, data, source): its code and description, or null without a code.
        // A Partner insights answer has no code: its envelope's statusCode and message stand in for them.
        private static (string Code, string Description)? ErrorBody(string body)
        {
            try
            {
                if (string.IsNullOrWhiteSpace(body))
                {
                    return null;
                }

                Dictionary<string, object> json;
                using (var reader = new JsonTextReader(new StringReader(body)) { DateParseHandling = DateParseHandling.None })
                {
                    json = JsonObjectReader.Read(reader);
                }

                object code = Property(json, "code") ?? Property(json, "errorCode") ?? Property(json, "statusCode") ?? Property(json, "StatusCode");
                return code is string || code is IFormattable
                    ? (Convert.ToString(code, CultureInfo.InvariantCulture), (Property(json, "description") ?? Property(json, "message") ?? Property(json, "Message")) as string)
                    : ((string, string)?)null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static object Property(Dictionary<string, object> json, string name) => json.TryGetValue(name, out object value) ? value : null;
    }
}
