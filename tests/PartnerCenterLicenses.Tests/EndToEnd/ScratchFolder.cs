using System;
using System.IO;

namespace PartnerCenterLicenses.Tests.EndToEnd
{
    /// <summary>A temporary folder for one test (certificates, token caches, a child's HOME), removed afterwards.</summary>
    public sealed class ScratchFolder : IDisposable
    {
        public ScratchFolder(string prefix)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // A child process may still hold a file for a moment; the OS temp cleaner gets it.
            }
        }
    }
}
