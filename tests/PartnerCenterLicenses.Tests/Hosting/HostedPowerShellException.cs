using System;

namespace PartnerCenterLicenses.Tests.Hosting
{
    /// <summary>
    /// The child PowerShell host failed to produce a result: it exited non-zero, wrote something
    /// that is not a result document, or reported a failure of its own. Script errors are not
    /// reported this way; they are part of a normal <see cref="HostedRunResult"/>.
    /// </summary>
    public sealed class HostedPowerShellException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public HostedPowerShellException(string message, Exception innerException = null)
            : base(message, innerException)
        {
        }
    }
}
