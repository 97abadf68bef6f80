namespace PartnerCenterLicenses.Boundary
{
    /// <summary>Errors raised in more than one place, built once so they always say the same.</summary>
    public static class PartnerCenterErrors
    {
        /// <summary>No session: the user has to connect first.</summary>
        public static PartnerCenterException NotConnected()
        {
            return new PartnerCenterException(
                PartnerCenterErrorIds.NotConnected,
                PartnerCenterErrorKind.NotConnected,
                "You are not connected to Partner Center. Run Connect-PartnerCenter first.")
            {
                RecommendedAction = "Run Connect-PartnerCenter with App+User credentials, for example: "
                    + "Connect-PartnerCenter -ApplicationId <app id> -Credential <app id + secret> -RefreshToken <refresh token> -Tenant <tenant>.",
            };
        }
    }
}
