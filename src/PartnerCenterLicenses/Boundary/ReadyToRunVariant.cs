using System;
using System.Runtime.InteropServices;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// PowerShell 7 only: names the folder of Dependencies/ whose ReadyToRun images this process can use,
    /// the way the build names them (src/PartnerCenterLicenses.Engine/ReadyToRun.targets), for example
    /// net10.0-linux-x64. The runtime runs an image's precompiled code only on the .NET major it was
    /// compiled for and on its OS and architecture, so all three are in the name.
    /// </summary>
    internal static class ReadyToRunVariant
    {
        /// <summary>The folder name for this process, or null on an OS the build makes no images for.</summary>
        public static string FolderName()
        {
            string os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win"
                : RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "linux"
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx"
                : null;
            if (os == null)
            {
                return null;
            }

            // The process's architecture, not the machine's: x64 pwsh emulated on an Arm64 machine runs x64 code.
            string architecture = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

            // Environment.Version is the runtime's own version on .NET Core 3.0 and later (8.0.x under pwsh 7.4).
            return "net" + Environment.Version.Major + ".0-" + os + "-" + architecture;
        }
    }
}
