using System;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// A token the caller brought (Connect-PartnerCenter -AccessToken). It cannot be renewed, so once
    /// it expires the user is told to connect again instead of the API answering 401.
    /// </summary>
    internal sealed class SuppliedAccessTokenSource : ITokenSource
    {
        private readonly SecureString _token;
        private readonly JwtClaims _claims;
        private readonly string _tenant;

        public SuppliedAccessTokenSource(SecureString token, string tenant)
        {
            _token = token.Copy();
            _token.MakeReadOnly();
            _claims = JwtClaims.TryParse(SecureStrings.Reveal(token));
            _tenant = _claims?.TenantId ?? tenant;

            if (_claims != null && _claims.HasUnreadableExpiry)
            {
                _token.Dispose();
                throw UnreadableExpiry();
            }

            if (_claims?.ExpiresOn != null && _claims.ExpiresOn.Value <= DateTimeOffset.UtcNow)
            {
                _token.Dispose();
                throw Expired();
            }
        }

        public bool CanRenew
        {
            get { return false; }
        }

        public bool LastTokenIsAppOnly
        {
            get { return _claims != null && _claims.IsAppOnly; }
        }

        public PartnerCenterContext Describe(string environmentName)
        {
            return new PartnerCenterContext(
                _claims?.UserPrincipalName, _tenant, _claims?.ApplicationId, environmentName,
                PartnerCenterAuthenticationType.AccessToken, _claims?.ExpiresOn, _claims == null || _claims.IsAppOnly ? (bool?)null : _claims.HasMfa);
        }

        public Task<string> RenewRejectedAsync(string rejectedToken, IEngineLog log, CancellationToken cancellationToken)
        {
            // Not reached: CanRenew is false, so a rejected supplied token is reported, not renewed.
            return GetAccessTokenAsync(log, cancellationToken);
        }

        public Task<string> GetAccessTokenAsync(IEngineLog log, CancellationToken cancellationToken)
        {
            if (_claims?.ExpiresOn != null && _claims.ExpiresOn.Value <= DateTimeOffset.UtcNow)
            {
                throw Expired();
            }

            return Task.FromResult(SecureStrings.Reveal(_token));
        }

        public void SignOut()
        {
            // Nothing is cached beyond this object; Dispose clears the token itself.
        }

        public void Dispose()
        {
            _token.Dispose();
        }

        private static PartnerCenterException UnreadableExpiry()
        {
            // A token whose expiry cannot be known could never be refused as expired, so it is
            // refused now; Entra ID does not issue such tokens.
            return new PartnerCenterException(
                PartnerCenterErrorIds.InvalidResponse,
                PartnerCenterErrorKind.InvalidResponse,
                "The exp claim of the token given to Connect-PartnerCenter -AccessToken is not a valid time, so it is not a token Entra ID issued.")
            {
                RecommendedAction = "Obtain a new access token from Entra ID and run Connect-PartnerCenter -AccessToken again, or connect with "
                    + "-ApplicationId, -Credential and -RefreshToken (the secure application model) so the module obtains tokens itself.",
            };
        }

        private static PartnerCenterException Expired()
        {
            return new PartnerCenterException(
                PartnerCenterErrorIds.AccessTokenExpired,
                PartnerCenterErrorKind.Authentication,
                "The access token given to Connect-PartnerCenter has expired, and a supplied token cannot be renewed.")
            {
                RecommendedAction = "Obtain a new access token and run Connect-PartnerCenter -AccessToken again, or connect with "
                    + "-ApplicationId, -Credential and -RefreshToken so the module renews tokens itself.",
            };
        }
    }
}
