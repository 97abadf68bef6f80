using System;
using System.Collections.Generic;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// Where a collection says its next page is: an <c>@nextLink</c> (the analytics API), or a
    /// <c>links.next</c> object whose uri is relative to the API version and whose continuation token
    /// travels in a header (the v1 API's seek paging). Nothing here is trusted yet: the client
    /// resolves and checks the link against the connected endpoint before sending anything.
    /// </summary>
    internal sealed class NextPageLink
    {
        /// <summary>The one header a next link may ask for; anything else it lists is ignored.</summary>
        public const string ContinuationTokenHeader = "MS-ContinuationToken";

        private NextPageLink(string uri, bool relativeToVersion, IReadOnlyList<KeyValuePair<string, string>> headers)
        {
            Uri = uri;
            RelativeToVersion = relativeToVersion;
            Headers = headers;
        }

        /// <summary>The link as sent.</summary>
        public string Uri { get; }

        /// <summary>True for links.next, whose uri leaves out the version segment ('/customers?...' means '/v1/customers?...').</summary>
        public bool RelativeToVersion { get; }

        /// <summary>Headers to send with the next request (only MS-ContinuationToken).</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

        public static NextPageLink FromNextLink(string uri)
        {
            return string.IsNullOrEmpty(uri) ? null : new NextPageLink(uri, false, Array.Empty<KeyValuePair<string, string>>());
        }

        /// <summary>Reads links.next: {"uri": ..., "method": "GET", "headers": [{"key": ..., "value": ...}]}, names in any case.</summary>
        public static NextPageLink FromLinks(IDictionary<string, object> links)
        {
            if (!(Property(links, "next") is IDictionary<string, object> next) || !(Property(next, "uri") is string uri) || uri.Length == 0)
            {
                return null;
            }

            if (Property(next, "method") is string method && !string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var headers = new List<KeyValuePair<string, string>>();
            if (Property(next, "headers") is IList<object> list)
            {
                foreach (object entry in list)
                {
                    if (entry is IDictionary<string, object> header && Property(header, "key") is string key && Property(header, "value") is string value
                        && string.Equals(key, ContinuationTokenHeader, StringComparison.OrdinalIgnoreCase))
                    {
                        headers.Add(new KeyValuePair<string, string>(ContinuationTokenHeader, value));
                    }
                }
            }

            return new NextPageLink(uri, true, headers);
        }

        // The first property of that name in any case, as Partner Center's own clients read them.
        private static object Property(IDictionary<string, object> record, string name)
        {
            if (record == null)
            {
                return null;
            }

            foreach (KeyValuePair<string, object> property in record)
            {
                if (string.Equals(property.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value;
                }
            }

            return null;
        }
    }
}
