using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Client;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    public class HttpFailuresTests
    {
        private static readonly RequestIds Ids = new RequestIds(Guid.NewGuid(), Guid.NewGuid());

        private const string ForbiddenBody = "{\"code\":900322,\"description\":\"This API requires App+User credentials.\",\"data\":[],\"source\":\"PartnerFD\"}";

        [Fact]
        public void A_403_for_an_app_only_token_says_the_api_needs_app_plus_user_and_carries_code_and_ids()
        {
            var error = HttpFailures.FromResponse(new HttpResponseMessage(HttpStatusCode.Forbidden), ForbiddenBody, Ids, tokenIsAppOnly: true);

            Assert.Equal(PartnerCenterErrorIds.AppOnlyTokenRejected, error.ErrorId);
            Assert.Equal(PartnerCenterErrorKind.PermissionDenied, error.Kind);
            Assert.Contains("App+User", error.Message);
            Assert.Contains("900322", error.Message);
            Assert.Contains("This API requires App+User credentials.", error.Message);
            Assert.Contains(Ids.RequestId.ToString(), error.Message);
            Assert.Contains(Ids.CorrelationId.ToString(), error.Message);
            Assert.Equal("900322", error.PartnerCenterErrorCode);
            Assert.Equal(403, error.StatusCode);
        }

        [Fact]
        public void A_403_for_a_user_token_is_a_plain_permission_error()
        {
            var error = HttpFailures.FromResponse(new HttpResponseMessage(HttpStatusCode.Forbidden), ForbiddenBody, Ids, tokenIsAppOnly: false);

            Assert.Equal(PartnerCenterErrorIds.Forbidden, error.ErrorId);
            Assert.Equal(PartnerCenterErrorKind.PermissionDenied, error.Kind);
        }

        [Theory]
        [InlineData(401, PartnerCenterErrorIds.Unauthorized, PartnerCenterErrorKind.Authentication)]
        [InlineData(404, PartnerCenterErrorIds.NotFound, PartnerCenterErrorKind.NotFound)]
        [InlineData(429, PartnerCenterErrorIds.Throttled, PartnerCenterErrorKind.Throttled)]
        [InlineData(400, PartnerCenterErrorIds.RequestFailed, PartnerCenterErrorKind.RequestFailed)]
        [InlineData(500, PartnerCenterErrorIds.ServiceError, PartnerCenterErrorKind.ServiceUnavailable)]
        [InlineData(503, PartnerCenterErrorIds.ServiceError, PartnerCenterErrorKind.ServiceUnavailable)]
        public void Each_status_maps_to_a_stable_id_and_kind(int status, string id, PartnerCenterErrorKind kind)
        {
            var error = HttpFailures.FromResponse(new HttpResponseMessage((HttpStatusCode)status), "{\"code\":1,\"description\":\"d\"}", Ids, tokenIsAppOnly: false);

            Assert.Equal(id, error.ErrorId);
            Assert.Equal(kind, error.Kind);
            Assert.Contains(status.ToString(), error.Message);
        }

        [Fact]
        public void A_body_that_is_not_partner_centers_error_json_still_gives_a_clear_error()
        {
            var error = HttpFailures.FromResponse(new HttpResponseMessage(HttpStatusCode.BadGateway), "<html>bad gateway</html>", Ids, tokenIsAppOnly: false);

            Assert.Equal(PartnerCenterErrorIds.ServiceError, error.ErrorId);
            Assert.Null(error.PartnerCenterErrorCode);
            Assert.DoesNotContain("<html>", error.Message);
        }

        [Fact]
        public void Throttling_reports_the_retry_after_the_service_asked_for()
        {
            var response = new HttpResponseMessage((HttpStatusCode)429);
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(30));

            DateTimeOffset before = DateTimeOffset.UtcNow;
            var error = HttpFailures.FromResponse(response, null, Ids, tokenIsAppOnly: false);

            // The time is whole seconds, so it is one of the two seconds 30 s after 'before'.
            string[] accepted = new[] { 30, 31 }.Select(s => (before + TimeSpan.FromSeconds(s)).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC").ToArray();
            Assert.Contains(accepted, a => error.Message.Contains("accept requests again at " + a) && error.RecommendedAction.Contains("after " + a));
        }

        [Fact]
        public void Throttling_past_the_wait_budget_says_when_and_how_much_of_the_budget_was_left()
        {
            var response = new HttpResponseMessage((HttpStatusCode)429);
            var at = new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.FromHours(2));

            var error = HttpFailures.FromResponse(response, null, Ids, tokenIsAppOnly: false, (at, TimeSpan.FromSeconds(117.6)));

            Assert.Equal(PartnerCenterErrorIds.Throttled, error.ErrorId);
            Assert.Contains("accept requests again at 2031-02-03 02:05:06 UTC, later than this call could still wait (117 s of its retry budget left", error.Message);
            Assert.Contains("-MaximumRetryWaitSec", error.Message);
        }
    }
}
