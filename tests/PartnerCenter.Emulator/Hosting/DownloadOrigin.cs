using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using PartnerCenter.Emulator.State;

namespace PartnerCenter.Emulator.Hosting
{
    /// <summary>
    /// The host behind Partner insights' secure links: a second HTTPS listener, another origin than Partner
    /// Center's (another port, and the name <c>localhost</c> where Partner Center is <c>127.0.0.1</c>; the
    /// server certificate names both). It answers as Azure Blob Storage answers a shared access signature: the
    /// file with its length and type, or 403 AuthenticationFailed in Storage's XML error body for a wrong or
    /// expired signature. It records every request's headers, so a test can prove what reached it.
    /// </summary>
    internal sealed class DownloadOrigin : IAsyncDisposable
    {
        private const int CopyBufferBytes = 64 * 1024;
        private readonly WebApplication _app;

        private DownloadOrigin(WebApplication app, Uri baseUri)
        {
            _app = app;
            BaseUri = baseUri;
        }

        public Uri BaseUri { get; }

        public static async Task<DownloadOrigin> StartAsync(X509Certificate2 certificate, DownloadStore store, TimeSpan shutdownTimeout)
        {
            WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
            {
                ApplicationName = typeof(DownloadOrigin).Assembly.GetName().Name,
            });
            builder.WebHost.UseKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
            });
            builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = shutdownTimeout);
            builder.Logging.ClearProviders();
            WebApplication app = builder.Build();
            CancellationToken stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            app.Run(context => ServeAsync(context, store, stopping));
            try
            {
                await app.StartAsync();
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }

            var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>().Addresses.First());

            // The listener is IPv4 loopback; a client that tries ::1 first for "localhost" falls back to it.
            return new DownloadOrigin(app, new Uri("https://localhost:" + bound.Port.ToString(CultureInfo.InvariantCulture) + "/"));
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _app.StopAsync(timeout.Token);
            }
            finally
            {
                await _app.DisposeAsync();
            }
        }

        private static async Task ServeAsync(HttpContext context, DownloadStore store, CancellationToken stopping)
        {
            HttpRequest request = context.Request;
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (KeyValuePair<string, StringValues> header in request.Headers)
            {
                headers[header.Key] = string.Join(", ", header.Value.ToArray());
            }

            var record = new RecordedRequest(
                request.Method, request.Path.Value, request.QueryString.Value ?? string.Empty,
                new ReadOnlyDictionary<string, string>(headers), null, DateTimeOffset.UtcNow);
            store.Record(record);
            context.Items[RecordedRequest.ContextItem] = record;
            context.Response.OnStarting(() =>
            {
                record.StatusCode = record.Aborted ? 0 : context.Response.StatusCode;
                return Task.CompletedTask;
            });

            try
            {
                await AnswerAsync(context, store, stopping);
            }
            finally
            {
                if (context.RequestAborted.IsCancellationRequested)
                {
                    record.Aborted = true;
                }
            }
        }

        private static async Task AnswerAsync(HttpContext context, DownloadStore store, CancellationToken stopping)
        {
            EmulatorFault fault = store.TryDequeueFault();
            if (fault != null)
            {
                await Faults.PlayAsync(context, fault, byteOrderMark: false, stopping);
                return;
            }

            HttpRequest request = context.Request;
            HttpResponse response = context.Response;
            if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
            {
                await StorageErrorAsync(response, 405, "UnsupportedHttpVerb", "The resource doesn't support the specified HTTP verb.", null);
                return;
            }

            DownloadLookup lookup = store.Find(request.Path.Value, request.Query["sig"].FirstOrDefault(), DateTimeOffset.UtcNow);
            if (lookup.Refusal != DownloadRefusal.None)
            {
                // Blob storage refuses a shared access signature that does not match, or whose signed expiry
                // has passed, with 403 and the error code AuthenticationFailed in an XML body
                // (https://learn.microsoft.com/rest/api/storageservices/sas-error-codes;
                // https://learn.microsoft.com/troubleshoot/azure/azure-storage/blobs/authentication/storage-troubleshoot-403-errors).
                await StorageErrorAsync(
                    response,
                    403,
                    "AuthenticationFailed",
                    "The server could not authenticate the request: the shared access signature is not valid for this resource.",
                    lookup.Refusal == DownloadRefusal.Expired ? "The signed expiry time has passed." : "The signature does not match.");
                return;
            }

            using Stream file = lookup.Open();
            response.StatusCode = 200;
            response.ContentType = "text/csv";
            response.Headers["x-ms-blob-type"] = "BlockBlob";
            response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
            if (file.CanSeek)
            {
                response.ContentLength = file.Length - file.Position;
            }

            if (HttpMethods.IsHead(request.Method))
            {
                return;
            }

            // A client that reads slowly (a pipeline doing work per row) must not be cut off by Kestrel's
            // minimum data rate; the client's own timeout decides.
            IHttpMinResponseDataRateFeature rate = context.Features.Get<IHttpMinResponseDataRateFeature>();
            if (rate != null)
            {
                rate.MinDataRate = null;
            }

            using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            CancellationToken token = cancellation.Token;
            DownloadStall stall = store.TakeStall();
            byte[] buffer = new byte[CopyBufferBytes];
            long sent = 0;
            try
            {
                await response.StartAsync(token);
                while (true)
                {
                    int want = buffer.Length;
                    if (stall != null && sent < stall.Bytes)
                    {
                        want = (int)Math.Min(want, stall.Bytes - sent);
                    }

                    int read = await file.ReadAsync(buffer.AsMemory(0, want), token);
                    if (read == 0)
                    {
                        break;
                    }

                    await response.Body.WriteAsync(buffer.AsMemory(0, read), token);
                    sent += read;
                    if (stall != null && sent == stall.Bytes)
                    {
                        await response.Body.FlushAsync(token);
                        stall.MarkReached();
                        await stall.Released.WaitAsync(token);
                        stall = null;
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                context.Abort();
            }
            finally
            {
                stall?.MarkReached();
            }
        }

        private static Task StorageErrorAsync(HttpResponse response, int status, string code, string message, string detail)
        {
            response.Headers["x-ms-error-code"] = code;
            string body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + "\nRequestId:" + Guid.NewGuid() + "\nTime:" + DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture) + "</Message>"
                + (detail == null ? string.Empty : "<AuthenticationErrorDetail>" + detail + "</AuthenticationErrorDetail>") + "</Error>";
            return response.WriteTextAsync(status, "application/xml", body);
        }
    }
}
