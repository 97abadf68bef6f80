namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// Where each cmdlet's help page is on the web: docs/&lt;Verb-Noun&gt;.md in the repository (the manifest's
    /// ProjectUri), generated from the same doc comments as Get-Help. Each [Cmdlet] names its page as
    /// HelpUri, which Get-Help -Online opens.
    /// </summary>
    internal static class HelpPages
    {
        public const string Base = "https://github.com/PartnerCenterLicenses/PartnerCenterLicenses/blob/main/docs/";
    }
}
