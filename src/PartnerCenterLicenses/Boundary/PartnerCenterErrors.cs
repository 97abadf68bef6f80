namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// Errors raised from more than one place, built once so they say the same thing wherever they
    /// come from: the cmdlets and the engine both use these.
    /// </summary>
    public static class PartnerCenterErrors
    {
        /// <summary>No session: what to run, with the App+User example a runbook needs.</summary>
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
