using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using PartnerCenterLicenses.Boundary;
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
        private readonly IClientApplicationBase _application;
        private readonly string[] _scopes;
        private readonly string _authority;
        private readonly PartnerCenterAuthenticationType _flow;
        // MSAL's own rule: a token in its last five minutes counts as expired and is renewed.
        private static readonly TimeSpan RenewalMargin = TimeSpan.FromMinutes(5);

        private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
        private IssuedToken _current;
        private IAccount _account;
        private DateTimeOffset? _expiresOn;
        private string _tenant;
        private bool _appOnly;

        public MsalTokenSource(IClientApplicationBase application, IEnumerable<string> scopes, string authority, PartnerCenterAuthenticationType flow)
        {
            _application = application;
            _scopes = scopes.ToArray();
            _authority = authority;
            _flow = flow;
        }

        public bool CanRenew
        {
            get { return true; }
        }

        public bool LastTokenIsAppOnly
        {
            get { return _appOnly; }
        }

        public PartnerCenterContext Describe(string environmentName)
        {
            return new PartnerCenterContext(
                _account?.Username, _tenant, _application.AppConfig.ClientId, environmentName, _flow, _expiresOn);
        }

        /// <summary>Records the first token of the session, got by the sign-in flow.</summary>
        public void Accept(AuthenticationResult result)
        {
            _account = result.Account ?? _account;
            Remember(result);
        }

        public async Task<string> GetAccessTokenAsync(bool forceRefresh, IEngineLog log, CancellationToken cancellationToken)
        {
            // The common case, a token well within its lifetime, is answered without MSAL's cache
            // lookup: per call that lookup costs more than the rest of the request set-up together.
            // The token is the one MSAL holds in memory anyway; renewal stays MSAL's.
            IssuedToken current = Volatile.Read(ref _current);
            if (!forceRefresh && current != null && current.ExpiresOn - RenewalMargin > DateTimeOffset.UtcNow)
            {
                return current.AccessToken;
            }

            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_account == null)
                {
                    _account = (await _application.GetAccountsAsync().ConfigureAwait(false)).FirstOrDefault();
                }

                AuthenticationResult result = await MsalFailures.RunAsync(
                    () => _application.AcquireTokenSilent(_scopes, _account).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken),
                    _authority,
                    cancellationToken).ConfigureAwait(false);

                if (result.AuthenticationResultMetadata?.TokenSource == TokenSource.Cache)
                {
                    log.Debug("Using the cached access token; it expires at " + result.ExpiresOn.ToString("u") + ".");
                }
                else
                {
                    log.Verbose("Renewed the access token from " + _authority + "; it expires at " + result.ExpiresOn.ToString("u") + ".");
                }

                Remember(result);
                return result.AccessToken;
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
                foreach (IAccount account in _application.GetAccountsAsync().GetAwaiter().GetResult())
                {
                    _application.RemoveAsync(account).GetAwaiter().GetResult();
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
            _gate.Dispose();
        }

        private void Remember(AuthenticationResult result)
        {
            Volatile.Write(ref _current, new IssuedToken(result.AccessToken, result.ExpiresOn));
            _expiresOn = result.ExpiresOn;
            _tenant = result.TenantId ?? _tenant;
            var claims = JwtClaims.TryParse(result.AccessToken);
            _appOnly = claims != null && claims.IsAppOnly;
        }

        /// <summary>An access token and its expiry, swapped as one so readers never see a mix.</summary>
        private sealed class IssuedToken
        {
            public IssuedToken(string accessToken, DateTimeOffset expiresOn)
            {
                AccessToken = accessToken;
                ExpiresOn = expiresOn;
            }

            public string AccessToken { get; }

            public DateTimeOffset ExpiresOn { get; }
        }
    }
}
