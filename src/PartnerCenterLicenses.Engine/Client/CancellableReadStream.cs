using System;
using System.IO;
using System.Threading;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// A read-only view of a response body whose synchronous reads honour Ctrl+C and the request's
    /// idle timeout. The JSON reader reads synchronously on the pipeline thread so each item can be
    /// written the moment it is parsed; without this, neither could interrupt a body that stalls
    /// half way. The timeout runs during each read only, never while the pipeline has the thread.
    /// </summary>
    internal sealed class CancellableReadStream : Stream
    {
        private readonly Stream _inner;
        private readonly IdleTimeout _timeout;

        public CancellableReadStream(Stream inner, IdleTimeout timeout)
        {
            _inner = inner;
            _timeout = timeout;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            CancellationToken token = _timeout.Token;
            token.ThrowIfCancellationRequested();
            _timeout.Start();
            try
            {
                return _inner.ReadAsync(buffer, offset, count, token).GetAwaiter().GetResult();
            }
            finally
            {
                _timeout.Pause();
            }
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
