using System;
using System.Globalization;
using System.Text.Encodings.Web;
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

        public static Task WriteErrorAsync(HttpContext context, int statusCode, string error, int aadstsCode, string message) =>
            WriteErrorAsync(context, statusCode, error, (int?)aadstsCode, message);

        /// <summary>
        /// Writes Entra's error body. <paramref name="aadstsCode"/> is null only for conditions Entra has no
        /// documented AADSTS code for (the emulator then sends no <c>error_codes</c> rather than invent one).
        /// </summary>
        public static Task WriteErrorAsync(HttpContext context, int statusCode, string error, int? aadstsCode, string message)
        {
            ErrorDetails details = Describe(context, aadstsCode, message);
            var body = new JsonObject
            {
                ["error"] = error,
                ["error_description"] = details.Description,
            };
            if (aadstsCode is int code)
            {
                body["error_codes"] = new JsonArray(code);
            }

            body["timestamp"] = details.Timestamp;
            body["trace_id"] = details.TraceId;
            body["correlation_id"] = details.CorrelationId;
            if (aadstsCode is int linked)
            {
                body["error_uri"] = $"{context.Request.PublicOrigin()}/error?code={linked}";
            }

            AddStandardHeaders(context);
            return context.Response.WriteJsonAsync(statusCode, body.ToJsonString(JsonText.Options));
        }

        /// <summary>
        /// The text Entra puts in <c>error_description</c>: "AADSTSnnn: message" followed by the trace id,
        /// correlation id and timestamp on their own lines. Also used for errors sent back in a redirect.
        /// </summary>
        public static ErrorDetails Describe(HttpContext context, int? aadstsCode, string message)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            string timestamp = now.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            string traceId = TraceId(context);
            string correlationId = CorrelationId(context);
            string prefix = aadstsCode is int code ? $"AADSTS{code}: " : string.Empty;
            return new ErrorDetails(
                $"{prefix}{message}\r\nTrace ID: {traceId}\r\nCorrelation ID: {correlationId}\r\nTimestamp: {timestamp}",
                timestamp,
                traceId,
                correlationId);
        }

        /// <summary>
        /// The sign-in page's error screen, for authorize requests that cannot be answered with a redirect
        /// (unknown app, redirect URI not allowed): Entra shows the AADSTS message to the person instead.
        /// </summary>
        public static Task WriteErrorPageAsync(HttpContext context, int aadstsCode, string message)
        {
            ErrorDetails details = Describe(context, aadstsCode, message);
            string html = $"""
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>Sign in to your account</title></head>
                <body><h1>Sorry, but we're having trouble signing you in.</h1>
                <p>AADSTS{aadstsCode}: {HtmlEncoder.Default.Encode(message)}</p>
                <p>Request Id: {details.TraceId}<br>Correlation Id: {details.CorrelationId}<br>Timestamp: {details.Timestamp}</p>
                </body></html>
                """;
            AddStandardHeaders(context);
            return context.Response.WriteTextAsync(StatusCodes.Status400BadRequest, HttpExtensions.HtmlContentType, html);
        }

        public static Task WriteJsonAsync(HttpContext context, JsonObject body)
        {
            AddStandardHeaders(context);
            return context.Response.WriteJsonAsync(StatusCodes.Status200OK, body.ToJsonString(JsonText.Options));
        }

        /// <summary>The client's <c>client-request-id</c> when it sent a GUID, else a new one (as Entra does).</summary>
        private static string CorrelationId(HttpContext context) =>
            Guid.TryParse(context.Request.Headers["client-request-id"], out Guid sent) ? sent.ToString() : Guid.NewGuid().ToString();

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

    /// <summary>The parts of one Entra error: the full description and the ids it quotes.</summary>
    internal sealed record ErrorDetails(string Description, string Timestamp, string TraceId, string CorrelationId);
}
