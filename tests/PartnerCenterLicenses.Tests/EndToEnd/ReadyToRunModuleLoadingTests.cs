using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// The ReadyToRun copies in Dependencies/&lt;variant&gt;/ (src/PartnerCenterLicenses.Engine/ReadyToRun.targets):
    /// PowerShell 7 loads the ones made for its runtime, anything less than a good folder still loads the
    /// IL copies, and no folder holds images for another platform than its name says.
    /// </summary>
    [Collection(ReportsEmulatorCollection.Name)]
    public sealed class ReadyToRunModuleLoadingTests
    {
        private static readonly string[] Precompiled =
        {
            "PartnerCenterLicenses.Engine", "Microsoft.Identity.Client", "Microsoft.Identity.Client.Extensions.Msal",
            "Microsoft.IdentityModel.Abstractions", "Newtonsoft.Json", "Sylvan.Data.Csv",
        };

        // Those a secure application model connect and one call load.
        private static readonly string[] LoadedByConnect =
        {
            "PartnerCenterLicenses.Engine", "Microsoft.Identity.Client", "Microsoft.IdentityModel.Abstractions", "Newtonsoft.Json",
        };

        private readonly EmulatorFixture _emulator;

        public ReadyToRunModuleLoadingTests(EmulatorFixture emulator)
        {
            _emulator = emulator;
            _emulator.Reset();
        }

        private static string DependencyFolder => Path.Combine(RepositoryPaths.ModuleFolder, "Dependencies");

        // The test host runs the runtime these tests run on, so its variant is named from this process.
        private static string ThisRuntimesVariant =>
            "net" + Environment.Version.Major + ".0-" + OperatingSystemName() + "-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

        private static string OperatingSystemName() =>
            OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsLinux() ? "linux" : "other";

        [Fact]
        public async Task On_this_runtime_the_engine_and_its_dependencies_load_precompiled_from_its_variant_folder()
        {
            string variantFolder = Path.Combine(DependencyFolder, ThisRuntimesVariant);
            Assert.True(Directory.Exists(variantFolder), "The build made no " + ThisRuntimesVariant + " folder; ReadyToRun.targets lists the variants.");

            // "Loaded from": only a process where the engine has never loaded shows where it comes from.
            var result = await ConnectAndCallAsync(RepositoryPaths.ModuleManifest, freshProcess: true);

            foreach (string name in LoadedByConnect)
            {
                var assembly = result.LoadedAssemblies.Single(a => a.Name == name && a.LoadContext == "PartnerCenterLicenses");
                Assert.Equal(variantFolder, Path.GetDirectoryName(assembly.Location));
                Assert.Equal(ExpectedFormatMajor(Environment.Version.Major), PortableExecutableImage.Read(assembly.Location).ReadyToRunMajorVersion);
            }
        }

        [Fact]
        public async Task A_module_folder_without_its_variant_folder_connects_with_the_il_copies()
        {
            using var folder = new ScratchFolder("pcl-no-variant");
            string module = CopyModule(folder.Path);
            Directory.Delete(Path.Combine(module, "Dependencies", ThisRuntimesVariant), recursive: true);

            var result = await ConnectAndCallAsync(Path.Combine(module, "PartnerCenterLicenses.psd1"));

            foreach (string name in LoadedByConnect)
            {
                var assembly = result.LoadedAssemblies.Single(a => a.Name == name && a.LoadContext == "PartnerCenterLicenses");
                Assert.Equal(Path.Combine(module, "Dependencies"), Path.GetDirectoryName(assembly.Location));
            }
        }

        [Fact]
        public async Task A_partial_or_damaged_variant_folder_falls_back_to_the_il_copies_file_by_file()
        {
            using var folder = new ScratchFolder("pcl-damaged-variant");
            string module = CopyModule(folder.Path);
            string variant = Path.Combine(module, "Dependencies", ThisRuntimesVariant);

            // Partial: no engine image. Damaged: MSAL's image cut short, as an interrupted copy leaves it.
            File.Delete(Path.Combine(variant, "PartnerCenterLicenses.Engine.dll"));
            string msal = Path.Combine(variant, "Microsoft.Identity.Client.dll");
            byte[] start = File.ReadAllBytes(msal).AsSpan(0, 4096).ToArray();
            File.WriteAllBytes(msal, start);

            var result = await ConnectAndCallAsync(Path.Combine(module, "PartnerCenterLicenses.psd1"));

            string LoadedFrom(string name) => Path.GetDirectoryName(
                result.LoadedAssemblies.Single(a => a.Name == name && a.LoadContext == "PartnerCenterLicenses").Location);
            Assert.Equal(Path.Combine(module, "Dependencies"), LoadedFrom("PartnerCenterLicenses.Engine"));
            Assert.Equal(Path.Combine(module, "Dependencies"), LoadedFrom("Microsoft.Identity.Client"));
            Assert.Equal(variant, LoadedFrom("Newtonsoft.Json"));
        }

        [Fact]
        public void Every_image_in_a_variant_folder_is_for_the_runtime_os_and_architecture_its_name_says()
        {
            var variants = Directory.GetDirectories(DependencyFolder);
            Assert.Contains(Path.Combine(DependencyFolder, ThisRuntimesVariant), variants);
            foreach (string variant in variants)
            {
                string name = Path.GetFileName(variant);
                Match parts = Regex.Match(name, @"^net(?<major>[0-9]+)\.0-(?<os>win|linux|osx)-(?<arch>x64|arm64)$");
                Assert.True(parts.Success, "'" + name + "' is not a variant name the loader can pick (net<major>.0-<win|linux|osx>-<x64|arm64>).");
                ushort machine = ExpectedMachine(parts.Groups["os"].Value, parts.Groups["arch"].Value);
                int formatMajor = ExpectedFormatMajor(int.Parse(parts.Groups["major"].Value));

                Assert.Equal(Precompiled.Select(a => a + ".dll").OrderBy(f => f, StringComparer.Ordinal),
                    Directory.GetFiles(variant).Select(Path.GetFileName).OrderBy(f => f, StringComparer.Ordinal));
                foreach (string image in Directory.GetFiles(variant))
                {
                    var header = PortableExecutableImage.Read(image);
                    Assert.True(header.Machine == machine, $"{image} is for machine 0x{header.Machine:X4}; '{name}' needs 0x{machine:X4}.");
                    Assert.True(header.ReadyToRunMajorVersion == formatMajor,
                        $"{image} has ReadyToRun format {header.ReadyToRunMajorVersion}; .NET {parts.Groups["major"].Value} uses only {formatMajor}.");

                    // The IL copy beside it is the fallback: the same assembly, or the fallback would change behaviour.
                    var il = PortableExecutableImage.Read(Path.Combine(DependencyFolder, Path.GetFileName(image)));
                    Assert.Null(il.ReadyToRunMajorVersion);
                    Assert.Equal(il.Identity, header.Identity);
                }
            }
        }

        // The ReadyToRun format's major version each runtime accepts, as its crossgen2 writes it; every
        // runtime accepts its own only (each raised the minimum to its own), so the major names the runtime.
        private static int ExpectedFormatMajor(int dotnetMajor) => dotnetMajor switch
        {
            8 => 9,
            9 => 10,
            10 => 16,
            _ => throw new InvalidOperationException(
                ".NET " + dotnetMajor + " has no known ReadyToRun format version here: read what its crossgen2 writes and add it."),
        };

        // A PE's Machine field: the architecture's value, which crossgen2 exclusive-ors with an OS value for
        // Linux and macOS images (0xFD1D is Linux x64, 0xEC20 macOS Arm64, as its output here shows): that
        // is how the runtime tells them from Windows images, and it refuses an image for another platform.
        private static ushort ExpectedMachine(string os, string architecture)
        {
            ushort machine = architecture == "arm64" ? (ushort)Machine.Arm64 : (ushort)Machine.Amd64;
            ushort osMask = os switch { "linux" => 0x7B79, "osx" => 0x4644, _ => 0 };
            return (ushort)(machine ^ osMask);
        }

        private static string CopyModule(string into)
        {
            string module = Path.Combine(into, "PartnerCenterLicenses");
            foreach (string file in Directory.EnumerateFiles(RepositoryPaths.ModuleFolder, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(module, Path.GetRelativePath(RepositoryPaths.ModuleFolder, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target));
                File.Copy(file, target);
            }

            return module;
        }

        // A module folder other than the built one always runs in a process of its own (HostedPowerShell).
        private async Task<HostedRunResult> ConnectAndCallAsync(string manifest, bool freshProcess = false)
        {
            var result = await HostedPowerShell.RunAsync(new HostedRunRequest
            {
                FreshProcess = freshProcess,
                ModulePath = manifest,
                Environment = _emulator.EnvironmentFor(_emulator.WithRefreshToken()),
                Script = EmulatorFixture.Prelude + "$null = " + EmulatorFixture.ConnectWithRefreshToken + "\n(Get-PartnerLicenseDeployment).Count",
            });

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            Assert.Equal("2", Assert.Single(result.Output).Text);
            return result;
        }

        /// <summary>What the PE and CLI headers of an assembly file say about where its code can run.</summary>
        private sealed record PortableExecutableImage(ushort Machine, int? ReadyToRunMajorVersion, string Identity)
        {
            private const uint ReadyToRunSignature = 0x00525452; // "RTR"

            public static PortableExecutableImage Read(string path)
            {
                using var reader = new PEReader(File.OpenRead(path));
                var metadata = reader.GetMetadataReader();
                var definition = metadata.GetAssemblyDefinition();
                string identity = metadata.GetString(definition.Name) + " " + definition.Version;

                // The ManagedNativeHeader directory points at the READYTORUN_HEADER: signature, then major version.
                DirectoryEntry nativeHeader = reader.PEHeaders.CorHeader.ManagedNativeHeaderDirectory;
                int? major = null;
                if (nativeHeader.Size > 0)
                {
                    BlobReader header = reader.GetSectionData(nativeHeader.RelativeVirtualAddress).GetReader();
                    major = header.ReadUInt32() == ReadyToRunSignature ? header.ReadUInt16() : null;
                }

                return new PortableExecutableImage((ushort)reader.PEHeaders.CoffHeader.Machine, major, identity);
            }
        }
    }
}
