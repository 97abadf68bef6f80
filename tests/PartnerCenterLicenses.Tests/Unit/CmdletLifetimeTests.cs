using System;
using System.IO;
using System.Threading;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Commands;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    public class CmdletLifetimeTests
    {
        private sealed class ProbeCmdlet : PartnerCenterCmdlet
        {
            public CancellationToken Token => StopToken;

            public void Stop() => StopProcessing();
        }

        [Fact]
        public void A_cmdlet_releases_its_cancellation_source_when_disposed_and_a_late_stop_is_harmless()
        {
            var cmdlet = new ProbeCmdlet();
            Assert.False(cmdlet.Token.IsCancellationRequested);

            ((IDisposable)cmdlet).Dispose();

            Assert.Throws<ObjectDisposedException>(() => cmdlet.Token);
            cmdlet.Stop();
        }

        // The resolver is process-wide state, so the steps run in one test, in order.
        [Fact]
        public void The_desktop_resolver_is_attached_once_removed_with_the_module_and_restored_at_the_next_use_of_the_engine()
        {
            string folder = Path.GetTempPath();
            var lifetime = new ModuleLifetime();
            try
            {
                DesktopDependencyResolver.Register(folder);
                DesktopDependencyResolver.Register(folder);
                Assert.True(DesktopDependencyResolver.IsRegistered);

                lifetime.OnRemove(null);
                Assert.False(DesktopDependencyResolver.IsRegistered);

                // A new import runs nothing of the module's: the resolver comes back with the engine's
                // next use, before any engine code can ask it for a dependency.
                Assert.NotNull(EngineLoader.Engine);
                Assert.NotNull(EngineLoader.Engine);
                Assert.True(DesktopDependencyResolver.IsRegistered);
            }
            finally
            {
                DesktopDependencyResolver.Unregister();
            }
        }
    }
}
