using System;
using System.Collections;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// Refuses, at parameter binding and so before any request is sent, a customer id that is not a
    /// tenant id (a GUID, braces allowed). The id becomes a segment of the request's path.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateCustomerIdAttribute : ValidateArgumentsAttribute
    {
        /// <inheritdoc />
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            object value = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
            if (value is IEnumerable many && !(value is string))
            {
                foreach (object one in many)
                {
                    Check(one);
                }
            }
            else
            {
                Check(value);
            }
        }

        private static void Check(object value)
        {
            string text = value is PSObject wrapped ? wrapped.BaseObject as string : value as string;
            if (CustomerId.TryParse(text) == null)
            {
                string shown = text == null ? "(null)" : (text.Length > 80 ? text.Substring(0, 80) + "..." : text);
                throw new ValidationMetadataException(
                    "'" + shown + "' is not a customer id. A customer id is the customer's tenant id, a GUID such as "
                    + "0c0f9c4e-2b3a-4f5e-8d7c-6b5a4e3d2c1b (braces allowed). Invoke-PartnerCenterRequest -Path /v1/customers -All lists them.");
            }
        }
    }
}
