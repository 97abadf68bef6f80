using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading.Tasks;

namespace PartnerCenter.Emulator.State
{
    /// <summary>
    /// The report files behind Partner insights' secure links. A link is the download origin's address, a
    /// random path and a signature in the query string (as a blob storage shared access signature is): the
    /// file is served only to a request with both, until it expires. The download origin (a second HTTPS
    /// listener, another origin than Partner Center's) serves what is published here.
    /// </summary>
    public sealed class DownloadStore
    {
        private readonly object _gate = new object();
        private readonly Dictionary<string, PublishedFile> _files = new Dictionary<string, PublishedFile>(StringComparer.Ordinal);
        private readonly List<RecordedRequest> _requests = new List<RecordedRequest>();
        private readonly Queue<EmulatorFault> _faults = new Queue<EmulatorFault>();
        private DownloadStall _stall;

        /// <summary>The download origin's base address (https, another port than Partner Center's); set when it starts.</summary>
        public Uri BaseUri { get; set; }

        /// <summary>Publishes a file and returns its secure link, which works until <paramref name="expiresAt"/>.</summary>
        /// <param name="fileName">The file's name, the last segment of the link's path.</param>
        /// <param name="open">Opens the file's bytes, once per download.</param>
        /// <param name="expiresAt">When the link stops working.</param>
        public Uri Publish(string fileName, Func<Stream> open, DateTimeOffset expiresAt)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
            ArgumentNullException.ThrowIfNull(open);
            Uri origin = BaseUri ?? throw new InvalidOperationException("The download origin has not started.");
            string path = "/reports/" + Guid.NewGuid().ToString("N") + "/" + Uri.EscapeDataString(fileName);
            string signature = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            lock (_gate)
            {
                _files[path] = new PublishedFile(signature, open, expiresAt);
            }

            return new Uri(origin, path + "?se=" + Uri.EscapeDataString(expiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ")) + "&sig=" + signature);
        }

        /// <summary>Makes every published link expire now.</summary>
        public void ExpireAll()
        {
            lock (_gate)
            {
                foreach (string path in new List<string>(_files.Keys))
                {
                    _files[path] = _files[path] with { ExpiresAt = DateTimeOffset.MinValue };
                }
            }
        }

        /// <summary>Forgets every published file, recorded request, queued fault and stall.</summary>
        public void Clear()
        {
            lock (_gate)
            {
                _files.Clear();
                _requests.Clear();
                _faults.Clear();
                _stall?.Release();
                _stall = null;
            }
        }

        /// <summary>Every request the download origin received, in order: what reached the link's host.</summary>
        public IReadOnlyList<RecordedRequest> Requests
        {
            get
            {
                lock (_gate)
                {
                    return _requests.ToArray();
                }
            }
        }

        /// <summary>
        /// Answers the download origin's next request with <paramref name="fault"/> instead of a file, whatever its
        /// path: a redirect (a 3xx with a Location header), a 503 with Retry-After, a body cut off part-way, a reset.
        /// </summary>
        public void EnqueueFault(EmulatorFault fault)
        {
            ArgumentNullException.ThrowIfNull(fault);
            fault.Validate();
            lock (_gate)
            {
                _faults.Enqueue(fault);
            }
        }

        /// <summary>
        /// The next file served stops after its first <paramref name="bytes"/> bytes (sent and flushed) until the
        /// returned stall is released, so a test can see what the client does with part of a file.
        /// </summary>
        public DownloadStall StallAfter(int bytes)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(bytes);
            var stall = new DownloadStall(bytes);
            lock (_gate)
            {
                _stall?.Release();
                _stall = stall;
            }

            return stall;
        }

        internal void Record(RecordedRequest request)
        {
            lock (_gate)
            {
                _requests.Add(request);
            }
        }

        internal EmulatorFault TryDequeueFault()
        {
            lock (_gate)
            {
                return _faults.Count > 0 ? _faults.Dequeue() : null;
            }
        }

        internal DownloadStall TakeStall()
        {
            lock (_gate)
            {
                DownloadStall stall = _stall;
                _stall = null;
                return stall;
            }
        }

        /// <summary>Looks a request's path and signature up: the file, or why it is refused.</summary>
        public DownloadLookup Find(string path, string signature, DateTimeOffset now)
        {
            lock (_gate)
            {
                if (path == null || !_files.TryGetValue(path, out PublishedFile file) || signature == null
                    || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(signature), System.Text.Encoding.ASCII.GetBytes(file.Signature)))
                {
                    return new DownloadLookup(DownloadRefusal.NotFound, null);
                }

                return now >= file.ExpiresAt ? new DownloadLookup(DownloadRefusal.Expired, null) : new DownloadLookup(DownloadRefusal.None, file.Open);
            }
        }

        private sealed record PublishedFile(string Signature, Func<Stream> Open, DateTimeOffset ExpiresAt);
    }

    /// <summary>Why the download origin refuses a request, if it does.</summary>
    public enum DownloadRefusal
    {
        /// <summary>Served.</summary>
        None,

        /// <summary>No such file, or a wrong signature (blob storage answers 404 or 403; the emulator answers 403 for both).</summary>
        NotFound,

        /// <summary>The signature's expiry has passed (blob storage answers 403 AuthenticationFailed).</summary>
        Expired,
    }

    /// <summary>A file's body held part-way by <see cref="DownloadStore.StallAfter"/>.</summary>
    public sealed class DownloadStall
    {
        private readonly TaskCompletionSource _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        internal DownloadStall(int bytes)
        {
            Bytes = bytes;
        }

        /// <summary>How many bytes go out before the stall.</summary>
        public int Bytes { get; }

        /// <summary>Completes when those bytes have been sent and flushed, and the body waits.</summary>
        public Task Reached => _reached.Task;

        /// <summary>Lets the rest of the body go.</summary>
        public void Release() => _released.TrySetResult();

        internal Task Released => _released.Task;

        internal void MarkReached() => _reached.TrySetResult();
    }

    /// <summary>The outcome of <see cref="DownloadStore.Find"/>.</summary>
    public readonly record struct DownloadLookup(DownloadRefusal Refusal, Func<Stream> Open);
}
