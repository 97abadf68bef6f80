using System.Text.Encodings.Web;
using System.Text.Json;

namespace PartnerCenter.Emulator.Hosting
{
    internal static class JsonText
    {
        /// <summary>
        /// The real services emit apostrophes, '+' and non-ASCII text unescaped (e.g. "Tenant 'x' not found");
        /// the default encoder would turn those into \u0027 and the like, so bodies would not read like Entra's.
        /// </summary>
        public static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
    }
}
