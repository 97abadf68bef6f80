using System;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// Where a Partner insights report file can be downloaded: the execution's <c>reportAccessSecureLink</c>.
    /// The link's query string is a credential (a shared access signature on blob storage, valid until the
    /// report expires), so this type shows only the scheme, host and path: in its properties, in
    /// <see cref="ToString"/> and so in every view, log line, error message and export of an execution.
    /// Only the download reads the whole address.
    /// </summary>
    public sealed class InsightsReportLink
    {
        private InsightsReportLink(Uri address, string host, string path)
        {
            Address = address;
            Host = host;
            Path = path;
        }

        /// <summary>The host the file is downloaded from, for example an Azure Storage account's blob host.</summary>
        public string Host { get; }

        /// <summary>The file's path on that host, without the query string.</summary>
        public string Path { get; }

        /// <summary>Whether the link is an absolute https address (the only kind the module downloads from).</summary>
        public bool IsHttps => Address != null && Address.Scheme == Uri.UriSchemeHttps;

        /// <summary>The whole address, query string included: the download alone reads it.</summary>
        internal Uri Address { get; }

        /// <summary>
        /// The link as the service sent it, or null when it sent none. Text that is not an absolute address
        /// still makes a link, with no address, so that the download can refuse it with an error.
        /// </summary>
        public static InsightsReportLink Parse(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out Uri address) || address.IsFile || address.IsUnc)
            {
                return new InsightsReportLink(null, string.Empty, "(not an absolute address)");
            }

            return new InsightsReportLink(address, address.Host, address.AbsolutePath);
        }

        /// <summary>Scheme, host and path: never the query string.</summary>
        public override string ToString() =>
            Address == null ? Path : TerminalText.Clean(Address.GetLeftPart(UriPartial.Path));
    }
}
