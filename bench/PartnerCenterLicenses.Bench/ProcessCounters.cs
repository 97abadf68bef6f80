using System;
using System.Diagnostics;
using System.Linq;
using System.Runtime.Loader;
using System.Text.Json.Nodes;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Counters of this process that do not depend on how busy the machine is: methods JIT-compiled,
    /// bytes allocated, assemblies loaded; with the process's CPU time beside them. A snapshot, so
    /// phases are told apart by subtracting two.
    /// </summary>
    internal readonly record struct ProcessCounters(long JitMethods, long AllocatedBytes, int Assemblies, double CpuMs)
    {
        public static ProcessCounters Now()
        {
            using Process self = Process.GetCurrentProcess();
            return new ProcessCounters(
                System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false),
                GC.GetTotalAllocatedBytes(precise: true),
                AssemblyLoadContext.All.Sum(c => c.Assemblies.Count()),
                self.TotalProcessorTime.TotalMilliseconds);
        }

        public static ProcessCounters operator -(ProcessCounters a, ProcessCounters b) =>
            new ProcessCounters(a.JitMethods - b.JitMethods, a.AllocatedBytes - b.AllocatedBytes, a.Assemblies - b.Assemblies, a.CpuMs - b.CpuMs);

        public JsonObject ToJson() => new JsonObject
        {
            ["jit"] = JitMethods,
            ["bytes"] = AllocatedBytes,
            ["assemblies"] = Assemblies,
            ["cpuMs"] = CpuMs,
        };

        public static ProcessCounters FromJson(JsonNode node) => new ProcessCounters(
            (long)node["jit"], (long)node["bytes"], (int)node["assemblies"], (double)node["cpuMs"]);
    }
}
