using System;
using System.Collections.Generic;

namespace PartnerCenterLicenses.TestHost
{
    /// <summary>
    /// Environment variables of one run in the long-lived host: set when the run starts, put back
    /// as they were when it ends.
    /// </summary>
    /// <remarks>
    /// They change the process's managed environment block, which is what
    /// <see cref="Environment.GetEnvironmentVariable(string)"/> reads (the module reads BROWSER and
    /// its token cache folder that way, PowerShell reads <c>$env:</c> that way) and what a process
    /// started by the run inherits. Native code that read a variable once at start-up (OpenSSL and
    /// SSL_CERT_FILE) does not see the change, so the harness never sends those here.
    /// </remarks>
    internal sealed class RunEnvironment : IDisposable
    {
        private readonly List<KeyValuePair<string, string>> _previous = new List<KeyValuePair<string, string>>();

        private RunEnvironment()
        {
        }

        /// <summary>Sets <paramref name="variables"/> (a null value removes one) and remembers what they were.</summary>
        public static RunEnvironment Apply(IReadOnlyDictionary<string, string> variables)
        {
            var applied = new RunEnvironment();
            foreach (KeyValuePair<string, string> variable in variables)
            {
                applied._previous.Add(new KeyValuePair<string, string>(variable.Key, Environment.GetEnvironmentVariable(variable.Key)));
                Environment.SetEnvironmentVariable(variable.Key, variable.Value);
            }

            return applied;
        }

        /// <summary>Puts every variable back, last set first.</summary>
        public void Dispose()
        {
            for (int i = _previous.Count - 1; i >= 0; i--)
            {
                Environment.SetEnvironmentVariable(_previous[i].Key, _previous[i].Value);
            }

            _previous.Clear();
        }
    }
}
