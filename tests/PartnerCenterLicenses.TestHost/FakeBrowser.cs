using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace PartnerCenterLicenses.TestHost
{
    /// <summary>
    /// The "browser" for tests of the interactive sign-in (BROWSER="dotnet TestHost.dll --browse"):
    /// it opens the authorize URL the module's sign-in library gives it, where the emulator signs the
    /// user in at once and redirects, and then follows that redirect to the library's loopback
    /// listener, exactly as a browser would deliver the authorization code. It trusts the emulator
    /// the way the engine does, through SSL_CERT_FILE.
    /// </summary>
    internal static class FakeBrowser
    {
        public static int Browse(Uri authorizeUri)
        {
            string log = Environment.GetEnvironmentVariable("PCL_FAKE_BROWSER_LOG");
            try
            {
                using var handler = new HttpClientHandler { AllowAutoRedirect = false };
                using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
                Uri next = authorizeUri;
                for (int hop = 0; hop < 5; hop++)
                {
                    using HttpResponseMessage response = client.GetAsync(next).GetAwaiter().GetResult();
                    Append(log, $"{(int)response.StatusCode} {next.GetLeftPart(UriPartial.Path)}");
                    Append(log, "query: " + next.Query);
                    if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther
                        or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect) || response.Headers.Location == null)
                    {
                        string page = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();

                        // response_mode=form_post: the page is a form that a browser's script submits at once.
                        if (TrySubmitForm(client, page, log))
                        {
                            return 0;
                        }

                        // Any other page: keep what it said, it explains a failed sign-in.
                        Append(log, "page: " + (page.Length > 400 ? page.Substring(0, 400) : page).Replace('\n', ' '));
                        return 0;
                    }

                    next = new Uri(next, response.Headers.Location);
                }

                return 0;
            }
            catch (Exception e)
            {
                Append(log, "failed: " + e.Message);
                return 1;
            }
        }

        private static bool TrySubmitForm(HttpClient client, string page, string log)
        {
            Match form = Regex.Match(page, "<form[^>]*method=\"post\"[^>]*action=\"([^\"]+)\"", RegexOptions.IgnoreCase);
            if (!form.Success)
            {
                return false;
            }

            var fields = new List<KeyValuePair<string, string>>();
            foreach (Match input in Regex.Matches(page, "<input[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"", RegexOptions.IgnoreCase))
            {
                fields.Add(new KeyValuePair<string, string>(WebUtility.HtmlDecode(input.Groups[1].Value), WebUtility.HtmlDecode(input.Groups[2].Value)));
            }

            var action = new Uri(WebUtility.HtmlDecode(form.Groups[1].Value));
            using HttpResponseMessage posted = client.PostAsync(action, new FormUrlEncodedContent(fields)).GetAwaiter().GetResult();
            Append(log, $"{(int)posted.StatusCode} POST {action.GetLeftPart(UriPartial.Path)} ({string.Join(",", fields.ConvertAll(f => f.Key))})");
            return true;
        }

        private static void Append(string log, string line)
        {
            if (!string.IsNullOrEmpty(log))
            {
                File.AppendAllText(log, line + Environment.NewLine);
            }
        }
    }
}
