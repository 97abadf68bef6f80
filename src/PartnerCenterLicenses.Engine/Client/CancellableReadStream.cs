using System;
using System.IO;
using System.Threading;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// A read-only view of a response body whose synchronous reads honour a cancellation token.
    /// The JSON reader reads synchronously on the pipeline thread so each item can be written the
    /// moment it is parsed; without this, Ctrl+C or the request timeout could not interrupt a body
    /// that stalls half way.
    /// </summary>
    internal sealed class CancellableReadStream : Stream
    {
        private readonly Stream _inner;
        private readonly CancellationToken _cancellationToken;

        public CancellableReadStream(Stream inner, CancellationToken cancellationToken)
        {
            _inner = inner;
            _cancellationToken = cancellationToken;
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
            _cancellationToken.ThrowIfCancellationRequested();
            return _inner.ReadAsync(buffer, offset, count, _cancellationToken).GetAwaiter().GetResult();
        }

        public override void Flush()
        {
        }

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
