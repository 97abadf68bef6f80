namespace PartnerCenterLicenses.Tools.Pwsh
{
    /// <summary>pwsh itself: PowerShell's own console host, with the arguments pwsh takes.</summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            return Microsoft.PowerShell.UnmanagedPSEntry.Start(args, args.Length);
        }
    }
}
