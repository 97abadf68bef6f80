using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json;

namespace PartnerCenterLicenses.TestHost
{
    /// <summary>
    /// Child-process PowerShell host for the end-to-end tests: one JSON request on standard input,
    /// one JSON result on standard output; or, with <c>--serve</c>, one line of each per run.
    /// </summary>
    /// <remarks>
    /// Running the engine in its own process lets the harness give it an environment of its own
    /// (SSL_CERT_FILE for the emulator's certificate) and a clean set of loaded assemblies.
    /// Exit code 0 means a result document was written, even if the script failed; non-zero means
    /// the host could not do its job and standard error says why.
    /// </remarks>
    public static class Program
    {
        /// <summary>Exit code for a request that could not be read or parsed.</summary>
        public const int BadRequestExitCode = 2;

        /// <summary>Exit code for a result that could not be written.</summary>
        public const int WriteFailedExitCode = 3;

        /// <summary>
        /// Entry point. Without arguments, runs the one request on standard input; <c>--serve</c> runs
        /// requests until standard input ends (see <see cref="RequestLoop"/>); <c>--browse URL</c> plays a
        /// browser instead (see <see cref="FakeBrowser"/>).
        /// </summary>
        public static int Main(string[] args)
        {
            if (args.Length == 2 && args[0] == "--browse")
            {
                return FakeBrowser.Browse(new Uri(args[1]));
            }

            // Claim the real standard output before anything can write to Console.Out; a module or
            // script writing there directly must not corrupt the result document.
            using Stream resultStream = Console.OpenStandardOutput();
            var strayConsoleOutput = new StringWriter();
            Console.SetOut(TextWriter.Synchronized(strayConsoleOutput));

            // Telemetry would otherwise be initialised (and try the network) in every short-lived run.
            if (Environment.GetEnvironmentVariable("POWERSHELL_TELEMETRY_OPTOUT") == null)
            {
                Environment.SetEnvironmentVariable("POWERSHELL_TELEMETRY_OPTOUT", "1");
            }

            if (args.Length == 1 && args[0] == "--serve")
            {
                RequestLoop.Serve(resultStream);
                Environment.Exit(0);
                return 0;
            }

            var record = new RunRecord();
            int exitCode = 0;

            HostRequest request = null;
            try
            {
                request = HostRequest.Parse(ReadRequest());
            }
            catch (Exception ex) when (ex is FormatException || ex is JsonException || ex is IOException)
            {
                record.HostFailure = "Bad request: " + ex.Message;
                exitCode = BadRequestExitCode;
            }

            if (request != null)
            {
                try
                {
                    foreach (string path in request.PreloadAssemblies)
                    {
                        System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
                    }

                    ScriptRunner.Run(request, record);
                }
                catch (Exception ex)
                {
                    record.HostFailure = ex.ToString();
                }
            }

            record.ConsoleOutput = strayConsoleOutput.ToString();
            record.Timings["sinceProcessStart"] = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;

            try
            {
                using (var writer = new Utf8JsonWriter(resultStream))
                {
                    record.ToJson().WriteTo(writer);
                }

                resultStream.Flush();
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine("PartnerCenterLicenses.TestHost could not write its result: " + ex);
                exitCode = WriteFailedExitCode;
            }

            // Exit explicitly: a foreground thread left behind by the code under test must not keep
            // the process, and therefore the test, waiting for the harness timeout.
            Environment.Exit(exitCode);
            return exitCode;
        }

        private static string ReadRequest()
        {
            string text;
            using (var reader = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false)))
            {
                text = reader.ReadToEnd();
            }

            // Standard input has been consumed; anything that reads the console from now on gets
            // end-of-file immediately rather than blocking the run.
            Console.SetIn(TextReader.Null);
            return text;
        }
    }
}
