using System;
using System.Text.Json;

namespace PartnerCenterLicenses.TestHost
{
    /// <summary>
    /// One run the test harness asks for: the whole of standard input in the one-shot mode, one line
    /// of it (inside an envelope, see <see cref="RequestLoop"/>) in the serve mode.
    /// </summary>
    public sealed class HostRequest
    {
        /// <summary>PowerShell text added to the pipeline with <c>AddScript</c>.</summary>
        public string Script { get; private set; }

        /// <summary>Optional path to a module manifest imported before the script runs.</summary>
        public string ModulePath { get; private set; }

        /// <summary>
        /// When true the import is written into the script text instead of being run as a separate
        /// pipeline, so a failed import surfaces exactly as it would inside a user's runbook.
        /// </summary>
        public bool ImportModuleInScript { get; private set; }

        /// <summary>When set, <c>PowerShell.Stop()</c> is called this many milliseconds after the script starts.</summary>
        public int? StopAfterMilliseconds { get; private set; }

        /// <summary>
        /// Assembly paths loaded into the default load context before the engine starts, the way
        /// another module (Az.Accounts, Microsoft.Graph) or the host application would already have
        /// loaded its own versions of shared dependencies.
        /// </summary>
        public System.Collections.Generic.IReadOnlyList<string> PreloadAssemblies { get; private set; } = Array.Empty<string>();

        /// <summary>
        /// Variables set for the duration of the run and restored afterwards (a null value removes one).
        /// Only the serve mode uses them: a one-shot process gets its whole environment when it starts.
        /// </summary>
        public System.Collections.Generic.IReadOnlyDictionary<string, string> Environment { get; private set; } =
            new System.Collections.Generic.Dictionary<string, string>();

        /// <summary>Parses the request document; unknown members are ignored so the harness can grow first.</summary>
        /// <exception cref="FormatException">The document is not a usable request.</exception>
        public static HostRequest Parse(string json)
        {
            if (string.IsNullOrWhiteSpace(json))
            {
                throw new FormatException("The request on standard input was empty.");
            }

            using JsonDocument document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }

        /// <summary>Reads a request from an already parsed JSON value.</summary>
        /// <exception cref="FormatException">The value is not a usable request.</exception>
        public static HostRequest Parse(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The request must be a JSON object.");
            }

            var request = new HostRequest
            {
                Script = ReadString(root, "script"),
                ModulePath = ReadString(root, "modulePath"),
                ImportModuleInScript = root.TryGetProperty("importModuleInScript", out JsonElement inScript)
                    && inScript.ValueKind == JsonValueKind.True,
            };

            if (root.TryGetProperty("stopAfterMilliseconds", out JsonElement stopAfter) && stopAfter.ValueKind == JsonValueKind.Number)
            {
                int milliseconds = stopAfter.GetInt32();
                if (milliseconds < 0)
                {
                    throw new FormatException("stopAfterMilliseconds must not be negative.");
                }

                request.StopAfterMilliseconds = milliseconds;
            }

            if (root.TryGetProperty("preloadAssemblies", out JsonElement preload) && preload.ValueKind == JsonValueKind.Array)
            {
                var paths = new System.Collections.Generic.List<string>();
                foreach (JsonElement path in preload.EnumerateArray())
                {
                    paths.Add(path.GetString());
                }

                request.PreloadAssemblies = paths;
            }

            if (root.TryGetProperty("environment", out JsonElement environment) && environment.ValueKind == JsonValueKind.Object)
            {
                var variables = new System.Collections.Generic.Dictionary<string, string>(StringComparer.Ordinal);
                foreach (JsonProperty variable in environment.EnumerateObject())
                {
                    if (variable.Value.ValueKind != JsonValueKind.String && variable.Value.ValueKind != JsonValueKind.Null)
                    {
                        throw new FormatException($"The environment variable \"{variable.Name}\" must be a string or null.");
                    }

                    variables[variable.Name] = variable.Value.GetString();
                }

                request.Environment = variables;
            }

            if (request.Script == null)
            {
                throw new FormatException("The request has no \"script\".");
            }

            if (request.ImportModuleInScript && string.IsNullOrEmpty(request.ModulePath))
            {
                throw new FormatException("importModuleInScript needs a modulePath.");
            }

            return request;
        }

        private static string ReadString(JsonElement root, string name)
        {
            if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                throw new FormatException($"\"{name}\" must be a string.");
            }

            return value.GetString();
        }
    }
}
