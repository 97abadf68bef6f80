using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Authentication;
using PartnerCenterLicenses.Engine.Client;
using PartnerCenterLicenses.Engine.Http;
using PartnerCenterLicenses.Models;
using Xunit;
using ScriptedHandler = PartnerCenterLicenses.Tests.Unit.PartnerCenterClientTests.ScriptedHandler;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>Each step of the HTTP chains on its own, over a scripted handler in place of the rest of the chain.</summary>
    public class HttpChainStepTests
    {
        private static readonly Uri Origin = new Uri("https://pc.example.test");

        private static readonly PartnerCenterRequestOptions Fast =
            new PartnerCenterRequestOptions(TimeSpan.FromSeconds(10), maxRetryCount: 2, maxRetryWait: TimeSpan.FromSeconds(10), retryBaseDelay: TimeSpan.FromMilliseconds(10));

        private static HttpRequestMessage Request(string uri, HttpMethod method = null, string body = null, PartnerCenterRequestOptions options = null, TestLog log = null)
        {
            var request = new HttpRequestMessage(method ?? HttpMethod.Get, uri);
            if (body != null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            new RequestContext(new CmdletCall(Guid.NewGuid(), "en-US", options ?? Fast), log ?? new TestLog(), CancellationToken.None).AttachTo(request);
            return request;
        }

        private static Task<HttpResponseMessage> Send(HttpMessageHandler step, HttpRequestMessage request, CancellationToken cancellationToken = default)
        {
            return new HttpMessageInvoker(step, disposeHandler: false).SendAsync(request, cancellationToken);
        }

        private static HttpResponseMessage Status(int status, string location = null)
        {
            var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent("{}") };
            if (location != null)
            {
                response.Headers.Location = new Uri(location, UriKind.RelativeOrAbsolute);
            }

            return response;
        }

        // Endpoint policy

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task Nothing_goes_over_plain_http_whichever_chain(bool partnerCenter)
        {
            var inner = new ScriptedHandler(_ => Status(200));
            var step = new EndpointPolicy(partnerCenter ? Origin : null, inner);

            var error = await Assert.ThrowsAsync<PartnerCenterException>(() => Send(step, Request("http://pc.example.test/v1/x")));

            Assert.Equal(PartnerCenterErrorIds.InvalidEnvironment, error.ErrorId);
            Assert.Equal(PartnerCenterErrorKind.Security, error.Kind);
            Assert.Empty(inner.Requests);
        }

        [Fact]
        public async Task A_token_or_a_body_goes_only_to_the_chosen_origin()
        {
            var inner = new ScriptedHandler(_ => Status(200));
            var step = new EndpointPolicy(Origin, inner);
            var withToken = Request("https://elsewhere.example.test/x");
            withToken.Headers.TryAddWithoutValidation("Authorization", "Bearer secret");

            await Assert.ThrowsAsync<PartnerCenterException>(() => Send(step, withToken));
            await Assert.ThrowsAsync<PartnerCenterException>(() => Send(step, Request("https://pc.example.test:444/x", HttpMethod.Post, "{}")));
            Assert.Empty(inner.Requests);

            (await Send(step, Request("https://elsewhere.example.test/x"))).Dispose();
            (await Send(step, Request("https://PC.example.test/x", HttpMethod.Post, "{}"))).Dispose();
            Assert.Equal(2, inner.Requests.Count);
        }

        [Fact]
        public async Task Without_one_origin_a_body_may_go_to_any_https_host()
        {
            // MSAL sends sign-in forms to the authority aliases of Microsoft's instance metadata.
            var inner = new ScriptedHandler(_ => Status(200));

            (await Send(new EndpointPolicy(null, inner), Request("https://login.partner.microsoftonline.cn/t/oauth2/v2.0/token", HttpMethod.Post, "a=b"))).Dispose();

            Assert.Single(inner.Requests);
        }

        // Redirect policy

        private static RedirectPolicy PartnerCenterRedirects(HttpMessageHandler inner) => new RedirectPolicy(Origin, 5, HttpFailures.RedirectRefused, inner);

        [Fact]
        public async Task Redirects_are_followed_to_the_bound_and_the_next_one_is_refused()
        {
            var inner = new ScriptedHandler(r => Status(302, r.RequestUri.AbsolutePath + "x"));

            var error = await Assert.ThrowsAsync<PartnerCenterException>(() => Send(PartnerCenterRedirects(inner), Request("https://pc.example.test/a")));

            Assert.Equal(PartnerCenterErrorIds.RequestFailed, error.ErrorId);
            Assert.Contains("more than 5 times", error.Message);
            Assert.Equal(6, inner.Requests.Count);
            Assert.Equal("/axxxxx", inner.Requests.Last().RequestUri.AbsolutePath);
        }

        [Theory]
        [InlineData(303, "GET", "POST", false)]
        [InlineData(302, "GET", "POST", false)]
        [InlineData(301, "GET", "PATCH", false)]
        [InlineData(307, "POST", "POST", true)]
        [InlineData(308, "POST", "POST", true)]
        public async Task A_303_and_a_301_or_302_after_a_post_become_a_get_without_body_while_307_and_308_repeat_it(int status, string method, string original, bool keepsBody)
        {
            var inner = new ScriptedHandler(_ => Status(status, "/moved"), _ => Status(200));

            (await Send(PartnerCenterRedirects(inner), Request("https://pc.example.test/a", new HttpMethod(original), "{}"))).Dispose();

            Assert.Equal(method, inner.Requests[1].Method.Method);
            Assert.Equal(keepsBody, inner.Requests[1].Content != null);
            Assert.Equal("https://pc.example.test/moved", inner.Requests[1].RequestUri.AbsoluteUri);
        }

        [Fact]
        public async Task A_body_is_not_redirected_to_another_host_nor_anything_to_plain_http()
        {
            var toElsewhere = new ScriptedHandler(_ => Status(307, "https://elsewhere.example.test/a"));
            var toHttp = new ScriptedHandler(_ => Status(302, "http://pc.example.test/a"));

            var body = await Assert.ThrowsAsync<PartnerCenterException>(() => Send(PartnerCenterRedirects(toElsewhere), Request("https://pc.example.test/a", HttpMethod.Post, "{}")));
            var http = await Assert.ThrowsAsync<PartnerCenterException>(() => Send(PartnerCenterRedirects(toHttp), Request("https://pc.example.test/a")));

            Assert.Equal(PartnerCenterErrorIds.InsecureRedirectRefused, body.ErrorId);
            Assert.Contains("another host", body.Message);
            Assert.Equal(PartnerCenterErrorIds.InsecureRedirectRefused, http.ErrorId);
            Assert.Contains("not HTTPS", http.Message);
            Assert.Single(toElsewhere.Requests);
            Assert.Single(toHttp.Requests);
        }

        [Fact]
        public async Task A_hop_leaves_the_authorization_header_behind_and_keeps_the_call()
        {
            var inner = new ScriptedHandler(_ => Status(302, "/moved"), _ => Status(200));
            var request = Request("https://pc.example.test/a");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer secret");
            request.Headers.TryAddWithoutValidation("X-Locale", "en-US");

            (await Send(PartnerCenterRedirects(inner), request)).Dispose();

            Assert.False(inner.Requests[1].Headers.Contains("Authorization"));
            Assert.Equal("en-US", inner.Requests[1].Headers.GetValues("X-Locale").Single());
            Assert.Same(RequestContext.Of(request), RequestContext.Of(inner.Requests[1]));
        }

        [Theory]
        [InlineData(307, "https://login.example.test/elsewhere")]
        [InlineData(304, null)]
        public async Task The_entra_id_chain_follows_no_redirect(int status, string location)
        {
            var inner = new ScriptedHandler(_ => Status(status, location));
            var request = new HttpRequestMessage(HttpMethod.Post, "https://login.example.test/t/oauth2/v2.0/token") { Content = new StringContent("client_secret=s") };

            var error = await Assert.ThrowsAsync<PartnerCenterException>(() => Send(HttpClients.AuthorityChain(inner), request));

            Assert.Equal(PartnerCenterErrorIds.AuthorityRedirectRefused, error.ErrorId);
            Assert.Single(inner.Requests);
        }

        // Bearer token

        [Fact]
        public async Task The_token_goes_to_the_partner_center_origin_only()
        {
            var inner = new ScriptedHandler(_ => Status(200));
            var step = new BearerToken(new Tokens(), Origin, inner);

            (await Send(step, Request("https://pc.example.test/a"))).Dispose();
            (await Send(step, Request("https://elsewhere.example.test/a"))).Dispose();
            (await Send(step, Request("https://pc.example.test:8443/a"))).Dispose();

            Assert.Equal("Bearer token-1", inner.Requests[0].Headers.Authorization.ToString());
            Assert.Null(inner.Requests[1].Headers.Authorization);
            Assert.Null(inner.Requests[2].Headers.Authorization);
        }

        [Fact]
        public async Task A_401_renews_the_rejected_token_once_per_call()
        {
            var tokens = new Tokens();
            var inner = new ScriptedHandler(_ => Status(401));
            var step = new BearerToken(tokens, Origin, inner);
            var request = Request("https://pc.example.test/a");

            using (HttpResponseMessage first = await Send(step, request))
            using (HttpResponseMessage again = await Send(step, HttpClients.CopyOf(request, request.RequestUri, asGet: false)))
            {
                Assert.Equal(401, (int)first.StatusCode);
                Assert.Equal(401, (int)again.StatusCode);
            }

            Assert.Equal(1, tokens.Renewals);
            Assert.Equal(3, inner.Requests.Count);
            Assert.Equal("Bearer token-2", inner.Requests[1].Headers.Authorization.ToString());
        }

        [Fact]
        public async Task A_401_is_the_answer_when_the_token_cannot_be_renewed()
        {
            var tokens = new Tokens { CanRenew = false };
            var inner = new ScriptedHandler(_ => Status(401));

            using (HttpResponseMessage response = await Send(new BearerToken(tokens, Origin, inner), Request("https://pc.example.test/a")))
            {
                Assert.Equal(401, (int)response.StatusCode);
            }

            Assert.Equal(0, tokens.Renewals);
            Assert.Single(inner.Requests);
        }

        // Throttle pause

        [Fact]
        public async Task A_pause_holds_every_next_request_back_and_ctrl_c_ends_the_wait()
        {
            var inner = new ScriptedHandler(_ => Status(200));
            var pause = new ThrottlePause(inner);
            var log = new TestLog();

            (await Send(pause, Request("https://pc.example.test/a"))).Dispose();
            pause.PauseFor(TimeSpan.FromMilliseconds(300));
            (await Send(pause, Request("https://pc.example.test/b", log: log))).Dispose();
            pause.PauseFor(TimeSpan.FromSeconds(30));
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Send(pause, Request("https://pc.example.test/c"), cancel.Token));

            Assert.Equal(2, inner.Requests.Count);
            Assert.True(inner.Times[1] - inner.Times[0] >= TimeSpan.FromMilliseconds(280), (inner.Times[1] - inner.Times[0]).ToString());
            Assert.Contains(log.Lines, l => l.Contains("throttling this partner"));
        }

        [Fact]
        public async Task A_pause_of_any_length_never_throws_and_ctrl_c_still_ends_its_wait()
        {
            var inner = new ScriptedHandler(_ => Status(200));
            var pause = new ThrottlePause(inner);

            // Task.Delay throws past about 49 days; the pause is bounded well before that.
            pause.PauseFor(TimeSpan.MaxValue);
            pause.PauseFor(TimeSpan.FromDays(400));
            pause.PauseFor(TimeSpan.FromSeconds(-1));
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Send(pause, Request("https://pc.example.test/a"), cancel.Token));

            Assert.Empty(inner.Requests);
        }

        [Fact]
        public async Task A_429_whose_retry_after_is_past_the_budget_is_returned_at_once_and_does_not_pause_the_session()
        {
            var inner = new ScriptedHandler(_ =>
            {
                var throttled = Status(429);
                throttled.Headers.TryAddWithoutValidation("Retry-After", "99999999");
                return throttled;
            }, _ => Status(200));
            var pause = new ThrottlePause(inner);
            var policy = new RetryPolicy(pause, pause);
            var first = Request("https://pc.example.test/a");

            using (HttpResponseMessage response = await Send(policy, first))
            {
                Assert.Equal(429, (int)response.StatusCode);
            }

            // The next call of the session is sent at once: nothing is left waiting for 3 years.
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using (HttpResponseMessage response = await Send(policy, Request("https://pc.example.test/b"), cancel.Token))
            {
                Assert.Equal(200, (int)response.StatusCode);
            }

            Assert.Equal(2, inner.Requests.Count);
            Assert.Equal(0, RequestContext.Of(first).Retries);
            Assert.Equal(TimeSpan.FromSeconds(10), RequestContext.Of(first).WaitLeftWhenRefused);
            Assert.NotNull(RequestContext.Of(first).AcceptsRequestsAgainAt);
        }

        // Retry policy

        [Fact]
        public async Task A_429_is_retried_for_any_method_and_pauses_the_session()
        {
            var inner = new ScriptedHandler(_ => Status(429), _ => Status(200));
            var pause = new ThrottlePause(inner);
            var request = Request("https://pc.example.test/a", HttpMethod.Post, "{}");

            using (HttpResponseMessage response = await Send(new RetryPolicy(pause, pause), request))
            {
                Assert.Equal(200, (int)response.StatusCode);
            }

            Assert.Equal(2, inner.Requests.Count);
            Assert.Equal(HttpMethod.Post, inner.Requests[1].Method);
            Assert.Equal(1, RequestContext.Of(request).Retries);
        }

        [Fact]
        public async Task A_5xx_or_no_answer_is_retried_only_for_a_request_that_does_no_harm_twice()
        {
            var post = new ScriptedHandler(_ => Status(503));
            var get = new ScriptedHandler(_ => throw new NoAnswerException(new PartnerCenterException(PartnerCenterErrorIds.Timeout, PartnerCenterErrorKind.Timeout, "late")));

            (await Send(new RetryPolicy(null, post), Request("https://pc.example.test/a", HttpMethod.Post, "{}"))).Dispose();
            var request = Request("https://pc.example.test/a");
            var error = await Assert.ThrowsAsync<NoAnswerException>(() => Send(new RetryPolicy(null, get), request));

            Assert.Single(post.Requests);
            Assert.Equal(3, get.Requests.Count);
            Assert.Equal(2, RequestContext.Of(request).Retries);
            Assert.Equal("late", error.Failure.Message);
        }

        [Fact]
        public async Task A_retry_starts_from_the_url_the_call_asked_for()
        {
            var inner = new ScriptedHandler(_ => Status(302, "https://mirror.example.test/b"), _ => Status(503), _ => Status(200));
            var request = Request("https://pc.example.test/a");

            (await Send(new RetryPolicy(null, PartnerCenterRedirects(inner)), request)).Dispose();

            Assert.Equal(new[] { "/a", "/b", "/a" }, inner.Requests.Select(r => r.RequestUri.AbsolutePath));
            Assert.NotSame(request, inner.Requests[2]);
        }

        // Timed send

        [Fact]
        public async Task The_request_id_stays_after_no_answer_and_changes_after_an_answer()
        {
            var options = new PartnerCenterRequestOptions(TimeSpan.FromMilliseconds(200), 3, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(10));
            int calls = 0;
            var inner = new ScriptedHandler(_ => null);
            inner.Respond = async (r, token) =>
            {
                switch (Interlocked.Increment(ref calls))
                {
                    case 1: await Task.Delay(TimeSpan.FromSeconds(30), token); return null;
                    case 2: throw new HttpRequestException("Connection reset by peer");
                    default: return Status(503);
                }
            };
            var step = new TimedSend(Origin, new CertificateFailures(), inner);
            var request = Request("https://pc.example.test/a", options: options);

            var timedOut = await Assert.ThrowsAsync<NoAnswerException>(() => Send(step, request));
            var broken = await Assert.ThrowsAsync<NoAnswerException>(() => Send(step, HttpClients.CopyOf(request, request.RequestUri, false)));
            (await Send(step, HttpClients.CopyOf(request, request.RequestUri, false))).Dispose();
            (await Send(step, HttpClients.CopyOf(request, request.RequestUri, false))).Dispose();

            Assert.Equal(PartnerCenterErrorIds.Timeout, timedOut.Failure.ErrorId);
            Assert.Equal(PartnerCenterErrorIds.ServiceUnreachable, broken.Failure.ErrorId);
            var ids = inner.Requests.Select(r => r.Headers.GetValues("MS-RequestId").Single()).ToList();
            Assert.Equal(ids[0], ids[1]);
            Assert.Equal(ids[1], ids[2]);
            Assert.NotEqual(ids[2], ids[3]);
            Assert.Equal(ids[3], RequestContext.Of(request).Ids.RequestId.ToString());
        }

        [Fact]
        public async Task Ctrl_c_during_the_send_is_a_cancellation_not_a_timeout()
        {
            var inner = new ScriptedHandler(_ => null) { Delay = TimeSpan.FromSeconds(30) };
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            var request = new HttpRequestMessage(HttpMethod.Get, "https://pc.example.test/a");
            new RequestContext(new CmdletCall(Guid.NewGuid(), "en-US", Fast), new TestLog(), cancel.Token).AttachTo(request);

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Send(new TimedSend(Origin, new CertificateFailures(), inner), request, cancel.Token));
        }

        private sealed class Tokens : ITokenSource
        {
            private int _generation = 1;

            public int Renewals { get; private set; }

            public bool CanRenew { get; set; } = true;

            public bool LastTokenIsAppOnly => false;

            public PartnerCenterContext Describe(string environmentName) => null;

            public Task<string> GetAccessTokenAsync(IEngineLog log, CancellationToken cancellationToken) => Task.FromResult("token-" + _generation);

            public Task<string> RenewRejectedAsync(string rejectedToken, IEngineLog log, CancellationToken cancellationToken)
            {
                Renewals++;
                return Task.FromResult("token-" + ++_generation);
            }

            public void SignOut()
            {
            }

            public void Dispose()
            {
            }
        }
    }
}
