using System;
using System.Management.Automation;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// Lets a seconds parameter take a TimeSpan as well: Get-PartnerCenterRequestOption writes
    /// durations as TimeSpans (Timeout, MaxRetryWait, RetryBaseDelay), and piping them to
    /// Set-PartnerCenterRequestOption, or passing <c>$saved.Timeout</c>, then sets the same duration.
    /// Numbers pass through unchanged.
    /// </summary>
    public sealed class SecondsTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc />
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            return value is TimeSpan duration ? (object)duration.TotalSeconds : inputData;
        }
    }
}
