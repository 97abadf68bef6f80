using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Engine.Authentication;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>The module's own loopback listener for the confidential browser sign-in.</summary>
    public class LoopbackRedirectListenerTests
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

        [Fact]
        public async Task An_answer_with_another_state_is_refused_and_the_one_with_the_right_state_is_taken()
        {
            using var listener = LoopbackRedirectListener.Start();
            using var patience = new CancellationTokenSource(Patience);
            var notes = new List<string>();
            Task<AuthorizationAnswer> waiting = listener.WaitAsync("expected-state", n => { lock (notes) { notes.Add(n); } }, patience.Token);
            using var browser = new HttpClient();

            HttpResponseMessage forged = await browser.GetAsync(new Uri(listener.RedirectUri, "?code=forged&state=other"));
            HttpResponseMessage elsewhere = await browser.GetAsync(new Uri(listener.RedirectUri, "favicon.ico"));
            HttpResponseMessage real = await browser.GetAsync(new Uri(listener.RedirectUri, "?code=the%2Bcode&state=expected-state&session_state=s"));
            AuthorizationAnswer answer = await waiting;

            Assert.StartsWith("http://localhost:", listener.RedirectUri.AbsoluteUri);
            Assert.Equal("/", listener.RedirectUri.AbsolutePath);
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
            Assert.Equal(HttpStatusCode.OK, real.StatusCode);
            Assert.Equal("the+code", answer.Code);
            Assert.Contains(notes, n => n.Contains("state"));
        }

        [Fact]
        public async Task A_form_post_answer_and_an_error_answer_are_read()
        {
            using var listener = LoopbackRedirectListener.Start();
            using var patience = new CancellationTokenSource(Patience);
            Task<AuthorizationAnswer> waiting = listener.WaitAsync("s", _ => { }, patience.Token);
            using var browser = new HttpClient();

            await browser.PostAsync(listener.RedirectUri, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["error"] = "access_denied",
                ["error_description"] = "AADSTS65004: User declined.",
                ["state"] = "s",
            }));
            AuthorizationAnswer answer = await waiting;

            Assert.Null(answer.Code);
            Assert.Equal("access_denied", answer.Error);
            Assert.Equal("AADSTS65004: User declined.", answer.ErrorDescription);
        }

        [Fact]
        public async Task The_wait_ends_at_cancellation()
        {
            using var listener = LoopbackRedirectListener.Start();
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listener.WaitAsync("s", _ => { }, stop.Token));
        }

        // A token already cancelled stops the listeners the moment the wait registers with it, before
        // the wait starts accepting: that must still read as the cancellation, not as "Not listening".
        [Fact]
        public async Task A_wait_whose_token_is_already_cancelled_ends_as_cancelled()
        {
            using var listener = LoopbackRedirectListener.Start();
            using var stop = new CancellationTokenSource();
            stop.Cancel();

            OperationCanceledException cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listener.WaitAsync("s", _ => { }, stop.Token));

            Assert.Equal(stop.Token, cancelled.CancellationToken);
        }

        // WaitAsync returns its task once its accepts are pending, so the cancellation lands right after the start.
        [Fact]
        public async Task A_wait_cancelled_right_after_it_started_ends_as_cancelled()
        {
            using var listener = LoopbackRedirectListener.Start();
            using var stop = new CancellationTokenSource();
            Task<AuthorizationAnswer> waiting = listener.WaitAsync("s", _ => { }, stop.Token);
            stop.Cancel();

            OperationCanceledException cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

            Assert.Equal(stop.Token, cancelled.CancellationToken);
        }
    }
}
