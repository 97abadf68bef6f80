using System;
using System.Collections;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>What a Partner insights parameter names, and so how it is checked at binding.</summary>
    public enum InsightsNameKind
    {
        /// <summary>A dataset, column or metric: a plain identifier.</summary>
        Identifier,

        /// <summary>An ORDER BY term: an identifier, optionally followed by ASC or DESC.</summary>
        OrderByTerm,

        /// <summary>A report query id: a GUID, which becomes a path segment.</summary>
        QueryId,
    }

    /// <summary>
    /// Refuses, at parameter binding and so before anything is sent, a Partner insights name that could change
    /// the query it is written into (a column 'x FROM Other', 'a;b') or a query id that is not a GUID. The
    /// same checks as <see cref="InsightsQueryBuilder"/> and <see cref="InsightsQueryId"/>, which run again
    /// when the text or path is made.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateInsightsNameAttribute : ValidateArgumentsAttribute
    {
        /// <summary>Checks values of that kind.</summary>
        public ValidateInsightsNameAttribute(InsightsNameKind kind)
        {
            Kind = kind;
        }

        /// <summary>What the parameter names.</summary>
        public InsightsNameKind Kind { get; }

        /// <inheritdoc />
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            object value = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
            if (value is IEnumerable many && !(value is string))
            {
                foreach (object one in many)
                {
                    Check(one is PSObject item ? item.BaseObject : one);
                }
            }
            else
            {
                Check(value);
            }
        }

        private void Check(object value)
        {
            string text = value as string;
            bool valid;
            string what;
            switch (Kind)
            {
                case InsightsNameKind.OrderByTerm:
                    valid = InsightsQueryBuilder.IsOrderByTerm(text);
                    what = "a column or metric name (letters, digits and '_'), optionally followed by ASC or DESC";
                    break;
                case InsightsNameKind.QueryId:
                    valid = InsightsQueryId.Normalize(text) != null;
                    what = "a query id, a GUID such as 7d19305c-56db-4edc-b776-428340e3a9c8 (Get-PartnerInsightsQuery lists them)";
                    break;
                default:
                    valid = InsightsQueryBuilder.IsIdentifier(text);
                    what = "a Partner insights name: letters, digits and '_' only, as Get-PartnerInsightsDataset lists them";
                    break;
            }

            if (!valid)
            {
                string shown = text == null ? "(null)" : TerminalText.Clean(text.Length > 80 ? text.Substring(0, 80) + "..." : text);
                throw new ValidationMetadataException("'" + shown + "' is not " + what + ". Nothing was sent.");
            }
        }
    }
}
