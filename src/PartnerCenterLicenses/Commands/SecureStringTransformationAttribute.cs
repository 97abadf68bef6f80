using System.Management.Automation;
using System.Security;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// Lets a SecureString parameter accept a plain string too, as runbooks written for the archived
    /// PartnerCenter module pass refresh and access tokens as strings. The string is copied into a
    /// read-only SecureString at binding, so the cmdlet itself only ever holds the protected form.
    /// </summary>
    public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc />
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            var text = value as string;
            if (text == null)
            {
                return value;
            }

            var secure = new SecureString();
            foreach (char c in text)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }
    }
}
