using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using PartnerCenterLicenses.Engine.Client;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine.Http
{
    /// <summary>
    /// Sits between MSAL and the rest of the Entra ID chain (<see cref="HttpClients.ForAuthority"/>).
    /// It applies the request timeout in force (MSAL has none of ours), gives the chain's redirect
    /// refusal its words, and checks that a successful token answer is one a session can live on
    /// before MSAL sees it. Its refusals are the module's own errors, which MsalFailures lets through
    /// unchanged.
    /// </summary>
    internal sealed class AuthorityGuard : DelegatingHandler
    {
        // A token answer is a few kilobytes; anything far larger is not one.
        private const int MaxTokenResponseBytes = 1024 * 1024;

        /// <summary>
        /// The timeout for Entra ID requests made by the current call (a renewal during a cmdlet
        /// follows that cmdlet's options); without one, the options in force are used. Set inside an
        /// async method, the value ends with that method.
        /// </summary>
        public static readonly AsyncLocal<TimeSpan?> CallTimeout = new AsyncLocal<TimeSpan?>();

        public AuthorityGuard(HttpMessageHandler inner)
            : base(inner)
        {
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            TimeSpan timeout = CallTimeout.Value ?? PartnerCenterRequestOptions.Current.Timeout;
            using (var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timer.CancelAfter(timeout);
                HttpResponseMessage response = null;
                try
                {
                    response = await base.SendAsync(request, timer.Token).ConfigureAwait(false);
                    if ((int)response.StatusCode == 200 && IsTokenEndpoint(request.RequestUri))
                    {
                        string body = await ReadBodyAsync(response, timer.Token).ConfigureAwait(false);
                        string problem = TokenAnswerProblem(body);
                        if (problem != null)
                        {
                            throw Unusable(request.RequestUri, problem);
                        }

                        body = await KeepingRedeemedRefreshTokenAsync(request, body).ConfigureAwait(false);

                        var replaced = new StringContent(body, Encoding.UTF8);
                        replaced.Headers.Clear();
                        foreach (var header in response.Content.Headers)
                        {
                            // The length is the new content's own (a byte-order mark may have gone).
                            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
                            {
                                replaced.Headers.TryAddWithoutValidation(header.Key, header.Value);
                            }
                        }

                        response.Content.Dispose();
                        response.Content = replaced;
                    }

                    return response;
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    response?.Dispose();
                    throw Timeouts.Authority(request.RequestUri.GetLeftPart(UriPartial.Authority), timeout, e);
                }
                catch (PartnerCenterException)
                {
                    response?.Dispose();
                    throw;
                }
            }
        }

        /// <summary>
        /// OAuth lets a refresh token grant be answered without a new refresh token, and the one redeemed
        /// then stays valid (RFC 6749 section 6, https://www.rfc-editor.org/rfc/rfc6749#section-6). MSAL
        /// takes such an answer for a failure, so the answer is completed with the redeemed token: it stays
        /// the session's and is what New-PartnerCenterRefreshToken -RefreshToken returns. An answer that
        /// carries one is left as it is, and so always replaces the old token.
        /// </summary>
        private static async Task<string> KeepingRedeemedRefreshTokenAsync(HttpRequestMessage request, string body)
        {
            if (request.Content == null)
            {
                return body;
            }

            Dictionary<string, string> form = PartnerCenterLicenses.Engine.Authentication.LoopbackRedirectListener.ParseForm(await request.Content.ReadAsStringAsync().ConfigureAwait(false));
            if (!form.TryGetValue("grant_type", out string grant) || grant != "refresh_token"
                || !form.TryGetValue("refresh_token", out string redeemed) || string.IsNullOrEmpty(redeemed))
            {
                return body;
            }

            Newtonsoft.Json.Linq.JObject answer = Newtonsoft.Json.Linq.JObject.Parse(body);
            if (answer["refresh_token"] is Newtonsoft.Json.Linq.JValue given && given.Value is string text && text.Length > 0)
            {
                return body;
            }

            answer["refresh_token"] = redeemed;
            return answer.ToString(Formatting.None);
        }

        private static bool IsTokenEndpoint(Uri uri)
        {
            string path = uri.AbsolutePath.TrimEnd('/');
            return path.EndsWith("/oauth2/v2.0/token", StringComparison.OrdinalIgnoreCase)
                || path.EndsWith("/oauth2/token", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>Entra ID's words for a redirect: the chain follows none.</summary>
        public static PartnerCenterException RedirectRefused(RedirectRefusal why, HttpRequestMessage request, HttpResponseMessage response, Uri location, int followed)
        {
            Uri from = request.RequestUri;
            string target = location == null ? "(no Location header)" : location.GetLeftPart(UriPartial.Path);
            return new PartnerCenterException(
                PartnerCenterErrorIds.AuthorityRedirectRefused,
                PartnerCenterErrorKind.Authentication,
                "Microsoft Entra ID at " + from.GetLeftPart(UriPartial.Authority) + " answered " + (int)response.StatusCode
                + " redirecting the sign-in to " + target + ". Sign-in requests carry the application's secret and the refresh token, "
                + "so they never follow a redirect; nothing was sent there.")
            {
                RecommendedAction = "Check -Environment (and Add-PartnerCenterEnvironment -ActiveDirectoryAuthority): it must name the "
                    + "authority itself, for example https://login.microsoftonline.com. If a proxy redirects sign-ins, have it pass them through.",
            };
        }

        private static PartnerCenterException Unusable(Uri uri, string problem)
        {
            return new PartnerCenterException(
                PartnerCenterErrorIds.InvalidTokenResponse,
                PartnerCenterErrorKind.Authentication,
                "Microsoft Entra ID at " + uri.GetLeftPart(UriPartial.Path) + " answered the sign-in with 200 OK but not with a usable token: "
                + problem + " No session was opened.")
            {
                RecommendedAction = "Check that -Environment names Microsoft Entra ID (or a compatible authority) and that no proxy rewrites "
                    + "its answers, then try again.",
            };
        }

        private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            if (response.Content == null)
            {
                return string.Empty;
            }

            using (Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
            using (var buffer = new MemoryStream())
            {
                var chunk = new byte[16 * 1024];
                int read;
                while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > MaxTokenResponseBytes)
                    {
                        return null;
                    }

                    buffer.Write(chunk, 0, read);
                }

                try
                {
                    return new UTF8Encoding(false, true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
                }
                catch (DecoderFallbackException)
                {
                    // Not UTF-8, so not JSON as Entra ID sends it: the check names it as not JSON.
                    return "\uFFFD";
                }
            }
        }

        /// <summary>What makes a 200 token answer unusable, or null when a session can live on it.</summary>
        internal static string TokenAnswerProblem(string body)
        {
            if (body == null)
            {
                return "the body is larger than " + MaxTokenResponseBytes / 1024 + " KB.";
            }

            Dictionary<string, object> answer;
            try
            {
                using (var reader = new JsonTextReader(new StringReader(body)) { DateParseHandling = DateParseHandling.None, MaxDepth = 32, SupportMultipleContent = true })
                {
                    if (!reader.Read())
                    {
                        throw new JsonReaderException("The body is empty.");
                    }

                    if (reader.TokenType != JsonToken.StartObject)
                    {
                        JsonToken kind = reader.TokenType;
                        reader.Skip();
                        return "the body is a JSON " + JsonObjectReader.KindOf(kind) + ", not an object.";
                    }

                    answer = JsonObjectReader.Read(reader);
                    if (reader.Read())
                    {
                        return "the body has content after its JSON object.";
                    }
                }
            }
            catch (JsonException)
            {
                return "the body is not JSON" + (body.TrimStart().StartsWith("<", StringComparison.Ordinal) ? " (it looks like an HTML page)." : ".");
            }

            if (!(Property(answer, "access_token") is string accessToken) || string.IsNullOrWhiteSpace(accessToken))
            {
                return "it has no access_token.";
            }

            if (answer.TryGetValue("expires_in", out object expiresIn) && !IsWholeSeconds(expiresIn))
            {
                return "its expires_in is not a number of seconds.";
            }

            foreach (string name in new[] { "refresh_token", "id_token", "token_type", "scope" })
            {
                object value = Property(answer, name);
                if (value != null && !(value is string))
                {
                    return "its " + name + " is not a string.";
                }
            }

            if (Property(answer, "id_token") is string idToken && !IsReadableJwt(idToken))
            {
                return "its id_token is not a readable JSON Web Token.";
            }

            return null;
        }

        private static object Property(Dictionary<string, object> answer, string name) => answer.TryGetValue(name, out object value) ? value : null;

        // A whole number of seconds, written as a number or, as some authorities do, as a string.
        private static bool IsWholeSeconds(object value)
        {
            if (value is long seconds)
            {
                return seconds >= 0;
            }

            return value is string text
                && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) && parsed >= 0;
        }

        private static bool IsReadableJwt(string token)
        {
            string[] parts = token.Split('.');
            if (parts.Length != 3 || parts[1].Length == 0)
            {
                return false;
            }

            try
            {
                string padded = parts[1].Replace('-', '+').Replace('_', '/');
                padded += new string('=', (4 - padded.Length % 4) % 4);
                string json = new UTF8Encoding(false, true).GetString(Convert.FromBase64String(padded));
                using (var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None, MaxDepth = 32 })
                {
                    JsonObjectReader.Read(reader);
                    return true;
                }
            }
            catch (Exception e) when (e is FormatException || e is JsonException || e is ArgumentException)
            {
                return false;
            }
        }
    }
}
