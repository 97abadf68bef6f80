using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// Receives the answer of a browser sign-in at http://localhost:{free port}/ (the loopback redirect of
    /// a native app, RFC 8252), for the confidential authorization code flow, where MSAL builds the URL and
    /// redeems the code but leaves the listening to the application. It answers one request at a time,
    /// reads at most a few kilobytes of each, and accepts an answer only when its state is the one the
    /// sign-in sent: any other request gets an error page and the wait goes on.
    /// </summary>
    internal sealed class LoopbackRedirectListener : IDisposable
    {
        private const int MaxRequestBytes = 64 * 1024;
        private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

        private readonly List<TcpListener> _listeners = new List<TcpListener>();

        private LoopbackRedirectListener()
        {
        }

        /// <summary>The redirect URI to register and to send: http://localhost:{port}/.</summary>
        public Uri RedirectUri { get; private set; }

        /// <summary>
        /// Listens on a free port of 127.0.0.1 and, where the machine has IPv6, the same port of ::1,
        /// since a browser may resolve localhost to either.
        /// </summary>
        public static LoopbackRedirectListener Start()
        {
            var listener = new LoopbackRedirectListener();
            var ipv4 = new TcpListener(IPAddress.Loopback, 0);
            ipv4.Start();
            listener._listeners.Add(ipv4);
            int port = ((IPEndPoint)ipv4.LocalEndpoint).Port;
            if (Socket.OSSupportsIPv6)
            {
                var ipv6 = new TcpListener(IPAddress.IPv6Loopback, port);
                try
                {
                    ipv6.Start();
                    listener._listeners.Add(ipv6);
                }
                catch (SocketException)
                {
                    // The port is taken on ::1, or IPv6 is off: browsers fall back to 127.0.0.1.
                }
            }

            listener.RedirectUri = new Uri("http://localhost:" + port + "/");
            return listener;
        }

        /// <summary>A state value for the authorize request: 32 random bytes, URL-safe.</summary>
        public static string NewState()
        {
            var bytes = new byte[32];
            using (var random = RandomNumberGenerator.Create())
            {
                random.GetBytes(bytes);
            }

            return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }

        /// <summary>
        /// Waits for the browser to bring the answer with <paramref name="expectedState"/>: a code, or an
        /// error the authority sent back. Ends with the token's cancellation, as an
        /// <see cref="OperationCanceledException"/> however early it comes.
        /// </summary>
        public async Task<AuthorizationAnswer> WaitAsync(string expectedState, Action<string> note, CancellationToken cancellationToken)
        {
            var pending = new List<Task<TcpClient>>();
            using (cancellationToken.Register(Stop))
            {
                // A token cancelled before or during the start stops the listeners under the accepts:
                // whatever they throw then is the cancellation.
                try
                {
                    foreach (TcpListener listener in _listeners)
                    {
                        pending.Add(listener.AcceptTcpClientAsync());
                    }

                    while (true)
                    {
                        Task<TcpClient> accepted = await Task.WhenAny(pending).ConfigureAwait(false);
                        cancellationToken.ThrowIfCancellationRequested();
                        int index = pending.IndexOf(accepted);
                        pending[index] = _listeners[index].AcceptTcpClientAsync();
                        using (TcpClient client = await accepted.ConfigureAwait(false))
                        {
                            AuthorizationAnswer answer = await AnswerAsync(client, expectedState, note).ConfigureAwait(false);
                            if (answer != null)
                            {
                                return answer;
                            }
                        }
                    }
                }
                catch (Exception e) when ((e is ObjectDisposedException || e is SocketException || e is InvalidOperationException) && cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
                finally
                {
                    // Accepts still waiting end with the listeners; their failure is expected.
                    foreach (Task<TcpClient> waiting in pending)
                    {
                        _ = waiting.ContinueWith(t => { if (t.Status == TaskStatus.RanToCompletion) { t.Result.Dispose(); } else { var ignored = t.Exception; } }, TaskScheduler.Default);
                    }
                }
            }
        }

        public void Dispose()
        {
            Stop();
        }

        private void Stop()
        {
            foreach (TcpListener listener in _listeners)
            {
                try
                {
                    listener.Stop();
                }
                catch (SocketException)
                {
                }
            }
        }

        // One request: the answer when it is the sign-in's, null (after an error page) when it is not.
        private static async Task<AuthorizationAnswer> AnswerAsync(TcpClient client, string expectedState, Action<string> note)
        {
            NetworkStream stream = client.GetStream();
            Dictionary<string, string> parameters;
            string path;
            using (var timeout = new CancellationTokenSource(ReadTimeout))
            {
                try
                {
                    (path, parameters) = await ReadRequestAsync(stream, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException || e is OperationCanceledException || e is FormatException || e is SocketException)
                {
                    note("A request to the sign-in's loopback address could not be read: " + e.Message);
                    return null;
                }
            }

            if (path != "/")
            {
                await WritePageAsync(stream, "404 Not Found", "Not found", "This address only receives the sign-in of PartnerCenterLicenses.").ConfigureAwait(false);
                return null;
            }

            parameters.TryGetValue("state", out string state);
            parameters.TryGetValue("code", out string code);
            parameters.TryGetValue("error", out string error);
            if (string.IsNullOrEmpty(code) && string.IsNullOrEmpty(error))
            {
                await WritePageAsync(stream, "400 Bad Request", "No sign-in answer", "The request carries neither a code nor an error.").ConfigureAwait(false);
                return null;
            }

            if (!FixedTimeEquals(state, expectedState))
            {
                note("The loopback address received a sign-in answer whose state is not this sign-in's; it was ignored.");
                await WritePageAsync(stream, "400 Bad Request", "Not this sign-in", "This answer does not belong to the sign-in PowerShell is waiting for; it was ignored.").ConfigureAwait(false);
                return null;
            }

            if (!string.IsNullOrEmpty(error))
            {
                parameters.TryGetValue("error_description", out string description);
                await WritePageAsync(stream, "200 OK", "Sign-in failed", "The sign-in did not complete. You can close this window and return to PowerShell.").ConfigureAwait(false);
                return new AuthorizationAnswer(null, error, description);
            }

            await WritePageAsync(stream, "200 OK", "Signed in", "You have signed in. You can close this window and return to PowerShell.").ConfigureAwait(false);
            return new AuthorizationAnswer(code, null, null);
        }

        // An HTTP/1.1 request line and headers, and for a POST (response_mode=form_post) its form body.
        private static async Task<(string Path, Dictionary<string, string> Parameters)> ReadRequestAsync(Stream stream, CancellationToken cancellationToken)
        {
            var buffer = new MemoryStream();
            var chunk = new byte[4096];
            int headerEnd = -1;
            while (headerEnd < 0)
            {
                int read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException("The connection closed before the request was complete.");
                }

                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxRequestBytes)
                {
                    throw new FormatException("The request is larger than " + MaxRequestBytes / 1024 + " KB.");
                }

                headerEnd = IndexOfHeaderEnd(buffer.GetBuffer(), (int)buffer.Length);
            }

            byte[] bytes = buffer.GetBuffer();
            string head = Encoding.ASCII.GetString(bytes, 0, headerEnd);
            string[] lines = head.Split(new[] { "\r\n" }, StringSplitOptions.None);
            string[] requestLine = lines[0].Split(' ');
            if (requestLine.Length != 3)
            {
                throw new FormatException("The request line is not HTTP.");
            }

            string method = requestLine[0];
            string target = requestLine[1];
            int question = target.IndexOf('?');
            string path = question < 0 ? target : target.Substring(0, question);
            var parameters = ParseForm(question < 0 ? string.Empty : target.Substring(question + 1));

            if (method == "POST")
            {
                int length = 0;
                foreach (string line in lines)
                {
                    if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)
                        && !int.TryParse(line.Substring("Content-Length:".Length).Trim(), out length))
                    {
                        throw new FormatException("The Content-Length is not a number.");
                    }
                }

                int bodyStart = headerEnd + 4;
                if (length < 0 || bodyStart + length > MaxRequestBytes)
                {
                    throw new FormatException("The request is larger than " + MaxRequestBytes / 1024 + " KB.");
                }

                while (buffer.Length < bodyStart + length)
                {
                    int read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        throw new IOException("The connection closed before the request body was complete.");
                    }

                    buffer.Write(chunk, 0, read);
                }

                foreach (KeyValuePair<string, string> field in ParseForm(Encoding.ASCII.GetString(buffer.GetBuffer(), bodyStart, length)))
                {
                    parameters[field.Key] = field.Value;
                }
            }
            else if (method != "GET")
            {
                throw new FormatException("The method " + method + " is not one a browser brings a sign-in with.");
            }

            return (path, parameters);
        }

        private static int IndexOfHeaderEnd(byte[] bytes, int length)
        {
            for (int i = 3; i < length; i++)
            {
                if (bytes[i - 3] == '\r' && bytes[i - 2] == '\n' && bytes[i - 1] == '\r' && bytes[i] == '\n')
                {
                    return i - 3;
                }
            }

            return -1;
        }

        internal static Dictionary<string, string> ParseForm(string text)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string pair in text.Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                int equals = pair.IndexOf('=');
                string name = Unescape(equals < 0 ? pair : pair.Substring(0, equals));
                string value = equals < 0 ? string.Empty : Unescape(pair.Substring(equals + 1));

                // A repeated field is ambiguous; the first one counts, as in most servers.
                if (!fields.ContainsKey(name))
                {
                    fields[name] = value;
                }
            }

            return fields;
        }

        private static string Unescape(string value)
        {
            return Uri.UnescapeDataString(value.Replace('+', ' '));
        }

        private static bool FixedTimeEquals(string actual, string expected)
        {
            if (actual == null || expected == null || actual.Length != expected.Length)
            {
                return false;
            }

            int difference = 0;
            for (int i = 0; i < actual.Length; i++)
            {
                difference |= actual[i] ^ expected[i];
            }

            return difference == 0;
        }

        private static async Task WritePageAsync(Stream stream, string status, string title, string text)
        {
            string html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + title + " - PartnerCenterLicenses</title></head><body><h1>"
                + title + "</h1><p>" + text + "</p></body></html>";
            byte[] body = Encoding.UTF8.GetBytes(html);
            byte[] head = Encoding.ASCII.GetBytes("HTTP/1.1 " + status + "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + body.Length
                + "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
            try
            {
                await stream.WriteAsync(head, 0, head.Length).ConfigureAwait(false);
                await stream.WriteAsync(body, 0, body.Length).ConfigureAwait(false);
                await stream.FlushAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException || e is SocketException || e is ObjectDisposedException)
            {
                // The browser went away; the answer it brought still counts.
            }
        }
    }

    /// <summary>What the browser brought back: a code, or the authority's error.</summary>
    internal sealed class AuthorizationAnswer
    {
        public AuthorizationAnswer(string code, string error, string errorDescription)
        {
            Code = code;
            Error = error;
            ErrorDescription = errorDescription;
        }

        public string Code { get; }

        public string Error { get; }

        public string ErrorDescription { get; }
    }
}
