using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;

namespace PartnerCenterLicenses.TestHost
{
    /// <summary>
    /// The serve mode (<c>--serve</c>): one long-lived process runs request after request, each in a new
    /// runspace, so a test pays for starting .NET, PowerShell and the module's JIT once per test run
    /// instead of once per script.
    /// </summary>
    /// <remarks>
    /// The protocol is one JSON document per line, UTF-8, both ways:
    /// <code>
    /// in:  {"id": 7, "run": { ...the one-shot request, plus "environment": {"NAME": "value" or null} }}
    /// in:  {"id": 7, "stop": true}        stop run 7's script now, as Ctrl+C would
    /// out: {"id": 7, "result": { ...the one-shot result, plus "standardError" }}
    /// </code>
    /// Runs are taken one at a time, in order; a stop may arrive while its run is still queued. End of
    /// standard input ends the process at once, even mid-run: the harness is gone, nobody would read
    /// the result. Stray writes to Console.Out and Console.Error during a run are captured into that
    /// run's result, as the one-shot mode captures Console.Out.
    /// </remarks>
    internal static class RequestLoop
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        /// <summary>Serves requests until standard input ends; <paramref name="results"/> is the real standard output.</summary>
        public static void Serve(Stream results)
        {
            // Between runs nothing may write to the result stream; anything late goes to standard error,
            // where the harness keeps it for a failure message.
            TextWriter realError = Console.Error;
            Console.SetOut(realError);

            var queued = new BlockingCollection<QueuedRun>();
            var stops = new ConcurrentDictionary<long, CancellationTokenSource>();
            var reader = new Thread(() => ReadRequests(queued, stops)) { IsBackground = true, Name = "TestHost request reader" };
            reader.Start();

            foreach (QueuedRun run in queued.GetConsumingEnumerable())
            {
                JsonObject result = RunOne(run, realError);

                // Not disposed: a stop that comes in late may still be cancelling it.
                stops.TryRemove(run.Id, out _);
                WriteLine(results, new JsonObject { ["id"] = run.Id, ["result"] = result });
            }
        }

        private static JsonObject RunOne(QueuedRun run, TextWriter realError)
        {
            var record = new RunRecord();
            if (run.BadRequest != null)
            {
                record.HostFailure = "Bad request: " + run.BadRequest;
                return record.ToJson();
            }

            var consoleOutput = new StringWriter();
            var consoleError = new StringWriter();
            Console.SetOut(TextWriter.Synchronized(consoleOutput));
            Console.SetError(TextWriter.Synchronized(consoleError));
            try
            {
                using (RunEnvironment.Apply(run.Request.Environment))
                {
                    ScriptRunner.Run(run.Request, record, run.Stop.Token, startClean: true);
                }
            }
            catch (Exception ex)
            {
                record.HostFailure = ex.ToString();
            }
            finally
            {
                Console.SetOut(realError);
                Console.SetError(realError);
            }

            record.ConsoleOutput = consoleOutput.ToString();
            record.StandardError = consoleError.ToString();
            record.Timings["sinceProcessStart"] = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
            return record.ToJson();
        }

        private static void ReadRequests(BlockingCollection<QueuedRun> queued, ConcurrentDictionary<long, CancellationTokenSource> stops)
        {
            using (var input = new StreamReader(Console.OpenStandardInput(), Utf8))
            {
                // Scripts that read the console get end-of-file, as in the one-shot mode, and can never
                // take a request line.
                Console.SetIn(TextReader.Null);
                string line;
                while ((line = input.ReadLine()) != null)
                {
                    if (string.IsNullOrWhiteSpace(line))
                    {
                        continue;
                    }

                    long id;
                    JsonElement envelope;
                    try
                    {
                        using JsonDocument document = JsonDocument.Parse(line);
                        envelope = document.RootElement.Clone();
                        id = envelope.GetProperty("id").GetInt64();
                    }
                    catch (Exception ex) when (ex is JsonException || ex is KeyNotFoundException || ex is InvalidOperationException || ex is FormatException)
                    {
                        // Without an id there is no run to answer; the harness sees the exit and this message.
                        Console.Error.WriteLine("PartnerCenterLicenses.TestHost --serve: unreadable request line: " + ex.Message);
                        Environment.Exit(Program.BadRequestExitCode);
                        return;
                    }

                    CancellationTokenSource stop = stops.GetOrAdd(id, _ => new CancellationTokenSource());
                    if (envelope.TryGetProperty("stop", out JsonElement stopNow) && stopNow.ValueKind == JsonValueKind.True)
                    {
                        stop.Cancel();
                        continue;
                    }

                    var run = new QueuedRun { Id = id, Stop = stop };
                    try
                    {
                        run.Request = HostRequest.Parse(envelope.GetProperty("run"));
                        if (run.Request.PreloadAssemblies.Count > 0 || run.Request.ImportModuleInScript)
                        {
                            // Both change what the process has loaded before the module's state can be reset.
                            throw new FormatException("preloadAssemblies and importModuleInScript need a process of their own.");
                        }
                    }
                    catch (Exception ex) when (ex is FormatException || ex is KeyNotFoundException || ex is InvalidOperationException)
                    {
                        run.BadRequest = ex.Message;
                    }

                    queued.Add(run);
                }
            }

            // The harness closed standard input or went away: there is no one left to serve.
            Environment.Exit(0);
        }

        private static void WriteLine(Stream results, JsonObject document)
        {
            using (var writer = new Utf8JsonWriter(results))
            {
                document.WriteTo(writer);
            }

            results.WriteByte((byte)'\n');
            results.Flush();
        }

        private sealed class QueuedRun
        {
            public long Id { get; set; }

            public HostRequest Request { get; set; }

            public string BadRequest { get; set; }

            public CancellationTokenSource Stop { get; set; }
        }
    }
}
