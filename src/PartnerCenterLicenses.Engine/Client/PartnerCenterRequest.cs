using System;
using System.Collections.Generic;
using System.Net.Http;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// One request as the client sends it: method, an absolute URL the client has already checked
    /// is under the connected endpoint, an optional JSON body and the extra headers a next link may
    /// carry. Immutable, so a retry sends exactly what the first attempt sent.
    /// </summary>
    internal sealed class PartnerCenterRequest
    {
        public PartnerCenterRequest(HttpMethod method, Uri uri, byte[] body = null, IReadOnlyList<KeyValuePair<string, string>> headers = null)
        {
            Method = method;
            Uri = uri;
            Body = body;
            Headers = headers ?? Array.Empty<KeyValuePair<string, string>>();
        }

        public HttpMethod Method { get; }

        public Uri Uri { get; }

        /// <summary>UTF-8 JSON, or null for none.</summary>
        public byte[] Body { get; }

        public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

        public PartnerCenterRequest At(Uri uri) => new PartnerCenterRequest(Method, uri, Body, Headers);
    }
}
