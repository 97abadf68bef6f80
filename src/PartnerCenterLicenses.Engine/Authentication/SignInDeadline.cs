using System;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// A sign-in waits for a person; it may take minutes, never forever. Only the sign-in's own limit
    /// becomes PartnerCenter.SignInTimedOut: a single request to Entra ID that times out is a Timeout,
    /// and the user's Ctrl+C stays a cancellation.
    /// </summary>
    internal static class SignInDeadline
    {
        /// <summary>How long a person has to complete a sign-in before it is abandoned.</summary>
        public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

        /// <param name="command">The cmdlet to run again, for the recommended action.</param>
        /// <param name="signIn">The sign-in, given a token that is cancelled when the time is up.</param>
        /// <param name="cancellationToken">The user's cancellation.</param>
        public static async Task<T> RunAsync<T>(string command, Func<CancellationToken, Task<T>> signIn, CancellationToken cancellationToken)
        {
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                limit.CancelAfter(Timeout);
                try
                {
                    return await signIn(limit.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new PartnerCenterException(
                        PartnerCenterErrorIds.SignInTimedOut,
                        PartnerCenterErrorKind.Timeout,
                        "The sign-in was not completed within " + Timeout.TotalMinutes + " minutes.",
                        e)
                    {
                        RecommendedAction = "Run " + command + " again and complete the sign-in in time.",
                    };
                }
            }
        }
    }
}
