using System;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>Where a session's access tokens come from.</summary>
    internal interface ITokenSource : IDisposable
    {
        /// <summary>True when a rejected token can be replaced without the user (a refresh token is held).</summary>
        bool CanRenew { get; }

        /// <summary>True when the last token handed out carries no user (roles, no scp).</summary>
        bool LastTokenIsAppOnly { get; }

        /// <summary>Describes the session for Get-PartnerCenterContext; never includes a token.</summary>
        PartnerCenterContext Describe(string environmentName);

        /// <summary>
        /// Forgets the session's tokens wherever they are cached (Disconnect-PartnerCenter). Not done
        /// when a new Connect merely replaces the session: with a persisted cache the new session may
        /// be using the very same cached account.
        /// </summary>
        void SignOut();

        /// <summary>Returns a valid access token, renewing it when it is about to expire.</summary>
        Task<string> GetAccessTokenAsync(IEngineLog log, CancellationToken cancellationToken);

        /// <summary>
        /// Replaces a token Partner Center rejected. Many calls rejected with the same token share one
        /// renewal: when the token has already been replaced, the replacement is returned as it is.
        /// </summary>
        Task<string> RenewRejectedAsync(string rejectedToken, IEngineLog log, CancellationToken cancellationToken);
    }
}
