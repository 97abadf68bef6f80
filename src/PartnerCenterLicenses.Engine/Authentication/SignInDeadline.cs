using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// A sign-in waits for a person; it may take minutes, never forever, and never in silence. Only the
    /// sign-in's own limit becomes PartnerCenter.SignInTimedOut: a single request to Entra ID that times
    /// out is a Timeout, and the user's Ctrl+C stays a cancellation.
    /// </summary>
    internal static class SignInDeadline
    {
        /// <param name="command">The cmdlet to run again, for the recommended action.</param>
        /// <param name="timeout">How long a person has to complete the sign-in (-SignInTimeoutSec).</param>
        /// <param name="signIn">The sign-in, given a token that is cancelled when the time is up.</param>
        /// <param name="cancellationToken">The user's cancellation.</param>
        public static async Task<T> RunAsync<T>(string command, TimeSpan timeout, Func<CancellationToken, Task<T>> signIn, CancellationToken cancellationToken)
        {
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                limit.CancelAfter(timeout);
                try
                {
                    return await signIn(limit.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new PartnerCenterException(
                        PartnerCenterErrorIds.SignInTimedOut,
                        PartnerCenterErrorKind.Timeout,
                        "The sign-in was not completed within " + Describe(timeout) + ", so " + command + " stopped waiting.",
                        e)
                    {
                        RecommendedAction = "Run " + command + " again and complete the sign-in in time; to allow longer, add "
                            + "-SignInTimeoutSec <seconds>.",
                    };
                }
            }
        }

        /// <summary>
        /// Says once, on the warning stream (which reaches the console, transcripts and job output alike),
        /// that the browser was opened, where its answer comes back and how long the wait lasts: without it
        /// the console shows nothing until the person is done. Only an interactive flow gets here.
        /// </summary>
        public static void AnnounceBrowser(IEngineLog log, Uri authorize, TimeSpan timeout)
        {
            string redirect = QueryValue(authorize, "redirect_uri");
            log.Warning("A browser was opened to sign in. Waiting up to " + Describe(timeout) + " for the sign-in"
                + (redirect != null ? " to come back to " + redirect : string.Empty)
                + " (-SignInTimeoutSec changes it; Ctrl+C stops).");
        }

        /// <summary>The wait in words: "5 minutes", "90 seconds".</summary>
        public static string Describe(TimeSpan timeout)
        {
            double seconds = Math.Round(timeout.TotalSeconds);
            return seconds >= 60 && seconds % 60 == 0
                ? (seconds / 60).ToString(CultureInfo.InvariantCulture) + (seconds == 60 ? " minute" : " minutes")
                : seconds.ToString(CultureInfo.InvariantCulture) + (seconds == 1 ? " second" : " seconds");
        }

        private static string QueryValue(Uri uri, string name)
        {
            string query = uri?.Query ?? string.Empty;
            foreach (string pair in query.TrimStart('?').Split('&'))
            {
                int equals = pair.IndexOf('=');
                if (equals > 0 && pair.Substring(0, equals) == name)
                {
                    return Uri.UnescapeDataString(pair.Substring(equals + 1).Replace('+', ' '));
                }
            }

            return null;
        }
    }
}
