using System;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using PartnerCenter.Emulator.Hosting;

namespace PartnerCenter.Emulator.Entra
{
    /// <summary>
    /// Entra's response conventions: the OAuth error body with its AADSTS code, trace and correlation ids,
    /// and the headers its token and metadata endpoints send.
    /// </summary>
    internal static class EntraResponses
    {
        private const string TraceIdItem = "PartnerCenter.Emulator.Entra.TraceId";

        /// <summary>
        /// Adds the headers Entra sends on every response. MSAL compares the echoed <c>client-request-id</c>
        /// with the one it sent and logs a warning on mismatch.
        /// </summary>
        public static void AddStandardHeaders(HttpContext context)
        {
            IHeaderDictionary headers = context.Response.Headers;
            headers.CacheControl = "no-store, no-cache";
            headers.Pragma = "no-cache";
            headers["x-ms-request-id"] = TraceId(context);
            headers["x-ms-ests-server"] = "2.1.emulator";
            headers.XContentTypeOptions = "nosniff";
            if (Guid.TryParse(context.Request.Headers["client-request-id"], out Guid correlationId))
            {
                headers["client-request-id"] = correlationId.ToString();
            }
        }

        public static Task WriteErrorAsync(HttpContext context, int statusCode, string error, int aadstsCode, string message)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            string timestamp = now.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            string traceId = TraceId(context);
            string correlationId = Guid.TryParse(context.Request.Headers["client-request-id"], out Guid sent)
                ? sent.ToString()
                : Guid.NewGuid().ToString();

            var body = new JsonObject
            {
                ["error"] = error,
                ["error_description"] =
                    $"AADSTS{aadstsCode}: {message}\r\nTrace ID: {traceId}\r\nCorrelation ID: {correlationId}\r\nTimestamp: {timestamp}",
                ["error_codes"] = new JsonArray(aadstsCode),
                ["timestamp"] = timestamp,
                ["trace_id"] = traceId,
                ["correlation_id"] = correlationId,
                ["error_uri"] = $"{context.Request.PublicOrigin()}/error?code={aadstsCode}",
            };

            AddStandardHeaders(context);
            return context.Response.WriteJsonAsync(statusCode, body.ToJsonString(JsonText.Options));
        }

        public static Task WriteJsonAsync(HttpContext context, JsonObject body)
        {
            AddStandardHeaders(context);
            return context.Response.WriteJsonAsync(StatusCodes.Status200OK, body.ToJsonString(JsonText.Options));
        }

        /// <summary>One trace id per request, so the header and the error body agree.</summary>
        private static string TraceId(HttpContext context)
        {
            if (context.Items[TraceIdItem] is not string traceId)
            {
                traceId = Guid.NewGuid().ToString();
                context.Items[TraceIdItem] = traceId;
            }

            return traceId;
        }
    }
}
