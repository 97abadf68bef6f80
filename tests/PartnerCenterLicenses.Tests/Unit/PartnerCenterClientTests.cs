using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Authentication;
using PartnerCenterLicenses.Engine.Client;
using PartnerCenterLicenses.Models;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>The HTTP pipeline: retries, back-off, Retry-After, redirects and cancellation, against a scripted handler.</summary>
    public class PartnerCenterClientTests
    {
        // The seed's resource, opened as the engine opens it for Get-PartnerLicenseDeployment.
        private static Task<StreamReading.FirstRead<PartnerLicensesDeploymentInsights>> OpenDeployment(PartnerCenterClient client, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
        {
            return client.OpenAsync(PartnerLicensesDeploymentInsights.Resource.Request(), call, log, cancellationToken);
        }

        private const string Token = "test-access-token";
        private static readonly Uri Endpoint = new Uri("https://pc.example.test");

        private static readonly PartnerCenterRequestOptions Fast =
            new PartnerCenterRequestOptions(TimeSpan.FromSeconds(10), maxRetryCount: 3, maxRetryWait: TimeSpan.FromSeconds(10), retryBaseDelay: TimeSpan.FromMilliseconds(10));

        private static HttpResponseMessage Json(HttpStatusCode status, string body = null)
        {
            return new HttpResponseMessage(status) { Content = new StringContent(body ?? SeedDocument.ResponseBody, Encoding.UTF8, "application/json") };
        }

        private static async Task<(List<PartnerLicensesDeploymentInsights> Items, PartnerCenterException Error, TestLog Log)> GetAsync(
            ScriptedHandler handler, PartnerCenterRequestOptions options = null, CancellationToken cancellationToken = default)
        {
            var log = new TestLog();
            var client = new PartnerCenterClient(handler, Endpoint, new FixedToken());
            var items = new List<PartnerLicensesDeploymentInsights>();
            try
            {
                using (var reader = await OpenDeployment(client, new CmdletCall(Guid.NewGuid(), "en-US", options ?? Fast), log, cancellationToken))
                {
                    while (reader.TryReadNext(out var item))
                    {
                        items.Add(item);
                    }
                }

                return (items, null, log);
            }
            catch (PartnerCenterException e)
            {
                return (items, e, log);
            }
        }

        [Fact]
        public async Task A_customer_answer_larger_than_one_customer_can_be_is_refused_before_it_is_parsed()
        {
            // 65 MB of JSON-typed body, made as it is read: the reader stops at its 64 MB limit.
            var handler = new ScriptedHandler(_ =>
            {
                var content = new StreamContent(new EndlessBody(65L * 1024 * 1024));
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
            });
            var client = new PartnerCenterClient(handler, Endpoint, new FixedToken());

            var error = await Assert.ThrowsAsync<PartnerCenterException>(() => client.ReadAllAsync(
                CustomerLicensesDeploymentInsights.Resource.Request(new CustomerId(Guid.NewGuid())), new CmdletCall(Guid.NewGuid(), "en-US", Fast), new TestLog(), CancellationToken.None));

            Assert.Equal(PartnerCenterErrorIds.InvalidResponse, error.ErrorId);
            Assert.Equal(PartnerCenterErrorKind.InvalidResponse, error.Kind);
            Assert.Contains("larger than 64 MB", error.Message);
            Assert.Single(handler.Requests);
        }

        /// <summary>A body of spaces of the given length, never held in memory.</summary>
        private sealed class EndlessBody : System.IO.Stream
        {
            private long _left;

            public EndlessBody(long length) { _left = length; }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count)
            {
                int n = (int)Math.Min(count, _left);
                for (int i = 0; i < n; i++)
                {
                    buffer[offset + i] = (byte)' ';
                }

                _left -= n;
                return n;
            }

            public override void Flush() { }
            public override long Seek(long offset, System.IO.SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }

        [Fact]
        public async Task Transient_statuses_are_retried_until_success_and_each_retry_is_reported_with_its_request_id()
        {
            var handler = new ScriptedHandler(
                _ => Json(HttpStatusCode.ServiceUnavailable, "{}"),
                _ => Json(HttpStatusCode.BadGateway, "{}"),
                _ => Json(HttpStatusCode.OK));

            var (items, error, log) = await GetAsync(handler);

            Assert.Null(error);
            Assert.Equal(2, items.Count);
            Assert.Equal(3, handler.Requests.Count);
            var retries = log.Lines.Where(l => l.Contains("Retrying in")).ToList();
            Assert.Equal(2, retries.Count);
            Assert.Contains("503", retries[0]);
            Assert.Contains(handler.Requests[0].Headers.GetValues("MS-RequestId").Single(), retries[0]);
            Assert.Contains("retry 1 of 3", retries[0]);
            Assert.Single(handler.Requests.Select(r => r.Headers.GetValues("MS-CorrelationId").Single()).Distinct());
            Assert.Equal(3, handler.Requests.Select(r => r.Headers.GetValues("MS-RequestId").Single()).Distinct().Count());
        }

        [Theory]
        [InlineData(HttpStatusCode.BadRequest)]
        [InlineData(HttpStatusCode.Forbidden)]
        [InlineData(HttpStatusCode.NotFound)]
        public async Task Non_transient_failures_are_not_retried(HttpStatusCode status)
        {
            var handler = new ScriptedHandler(_ => Json(status, "{\"code\":1,\"description\":\"no\"}"));

            var (_, error, _) = await GetAsync(handler);

            Assert.NotNull(error);
            Assert.Single(handler.Requests);
        }

        [Fact]
        public async Task When_retries_run_out_the_last_failure_is_reported_saying_how_often_it_was_tried()
        {
            var handler = new ScriptedHandler(_ => Json(HttpStatusCode.InternalServerError, "{\"code\":\"500\",\"description\":\"down\"}"));

            var (_, error, _) = await GetAsync(handler);

            Assert.Equal(PartnerCenterErrorIds.ServiceError, error.ErrorId);
            Assert.Contains("Gave up after 3 retries", error.Message);
            Assert.Equal(4, handler.Requests.Count);
        }

        [Fact]
        public async Task Retry_after_in_seconds_is_honoured()
        {
            var handler = new ScriptedHandler(
                _ => { var r = Json((HttpStatusCode)429, "{}"); r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1)); return r; },
                _ => Json(HttpStatusCode.OK));

            var (items, error, log) = await GetAsync(handler);

            Assert.Null(error);
            Assert.Equal(2, items.Count);
            Assert.True(handler.Requests.Count == 2);
            Assert.True(handler.Times[1] - handler.Times[0] >= TimeSpan.FromMilliseconds(950), (handler.Times[1] - handler.Times[0]).ToString());
            Assert.Contains(log.Lines, l => l.Contains("Retrying in 1.0 s") && l.Contains("Retry-After"));
        }

        [Fact]
        public async Task Retry_after_as_an_http_date_is_honoured()
        {
            var handler = new ScriptedHandler(
                _ => { var r = Json(HttpStatusCode.ServiceUnavailable, "{}"); r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddSeconds(2)); return r; },
                _ => Json(HttpStatusCode.OK));

            var (items, error, _) = await GetAsync(handler);

            Assert.Null(error);
            Assert.True(handler.Times[1] - handler.Times[0] >= TimeSpan.FromMilliseconds(900), (handler.Times[1] - handler.Times[0]).ToString());
        }

        [Fact]
        public async Task A_retry_after_longer_than_the_wait_budget_is_reported_at_once_as_throttling()
        {
            var options = new PartnerCenterRequestOptions(TimeSpan.FromSeconds(10), 3, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(10));
            var handler = new ScriptedHandler(_ => { var r = Json((HttpStatusCode)429, "{}"); r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(60)); return r; });
            var watch = Stopwatch.StartNew();

            var (_, error, _) = await GetAsync(handler, options);

            Assert.Equal(PartnerCenterErrorIds.Throttled, error.ErrorId);
            Assert.Contains("accept requests again at", error.Message);
            Assert.Contains("later than this call could still wait", error.Message);
            Assert.Single(handler.Requests);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        }

        [Fact]
        public async Task Transport_faults_are_retried()
        {
            var handler = new ScriptedHandler(
                _ => throw new HttpRequestException("Connection refused"),
                _ => Json(HttpStatusCode.OK));

            var (items, error, _) = await GetAsync(handler);

            Assert.Null(error);
            Assert.Equal(2, items.Count);
        }

        [Fact]
        public async Task A_request_that_exceeds_its_timeout_is_retried_then_reported_as_a_timeout()
        {
            var options = new PartnerCenterRequestOptions(TimeSpan.FromMilliseconds(200), 1, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(10));
            var handler = new ScriptedHandler(_ => null) { Delay = TimeSpan.FromSeconds(30) };

            var (_, error, _) = await GetAsync(handler, options);

            Assert.Equal(PartnerCenterErrorIds.Timeout, error.ErrorId);
            Assert.Equal(PartnerCenterErrorKind.Timeout, error.Kind);
            Assert.Equal(2, handler.Requests.Count);
        }

        [Fact]
        public async Task Cancelling_during_a_back_off_ends_the_wait_within_a_second()
        {
            // The cancellation comes 300 ms after the 503 with its 8 s Retry-After is handed back, so it
            // lands in the wait whatever the set-up before cost; the clock starts when it comes.
            using var cancel = new CancellationTokenSource();
            var sinceCancelled = new Stopwatch();
            using CancellationTokenRegistration started = cancel.Token.Register(() => sinceCancelled.Start());
            var handler = new ScriptedHandler(_ =>
            {
                var r = Json(HttpStatusCode.ServiceUnavailable, "{}");
                r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(8));
                cancel.CancelAfter(TimeSpan.FromMilliseconds(300));
                return r;
            });

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => GetAsync(handler, cancellationToken: cancel.Token));

            // "Within a second" is the behaviour, so it keeps its bound, counted from the cancellation:
            // an honoured cancellation ends the wait in milliseconds, an ignored one after the 8 s.
            Assert.Single(handler.Requests);
            Assert.True(sinceCancelled.Elapsed < TimeSpan.FromSeconds(1), sinceCancelled.Elapsed.ToString());
        }

        [Fact]
        public async Task A_redirect_to_another_host_does_not_carry_the_access_token()
        {
            var handler = new ScriptedHandler(
                _ => { var r = new HttpResponseMessage(HttpStatusCode.Redirect); r.Headers.Location = new Uri("https://pc.example.test/v1/moved"); return r; },
                _ => { var r = new HttpResponseMessage(HttpStatusCode.TemporaryRedirect); r.Headers.Location = new Uri("https://elsewhere.example.test/v1/analytics"); return r; },
                _ => Json(HttpStatusCode.OK));

            var (items, error, _) = await GetAsync(handler);

            Assert.Null(error);
            Assert.Equal(2, items.Count);
            Assert.Equal("Bearer " + Token, handler.Requests[0].Headers.Authorization.ToString());
            Assert.Equal("Bearer " + Token, handler.Requests[1].Headers.Authorization.ToString());
            Assert.Equal("elsewhere.example.test", handler.Requests[2].RequestUri.Host);
            Assert.Null(handler.Requests[2].Headers.Authorization);
        }

        [Fact]
        public async Task Debug_logging_never_shows_the_access_token()
        {
            var handler = new ScriptedHandler(_ => Json(HttpStatusCode.ServiceUnavailable, "{}"), _ => Json(HttpStatusCode.OK));

            var (_, _, log) = await GetAsync(handler);

            Assert.Contains(log.Lines, l => l.Contains("Bearer <redacted>"));
            Assert.DoesNotContain(log.Lines, l => l.Contains(Token));
        }

        [Fact]
        public void Back_off_grows_exponentially_with_jitter_and_stops_at_the_retry_count()
        {
            var options = new PartnerCenterRequestOptions(TimeSpan.FromSeconds(10), 4, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(1));
            var policy = new RetryPolicy(null, new HttpClientHandler(), new Random(7));

            for (int retry = 0; retry < 4; retry++)
            {
                double step = Math.Pow(2, retry);
                TimeSpan delay = policy.NextDelay(options, retry, TimeSpan.Zero, null).Value;
                Assert.InRange(delay.TotalSeconds, step / 2, step);
            }

            Assert.Null(policy.NextDelay(options, 4, TimeSpan.Zero, null));
            Assert.Null(policy.NextDelay(options, 0, TimeSpan.FromSeconds(99.9), TimeSpan.FromSeconds(1)));
            Assert.Equal(TimeSpan.FromSeconds(3), policy.NextDelay(options, 0, TimeSpan.Zero, TimeSpan.FromSeconds(3)));
        }

        [Theory]
        [InlineData("120", 120.0)]
        [InlineData(" 0 ", 0.0)]
        [InlineData("99999999", 99999999.0)]
        [InlineData("99999999999999999999999999", 3650 * 86400.0)]
        [InlineData("Sun, 06 Nov 1994 08:49:37 GMT", 0.0)]
        [InlineData("Fri, 31 Dec 9999 23:59:59 GMT", 3650 * 86400.0)]
        [InlineData("Sunday, 06-Nov-94 08:49:37 GMT", 0.0)]
        [InlineData("soon", null)]
        [InlineData("-5", null)]
        [InlineData("1.5", null)]
        public void Retry_after_reads_seconds_of_any_size_and_dates_past_or_far_and_ignores_garbage(string header, double? seconds)
        {
            var response = new HttpResponseMessage((HttpStatusCode)429);
            response.Headers.TryAddWithoutValidation("Retry-After", header);

            TimeSpan? after = RetryPolicy.RetryAfter(response, DateTimeOffset.UtcNow);

            Assert.Equal(seconds, after?.TotalSeconds);
        }

        [Fact]
        public void Retry_after_as_a_date_is_counted_from_now()
        {
            var response = new HttpResponseMessage((HttpStatusCode)429);
            var now = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
            response.Headers.TryAddWithoutValidation("Retry-After", "Tue, 01 Jan 2030 01:00:00 GMT");

            Assert.Equal(TimeSpan.FromHours(1), RetryPolicy.RetryAfter(response, now));
        }

        [Fact]
        public async Task A_retry_after_a_timeout_sends_the_same_request_id_and_one_after_an_answer_a_new_one()
        {
            var options = new PartnerCenterRequestOptions(TimeSpan.FromMilliseconds(300), 3, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(10));
            int calls = 0;
            var handler = new ScriptedHandler(_ => null) { Delay = TimeSpan.Zero };
            handler.Respond = async (request, token) =>
            {
                switch (Interlocked.Increment(ref calls))
                {
                    case 1: await Task.Delay(TimeSpan.FromSeconds(30), token); return null;
                    case 2: throw new HttpRequestException("Connection reset by peer");
                    case 3: return Json(HttpStatusCode.ServiceUnavailable, "{}");
                    default: return Json(HttpStatusCode.OK);
                }
            };

            var (items, error, _) = await GetAsync(handler, options);

            Assert.Null(error);
            Assert.Equal(2, items.Count);
            var ids = handler.Requests.Select(r => r.Headers.GetValues("MS-RequestId").Single()).ToList();
            Assert.Equal(4, ids.Count);
            Assert.Equal(ids[0], ids[1]);
            Assert.Equal(ids[1], ids[2]);
            Assert.NotEqual(ids[2], ids[3]);
        }

        [Theory]
        [InlineData("http://pc.example.test/v1/analytics/licenses/deployment")]
        [InlineData("ftp://pc.example.test/deployment")]
        [InlineData("http://127.0.0.1:1/x")]
        public async Task A_redirect_away_from_https_is_refused_and_nothing_is_sent_there(string location)
        {
            var handler = new ScriptedHandler(
                _ => { var r = new HttpResponseMessage(HttpStatusCode.Found); r.Headers.Location = new Uri(location); return r; },
                _ => Json(HttpStatusCode.OK));

            var (items, error, _) = await GetAsync(handler);

            Assert.Equal(PartnerCenterErrorIds.InsecureRedirectRefused, error.ErrorId);
            Assert.Equal(PartnerCenterErrorKind.Security, error.Kind);
            Assert.Empty(items);
            Assert.Single(handler.Requests);
        }

        [Fact]
        public async Task A_retry_after_a_redirect_starts_again_from_the_url_the_call_asked_for()
        {
            var handler = new ScriptedHandler(
                _ => { var r = new HttpResponseMessage(HttpStatusCode.TemporaryRedirect); r.Headers.Location = new Uri("https://mirror.example.test/v1/analytics/licenses/deployment"); return r; },
                _ => Json(HttpStatusCode.ServiceUnavailable, "{}"),
                _ => Json(HttpStatusCode.OK));

            var (items, error, _) = await GetAsync(handler);

            Assert.Null(error);
            Assert.Equal(new[] { "pc.example.test", "mirror.example.test", "pc.example.test" }, handler.Requests.Select(r => r.RequestUri.Host));
            Assert.NotNull(handler.Requests[2].Headers.Authorization);
        }

        [Fact]
        public async Task A_401_from_a_redirect_target_is_reported_without_renewing_the_token()
        {
            var tokens = new RenewableToken();
            var handler = new ScriptedHandler(
                _ => { var r = new HttpResponseMessage(HttpStatusCode.TemporaryRedirect); r.Headers.Location = new Uri("https://mirror.example.test/x"); return r; },
                _ => Json(HttpStatusCode.Unauthorized, "{\"code\":900420}"));
            var client = new PartnerCenterClient(handler, Endpoint, tokens);

            var error = await Assert.ThrowsAsync<PartnerCenterException>(() => OpenDeployment(client, new CmdletCall(Guid.NewGuid(), "en-US", Fast), new TestLog(), CancellationToken.None));

            Assert.Equal(PartnerCenterErrorIds.Unauthorized, error.ErrorId);
            Assert.Equal(0, tokens.Renewals);
            Assert.Equal(2, handler.Requests.Count);
        }

        [Fact]
        public async Task A_401_from_partner_center_renews_the_rejected_token_once_and_sends_again()
        {
            var tokens = new RenewableToken();
            var handler = new ScriptedHandler(_ => Json(HttpStatusCode.Unauthorized, "{\"code\":900420}"), _ => Json(HttpStatusCode.OK));
            var client = new PartnerCenterClient(handler, Endpoint, tokens);

            using (var reader = await OpenDeployment(client, new CmdletCall(Guid.NewGuid(), "en-US", Fast), new TestLog(), CancellationToken.None))
            {
                Assert.True(reader.TryReadNext(out _));
            }

            Assert.Equal(1, tokens.Renewals);
            Assert.Equal("token-1", tokens.LastRejected);
            Assert.Equal("Bearer token-2", handler.Requests[1].Headers.Authorization.ToString());
        }

        [Fact]
        public async Task A_slow_reader_of_a_received_body_is_not_timed_out()
        {
            var options = new PartnerCenterRequestOptions(TimeSpan.FromMilliseconds(300), 0, TimeSpan.Zero, TimeSpan.Zero);
            string item = "{\"serviceName\":\"s\",\"channel\":\"c\",\"licensesSold\":1,\"proratedDeploymentPercent\":0.5,\"processedDateTime\":\"2017-03-14T03:25:16Z\"}";
            string body = "{\"totalCount\":40,\"items\":[" + string.Join(",", Enumerable.Repeat(item, 40)) + "]}";
            var handler = new ScriptedHandler(_ => Json(HttpStatusCode.OK, body));
            var client = new PartnerCenterClient(handler, Endpoint, new FixedToken());

            int read = 0;
            using (var reader = await OpenDeployment(client, new CmdletCall(Guid.NewGuid(), "en-US", options), new TestLog(), CancellationToken.None))
            {
                while (reader.TryReadNext(out _))
                {
                    read++;
                    Thread.Sleep(25);
                }
            }

            Assert.Equal(40, read);
        }

        private sealed class RenewableToken : ITokenSource
        {
            private int _generation = 1;

            public int Renewals { get; private set; }

            public string LastRejected { get; private set; }

            public bool CanRenew => true;
            public bool LastTokenIsAppOnly => false;
            public PartnerCenterContext Describe(string environmentName) => null;
            public Task<string> GetAccessTokenAsync(IEngineLog log, CancellationToken cancellationToken) => Task.FromResult("token-" + _generation);

            public Task<string> RenewRejectedAsync(string rejectedToken, IEngineLog log, CancellationToken cancellationToken)
            {
                Renewals++;
                LastRejected = rejectedToken;
                _generation++;
                return Task.FromResult("token-" + _generation);
            }

            public void SignOut() { }
            public void Dispose() { }
        }

        private sealed class FixedToken : ITokenSource
        {
            public bool CanRenew => false;
            public bool LastTokenIsAppOnly => false;
            public PartnerCenterContext Describe(string environmentName) => null;
            public Task<string> GetAccessTokenAsync(IEngineLog log, CancellationToken cancellationToken) => Task.FromResult(Token);
            public Task<string> RenewRejectedAsync(string rejectedToken, IEngineLog log, CancellationToken cancellationToken) => Task.FromResult(Token);
            public void SignOut() { }
            public void Dispose() { }
        }

        /// <summary>Answers each request with the next scripted response (the last one repeats) and records what it got.</summary>
        internal sealed class ScriptedHandler : HttpMessageHandler
        {
            private readonly Func<HttpRequestMessage, HttpResponseMessage>[] _script;
            private int _next;

            public ScriptedHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] script)
            {
                _script = script;
            }

            public TimeSpan Delay { get; set; }

            /// <summary>When set, answers every request instead of the script (it may wait or throw).</summary>
            public Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Respond { get; set; }

            public List<HttpRequestMessage> Requests { get; } = new List<HttpRequestMessage>();

            public List<DateTimeOffset> Times { get; } = new List<DateTimeOffset>();

            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                lock (Requests)
                {
                    Requests.Add(request);
                    Times.Add(DateTimeOffset.UtcNow);
                }

                if (Respond != null)
                {
                    return await Respond(request, cancellationToken);
                }

                if (Delay > TimeSpan.Zero)
                {
                    await Task.Delay(Delay, cancellationToken);
                }

                var step = _script[Math.Min(_next++, _script.Length - 1)];
                return step(request);
            }
        }
    }
}
