using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine;
using PartnerCenterLicenses.Engine.Authentication;
using PartnerCenterLicenses.Engine.Client;
using PartnerCenterLicenses.Models;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>A session replaced or ended while calls are in flight is released only when the last of them ends.</summary>
    public class SessionLeaseTests
    {
        private static (PartnerCenterSession Session, CountingTokens Tokens) NewSession()
        {
            var tokens = new CountingTokens();
            var environment = new PartnerCenterEnvironment("Unit", new Uri("https://login.example.test"), new Uri("https://pc.example.test"), "https://pc.example.test", false);
            return (new PartnerCenterSession(environment, tokens, new PartnerCenterClient(new HttpClientHandler(), environment.PartnerCenterEndpoint, tokens)), tokens);
        }

        [Fact]
        public void A_session_let_go_of_while_a_call_holds_it_stays_usable_until_the_call_ends()
        {
            var (session, tokens) = NewSession();
            Assert.True(session.TryLease());

            session.Release();
            Assert.Equal(0, tokens.Disposed);

            session.Release();
            Assert.Equal(1, tokens.Disposed);
            Assert.False(session.TryLease());
        }

        [Fact]
        public void Signing_out_forgets_the_tokens_at_once_and_releases_after_the_last_call()
        {
            var (session, tokens) = NewSession();
            Assert.True(session.TryLease());
            Assert.True(session.TryLease());

            session.SignOut();
            Assert.Equal(1, tokens.SignedOut);
            session.Release();
            Assert.Equal(0, tokens.Disposed);
            session.Release();
            Assert.Equal(1, tokens.Disposed);
        }

        [Fact]
        public void Leases_taken_and_returned_from_many_threads_release_the_session_exactly_once()
        {
            var (session, tokens) = NewSession();
            Parallel.For(0, 10000, _ =>
            {
                Assert.True(session.TryLease());
                session.Release();
            });

            Assert.Equal(0, tokens.Disposed);
            session.Release();
            Assert.Equal(1, tokens.Disposed);
        }

        private sealed class CountingTokens : ITokenSource
        {
            private int _disposed;
            private int _signedOut;

            public int Disposed => Volatile.Read(ref _disposed);

            public int SignedOut => Volatile.Read(ref _signedOut);

            public bool CanRenew => false;
            public bool LastTokenIsAppOnly => false;
            public PartnerCenterContext Describe(string environmentName) => null;
            public Task<string> GetAccessTokenAsync(IEngineLog log, CancellationToken cancellationToken) => Task.FromResult("t");
            public Task<string> RenewRejectedAsync(string rejectedToken, IEngineLog log, CancellationToken cancellationToken) => Task.FromResult("t");
            public void SignOut() => Interlocked.Increment(ref _signedOut);
            public void Dispose() => Interlocked.Increment(ref _disposed);
        }
    }
}
