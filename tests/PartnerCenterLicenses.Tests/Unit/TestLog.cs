using System.Collections.Concurrent;
using System.Collections.Generic;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Tests.Unit
{
    /// <summary>An engine log that keeps what it is told, for assertions.</summary>
    internal sealed class TestLog : IEngineLog
    {
        private readonly ConcurrentQueue<string> _lines = new ConcurrentQueue<string>();

        public IReadOnlyCollection<string> Lines => _lines;

        public bool IsVerboseEnabled => true;

        public bool IsDebugEnabled => true;

        public void Verbose(string message) => _lines.Enqueue("VERBOSE: " + message);

        public void Debug(string message) => _lines.Enqueue("DEBUG: " + message);

        public void Warning(string message) => _lines.Enqueue("WARNING: " + message);
    }
}
