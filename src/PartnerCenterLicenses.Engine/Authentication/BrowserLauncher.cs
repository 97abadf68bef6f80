using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Http;

namespace PartnerCenterLicenses.Engine.Authentication
{
    /// <summary>
    /// Opens the sign-in page for MSAL's system-browser flow. The BROWSER environment variable, the
    /// convention xdg-open and many tools honour, names the browser command when it is set (a "%s"
    /// in it stands for the URL; otherwise the URL is the last argument); without it the operating
    /// system's default browser opens.
    /// </summary>
    internal static class BrowserLauncher
    {
        public const string BrowserVariable = "BROWSER";

        /// <summary>True when the user named a browser command.</summary>
        public static bool IsConfigured
        {
            get { return !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(BrowserVariable)); }
        }

        /// <summary>
        /// Whether a browser can be shown here at all: a named browser, or a desktop session.
        /// </summary>
        public static bool CanOpen(bool hostIsInteractive)
        {
            if (IsConfigured)
            {
                return true;
            }

            if (!hostIsInteractive)
            {
                return false;
            }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return Environment.UserInteractive;
            }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                return string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SSH_CONNECTION"));
            }

            return !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
                || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
        }

        public static Task OpenAsync(Uri uri)
        {
            string configured = Environment.GetEnvironmentVariable(BrowserVariable);
            ProcessStartInfo start;
            if (!string.IsNullOrWhiteSpace(configured))
            {
                // xdg's BROWSER may list several commands separated by ':'; the first is used.
                // (Not on Windows, where ':' belongs to drive letters.)
                string command = RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                    ? configured.Trim()
                    : configured.Split(new[] { ':' }, 2)[0].Trim();
                List<string> parts = SplitCommandLine(command);
                bool substituted = false;
                for (int i = 0; i < parts.Count; i++)
                {
                    if (parts[i].Contains("%s"))
                    {
                        parts[i] = parts[i].Replace("%s", uri.AbsoluteUri);
                        substituted = true;
                    }
                }

                if (!substituted)
                {
                    parts.Add(uri.AbsoluteUri);
                }

                start = new ProcessStartInfo(parts[0], JoinArguments(parts.GetRange(1, parts.Count - 1)));
            }
            else if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                start = new ProcessStartInfo(uri.AbsoluteUri) { UseShellExecute = true };
            }
            else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                start = new ProcessStartInfo("open", Quote(uri.AbsoluteUri));
            }
            else
            {
                start = new ProcessStartInfo("xdg-open", Quote(uri.AbsoluteUri));
            }

            if (!start.UseShellExecute)
            {
                // The browser must not write into the PowerShell session's console.
                start.RedirectStandardOutput = true;
                start.RedirectStandardError = true;
                start.CreateNoWindow = true;
            }

            Process started;
            try
            {
                started = Process.Start(start);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException || e is PlatformNotSupportedException)
            {
                // The sign-in page's URL is left out: it is long and only useful to a browser.
                throw new PartnerCenterException(
                    PartnerCenterErrorIds.InteractiveNotAvailable,
                    PartnerCenterErrorKind.Authentication,
                    "The browser for the sign-in could not be started ("
                    + (string.IsNullOrWhiteSpace(configured) ? "the system's default browser" : "the " + BrowserVariable + " environment variable names '" + start.FileName + "'")
                    + "): " + Causes.Describe(e) + ".",
                    e)
                {
                    RecommendedAction = "Use Connect-PartnerCenter -UseDeviceAuthentication to sign in with a code on another device, or "
                        + "-ApplicationId, -Credential and -RefreshToken (the secure application model) in runbooks; or set " + BrowserVariable
                        + " to a browser command that exists.",
                };
            }

            using (Process process = started)
            {
                if (process != null && !start.UseShellExecute)
                {
                    process.OutputDataReceived += (sender, e) => { };
                    process.ErrorDataReceived += (sender, e) => { };
                    process.BeginOutputReadLine();
                    process.BeginErrorReadLine();
                }
            }

            return Task.FromResult(0);
        }

        private static List<string> SplitCommandLine(string command)
        {
            var parts = new List<string>();
            var current = new System.Text.StringBuilder();
            bool quoted = false;
            foreach (char c in command)
            {
                if (c == '"')
                {
                    quoted = !quoted;
                }
                else if (char.IsWhiteSpace(c) && !quoted)
                {
                    if (current.Length > 0)
                    {
                        parts.Add(current.ToString());
                        current.Clear();
                    }
                }
                else
                {
                    current.Append(c);
                }
            }

            if (current.Length > 0)
            {
                parts.Add(current.ToString());
            }

            return parts;
        }

        private static string JoinArguments(IEnumerable<string> arguments)
        {
            return string.Join(" ", System.Linq.Enumerable.Select(arguments, Quote));
        }

        private static string Quote(string argument)
        {
            return argument.IndexOfAny(new[] { ' ', '"', '\t' }) < 0 ? argument : "\"" + argument.Replace("\"", "\\\"") + "\"";
        }
    }
}
