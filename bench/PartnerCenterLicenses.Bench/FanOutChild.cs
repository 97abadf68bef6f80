using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Child side of the fan-out benchmark: Get-PartnerLicenseDeployment over many customers, with the
    /// ids as an argument and piped in, and the loop a runbook without the fan-out would write.
    /// </summary>
    /// <remarks>
    /// Sync points, in order: <c>warm</c> (import, connect and one small fan-out), then for each
    /// repetition <c>argument-N</c> and <c>piped-N</c>, then <c>loop</c>. The parent reads the
    /// emulator's request count and peak concurrency at each.
    /// </remarks>
    internal static class FanOutChild
    {
        public const string IdsFileVariable = "PCL_BENCH_CUSTOMER_IDS_FILE";

        public const string Argument = "argument";
        public const string Piped = "piped";
        public const string Loop = "loop";

        private const string Command = "Get-PartnerLicenseDeployment";

        // The loop is the shape a runbook has without the fan-out: one call, one customer, in order.
        private const string LoopScript = "param($Ids) foreach ($id in $Ids) { Get-PartnerLicenseDeployment -CustomerId $id }";

        public static JsonObject Run(int throttleLimit, int repetitions, int loopCustomers)
        {
            string[] ids = File.ReadAllLines(CallChild.Required(IdsFileVariable)).Where(l => l.Length > 0).ToArray();
            using HostedEngine engine = CallChild.OpenConnected(withBaseline: false);

            // JIT and the first connections, outside the measured runs.
            Invoke(engine, ids.Take(throttleLimit * 2).ToArray(), throttleLimit, piped: false);
            ChildProcess.Sync("warm");

            var runs = new JsonArray();
            for (int i = 0; i < repetitions; i++)
            {
                // Alternating, so drift on a shared machine hits both forms alike.
                foreach (bool piped in new[] { i % 2 == 1, i % 2 == 0 })
                {
                    string name = (piped ? Piped : Argument) + "-" + i;
                    PipelineDrain.Drained drained = Invoke(engine, ids, throttleLimit, piped);
                    ChildProcess.Sync(name);
                    runs.Add(new JsonObject
                    {
                        ["name"] = name,
                        ["form"] = piped ? Piped : Argument,
                        ["objects"] = drained.Objects,
                        ["ms"] = drained.TotalMs,
                        ["firstObjectMs"] = drained.FirstObjectMs,
                    });
                }
            }

            string[] subset = ids.Take(loopCustomers).ToArray();
            PipelineDrain.Drained loop;
            using (PowerShell ps = engine.NewPipeline())
            {
                ps.AddScript(LoopScript).AddParameter("Ids", subset);
                loop = PipelineDrain.Run(ps);
            }

            ChildProcess.Sync(Loop);
            return new JsonObject
            {
                ["customers"] = ids.Length,
                ["throttleLimit"] = throttleLimit,
                ["runs"] = runs,
                ["loopCustomers"] = subset.Length,
                ["loopObjects"] = loop.Objects,
                ["loopMs"] = loop.TotalMs,
            };
        }

        private static PipelineDrain.Drained Invoke(HostedEngine engine, string[] ids, int throttleLimit, bool piped)
        {
            using PowerShell ps = engine.NewPipeline();
            ps.AddCommand(Command).AddParameter("ThrottleLimit", throttleLimit);
            if (piped)
            {
                return PipelineDrain.Run(ps, ids);
            }

            ps.AddParameter("CustomerId", ids);
            return PipelineDrain.Run(ps);
        }
    }
}
