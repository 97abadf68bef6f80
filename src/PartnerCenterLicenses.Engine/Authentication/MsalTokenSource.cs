using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Http;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// Tokens from an MSAL application and its in-memory cache. MSAL hands out the cached access token
    /// until shortly before it expires and then redeems the cached (rotated) refresh token; the gate
    /// makes concurrent callers share one renewal instead of each sending their own.
    /// </summary>
    internal sealed class MsalTokenSource : ITokenSource
    {
        // MSAL's own rule: a token in its last five minutes counts as expired and is renewed.
        private static readonly TimeSpan RenewalMargin = TimeSpan.FromMinutes(5);

        private readonly MsalApplication _msal;
        private readonly CertificateFailures _certificates;
        private readonly PartnerCenterAuthenticationType _authenticationType;
        private readonly Action<PartnerCenterException> _refreshTokenRefused;
        private readonly RefreshTokenApplication _application;
        private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
        private IssuedToken _current;
        private IAccount _account;
        private string _tenant;

        /// <param name="msal">The application the session signed in with.</param>
        /// <param name="certificates">Why server certificates were refused, for messages.</param>
        /// <param name="authenticationType">How the session signed in.</param>
        /// <param name="refreshTokenRefused">Says what to do once Entra ID rejects the session's refresh token.</param>
        /// <param name="application">The application whose refresh token the session redeems (the secure application model); null for a person's sign-in.</param>
        public MsalTokenSource(
            MsalApplication msal, CertificateFailures certificates, PartnerCenterAuthenticationType authenticationType, Action<PartnerCenterException> refreshTokenRefused,
            RefreshTokenApplication application = null)
        {
            _application = application;
            _msal = msal;
            _certificates = certificates;
            _authenticationType = authenticationType;
            _refreshTokenRefused = refreshTokenRefused;
        }

        public bool CanRenew => true;

        public bool LastTokenIsAppOnly => Volatile.Read(ref _current)?.IsAppOnly ?? false;

        /// <summary>The application an admin agent gets a new refresh token for, when the session redeems one; null otherwise.</summary>
        public RefreshTokenApplication Application => _application;

        public PartnerCenterContext Describe(string environmentName)
        {
            IssuedToken current = Volatile.Read(ref _current);
            return new PartnerCenterContext(
                _account?.Username, _tenant, _msal.Application.AppConfig.ClientId, environmentName, _authenticationType, current?.ExpiresOn, current?.HasMfa);
        }

        /// <summary>Records the first token of the session, got by the sign-in flow.</summary>
        public void Accept(AuthenticationResult result)
        {
            _account = result.Account ?? _account;
            Remember(result);
        }

        public async Task<string> GetAccessTokenAsync(IEngineLog log, CancellationToken cancellationToken)
        {
            // The common case, a token well within its lifetime, is answered without MSAL's cache
            // lookup: per call that lookup costs more than the rest of the request set-up together.
            // The token is the one MSAL holds in memory anyway; renewal stays MSAL's.
            string fresh = FreshToken();
            if (fresh != null)
            {
                return fresh;
            }

            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Another caller may have renewed it while this one waited at the gate.
                return FreshToken() ?? await AcquireAsync(forceRefresh: false, log, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }

        public async Task<string> RenewRejectedAsync(string rejectedToken, IEngineLog log, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                IssuedToken current = Volatile.Read(ref _current);
                if (current != null && !string.Equals(current.AccessToken, rejectedToken, StringComparison.Ordinal) && IsFresh(current))
                {
                    log.Verbose("The rejected access token was already renewed by another call; using the new one.");
                    return current.AccessToken;
                }

                return await AcquireAsync(forceRefresh: true, log, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }

        public void SignOut()
        {
            Volatile.Write(ref _current, null);

            // Removing the accounts clears them from the in-memory cache and, when the cache is
            // persisted for the user, from the file or store behind it.
            try
            {
                foreach (IAccount account in _msal.Application.GetAccountsAsync().GetAwaiter().GetResult())
                {
                    _msal.Application.RemoveAsync(account).GetAwaiter().GetResult();
                }
            }
            catch (MsalException)
            {
                // Forgetting tokens cannot fail in a way the user could act on.
            }
        }

        public void Dispose()
        {
            Volatile.Write(ref _current, null);
            _msal.Dispose();
        }

        private string FreshToken()
        {
            IssuedToken current = Volatile.Read(ref _current);
            return current != null && IsFresh(current) ? current.AccessToken : null;
        }

        private static bool IsFresh(IssuedToken token)
        {
            return token.ExpiresOn - RenewalMargin > DateTimeOffset.UtcNow;
        }

        // Called inside the gate only.
        private async Task<string> AcquireAsync(bool forceRefresh, IEngineLog log, CancellationToken cancellationToken)
        {
            if (_account == null)
            {
                _account = (await _msal.Application.GetAccountsAsync().ConfigureAwait(false)).FirstOrDefault();
            }

            AuthenticationResult result = await MsalFailures.RunAsync(
                () => _msal.Application.AcquireTokenSilent(_msal.Scopes, _account).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken),
                _msal.Authority,
                _certificates,
                cancellationToken,
                _refreshTokenRefused,
                _msal.Credential).ConfigureAwait(false);

            if (result.AuthenticationResultMetadata?.TokenSource == TokenSource.Cache)
            {
                log.Debug("Using the cached access token; it expires at " + result.ExpiresOn.ToString("u") + ".");
            }
            else
            {
                log.Verbose("Renewed the access token from " + _msal.Authority + "; it expires at " + result.ExpiresOn.ToString("u") + ".");
            }

            Remember(result);
            return result.AccessToken;
        }

        private void Remember(AuthenticationResult result)
        {
            var claims = JwtClaims.TryParse(result.AccessToken);
            bool? mfa = claims == null || claims.IsAppOnly ? (bool?)null : claims.HasMfa;
            Volatile.Write(ref _current, new IssuedToken(result.AccessToken, result.ExpiresOn, claims != null && claims.IsAppOnly, mfa));
            _tenant = result.TenantId ?? _tenant;
        }

        /// <summary>An access token and what is known of it, swapped as one so readers never see a mix.</summary>
        private sealed class IssuedToken
        {
            public IssuedToken(string accessToken, DateTimeOffset expiresOn, bool isAppOnly, bool? hasMfa)
            {
                HasMfa = hasMfa;
                AccessToken = accessToken;
                ExpiresOn = expiresOn;
                IsAppOnly = isAppOnly;
            }

            public string AccessToken { get; }

            public DateTimeOffset ExpiresOn { get; }

            public bool IsAppOnly { get; }

            public bool? HasMfa { get; }
        }
    }
}
