using System;
using System.Threading;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// The timeout of one request to Partner Center, also cancelled by the user's Ctrl+C. It runs
    /// only while the module is waiting for Partner Center: for the response headers, then for each
    /// read of the body. While the pipeline works on objects already read it is stopped, so a slow
    /// downstream command never turns into a Partner Center timeout.
    /// </summary>
    internal sealed class IdleTimeout : IDisposable
    {
        private readonly CancellationTokenSource _source;
        private readonly CancellationToken _user;
        private readonly TimeSpan _timeout;
        private int _disposed;

        public IdleTimeout(TimeSpan timeout, CancellationToken user)
        {
            _timeout = timeout;
            _user = user;
            _source = CancellationTokenSource.CreateLinkedTokenSource(user);
        }

        /// <summary>Cancelled when the user stops the call or the wait outlasts the timeout.</summary>
        public CancellationToken Token => _source.Token;

        /// <summary>The timeout itself, for messages.</summary>
        public TimeSpan Timeout => _timeout;

        /// <summary>True when the token was cancelled by the timeout, not by the user.</summary>
        public bool TimedOut => _source.IsCancellationRequested && !_user.IsCancellationRequested;

        /// <summary>Starts (or restarts) the clock: the module is now waiting for Partner Center.</summary>
        public void Start() => CancelAfter(_timeout);

        /// <summary>Stops the clock: what follows is the module's or the pipeline's own work.</summary>
        public void Pause() => CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _source.Dispose();
            }
        }

        private void CancelAfter(TimeSpan delay)
        {
            if (Volatile.Read(ref _disposed) == 0 && !_source.IsCancellationRequested)
            {
                _source.CancelAfter(delay);
            }
        }
    }
}
