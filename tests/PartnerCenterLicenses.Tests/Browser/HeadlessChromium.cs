using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace PartnerCenterLicenses.Tests.Browser
{
    /// <summary>
    /// One headless Chromium (Debian's chromium package, which .ci/run installs) for a test class, driven over the
    /// DevTools protocol on a WebSocket: one page, attached in flat mode, whose console, exceptions, log entries and
    /// network requests are recorded for the test to read. Chromium missing is a failure that says how to install it,
    /// never a skip.
    /// </summary>
    public sealed class HeadlessChromium : IAsyncLifetime
    {
        private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);
        private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> _pending = new ConcurrentDictionary<int, TaskCompletionSource<JsonNode>>();
        private readonly ConcurrentQueue<(string Method, JsonNode Params)> _events = new ConcurrentQueue<(string, JsonNode)>();
        private readonly List<(string Method, TaskCompletionSource<JsonNode> Seen)> _waiters = new List<(string, TaskCompletionSource<JsonNode>)>();
        private readonly CancellationTokenSource _closing = new CancellationTokenSource();
        private readonly SemaphoreSlim _sending = new SemaphoreSlim(1, 1);
        private Process _process;
        private ClientWebSocket _socket;
        private Task _receiving;
        private string _userData;
        private string _session;
        private int _nextId;

        /// <summary>Where Debian's package puts the browser; PCL_CHROMIUM names another.</summary>
        public static string Executable => Environment.GetEnvironmentVariable("PCL_CHROMIUM") ?? "/usr/bin/chromium";

        /// <summary>Where the screenshots go: the test output folder, kept as the run's artifacts.</summary>
        public static string ArtifactFolder => Path.Combine(AppContext.BaseDirectory, "artifacts");

        public async Task InitializeAsync()
        {
            Assert.True(
                File.Exists(Executable),
                "Chromium is not installed at " + Executable + ": the browser tests of the license report need it. "
                + "Install Debian's package (sudo apt-get install -y chromium; .ci/run does this) or set PCL_CHROMIUM to a Chromium executable.");

            _userData = Path.Combine(Path.GetTempPath(), "pcl-chromium-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_userData);
            var start = new ProcessStartInfo(Executable)
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            foreach (string argument in new[]
            {
                "--headless=new", "--remote-debugging-port=0", "--user-data-dir=" + _userData, "--no-first-run", "--no-default-browser-check",
                "--disable-gpu", "--disable-extensions", "--disable-background-networking", "--disable-sync", "--disable-component-update",
                "--no-sandbox", "--hide-scrollbars", "--mute-audio", "about:blank",
            })
            {
                start.ArgumentList.Add(argument);
            }

            // --no-sandbox: CI containers run as root, where Chromium's sandbox will not start; the pages opened are the
            // tests' own files, and the page's policy is what keeps them from fetching or running anything.
            _process = Process.Start(start);
            // Standard output is drained so a chatty browser never blocks on a full pipe; what it says is not needed.
            _ = _process.StandardOutput.ReadToEndAsync();

            // Chromium says where its DevTools endpoint listens on stderr once it is ready: awaited, not polled.
            string endpoint = null;
            using (var timeout = new CancellationTokenSource(CallTimeout))
            {
                var stderr = new StringBuilder();
                while (endpoint == null)
                {
                    string line = await _process.StandardError.ReadLineAsync(timeout.Token);
                    if (line == null)
                    {
                        throw new InvalidOperationException("Chromium ended before its DevTools endpoint was up:\n" + stderr);
                    }

                    stderr.AppendLine(line);
                    Match match = Regex.Match(line, @"DevTools listening on (ws://\S+)");
                    endpoint = match.Success ? match.Groups[1].Value : null;
                }
            }

            _ = DrainAsync(_process.StandardError);
            _socket = new ClientWebSocket();
            _socket.Options.KeepAliveInterval = TimeSpan.Zero;
            using (var timeout = new CancellationTokenSource(CallTimeout))
            {
                await _socket.ConnectAsync(new Uri(endpoint), timeout.Token);
            }

            _receiving = ReceiveAsync();
            JsonNode target = await BrowserCallAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
            JsonNode attached = await BrowserCallAsync("Target.attachToTarget", new JsonObject { ["targetId"] = (string)target["targetId"], ["flatten"] = true });
            _session = (string)attached["sessionId"];
            foreach (string domain in new[] { "Page.enable", "Runtime.enable", "Log.enable", "Network.enable" })
            {
                await CallAsync(domain);
            }
        }

        public async Task DisposeAsync()
        {
            _closing.Cancel();
            try
            {
                if (_socket?.State == WebSocketState.Open)
                {
                    await BrowserCallAsync("Browser.close");
                }
            }
            catch (Exception e) when (e is WebSocketException || e is OperationCanceledException || e is InvalidOperationException)
            {
                // The browser went first; it is killed below.
            }

            if (_process != null)
            {
                if (!_process.WaitForExit(5000))
                {
                    _process.Kill(entireProcessTree: true);
                }

                _process.Dispose();
            }

            _socket?.Dispose();
            try
            {
                Directory.Delete(_userData, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a child that is ending; the temporary folder is cleaned by the system.
            }
        }

        /// <summary>Everything the page reported since the last <see cref="OpenAsync"/>.</summary>
        public IReadOnlyCollection<(string Method, JsonNode Params)> Events => _events.ToArray();

        /// <summary>Opens a file and returns when its load event has fired (its script has run by then).</summary>
        public async Task OpenAsync(string path, int width = 1280, int height = 900, bool mobile = false)
        {
            await CallAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = mobile });
            _events.Clear();
            Task<JsonNode> loaded = NextEvent("Page.loadEventFired");
            await CallAsync("Page.navigate", new JsonObject { ["url"] = new Uri(path).AbsoluteUri });
            await loaded.WaitAsync(CallTimeout);
        }

        /// <summary>Sets the viewport without reloading (the page's layout follows, as on a resized window).</summary>
        public Task ResizeAsync(int width, int height, bool mobile) =>
            CallAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = mobile });

        /// <summary>Evaluates an expression in the page and returns its value (JSON-serialisable values only).</summary>
        public async Task<JsonNode> EvaluateAsync(string expression)
        {
            JsonNode result = await CallAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
            if (result["exceptionDetails"] != null)
            {
                throw new InvalidOperationException("The page threw: " + result["exceptionDetails"].ToJsonString());
            }

            return result["result"]["value"];
        }

        /// <summary>A PNG of the whole page at the current width, saved under <see cref="ArtifactFolder"/>.</summary>
        public async Task<string> ScreenshotAsync(string name)
        {
            JsonNode metrics = await CallAsync("Page.getLayoutMetrics");
            double width = (double)metrics["cssContentSize"]["width"];
            double height = (double)metrics["cssContentSize"]["height"];
            JsonNode shot = await CallAsync("Page.captureScreenshot", new JsonObject
            {
                ["format"] = "png",
                ["captureBeyondViewport"] = true,
                ["clip"] = new JsonObject { ["x"] = 0, ["y"] = 0, ["width"] = width, ["height"] = height, ["scale"] = 1 },
            });
            Directory.CreateDirectory(ArtifactFolder);
            string file = Path.Combine(ArtifactFolder, name + ".png");
            await File.WriteAllBytesAsync(file, Convert.FromBase64String((string)shot["data"]));
            return file;
        }

        /// <summary>Prints the page to PDF on a paper size (inches) and returns the PDF's bytes.</summary>
        public async Task<byte[]> PrintAsync(double paperWidth, double paperHeight)
        {
            JsonNode pdf = await CallAsync("Page.printToPDF", new JsonObject { ["paperWidth"] = paperWidth, ["paperHeight"] = paperHeight, ["printBackground"] = true });
            return Convert.FromBase64String((string)pdf["data"]);
        }

        /// <summary>Makes the page lay out for print (or back to screen with null), as print preview does.</summary>
        public Task EmulateMediaAsync(string media) => CallAsync("Emulation.setEmulatedMedia", new JsonObject { ["media"] = media ?? string.Empty });

        public Task<JsonNode> CallAsync(string method, JsonObject parameters = null) => SendAsync(method, parameters, _session);

        private Task<JsonNode> BrowserCallAsync(string method, JsonObject parameters = null) => SendAsync(method, parameters, null);

        private Task<JsonNode> NextEvent(string method)
        {
            var seen = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_waiters)
            {
                _waiters.Add((method, seen));
            }

            return seen.Task;
        }

        private async Task<JsonNode> SendAsync(string method, JsonObject parameters, string session)
        {
            int id = Interlocked.Increment(ref _nextId);
            var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
            if (session != null)
            {
                message["sessionId"] = session;
            }

            var answer = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending[id] = answer;
            await _sending.WaitAsync();
            try
            {
                await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, _closing.Token);
            }
            finally
            {
                _sending.Release();
            }

            return await answer.Task.WaitAsync(CallTimeout);
        }

        private async Task ReceiveAsync()
        {
            var buffer = new byte[1 << 16];
            var message = new MemoryStream();
            try
            {
                while (_socket.State == WebSocketState.Open)
                {
                    WebSocketReceiveResult received = await _socket.ReceiveAsync(buffer, _closing.Token);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    message.Write(buffer, 0, received.Count);
                    if (!received.EndOfMessage)
                    {
                        continue;
                    }

                    JsonNode node = JsonNode.Parse(message.ToArray());
                    message.SetLength(0);
                    if (node["id"] != null && _pending.TryRemove((int)node["id"], out TaskCompletionSource<JsonNode> answer))
                    {
                        if (node["error"] != null)
                        {
                            answer.TrySetException(new InvalidOperationException("DevTools refused: " + node["error"].ToJsonString()));
                        }
                        else
                        {
                            answer.TrySetResult(node["result"]);
                        }
                    }
                    else if (node["method"] != null)
                    {
                        string method = (string)node["method"];
                        _events.Enqueue((method, node["params"]));
                        lock (_waiters)
                        {
                            for (int i = _waiters.Count - 1; i >= 0; i--)
                            {
                                if (_waiters[i].Method == method)
                                {
                                    _waiters[i].Seen.TrySetResult(node["params"]);
                                    _waiters.RemoveAt(i);
                                }
                            }
                        }
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException || e is WebSocketException)
            {
                // Closing.
            }

            foreach (TaskCompletionSource<JsonNode> answer in _pending.Values)
            {
                answer.TrySetException(new InvalidOperationException("Chromium's DevTools connection closed."));
            }
        }

        private static async Task DrainAsync(StreamReader reader)
        {
            while (await reader.ReadLineAsync() != null)
            {
            }
        }
    }
}
