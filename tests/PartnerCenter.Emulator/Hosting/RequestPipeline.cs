using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using PartnerCenter.Emulator.Entra;

namespace PartnerCenter.Emulator.Hosting
{
    /// <summary>
    /// The middleware that runs before any endpoint: recording, Partner Center's correlation headers and
    /// scripted responses (faults). Order matters: a scripted response is still recorded and, on a Partner
    /// Center path, still carries the correlation headers unless the script sets them itself.
    /// </summary>
    internal sealed class RequestPipeline
    {
        private static readonly HashSet<string> EntraAreas =
            new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "oauth2", "v2.0", "discovery" };

        private readonly EmulatorState _state;
        private readonly ILogger _logger;
        private readonly CancellationToken _stopping;
        private readonly string _serverId = RandomNumberGenerator.GetInt32(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);

        public RequestPipeline(EmulatorState state, ILogger logger, CancellationToken stopping)
        {
            _state = state;
            _logger = logger;
            _stopping = stopping;
        }

        public void Configure(IApplicationBuilder app)
        {
            app.Use(CountConcurrencyAsync);
            app.Use(RecordAsync);
            app.Use(AddPartnerCenterHeadersAsync);
            app.Use(DelayPartnerCenterAsync);
            app.Use(ServeScriptedResponseAsync);
        }

        /// <summary>
        /// Entra URLs are <c>/{tenant}/oauth2/...</c>, <c>/{tenant}/v2.0/...</c>, <c>/{tenant}/discovery/...</c>
        /// and the device login page; everything else is Partner Center's.
        /// </summary>
        internal static bool IsEntraPath(PathString path)
        {
            if (path.StartsWithSegments(DeviceCodeEndpoint.VerificationPath, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            string[] segments = (path.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
            return segments.Length >= 3 && EntraAreas.Contains(segments[1]);
        }

        /// <summary>A Partner Center request is in flight from its arrival to the end of its response.</summary>
        private async Task CountConcurrencyAsync(HttpContext context, RequestDelegate next)
        {
            if (IsEntraPath(context.Request.Path))
            {
                await next(context);
                return;
            }

            _state.PartnerCenterRequestStarted();
            try
            {
                await next(context);
            }
            finally
            {
                _state.PartnerCenterRequestEnded();
            }
        }

        /// <summary>
        /// Plays <see cref="EmulatorState.PartnerCenterLatency"/>, after the request is recorded and before
        /// anything (a scripted response included) answers it. A client that leaves ends the wait and gets nothing.
        /// </summary>
        private async Task DelayPartnerCenterAsync(HttpContext context, RequestDelegate next)
        {
            TimeSpan latency = _state.PartnerCenterLatency;
            if (latency > TimeSpan.Zero && !IsEntraPath(context.Request.Path))
            {
                using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping);
                try
                {
                    await Task.Delay(latency, cancellation.Token);
                }
                catch (OperationCanceledException)
                {
                    if (context.Items[RecordedRequest.ContextItem] is RecordedRequest record)
                    {
                        record.Aborted = true;
                    }

                    context.Abort();
                    return;
                }
            }

            await next(context);
        }

        private async Task RecordAsync(HttpContext context, RequestDelegate next)
        {
            HttpRequest request = context.Request;
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (KeyValuePair<string, StringValues> header in request.Headers)
            {
                headers[header.Key] = string.Join(", ", header.Value.ToArray());
            }

            var record = new RecordedRequest(
                request.Method,
                request.Path.Value,
                request.QueryString.Value ?? string.Empty,
                new ReadOnlyDictionary<string, string>(headers),
                await ReadBodyAsync(request, context.RequestAborted),
                DateTimeOffset.UtcNow);

            bool isTokenRequest = HttpMethods.IsPost(request.Method)
                && request.Path.Value.EndsWith("/oauth2/v2.0/token", StringComparison.OrdinalIgnoreCase);
            _state.Record(record, isTokenRequest);
            context.Items[RecordedRequest.ContextItem] = record;

            // Set before the headers go out: a client can have the whole response (and a test can look at
            // the record) before the rest of this pipeline has unwound. Kestrel still "starts" the response
            // of an aborted request, with the default 200; nothing was returned then, so record 0. The
            // record's own flag covers aborts by a fault, which Kestrel reflects in RequestAborted only later.
            context.Response.OnStarting(() =>
            {
                bool aborted = record.Aborted || context.RequestAborted.IsCancellationRequested;
                record.StatusCode = aborted ? 0 : context.Response.StatusCode;
                return Task.CompletedTask;
            });

            long started = Stopwatch.GetTimestamp();
            await next(context);
            if (context.RequestAborted.IsCancellationRequested)
            {
                // The client left (or a fault cut the connection) before the response was complete.
                record.Aborted = true;
            }

            _logger.LogInformation(
                "{Method} {Path} -> {Outcome} ({Elapsed:0} ms)",
                request.Method,
                request.Path.Value,
                record.Aborted ? $"{record.StatusCode.ToString(CultureInfo.InvariantCulture)}, aborted" : context.Response.StatusCode.ToString(CultureInfo.InvariantCulture),
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        private Task AddPartnerCenterHeadersAsync(HttpContext context, RequestDelegate next)
        {
            if (!IsEntraPath(context.Request.Path))
            {
                IHeaderDictionary requestHeaders = context.Request.Headers;
                string requestId = FirstOrNewGuid(requestHeaders["MS-RequestId"]);
                string correlationId = FirstOrNewGuid(requestHeaders["MS-CorrelationId"]);
                string correlationVector = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)) + ".0";
                context.Response.OnStarting(() =>
                {
                    IHeaderDictionary headers = context.Response.Headers;
                    headers.TryAdd("MS-RequestId", requestId);
                    headers.TryAdd("MS-CorrelationId", correlationId);
                    headers.TryAdd("MS-CV", correlationVector);
                    headers.TryAdd("MS-ServerId", _serverId);
                    return Task.CompletedTask;
                });
            }

            return next(context);
        }

        private Task ServeScriptedResponseAsync(HttpContext context, RequestDelegate next)
        {
            bool partnerCenter = !IsEntraPath(context.Request.Path);
            EmulatorFault fault = _state.TryDequeueFault(context.Request.Path.Value);
            if (fault == null && partnerCenter)
            {
                fault = _state.TryDequeuePartnerCenterFault() ?? _state.NextThrottle();
            }

            if (fault == null)
            {
                return next(context);
            }

            bool byteOrderMark = _state.ByteOrderMark && partnerCenter;
            return Faults.PlayAsync(context, fault, byteOrderMark, _stopping);
        }

        private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
        {
            bool hasBody = request.ContentLength > 0
                || request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase);
            if (!hasBody)
            {
                return null;
            }

            // Buffered so the endpoint can read the same body again (e.g. as a form).
            request.EnableBuffering();
            using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            string body = await reader.ReadToEndAsync(cancellationToken);
            request.Body.Position = 0;
            return body;
        }

        private static string FirstOrNewGuid(StringValues values)
        {
            string value = values.Count > 0 ? values[0] : null;
            return string.IsNullOrWhiteSpace(value) ? Guid.NewGuid().ToString() : value;
        }
    }
}
