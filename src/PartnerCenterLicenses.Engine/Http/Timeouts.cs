using System;
using System.Globalization;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Client;

namespace PartnerCenterLicenses.Engine.Http
{
    /// <summary>
    /// The one place a timeout becomes the module's error, whichever wait ran out: Entra ID's answer,
    /// Partner Center's answer, or the next bytes of a Partner Center body. A user's Ctrl+C is never
    /// one of these: it stops the pipeline instead.
    /// </summary>
    internal static class Timeouts
    {
        private const string Action = "Try again later; Set-PartnerCenterRequestOption -TimeoutSec sets how long the module waits.";

        /// <summary>Entra ID did not answer a request in time.</summary>
        public static PartnerCenterException Authority(string authority, TimeSpan? timeout, Exception cause)
        {
            return new PartnerCenterException(
                PartnerCenterErrorIds.Timeout,
                PartnerCenterErrorKind.Timeout,
                "Microsoft Entra ID (" + authority + ") did not answer " + Within(timeout) + ".",
                cause)
            {
                RecommendedAction = Action,
            };
        }

        /// <summary>Partner Center did not answer a request in time.</summary>
        public static PartnerCenterException Request(TimeSpan timeout, RequestIds ids, Exception cause)
        {
            return HttpFailures.Failure(PartnerCenterErrorIds.Timeout, PartnerCenterErrorKind.Timeout, "Partner Center did not answer " + Within(timeout) + ".", ids, cause, Action);
        }

        /// <summary>A Partner Center body stopped arriving for longer than the timeout.</summary>
        public static PartnerCenterException Body(TimeSpan timeout, string cutShort, RequestIds ids, Exception cause)
        {
            return HttpFailures.Failure(PartnerCenterErrorIds.Timeout, PartnerCenterErrorKind.Timeout,
                "Partner Center sent nothing for " + Seconds(timeout) + " s while its response was being read." + cutShort, ids, cause, Action);
        }

        private static string Within(TimeSpan? timeout) => timeout == null ? "in time" : "within " + Seconds(timeout.Value) + " s";

        private static string Seconds(TimeSpan timeout) => timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);
    }
}
