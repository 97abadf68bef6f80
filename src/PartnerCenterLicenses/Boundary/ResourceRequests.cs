using System;
using System.Collections;
using System.Collections.Generic;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>The Partner Center resources the engine reads; each names its path, envelope and item type once.</summary>
    public enum ResourceKind
    {
        /// <summary>GET /v1/analytics/licenses/deployment.</summary>
        PartnerLicenseDeployment,

        /// <summary>GET /v1/analytics/licenses/usage.</summary>
        PartnerLicenseUsage,

        /// <summary>GET /v1/customers/{customer-id}/analytics/licenses/deployment.</summary>
        CustomerLicenseDeployment,

        /// <summary>GET /v1/customers/{customer-id}/analytics/licenses/usage.</summary>
        CustomerLicenseUsage,

        /// <summary>GET /partner/v1/analytics/commercial/deployment/license, paged.</summary>
        CommercialLicenseDeployment,

        /// <summary>GET /partner/v1/analytics/commercial/usage/license, paged.</summary>
        CommercialLicenseUsage,

        /// <summary>Any path under the endpoint (Invoke-PartnerCenterRequest).</summary>
        Any,
    }

    /// <summary>
    /// What a cmdlet asks the engine to read, typed by the objects it yields. Built only through
    /// <see cref="Resources"/>, so every request names a known resource and only checked values.
    /// </summary>
    /// <typeparam name="T">The type of the objects read.</typeparam>
    public sealed class ResourceRequest<T>
    {
        internal ResourceRequest(ResourceKind kind, Guid? customerId = null, CommercialQuery commercial = null, RawRequest raw = null)
        {
            Kind = kind;
            CustomerId = customerId;
            Commercial = commercial;
            Raw = raw;
        }

        /// <summary>The resource.</summary>
        public ResourceKind Kind { get; }

        /// <summary>The customer, for the customer-level resources.</summary>
        public Guid? CustomerId { get; }

        /// <summary>Filter, grouping and paging, for the commercial resources.</summary>
        public CommercialQuery Commercial { get; }

        /// <summary>Method, path, query and body, for <see cref="ResourceKind.Any"/>.</summary>
        public RawRequest Raw { get; }
    }

    /// <summary>The requests the engine serves, one factory per resource.</summary>
    public static class Resources
    {
        /// <summary>The partner's license deployment, aggregated over all customers.</summary>
        public static ResourceRequest<PartnerLicensesDeploymentInsights> PartnerLicenseDeployment()
        {
            return new ResourceRequest<PartnerLicensesDeploymentInsights>(ResourceKind.PartnerLicenseDeployment);
        }

        /// <summary>The partner's license usage per workload, aggregated over all customers.</summary>
        public static ResourceRequest<PartnerLicensesUsageInsights> PartnerLicenseUsage()
        {
            return new ResourceRequest<PartnerLicensesUsageInsights>(ResourceKind.PartnerLicenseUsage);
        }

        /// <summary>One customer's license deployment.</summary>
        public static ResourceRequest<CustomerLicensesDeploymentInsights> CustomerLicenseDeployment(Guid customerId)
        {
            return new ResourceRequest<CustomerLicensesDeploymentInsights>(ResourceKind.CustomerLicenseDeployment, customerId);
        }

        /// <summary>One customer's license usage.</summary>
        public static ResourceRequest<CustomerLicensesUsageInsights> CustomerLicenseUsage(Guid customerId)
        {
            return new ResourceRequest<CustomerLicensesUsageInsights>(ResourceKind.CustomerLicenseUsage, customerId);
        }

        /// <summary>Commercial license deployment rows, page after page.</summary>
        public static ResourceRequest<CommercialLicenseDeployment> CommercialLicenseDeployment(CommercialQuery query)
        {
            return new ResourceRequest<CommercialLicenseDeployment>(ResourceKind.CommercialLicenseDeployment, commercial: query ?? new CommercialQuery());
        }

        /// <summary>Commercial license usage rows, page after page.</summary>
        public static ResourceRequest<CommercialLicenseUsage> CommercialLicenseUsage(CommercialQuery query)
        {
            return new ResourceRequest<CommercialLicenseUsage>(ResourceKind.CommercialLicenseUsage, commercial: query ?? new CommercialQuery());
        }

        /// <summary>
        /// Any request under the connected endpoint; yields each item of a collection, or the whole
        /// body, as <see cref="JsonRecord"/>s, lists and plain values.
        /// </summary>
        public static ResourceRequest<object> Any(RawRequest request)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            return new ResourceRequest<object>(ResourceKind.Any, raw: request);
        }
    }

    /// <summary>The query parameters of the commercial analytics API, and how many rows the caller wants.</summary>
    public sealed class CommercialQuery
    {
        /// <summary>Partner Center's own page size limit, and its default.</summary>
        public const int MaxPageSize = 10000;

        /// <summary>The <c>filter</c> parameter, for example <c>serviceCode eq 'O365'</c>; null for none.</summary>
        public string Filter { get; set; }

        /// <summary>Fields to group by (the <c>groupby</c> parameter); empty for none.</summary>
        public IReadOnlyList<string> GroupBy { get; set; } = Array.Empty<string>();

        /// <summary>The <c>processedDateTime</c> parameter; null for none.</summary>
        public DateTimeOffset? ProcessedDateTime { get; set; }

        /// <summary>Rows to skip at the start (the <c>skip</c> parameter).</summary>
        public ulong Skip { get; set; }

        /// <summary>The most rows wanted; null for all. The engine asks for no more than this.</summary>
        public ulong? First { get; set; }
    }

    /// <summary>A request for any Partner Center path, as Invoke-PartnerCenterRequest takes it.</summary>
    public sealed class RawRequest
    {
        /// <summary>Describes a request; the path must come from <see cref="PartnerCenterPath.Validate"/>.</summary>
        public RawRequest(string method, string path, IReadOnlyList<KeyValuePair<string, string>> query, object body, bool all)
        {
            Method = method ?? "GET";
            Path = path ?? throw new ArgumentNullException(nameof(path));
            Query = query ?? Array.Empty<KeyValuePair<string, string>>();
            Body = body;
            All = all;
        }

        /// <summary>GET, POST, PUT, PATCH or DELETE.</summary>
        public string Method { get; }

        /// <summary>A checked path under the endpoint, starting with '/'.</summary>
        public string Path { get; }

        /// <summary>Query parameters, not yet encoded.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Query { get; }

        /// <summary>
        /// The body: a string is sent as it is (JSON text); anything else is <see cref="JsonRecord"/>s,
        /// lists and plain values (strings, booleans, numbers, null), written as JSON. Null for none.
        /// </summary>
        public object Body { get; }

        /// <summary>Follow next links to the end.</summary>
        public bool All { get; }
    }

    /// <summary>
    /// A JSON object as read, its properties in the order sent. Values are strings, longs, doubles,
    /// booleans, null, <see cref="JsonRecord"/>s and lists of these. It names no JSON library, so it
    /// can cross from the engine to the cmdlets.
    /// </summary>
    public sealed class JsonRecord : IEnumerable<KeyValuePair<string, object>>
    {
        private readonly List<KeyValuePair<string, object>> _properties = new List<KeyValuePair<string, object>>();

        /// <summary>The number of properties.</summary>
        public int Count => _properties.Count;

        /// <summary>The value of the first property of that name (case-insensitive), or null.</summary>
        public object this[string name]
        {
            get
            {
                foreach (KeyValuePair<string, object> property in _properties)
                {
                    if (string.Equals(property.Key, name, StringComparison.OrdinalIgnoreCase))
                    {
                        return property.Value;
                    }
                }

                return null;
            }
        }

        /// <summary>Adds a property at the end.</summary>
        public void Add(string name, object value)
        {
            _properties.Add(new KeyValuePair<string, object>(name, value));
        }

        /// <inheritdoc />
        public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
        {
            return _properties.GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            return GetEnumerator();
        }
    }
}
