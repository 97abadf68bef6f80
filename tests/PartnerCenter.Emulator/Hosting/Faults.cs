using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace PartnerCenter.Emulator.Hosting
{
    /// <summary>
    /// Plays an <see cref="EmulatorFault"/> on a live request. Every wait is tied to the client's connection
    /// and to server shutdown, and gives up by aborting the connection, so a fault can never outlive the
    /// test that queued it.
    /// </summary>
    internal static class Faults
    {
        /// <summary>
        /// Time for bytes already handed to Kestrel to leave the machine before the connection is cut. Kestrel's
        /// flush completes when its pipes take the data, not when TLS and the socket have sent it, and an abort
        /// discards whatever is still queued, which would make "cut after N bytes" cut earlier than N.
        /// </summary>
        private static readonly TimeSpan DrainBeforeAbort = TimeSpan.FromMilliseconds(100);

        /// <param name="context">The request to answer.</param>
        /// <param name="fault">What to answer.</param>
        /// <param name="byteOrderMark">
        /// Put the UTF-8 byte order mark before a non-empty JSON body (one without a content type of its own
        /// counts as JSON), as the live Partner Center does. Byte counts
        /// (<see cref="EmulatorFault.AbortAfterBodyBytes"/>) stay counts of the scripted body: the mark comes on top.
        /// </param>
        /// <param name="serverStopping">Ends every wait when the server stops.</param>
        public static async Task PlayAsync(HttpContext context, EmulatorFault fault, bool byteOrderMark, CancellationToken serverStopping)
        {
            using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, serverStopping);
            CancellationToken token = cancellation.Token;
            try
            {
                await PlayCoreAsync(context, fault, byteOrderMark, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The client gave up (a timeout test) or the server is stopping: there is nobody left to answer.
                Abort(context);
            }
        }

        private static async Task PlayCoreAsync(HttpContext context, EmulatorFault fault, bool byteOrderMark, CancellationToken token)
        {
            if (fault.DelayBeforeHeaders > TimeSpan.Zero)
            {
                await Task.Delay(fault.DelayBeforeHeaders, token);
            }

            if (fault.ResetBeforeHeaders)
            {
                Reset(context);
                return;
            }

            HttpResponse response = context.Response;
            response.StatusCode = fault.StatusCode;
            foreach (KeyValuePair<string, string> header in fault.Headers)
            {
                response.Headers[header.Key] = header.Value;
            }

            if (fault.RetryAfterDateIn != null)
            {
                // Fixed now, after any delay and just before the headers go: the client is asked to wait
                // from the moment it is told, however long it took to ask.
                response.Headers["Retry-After"] = fault.RetryAfterDate(DateTimeOffset.UtcNow);
            }

            byte[] body = string.IsNullOrEmpty(fault.Body) ? Array.Empty<byte>() : Encoding.UTF8.GetBytes(fault.Body);
            int mark = 0;
            bool json = !fault.Headers.TryGetValue("Content-Type", out string contentType)
                || contentType.Contains("json", StringComparison.OrdinalIgnoreCase);
            if (byteOrderMark && json && body.Length > 0)
            {
                mark = HttpExtensions.Utf8ByteOrderMark.Length;
                byte[] marked = new byte[mark + body.Length];
                HttpExtensions.Utf8ByteOrderMark.CopyTo(marked);
                body.CopyTo(marked, mark);
                body = marked;
            }

            if (body.Length > 0 && string.IsNullOrEmpty(response.ContentType))
            {
                response.ContentType = HttpExtensions.JsonContentType;
            }

            if (!fault.ChunkedBody)
            {
                // Promises the whole body even when only part of it will come.
                response.ContentLength = body.Length;
            }

            bool trickle = fault.TrickleChunkBytes > 0;
            if (trickle)
            {
                // Kestrel aborts a response slower than 240 bytes/s after a 5 s grace period; a trickle is
                // meant to be slow, and ends only when it is done or the client leaves.
                IHttpMinResponseDataRateFeature rate = context.Features.Get<IHttpMinResponseDataRateFeature>();
                if (rate != null)
                {
                    rate.MinDataRate = null;
                }
            }

            int toSend = fault.AbortAfterBodyBytes + mark ?? body.Length;
            if (toSend == 0 || fault.AbortAfterBodyBytes != null || trickle)
            {
                // Headers out now: the client must see the status before the body stalls or breaks.
                await response.StartAsync(token);
                await response.Body.FlushAsync(token);
            }

            int sent = 0;
            int piece = trickle ? fault.TrickleChunkBytes : Math.Max(toSend, 1);
            while (sent < toSend)
            {
                if (trickle && sent > 0 && fault.TrickleInterval > TimeSpan.Zero)
                {
                    await Task.Delay(fault.TrickleInterval, token);
                }

                int count = Math.Min(piece, toSend - sent);
                await response.Body.WriteAsync(body.AsMemory(sent, count), token);
                await response.Body.FlushAsync(token);
                sent += count;
            }

            if (fault.AbortAfterBodyBytes != null)
            {
                await Task.Delay(DrainBeforeAbort, token);
                Abort(context);
            }
        }

        /// <summary>
        /// Cuts the connection, marking the record first: the client sees the failure at once and a test may
        /// look at <see cref="RecordedRequest.Aborted"/> before this request's pipeline has unwound.
        /// </summary>
        private static void Abort(HttpContext context)
        {
            if (context.Items[RecordedRequest.ContextItem] is RecordedRequest record)
            {
                record.Aborted = true;
            }

            context.Abort();
        }

        /// <summary>
        /// Ends the connection with a TCP reset where the socket is reachable (zero linger turns the close into
        /// an RST), so the client sees "connection reset" rather than a clean end of stream.
        /// </summary>
        private static void Reset(HttpContext context)
        {
            Socket socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
            if (socket != null)
            {
                try
                {
                    socket.LingerState = new LingerOption(enable: true, seconds: 0);
                }
                catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
                {
                    // The client already went away; the abort below is all that is left to do.
                }
            }

            Abort(context);
        }
    }
}
