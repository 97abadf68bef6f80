using System;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace PartnerCenter.Emulator.Hosting
{
    internal static class HttpExtensions
    {
        public const string JsonContentType = "application/json; charset=utf-8";

        public const string HtmlContentType = "text/html; charset=utf-8";

        /// <summary>The UTF-8 encoding of U+FEFF, which the live Partner Center puts before its JSON bodies.</summary>
        public static ReadOnlySpan<byte> Utf8ByteOrderMark => new byte[] { 0xEF, 0xBB, 0xBF };

        public static Task WriteJsonAsync(this HttpResponse response, int statusCode, string json) =>
            response.WriteTextAsync(statusCode, JsonContentType, json);

        /// <summary>Writes a JSON body, preceded by the UTF-8 byte order mark when <paramref name="byteOrderMark"/> is set.</summary>
        public static Task WriteJsonAsync(this HttpResponse response, int statusCode, string json, bool byteOrderMark)
        {
            if (!byteOrderMark)
            {
                return response.WriteJsonAsync(statusCode, json);
            }

            response.StatusCode = statusCode;
            response.ContentType = JsonContentType;
            byte[] bytes = new byte[Utf8ByteOrderMark.Length + Encoding.UTF8.GetByteCount(json)];
            Utf8ByteOrderMark.CopyTo(bytes);
            Encoding.UTF8.GetBytes(json, 0, json.Length, bytes, Utf8ByteOrderMark.Length);
            response.ContentLength = bytes.Length;
            return response.Body.WriteAsync(bytes, 0, bytes.Length, response.HttpContext.RequestAborted);
        }

        public static Task WriteTextAsync(this HttpResponse response, int statusCode, string contentType, string text)
        {
            response.StatusCode = statusCode;
            response.ContentType = contentType;
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            response.ContentLength = bytes.Length;
            return response.Body.WriteAsync(bytes, 0, bytes.Length, response.HttpContext.RequestAborted);
        }

        /// <summary>Scheme and authority as the client addressed us, e.g. <c>https://127.0.0.1:54321</c>.</summary>
        public static string PublicOrigin(this HttpRequest request) => $"{request.Scheme}://{request.Host}";
    }
}
