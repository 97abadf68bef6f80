using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace PartnerCenter.Emulator.Hosting
{
    internal static class HttpExtensions
    {
        public const string JsonContentType = "application/json; charset=utf-8";

        public const string HtmlContentType = "text/html; charset=utf-8";

        public static Task WriteJsonAsync(this HttpResponse response, int statusCode, string json) =>
            response.WriteTextAsync(statusCode, JsonContentType, json);

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
