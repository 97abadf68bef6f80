using System;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Client;
using PartnerCenterLicenses.Engine.Http;

namespace PartnerCenterLicenses.Engine.Reports
{
    /// <summary>
    /// Downloads Partner insights report files through their secure links, one chain per session
    /// (<see cref="HttpClients.ForSignedLink"/>): the link is the credential, so the request carries no
    /// Authorization and no Partner Center header, follows no redirect, and goes over HTTPS only; lines and
    /// errors name the link's host and path, never its query string.
    /// </summary>
    internal sealed class ReportDownloads : IDisposable
    {
        private const int MaxErrorBodyChars = 16 * 1024;
        private static readonly Regex StorageErrorCode = new Regex("<Code>([A-Za-z0-9]{1,64})</Code>", RegexOptions.CultureInvariant);

        private readonly HttpMessageInvoker _chain;

        public ReportDownloads(HttpMessageHandler transport, CertificateFailures certificates)
        {
            _chain = HttpClients.ForSignedLink(transport, certificates);
        }

        public void Dispose() => _chain.Dispose();

        /// <summary>Sends the GET and returns the file's body, its headers read; or the error the host's answer means.</summary>
        public async Task<OpenedResponse> OpenAsync(InsightsReportLink link, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
        {
            if (link == null || !link.IsHttps)
            {
                throw SignedLinkFailures.NotHttps(link);
            }

            var context = new RequestContext(call, log, cancellationToken) { ToSignedLink = true };
            HttpResponseMessage response = null;
            try
            {
                using (var request = new HttpRequestMessage(HttpMethod.Get, link.Address))
                {
                    context.AttachTo(request);

                    // Nothing of the session: no token, no MS-* header, no locale. The user agent names the module only.
                    request.Headers.TryAddWithoutValidation("User-Agent", HttpClients.UserAgent);
                    response = await _chain.SendAsync(request, cancellationToken).ConfigureAwait(false);
                }

                if (response.IsSuccessStatusCode)
                {
                    return new OpenedResponse(response, context.Timeout, context.Ids);
                }

                string code = await StorageErrorCodeAsync(response, context.Timeout).ConfigureAwait(false);
                throw SignedLinkFailures.FromStatus(response, link.Address, code, context.Retries);
            }
            catch (NoAnswerException e)
            {
                context.Timeout.Dispose();
                throw e.Failure;
            }
            catch
            {
                response?.Dispose();
                context.Timeout.Dispose();
                throw;
            }
        }

        /// <summary>The rows of the file, parsed as they arrive.</summary>
        public async Task<IItemStream<object>> OpenRowsAsync(ReportFileRequest request, IReportRowBuilder rows, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
        {
            OpenedResponse opened = await OpenAsync(request.Link, call, log, cancellationToken).ConfigureAwait(false);
            try
            {
                Stream body = await opened.Response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                return ReportRowStream.Open(opened, new CancellableReadStream(body, opened.Timeout), request, rows, log);
            }
            catch (Exception e) when (!(e is PartnerCenterException) && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                bool timedOut = opened.Timeout.TimedOut;
                opened.Response.Dispose();
                opened.Timeout.Dispose();
                throw SignedLinkFailures.BodyFailed(request.Link.Address, 0, timedOut, call.Options.Timeout, e);
            }
            catch
            {
                opened.Response.Dispose();
                opened.Timeout.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Saves the file: written to a temporary file in the target's folder as it arrives, then moved into place,
        /// so the path never holds half a file (a failure or Ctrl+C removes the temporary file).
        /// </summary>
        public async Task<long> SaveAsync(ReportFileRequest request, string path, bool overwrite, CmdletCall call, IEngineLog log, CancellationToken cancellationToken)
        {
            if (!overwrite && File.Exists(path))
            {
                throw FileExists(path);
            }

            OpenedResponse opened = await OpenAsync(request.Link, call, log, cancellationToken).ConfigureAwait(false);
            string temporary = Path.Combine(Path.GetDirectoryName(path) ?? ".", "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".partial");
            long length = 0;
            try
            {
                using (opened.Response)
                using (Stream body = await opened.Response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
                {
                    var buffer = new byte[64 * 1024];
                    while (true)
                    {
                        int read;
                        opened.Timeout.Start();
                        try
                        {
                            read = await body.ReadAsync(buffer, 0, buffer.Length, opened.Timeout.Token).ConfigureAwait(false);
                        }
                        finally
                        {
                            opened.Timeout.Pause();
                        }

                        if (read == 0)
                        {
                            break;
                        }

                        await file.WriteAsync(buffer, 0, read, cancellationToken).ConfigureAwait(false);
                        length += read;
                    }
                }

                Move(temporary, path, overwrite);
                log.Verbose("Saved the report file (" + length + " bytes) to " + path + ".");
                return length;
            }
            catch (Exception e) when (!(e is PartnerCenterException) && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested)
                && (e is IOException || e is HttpRequestException || e is OperationCanceledException))
            {
                TryDelete(temporary);
                if (e is IOException && !(e.InnerException is System.Net.Sockets.SocketException) && !opened.Timeout.TimedOut && File.Exists(path) && !overwrite)
                {
                    throw FileExists(path);
                }

                throw SignedLinkFailures.BodyFailed(request.Link.Address, 0, opened.Timeout.TimedOut, call.Options.Timeout, e);
            }
            catch
            {
                TryDelete(temporary);
                throw;
            }
            finally
            {
                opened.Timeout.Dispose();
            }
        }

        private static void Move(string temporary, string path, bool overwrite)
        {
            if (overwrite && File.Exists(path))
            {
                // Replace is one rename on the same volume; the old file is gone only once the new one is whole.
                File.Replace(temporary, path, null);
            }
            else
            {
                File.Move(temporary, path);
            }
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // Left behind, named as a hidden .partial file beside the target; nothing more can be done.
            }
        }

        private static PartnerCenterException FileExists(string path) =>
            new PartnerCenterException(PartnerCenterErrorIds.FileExists, PartnerCenterErrorKind.InvalidArgument, "The file " + path + " already exists; nothing was downloaded.")
            {
                RecommendedAction = "Add -Force to replace it, or choose another -Path.",
            };

        // Blob storage's error body is XML whose <Code> names the failure (AuthenticationFailed); the
        // rest of it (the message and its details) is not needed for the error.
        private static async Task<string> StorageErrorCodeAsync(HttpResponseMessage response, IdleTimeout timeout)
        {
            string body = await PartnerCenterClient.ReadErrorBodyAsync(response, timeout, MaxErrorBodyChars).ConfigureAwait(false);
            Match code = body == null ? null : StorageErrorCode.Match(body);
            return code != null && code.Success ? code.Groups[1].Value : null;
        }
    }
}
