using System;
using System.Runtime.InteropServices;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// CPU time consumed by the calling thread, in milliseconds with nanosecond resolution (Linux).
    /// Unlike wall time it does not grow while other processes hold the cores, so it follows the work
    /// itself more closely on a busy shared machine (it still grows somewhat from contended caches).
    /// </summary>
    internal static class ThreadCpuClock
    {
        private const int ClockThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID

        /// <summary>The thread's CPU time so far, or null where the clock is not available.</summary>
        public static double? NowMilliseconds()
        {
            if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
            {
                return null;
            }

            return clock_gettime(ClockThreadCpuTimeId, out Timespec now) == 0
                ? now.Seconds * 1000.0 + now.Nanoseconds / 1_000_000.0
                : null;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int clock_gettime(int clockId, out Timespec time);

        // struct timespec on 64-bit Linux: two 64-bit fields.
        [StructLayout(LayoutKind.Sequential)]
        private struct Timespec
        {
            public long Seconds;
            public long Nanoseconds;
        }
    }
}
