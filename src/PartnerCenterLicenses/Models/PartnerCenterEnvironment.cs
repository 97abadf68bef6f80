using System;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// A cloud in which Partner Center runs: where to sign in and where to send API calls.
    /// </summary>
    public sealed class PartnerCenterEnvironment
    {
        /// <summary>Describes an environment.</summary>
        public PartnerCenterEnvironment(
            string name,
            Uri activeDirectoryAuthority,
            Uri partnerCenterEndpoint,
            string partnerCenterAudience,
            bool isBuiltIn)
        {
            Name = name;
            ActiveDirectoryAuthority = activeDirectoryAuthority;
            PartnerCenterEndpoint = partnerCenterEndpoint;
            PartnerCenterAudience = partnerCenterAudience;
            IsBuiltIn = isBuiltIn;
        }

        /// <summary>The name users pass to <c>-Environment</c>.</summary>
        public string Name { get; }

        /// <summary>The Microsoft Entra ID (Azure AD) authority host, for example https://login.microsoftonline.com.</summary>
        public Uri ActiveDirectoryAuthority { get; }

        /// <summary>The Partner Center REST API base URL.</summary>
        public Uri PartnerCenterEndpoint { get; }

        /// <summary>The resource the access token is requested for; scopes are formed from it.</summary>
        public string PartnerCenterAudience { get; }

        /// <summary>True for the clouds the module knows; false for ones added with Add-PartnerCenterEnvironment.</summary>
        public bool IsBuiltIn { get; }

        /// <summary>The delegated scope that Partner Center documents for App+User calls.</summary>
        public string UserImpersonationScope
        {
            get { return PartnerCenterAudience.TrimEnd('/') + "/user_impersonation"; }
        }

        /// <summary>The environment's name.</summary>
        public override string ToString()
        {
            return Boundary.TerminalText.Clean(Name);
        }
    }
}
