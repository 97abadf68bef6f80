using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PartnerCenterLicenses.Tests.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace PartnerCenterLicenses.Tests.Pester
{
    /// <summary>
    /// The Pester suite (tests/*.Tests.ps1) as xunit cases, so the README's test command runs it, counts
    /// it and fails with it: one case per Pester test, named "File.Tests.ps1 &gt; Describe &gt; It". The
    /// suite runs once, in real pwsh against the emulator (<see cref="PesterRun"/>); each case reports
    /// its own test's result. Pester's full output: bin/&lt;configuration&gt;/net10.0/Pester/output.txt, and in the
    /// output of the catch-all case.
    /// </summary>
    public sealed class PesterSuiteTests : IClassFixture<PesterRun>
    {
        private readonly PesterRun _run;
        private readonly ITestOutputHelper _output;

        public PesterSuiteTests(PesterRun run, ITestOutputHelper output)
        {
            _run = run;
            _output = output;
        }

        private static string TestsFolder => Path.Combine(RepositoryPaths.Root, "tests");

        /// <summary>Every Pester test with a plain-string name, found by parsing the files (no pwsh needed).</summary>
        public static TheoryData<string> DiscoveredTests()
        {
            var data = new TheoryData<string>();
            foreach (string key in PesterDiscovery.Discover(TestsFolder))
            {
                data.Add(key);
            }

            return data;
        }

        [PesterTheory]
        [MemberData(nameof(DiscoveredTests))]
        public void Pester(string test)
        {
            IReadOnlyList<PesterTestResult> results = _run.ResultsFor(test);
            foreach (PesterTestResult result in results)
            {
                _output.WriteLine(result.Describe());
            }

            _output.WriteLine("Pester's output for the whole run: " + PesterRun.OutputFile);
            if (results.Count == 0)
            {
                // Most often the file failed to load, and Pester says why.
                string file = test.Substring(0, test.IndexOf(" > ", StringComparison.Ordinal));
                IEnumerable<PesterFailure> fileFailures = _run.Results.FailedContainers
                    .Where(f => string.Equals(Path.GetFileName(f.File), file, StringComparison.Ordinal));
                Assert.Fail(string.Join(
                    Environment.NewLine,
                    new[] { $"Pester reported no result for '{test}'." }
                        .Concat(fileFailures.Select(f => "The file failed: " + f))
                        .Append("Pester's output: " + PesterRun.OutputFile)));
            }

            // A skipped test was not verified; the bridge gives the suite everything it needs, so none should be.
            List<PesterTestResult> notPassed = results.Where(r => !r.Passed).ToList();
            Assert.True(
                notPassed.Count == 0,
                string.Join(Environment.NewLine + Environment.NewLine, notPassed.Select(r => r.Describe()))
                    + Environment.NewLine + "Pester's output: " + PesterRun.OutputFile);
        }

        /// <summary>
        /// What no per-test case can show: results of tests the parser could not name (an It named by a
        /// variable), and failures outside any test (a file that does not parse, a failing AfterAll).
        /// Its output is Pester's whole detailed output.
        /// </summary>
        [Fact]
        public void Pester_run_has_no_result_or_failure_outside_the_discovered_tests()
        {
            _output.WriteLine($"Pester {_run.Results.PesterVersion} in PowerShell {_run.Results.PowerShell}: {_run.Results.Result}, "
                + $"{_run.Results.Tests.Count} results in {_run.Elapsed.TotalSeconds:0.0} s (including pwsh's start). Output also in {PesterRun.OutputFile}.");
            _output.WriteLine(_run.Output);

            var discovered = new HashSet<string>(PesterDiscovery.Discover(TestsFolder), StringComparer.Ordinal);
            List<string> problems = _run.Results.Tests
                .Where(t => !discovered.Contains(t.Key))
                .Select(t => "No xunit case for this result (give the It and its blocks plain-string names):" + Environment.NewLine + t.Describe())
                .Concat(_run.Results.FailedContainers.Select(f => "A file failed:" + Environment.NewLine + f))
                .Concat(_run.Results.FailedBlocks.Select(f => "A block failed outside its tests:" + Environment.NewLine + f))
                .ToList();
            Assert.True(problems.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, problems));
        }
    }
}
