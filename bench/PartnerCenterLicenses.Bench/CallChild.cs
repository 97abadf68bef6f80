using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PartnerCenterLicenses.Bench
{
    /// <summary>
    /// Child side of the per-call benchmarks: one process, one engine, one emulator, so the module and
    /// the baseline share everything but the code under test.
    /// </summary>
    /// <remarks>
    /// Sync points, in order: <c>connected</c> (import and Connect-PartnerCenter), <c>timed-start</c>
    /// (the baseline's own token request and the warm-up), <c>timed-end</c> (the interleaved samples),
    /// <c>token-calls-end</c> (the run of calls whose token requests are counted).
    /// </remarks>
    internal static class CallChild
    {
        public const string UrlVariable = "PCL_BENCH_URL";
        public const string TenantVariable = "PCL_BENCH_TENANT";
        public const string ClientIdVariable = "PCL_BENCH_CLIENT_ID";
        public const string ClientSecretVariable = "PCL_BENCH_CLIENT_SECRET";
        public const string RefreshTokenVariable = "PCL_BENCH_REFRESH_TOKEN";
        public const string BaselineRefreshTokenVariable = "PCL_BENCH_BASELINE_REFRESH_TOKEN";

        /// <summary>
        /// <c>$null = Get-PartnerLicenseDeployment</c>, a pipeline of its own per call. Output goes to <c>$null</c>
        /// on every PowerShell side alike, so each pays the same (smallest) output cost.
        /// </summary>
        public const string Module = "module";

        /// <summary>
        /// <c>$null = Get-BaselineDeployment</c> (bench/BaselineHttpModule): a trivial binary cmdlet doing the same
        /// GET and reading the same body with the same JSON library. The limit for any cmdlet.
        /// </summary>
        public const string BaselineCmdlet = "cmdlet";

        /// <summary>For reference: HttpClient GET with a bearer token, JSON mapped to the five fields, no PowerShell.</summary>
        public const string HttpAndParse = "http+parse";

        /// <summary>For the breakdown: the same GET with the body read but not parsed.</summary>
        public const string HttpOnly = "http";

        /// <summary>For the breakdown: <c>$null = Get-BaselineValue</c>, a cmdlet that writes a constant, i.e. what PowerShell itself costs per call.</summary>
        public const string PipelineFloor = "pipeline";

        public static readonly IReadOnlyList<string> Operations = new[] { Module, BaselineCmdlet, HttpAndParse, HttpOnly, PipelineFloor };

        private const string EnvironmentName = "BenchEmulator";
        private const string Scope = "https://api.partnercenter.microsoft.com/user_impersonation";
        private const int ExpectedItems = 2;

        public static JsonObject Run(int samples, int warmUp, int tokenCalls)
        {
            string url = Required(UrlVariable);

            using HostedEngine engine = OpenConnected(withBaseline: true);
            ChildProcess.Sync("connected");

            // After the sync point, so the connect phase counts the module's token requests only.
            ConnectBaselineHttp(engine);

            // One client for the whole run, as the module keeps one per session: both reuse their
            // TLS connection, so neither pays a handshake per call.
            using var http = new HttpClient();
            string token = RequestToken(http, url);
            var deploymentUri = new Uri(url + CallBenchmark.DeploymentPath);

            var operations = new Dictionary<string, Func<int>>
            {
                [Module] = () => DiscardOutput(engine, "Get-PartnerLicenseDeployment"),
                [BaselineCmdlet] = () => DiscardOutput(engine, "Get-BaselineDeployment"),
                [HttpAndParse] = () => GetAndParse(http, deploymentUri, token),
                [HttpOnly] = () => GetOnly(http, deploymentUri, token),
                [PipelineFloor] = () => DiscardOutput(engine, "Get-BaselineValue"),
            };

            // The timed PowerShell calls discard their output, so check once here that each writes what it should.
            Check(Module, CallModule(engine));
            Check(BaselineCmdlet, CallCommand(engine, "Get-BaselineDeployment"));
            Check(PipelineFloor, CallCommand(engine, "Get-BaselineValue") == 1 ? ExpectedItems : -1);

            for (int i = 0; i < warmUp; i++)
            {
                foreach (string name in Operations)
                {
                    Check(name, operations[name]());
                }
            }

            ChildProcess.Sync("timed-start");
            Dictionary<string, List<double>> timings = Operations.ToDictionary(n => n, n => new List<double>(samples));
            for (int i = 0; i < samples; i++)
            {
                // Interleaved, with the order rotating every round: each operation runs in every
                // position equally often, so no operation always follows the same neighbour (whose
                // garbage or warm caches it would inherit).
                for (int k = 0; k < Operations.Count; k++)
                {
                    string name = Operations[(i + k) % Operations.Count];
                    long started = Stopwatch.GetTimestamp();
                    int items = operations[name]();
                    timings[name].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    Check(name, items);
                }
            }

            ChildProcess.Sync("timed-end");

            long callsStarted = Stopwatch.GetTimestamp();
            for (int i = 0; i < tokenCalls; i++)
            {
                Check(Module, CallModule(engine));
            }

            double tokenCallsMs = Stopwatch.GetElapsedTime(callsStarted).TotalMilliseconds;
            ChildProcess.Sync("token-calls-end");

            var sampleNode = new JsonObject();
            foreach (KeyValuePair<string, List<double>> pair in timings)
            {
                sampleNode[pair.Key] = new JsonArray(pair.Value.Select(v => (JsonNode)v).ToArray());
            }

            return new JsonObject
            {
                ["samples"] = sampleNode,
                ["tokenCalls"] = tokenCalls,
                ["tokenCallsTotalMs"] = tokenCallsMs,
            };
        }

        /// <summary>
        /// A fresh engine with the module imported (and the baseline module, when asked) and
        /// Connect-PartnerCenter run against the emulator, as every child that calls the module starts.
        /// </summary>
        internal static HostedEngine OpenConnected(bool withBaseline)
        {
            HostedEngine engine = HostedEngine.Open();
            try
            {
                engine.Run(ps =>
                {
                    ps.AddCommand("Import-Module").AddParameter("Name", BenchPaths.ModuleManifest).AddParameter("ErrorAction", ActionPreference.Stop);
                    if (withBaseline)
                    {
                        ps.AddStatement()
                            .AddCommand("Import-Module").AddParameter("Name", BenchPaths.BaselineManifest).AddParameter("ErrorAction", ActionPreference.Stop)
                            .AddStatement()
                            .AddCommand("Import-Module").AddParameter("Name", BenchPaths.BaselineHttpManifest).AddParameter("ErrorAction", ActionPreference.Stop);
                    }
                });
                ConnectModule(engine);
                return engine;
            }
            catch
            {
                engine.Dispose();
                throw;
            }
        }

        /// <summary>Add-PartnerCenterEnvironment for the emulator and Connect-PartnerCenter (secure application model: one token request).</summary>
        internal static void ConnectModule(HostedEngine engine)
        {
            AddEmulatorEnvironment(engine);
            ConnectModuleOnly(engine);
        }

        /// <summary>Add-PartnerCenterEnvironment for the emulator, a custom cloud.</summary>
        internal static void AddEmulatorEnvironment(HostedEngine engine)
        {
            string url = Required(UrlVariable);
            engine.Run(ps => ps
                .AddCommand("Add-PartnerCenterEnvironment")
                .AddParameter("Name", EnvironmentName)
                .AddParameter("ActiveDirectoryAuthority", url)
                .AddParameter("PartnerCenterEndpoint", url));
        }

        /// <summary>Connect-PartnerCenter to the emulator's environment (secure application model: one token request).</summary>
        internal static void ConnectModuleOnly(HostedEngine engine)
        {
            // Parameters, not script text: the secrets never appear in anything PowerShell could log.
            string clientId = Required(ClientIdVariable);
            engine.Run(ps => ps
                .AddCommand("Connect-PartnerCenter")
                .AddParameter("Environment", EnvironmentName)
                .AddParameter("ApplicationId", clientId)
                .AddParameter("Credential", new PSCredential(clientId, Secure(Required(ClientSecretVariable))))
                .AddParameter("RefreshToken", Secure(Required(RefreshTokenVariable)))
                .AddParameter("Tenant", Required(TenantVariable)));
        }

        /// <summary>Connect-BaselineHttp: the same refresh-token grant with a bare HttpClient (the module must be imported).</summary>
        internal static void ConnectBaselineHttp(HostedEngine engine)
        {
            engine.Run(ps => ps
                .AddCommand("Connect-BaselineHttp")
                .AddParameter("Uri", Required(UrlVariable))
                .AddParameter("Tenant", Required(TenantVariable))
                .AddParameter("ClientId", Required(ClientIdVariable))
                .AddParameter("ClientSecret", Secure(Required(ClientSecretVariable)))
                .AddParameter("RefreshToken", Secure(Required(BaselineRefreshTokenVariable))));
        }

        private static int DiscardOutput(HostedEngine engine, string command)
        {
            using PowerShell ps = engine.NewPipeline();
            ps.AddScript("$null = " + command);
            ps.Invoke();
            HostedEngine.ThrowIfFailed(ps);
            return ExpectedItems;
        }

        private static int CallCommand(HostedEngine engine, string command)
        {
            using PowerShell ps = engine.NewPipeline();
            ps.AddCommand(command);
            Collection<PSObject> output = ps.Invoke();
            HostedEngine.ThrowIfFailed(ps);
            return output.Count(o => o?.BaseObject != null);
        }

        private static int CallModule(HostedEngine engine)
        {
            using PowerShell ps = engine.NewPipeline();
            ps.AddCommand("Get-PartnerLicenseDeployment");
            Collection<PSObject> output = ps.Invoke();
            HostedEngine.ThrowIfFailed(ps);
            int items = 0;
            foreach (PSObject item in output)
            {
                if (item?.BaseObject != null)
                {
                    items++;
                }
            }

            return items;
        }

        private static int GetAndParse(HttpClient http, Uri uri, string token)
        {
            using HttpResponseMessage response = Send(http, uri, token);
            using Stream body = response.Content.ReadAsStream();
            using JsonDocument document = JsonDocument.Parse(body);
            var insights = new List<Insight>();
            foreach (JsonElement item in document.RootElement.GetProperty("items").EnumerateArray())
            {
                insights.Add(new Insight(
                    item.GetProperty("serviceName").GetString(),
                    item.GetProperty("channel").GetString(),
                    item.GetProperty("licensesSold").GetInt64(),
                    item.GetProperty("proratedDeploymentPercent").GetDouble(),
                    item.GetProperty("processedDateTime").GetDateTimeOffset()));
            }

            return insights.Count;
        }

        private static int GetOnly(HttpClient http, Uri uri, string token)
        {
            using HttpResponseMessage response = Send(http, uri, token);
            byte[] body = response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            return body.Length > 0 ? ExpectedItems : -1;
        }

        private static HttpResponseMessage Send(HttpClient http, Uri uri, string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            HttpResponseMessage response = http.SendAsync(request).GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
            return response;
        }

        // The baseline gets its bearer token the way any caller would: the refresh_token grant at
        // the tenant's token endpoint, with the same app registration the module uses.
        internal static string RequestToken(HttpClient http, string url)
        {
            var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["client_id"] = Required(ClientIdVariable),
                ["client_secret"] = Required(ClientSecretVariable),
                ["refresh_token"] = Required(BaselineRefreshTokenVariable),
                ["scope"] = Scope,
            });
            using HttpResponseMessage response = http.PostAsync($"{url}/{Required(TenantVariable)}/oauth2/v2.0/token", form).GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
            using JsonDocument document = JsonDocument.Parse(response.Content.ReadAsStream());
            return document.RootElement.GetProperty("access_token").GetString();
        }

        private static void Check(string operation, int items)
        {
            if (items != ExpectedItems)
            {
                throw new InvalidOperationException($"'{operation}' returned {items} item(s) instead of {ExpectedItems}.");
            }
        }

        internal static SecureString Secure(string text)
        {
            var secure = new SecureString();
            foreach (char c in text)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        internal static string Required(string variable)
        {
            string value = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(value))
            {
                throw new InvalidOperationException($"The bench child needs {variable}; it is started by the bench, not by hand.");
            }

            return value;
        }

        private sealed record Insight(string ServiceName, string Channel, long LicensesSold, double ProratedDeploymentPercent, DateTimeOffset ProcessedDateTime);
    }
}
