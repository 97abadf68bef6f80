using System;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// Refuses, at parameter binding and so before any request is sent, a Partner insights report, query or
    /// execution id that is not a GUID (<see cref="InsightsId"/>): the id becomes a segment of the request's path.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateInsightsIdAttribute : ValidateArgumentsAttribute
    {
        /// <inheritdoc />
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            object value = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
            string text = value as string;
            if (InsightsId.TryParse(text) == null)
            {
                string shown = text == null ? "(null)" : TerminalText.Clean(text.Length > 80 ? text.Substring(0, 80) + "..." : text);
                throw new ValidationMetadataException(
                    "'" + shown + "' is not a Partner insights id. Report, query and execution ids are GUIDs such as "
                    + "cdc61cfe-d028-4333-a215-a1df51ccbfd4; Get-PartnerInsightsReport lists the reports and their ids. Nothing was sent.");
            }
        }
    }
}
