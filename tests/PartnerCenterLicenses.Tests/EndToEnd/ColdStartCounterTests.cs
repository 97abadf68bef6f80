using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>
    /// What the module's first import costs in a fresh engine (issue 13, item 1; issue 18, point 7), by
    /// counters that do not depend on the machine's load, against the one-cmdlet binary module of
    /// bench/BaselineModule measured the same way. Both load a format file through FormatsToProcess, so
    /// both pay PowerShell's rebuild of the whole format table, as every module with views does; the
    /// difference is what this module adds beyond having views at all. Times belong to the bench; these
    /// counts hold on any machine.
    /// </summary>
    /// <remarks>
    /// Methods are counted on the importing thread only (JitInfo.GetCompiledMethodCount(true)): the
    /// runtime recompiles hot methods at a higher tier on a background thread whenever it gets to
    /// them, which a process-wide count would add at random. Each side is the median of three fresh
    /// processes, because which of the engine's own methods another of its threads compiled first
    /// still varies a little from process to process.
    /// </remarks>
    [Collection(ColdCounterCollection.Name)]
    public sealed class ColdStartCounterTests
    {
        private readonly ITestOutputHelper _output;

        public ColdStartCounterTests(ITestOutputHelper output)
        {
            _output = output;
        }

        // Around Import-Module + Get-Command, as the bench measures the import.
        private const string MeasureImport =
            "$j0 = [System.Runtime.JitInfo]::GetCompiledMethodCount($true); $a0 = [GC]::GetTotalAllocatedBytes($true)\n"
            + "$s0 = [AppDomain]::CurrentDomain.GetAssemblies().Count\n"
            + "Import-Module -Name '{0}' -ErrorAction Stop\n"
            + "$null = Get-Command -Module {1}\n"
            + "$j1 = [System.Runtime.JitInfo]::GetCompiledMethodCount($true); $a1 = [GC]::GetTotalAllocatedBytes($true)\n"
            + "$s1 = [AppDomain]::CurrentDomain.GetAssemblies().Count\n"
            + "($j1 - $j0); ($a1 - $a0); ($s1 - $s0)\n"
            // The import put the module's format file in the session's list (read after the counts), so
            // neither side is measured without its views. (The hosted engine has no Get-FormatData.)
            + "@([runspace]::DefaultRunspace.InitialSessionState.Formats.Where({{ $_.FileName -like '*{1}.format.ps1xml' }})).Count\n"
            // 1 when the engine is ReadyToRun-compiled, as an installed pwsh is (read after the counts).
            + "$pe = [System.Reflection.PortableExecutable.PEReader]::new([System.IO.File]::OpenRead([psobject].Assembly.Location))\n"
            + "try {{ [int]($pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0) }} finally {{ $pe.Dispose() }}";

        private static string BaselineManifest =>
            Path.Combine(RepositoryPaths.Root, "bench", "BaselineModule", "bin", "module", "BaselineModule", "BaselineModule.psd1");

        private static int ExportedCmdlets() => SourceManifest.Cmdlets.Count;

        private static int Views() =>
            System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "PartnerCenterLicenses", "PartnerCenterLicenses.format.ps1xml")), "<View>").Count;

        [Fact]
        public async Task First_import_costs_at_most_25_methods_and_half_a_megabyte_plus_a_share_per_cmdlet_and_view_more_than_a_one_cmdlet_module_with_a_view()
        {
            Assert.True(File.Exists(BaselineManifest), "Missing " + BaselineManifest + "; building the tests builds bench/BaselineModule.");

            long[] ours = await MedianAsync(RepositoryPaths.ModuleManifest, "PartnerCenterLicenses");
            long[] baseline = await MedianAsync(BaselineManifest, "BaselineModule");
            Assert.True(ours[3] == 1 && baseline[3] == 1, "Format files in the session after the import: ours " + ours[3] + ", the baseline's " + baseline[3] + "; each should have its one.");

            // The goal is what a user's pwsh compiles, and an installed pwsh has its engine
            // ReadyToRun-compiled; the test host is built that way unless -p:TestHostReadyToRun=false.
            // An IL-only engine compiles its own code as well (about +44 methods here, all of it
            // PowerShell's: manifest, aliases, cmdlet attributes): README, Performance.
            Assert.True(ours[4] == 1, "The hosted engine is IL-only: build the tests with the default -p:TestHostReadyToRun=true to count what an installed pwsh compiles.");
            long methods = ours[0] - baseline[0];
            long bytes = ours[1] - baseline[1];
            string figures = string.Format(
                CultureInfo.InvariantCulture,
                "medians of 3 fresh processes: ours {0} methods, {1:N0} bytes, {2} assemblies; one-cmdlet module with a view {3} methods, {4:N0} bytes, {5} assemblies",
                ours[0], ours[1], ours[2], baseline[0], baseline[1], baseline[2]);

            _output.WriteLine("Import over the one-cmdlet module: " + methods + " methods, " + bytes + " bytes (" + figures + ")");

            // Measured (issue 18, ReadyToRun test host, four runs): +12 methods every time and +0.40 to
            // +0.45 MB (ours 49 methods, 2.83-2.88 MB; the baseline 37, 2.43-2.48 MB: the bytes move in
            // steps of about 50 KB from process to process). The format table rebuild, about 1.5 MB on either side,
            // cancels out; of the rest, about 0.2 MB is ten views against one (tools/pwsh with and
            // without FormatsToProcess: ours +1.65 MB, the baseline +1.46 MB), the rest the manifest
            // and 13 cmdlets. Issue 20 added 15 cmdlets and a few views: +0.60 MB on one quiet run (ours 3.03
            // MB), which splits, roughly and by estimate rather than measurement, into about 10 KB per exported
            // cmdlet (PowerShell's CmdletInfo and attributes, read at import) and 20 KB per view, none of it code
            // of ours. So the bytes are bounded per what the module exports: the +0.5 MB of 13 cmdlets and 10
            // views, and 12 KB more for each further cmdlet and 16 KB for each further view. The bounds still leave no room for loading the engine at import (several MB) or for
            // a second rebuild of the table (about 1.5 MB).
            Assert.True(methods <= 25, "JIT-compiled methods over the one-cmdlet module: " + methods + " (" + figures + ")");
            long allowed = 512 * 1024 + (12 * 1024 * Math.Max(0, ExportedCmdlets() - 13)) + (16 * 1024 * Math.Max(0, Views() - 10));
            Assert.True(bytes <= allowed, "Bytes allocated over the one-cmdlet module: " + bytes + ", allowed " + allowed + " (" + figures + ")");

            // The import loads the cmdlet assembly and nothing else of the module's: MSAL, Newtonsoft
            // and the engine come with the first cmdlet that needs them.
            Assert.True(ours[2] <= baseline[2], "Assemblies loaded: " + figures);
        }

        private static async Task<long[]> MedianAsync(string manifest, string name)
        {
            // Each import must be the first of its process, as a runbook job's is.
            long[][] runs = new long[3][];
            for (int i = 0; i < runs.Length; i++)
            {
                runs[i] = await MeasureAsync(manifest, name);
            }

            return Enumerable.Range(0, 5).Select(k => runs.Select(r => r[k]).OrderBy(v => v).ElementAt(1)).ToArray();
        }

        private static async Task<long[]> MeasureAsync(string manifest, string name)
        {
            HostedRunResult result = await HostedPowerShell.RunAsync(new HostedRunRequest
            {
                // The counters are the process's: only a process of its own shows one first import.
                FreshProcess = true,
                Script = string.Format(CultureInfo.InvariantCulture, MeasureImport, manifest.Replace("'", "''"), name),
            });

            Assert.True(result.TerminatingError == null && result.Errors.Count == 0, result.Describe());
            return result.Output.Select(x => long.Parse(x.Text, CultureInfo.InvariantCulture)).ToArray();
        }
    }
}
