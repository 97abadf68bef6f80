using System;
using System.Collections;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Runs a pipeline and takes its output away as it is written, the way a host that prints or a
    /// downstream consumer would, instead of collecting every object: memory then follows what the
    /// command holds, not what the harness keeps, and the moment of the first object can be seen.
    /// </summary>
    internal static class PipelineDrain
    {
        // How often the draining thread takes what has been written. Short enough that the output
        // buffer stays small (a few thousand objects at most), long enough to cost nothing.
        private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

        /// <summary>Counts and times; <see cref="FirstObjectTimestamp"/> is the Stopwatch timestamp of the first object (0 when none).</summary>
        public readonly record struct Drained(long Objects, double FirstObjectMs, double TotalMs, long FirstObjectTimestamp);

        /// <summary>
        /// Invokes <paramref name="ps"/> (with <paramref name="input"/> as pipeline input, if any) and
        /// counts its output objects; times are from the call. Fails if the pipeline reported errors.
        /// </summary>
        public static Drained Run(PowerShell ps, IEnumerable input = null)
        {
            using var output = new PSDataCollection<PSObject>();
            long firstAt = 0;

            // Raised on the pipeline thread as each object is written; only the first one is timed.
            output.DataAdded += (_, _) =>
            {
                if (Volatile.Read(ref firstAt) == 0)
                {
                    Interlocked.CompareExchange(ref firstAt, Stopwatch.GetTimestamp(), 0);
                }
            };

            PSDataCollection<object> inputCollection = null;
            if (input != null)
            {
                inputCollection = new PSDataCollection<object>();
                foreach (object item in input)
                {
                    inputCollection.Add(item);
                }

                inputCollection.Complete();
            }

            long started = Stopwatch.GetTimestamp();
            IAsyncResult invocation = ps.BeginInvoke(inputCollection, output);
            long objects = 0;
            while (true)
            {
                bool finished = invocation.AsyncWaitHandle.WaitOne(PollInterval);
                objects += output.ReadAll().Count;
                if (finished)
                {
                    break;
                }
            }

            ps.EndInvoke(invocation);
            objects += output.ReadAll().Count;
            long ended = Stopwatch.GetTimestamp();
            inputCollection?.Dispose();
            HostedEngine.ThrowIfFailed(ps);

            long first = Volatile.Read(ref firstAt);
            return new Drained(
                objects,
                first == 0 ? double.NaN : Stopwatch.GetElapsedTime(started, first).TotalMilliseconds,
                Stopwatch.GetElapsedTime(started, ended).TotalMilliseconds,
                first);
        }
    }
}
