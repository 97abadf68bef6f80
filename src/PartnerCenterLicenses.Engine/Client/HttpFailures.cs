using System;
using System.Globalization;
using System.Net;
using System.Net.Http;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
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

        public static PartnerCenterException FromResponse(
            HttpResponseMessage response, string body, RequestIds ids, bool tokenIsAppOnly)
        {
            int status = (int)response.StatusCode;
            ErrorBody error = ErrorBody.TryParse(body);
            string service = "Partner Center answered " + status + " " + Reason(response)
                + (error != null ? " (error " + error.Code + (string.IsNullOrEmpty(error.Description) ? string.Empty : ": " + error.Description) + ")" : string.Empty)
                + ".";

            string id;
            PartnerCenterErrorKind kind;
            string message;
            string action;
            switch (status)
            {
                case 401:
                    id = PartnerCenterErrorIds.Unauthorized;
                    kind = PartnerCenterErrorKind.Authentication;
                    message = "Partner Center rejected the session's access token. " + service;
                    action = "Run Connect-PartnerCenter again. If you passed -AccessToken, make sure it was issued for Partner Center and has not expired.";
                    break;
                case 403 when tokenIsAppOnly:
                    id = PartnerCenterErrorIds.AppOnlyTokenRejected;
                    kind = PartnerCenterErrorKind.PermissionDenied;
                    message = "License analytics need App+User credentials, but the session's token is app-only "
                        + "(it has application roles and no signed-in user). " + service;
                    action = "Connect with App+User credentials: Connect-PartnerCenter -ApplicationId <app id> -Credential <app id + secret> "
                        + "-RefreshToken <refresh token of a partner user>, or pass an App+User -AccessToken.";
                    break;
                case 403 when error?.Code == NoRelationshipCode:
                    id = PartnerCenterErrorIds.Forbidden;
                    kind = PartnerCenterErrorKind.PermissionDenied;
                    message = "Partner Center refused the request: the partner has no relationship with this customer. " + service;
                    action = "Check the customer id (Invoke-PartnerCenterRequest -Path /v1/customers -All lists the partner's customers).";
                    break;
                case 403:
                    id = PartnerCenterErrorIds.Forbidden;
                    kind = PartnerCenterErrorKind.PermissionDenied;
                    message = "Partner Center refused the request: the signed-in user or the application is not allowed to do this. " + service;
                    action = "Sign in as a partner user with a Partner Center role that can see analytics (for example an admin agent), "
                        + "and check that the application has the Partner Center API permission (user_impersonation).";
                    break;
                case 404:
                    id = PartnerCenterErrorIds.NotFound;
                    kind = PartnerCenterErrorKind.NotFound;
                    message = "Partner Center did not find the resource. " + service;
                    action = "Check the path or customer id, and that -Environment points at the right Partner Center endpoint.";
                    break;
                case 429:
                    id = PartnerCenterErrorIds.Throttled;
                    kind = PartnerCenterErrorKind.Throttled;
                    message = "Partner Center is throttling this partner's requests. " + service + RetryAfterText(response);
                    action = "Wait and run the command again; spread scheduled runs out over time.";
                    break;
                default:
                    if (status >= 500)
                    {
                        id = PartnerCenterErrorIds.ServiceError;
                        kind = PartnerCenterErrorKind.ServiceUnavailable;
                        message = "Partner Center failed to answer the request. " + service;
                        action = "Try again later. If it persists, contact Partner Center support with the ids below.";
                    }
                    else
                    {
                        id = PartnerCenterErrorIds.RequestFailed;
                        kind = PartnerCenterErrorKind.RequestFailed;
                        message = "Partner Center did not accept the request. " + service;
                        action = null;
                    }

                    break;
            }

            return new PartnerCenterException(id, kind, message + ids.Text)
            {
                RecommendedAction = action,
                StatusCode = status,
                PartnerCenterErrorCode = error?.Code,
                RequestId = ids.RequestId.ToString(),
                CorrelationId = ids.CorrelationId.ToString(),
            };
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
            int status = (int)response.StatusCode;
            return why == RedirectRefusal.NotHttps
                ? Failure(
                    PartnerCenterErrorIds.InsecureRedirectRefused,
                    PartnerCenterErrorKind.Security,
                    "Partner Center answered " + status + " redirecting " + from + " to " + target.GetLeftPart(UriPartial.Path)
                    + ", which is not HTTPS. Partner Center data is only read over HTTPS, so the redirect was refused and nothing was sent there.",
                    ids,
                    null,
                    "Check -Environment (and Add-PartnerCenterEnvironment -PartnerCenterEndpoint). If a proxy redirects to plain HTTP, have it keep HTTPS.")
                : Failure(
                    PartnerCenterErrorIds.InsecureRedirectRefused,
                    PartnerCenterErrorKind.Security,
                    "Partner Center answered " + status + " redirecting the " + request.Method + " of " + from + " to "
                    + target.GetLeftPart(UriPartial.Path) + ", another host. The request's body goes only to Partner Center, so the redirect "
                    + "was refused and nothing was sent there.",
                    ids,
                    null,
                    "Check -Environment (and Add-PartnerCenterEnvironment -PartnerCenterEndpoint) and the -Path.");
        }

        /// <summary>A failure that says, when the request was sent again, how often.</summary>
        public static PartnerCenterException AfterRetries(PartnerCenterException failure, int retries)
        {
            return retries == 0 ? failure : Restated(failure, failure.Message + " (Gave up after " + retries + " retries.)", null);
        }

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

        private static string Reason(HttpResponseMessage response)
        {
            return string.IsNullOrEmpty(response.ReasonPhrase) ? ((HttpStatusCode)(int)response.StatusCode).ToString() : response.ReasonPhrase;
        }

        private static string RetryAfterText(HttpResponseMessage response)
        {
            var retryAfter = response.Headers.RetryAfter;
            if (retryAfter?.Delta != null)
            {
                return " It asked to retry after " + retryAfter.Delta.Value.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s.";
            }

            if (retryAfter?.Date != null)
            {
                return " It asked to retry after " + retryAfter.Date.Value.ToString("u", CultureInfo.InvariantCulture) + ".";
            }

            return string.Empty;
        }

        /// <summary>Partner Center's REST error body: code, description, data, source.</summary>
        private sealed class ErrorBody
        {
            public string Code { get; private set; }

            public string Description { get; private set; }

            public static ErrorBody TryParse(string body)
            {
                if (string.IsNullOrWhiteSpace(body))
                {
                    return null;
                }

                try
                {
                    var json = JToken.Parse(body) as JObject;
                    JToken code = json?["code"] ?? json?["errorCode"];
                    if (code == null || code.Type == JTokenType.Null)
                    {
                        return null;
                    }

                    JToken description = json["description"] ?? json["message"];
                    return new ErrorBody
                    {
                        Code = code.Type == JTokenType.String ? (string)code : code.ToString(Formatting.None),
                        Description = description != null && description.Type == JTokenType.String ? (string)description : null,
                    };
                }
                catch (JsonException)
                {
                    return null;
                }
            }
        }
    }
}
