using System.Collections.Generic;
using PartnerCenterLicenses.Tests.EndToEnd;
using PartnerCenterLicenses.Tests.Hosting;

namespace PartnerCenterLicenses.Tests.RealConsole
{
    /// <summary>What the console tests' scripts share: the module imported, the emulator as an environment.</summary>
    internal static class ConsoleScripts
    {
        /// <summary>
        /// Imports the built module and adds the emulator as environment Emulator. Real pwsh has
        /// ConvertTo-SecureString, so the credential is made as a user makes it. Secrets come from the
        /// environment (<see cref="EmulatorFixture.EnvironmentFor"/>), never from the script's text.
        /// </summary>
        public const string Prelude = @"
$ErrorActionPreference = 'Stop'
Import-Module $env:PCL_MODULE_MANIFEST
$null = Add-PartnerCenterEnvironment -Name Emulator -ActiveDirectoryAuthority $env:PCL_EMULATOR_URL -PartnerCenterEndpoint $env:PCL_EMULATOR_URL
$credential = [pscredential]::new($env:PCL_CLIENT_ID, (ConvertTo-SecureString $env:PCL_CLIENT_SECRET -AsPlainText -Force))
";

        /// <summary>The secure application model's connect line.</summary>
        public const string Connect =
            "Connect-PartnerCenter -Environment Emulator -ApplicationId $env:PCL_CLIENT_ID -Credential $credential "
            + "-RefreshToken (ConvertTo-SecureString $env:PCL_REFRESH_TOKEN -AsPlainText -Force) -Tenant $env:PCL_TENANT";

        /// <summary>The fixture's variables (trust of the emulator, its URL, the client) plus the module's path and a refresh token.</summary>
        public static Dictionary<string, string> Environment(EmulatorFixture emulator, IDictionary<string, string> extra = null)
        {
            var variables = emulator.EnvironmentFor(extra);
            variables["PCL_MODULE_MANIFEST"] = RepositoryPaths.ModuleManifest;
            variables["PCL_PUBLIC_CLIENT_ID"] = EmulatorFixture.PublicClientId;
            if (!variables.ContainsKey("PCL_REFRESH_TOKEN"))
            {
                variables["PCL_REFRESH_TOKEN"] = emulator.State.IssueRefreshToken(EmulatorFixture.ClientId);
            }

            return variables;
        }
    }
}
