using System;
using System.Collections.Generic;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>How a Partner Center collection wraps its items.</summary>
    public enum Envelope
    {
        /// <summary>The v1 API: <c>items</c>, <c>totalCount</c>, <c>links</c> (names read in any case).</summary>
        Items,

        /// <summary>The analytics API: <c>Value</c>, <c>TotalCount</c>, <c>@nextLink</c> (names read in any case).</summary>
        Value,

        /// <summary>Any JSON: a collection in either envelope, a bare array, one value, or nothing (Invoke-PartnerCenterRequest).</summary>
        Any,
    }

    /// <summary>How a Partner Center collection goes on to its next page.</summary>
    public enum Paging
    {
        /// <summary>Every item comes in one answer, and its <c>totalCount</c> counts that answer.</summary>
        None,

        /// <summary>
        /// <c>links.next</c>: a uri relative to the API version and an <c>MS-ContinuationToken</c> header
        /// (the v1 API's seek paging). Each page's <c>totalCount</c> counts that page.
        /// </summary>
        ContinuationToken,

        /// <summary>
        /// The analytics API: <c>top</c> asks for at most that many rows, <c>skip</c> skips rows at the
        /// start, <c>@nextLink</c> leads on, and <c>TotalCount</c> counts every page.
        /// </summary>
        TopSkip,

        /// <summary>Whatever next link the answer has, followed only when the request asks for all pages.</summary>
        AnyWhenAsked,

        /// <summary>
        /// Partner insights: a <c>nextLink</c> in the <c>value</c> envelope leads on (null on the last page), and
        /// <c>totalCount</c> counts the items of that answer.
        /// </summary>
        NextLink,
    }

    /// <summary>
    /// One Partner Center resource, declared once: its route, its envelope, how it pages, the fields of
    /// its items and how they become the object users see. The engine reads only this; adding a typed
    /// resource is a declaration beside its model and a cmdlet that asks for it.
    /// </summary>
    /// <typeparam name="T">The type of the objects read.</typeparam>
    public sealed class PartnerCenterResource<T>
    {
        /// <summary>Partner Center's most rows per page of a <see cref="Paging.TopSkip"/> collection, and its default.</summary>
        public const int MaxTopSkipPageSize = 10000;

        /// <summary>Declares a resource whose items are read field by field into <typeparamref name="T"/>.</summary>
        /// <param name="noun">What an item is called in messages, for example "customer(s)".</param>
        /// <param name="path">
        /// The path under the endpoint; <c>{customerId}</c> marks a customer-level resource, whose
        /// requests name one customer.
        /// </param>
        /// <param name="envelope">How the collection wraps its items.</param>
        /// <param name="paging">How it goes on to the next page.</param>
        /// <param name="fields">The item's fields, declared on it.</param>
        /// <param name="build">Makes the object from the item's fields.</param>
        public PartnerCenterResource(string noun, string path, Envelope envelope, Paging paging, ItemFields fields, Func<ItemFieldValues, T> build)
        {
            Noun = noun;
            Path = path;
            Envelope = envelope;
            Paging = paging;
            Fields = fields ?? throw new ArgumentNullException(nameof(fields));
            Build = build ?? throw new ArgumentNullException(nameof(build));
            IsCustomerLevel = path != null && path.IndexOf(CustomerIdSegment, StringComparison.Ordinal) >= 0;
        }

        /// <summary>Declares a resource of any JSON (Invoke-PartnerCenterRequest), built by <paramref name="values"/>.</summary>
        public PartnerCenterResource(string noun, IJsonValueBuilder values)
        {
            Noun = noun;
            Envelope = Envelope.Any;
            Paging = Paging.AnyWhenAsked;
            Values = values ?? throw new ArgumentNullException(nameof(values));
        }

        /// <summary>The placeholder of a customer-level path.</summary>
        public const string CustomerIdSegment = "{customerId}";

        /// <summary>What an item is called in messages.</summary>
        public string Noun { get; }

        /// <summary>The path template under the endpoint, without a leading '/'; null when each request names its own.</summary>
        public string Path { get; }

        /// <summary>Whether the path names a customer (<see cref="CustomerIdSegment"/>).</summary>
        public bool IsCustomerLevel { get; }

        /// <summary>How the collection wraps its items.</summary>
        public Envelope Envelope { get; }

        /// <summary>How it pages.</summary>
        public Paging Paging { get; }

        /// <summary>The item's fields; null for a resource of any JSON.</summary>
        public ItemFields Fields { get; }

        /// <summary>Makes the object from one item's fields.</summary>
        public Func<ItemFieldValues, T> Build { get; }

        /// <summary>Builds objects from any JSON value; null for a typed resource.</summary>
        public IJsonValueBuilder Values { get; }

        /// <summary>The request for this resource (a partner-level one, without query parameters).</summary>
        public ResourceRequest<T> Request() => new ResourceRequest<T>(this, null);

        /// <summary>The request for one customer of a customer-level resource.</summary>
        public ResourceRequest<T> Request(CustomerId customer) => new ResourceRequest<T>(this, customer);
    }

    /// <summary>
    /// Builds output objects straight from the JSON as it is read, for a resource without declared
    /// fields: the engine reads, the cmdlet layer decides what the objects are.
    /// </summary>
    public interface IJsonValueBuilder
    {
        /// <summary>A new, empty object.</summary>
        object NewObject();

        /// <summary>Adds a property to an object made by <see cref="NewObject"/>.</summary>
        void Add(object newObject, string name, object value);

        /// <summary>A list of values (objects, lists, and strings, longs, BigIntegers, doubles, booleans and nulls as read).</summary>
        object List(List<object> values);
    }

    /// <summary>
    /// One request for a resource: the resource and what varies from call to call, each value already
    /// checked by the type it arrives in. The engine checks none of them again. Immutable: each
    /// change makes a copy.
    /// </summary>
    /// <typeparam name="T">The type of the objects read.</typeparam>
    public sealed class ResourceRequest<T>
    {
        internal ResourceRequest(PartnerCenterResource<T> resource, CustomerId? customer)
        {
            if (resource.IsCustomerLevel != customer.HasValue)
            {
                throw new ArgumentException(resource.IsCustomerLevel ? "A customer-level resource is read for one customer." : "This resource names no customer.", nameof(customer));
            }

            Resource = resource;
            Customer = customer;
        }

        /// <summary>The resource.</summary>
        public PartnerCenterResource<T> Resource { get; }

        /// <summary>The customer of a customer-level resource.</summary>
        public CustomerId? Customer { get; }

        /// <summary>Query parameters, not yet escaped.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Query { get; private set; } = Array.Empty<KeyValuePair<string, string>>();

        /// <summary>The most items wanted (-First); no page is requested once they have been read. Null for all.</summary>
        public ulong? Wanted { get; private set; }

        /// <summary>Whether the whole body is read into memory before the first item (many small answers at once).</summary>
        public bool Buffered { get; private set; }

        /// <summary>Whether next pages are read.</summary>
        public bool All { get; private set; } = true;

        /// <summary>The method of a request for any path (GET, POST, PUT, PATCH or DELETE); null for a declared path.</summary>
        public string Method { get; private set; }

        /// <summary>The path of a request for any path (Invoke-PartnerCenterRequest); null for a declared path.</summary>
        public PartnerCenterPath Path { get; private set; }

        /// <summary>The body as JSON text; null for none.</summary>
        public string Body { get; private set; }

        /// <summary>The same request with these query parameters and at most <paramref name="wanted"/> items.</summary>
        public ResourceRequest<T> With(IReadOnlyList<KeyValuePair<string, string>> query, ulong? wanted = null) =>
            Changed(r => { r.Query = query ?? Array.Empty<KeyValuePair<string, string>>(); r.Wanted = wanted; });

        /// <summary>The same request, its body read whole into memory before its first item is parsed.</summary>
        public ResourceRequest<T> AsBuffered() => Changed(r => r.Buffered = true);

        /// <summary>The same request sent to a path the cmdlet has checked, with that method and body; next pages only with <paramref name="all"/>.</summary>
        public ResourceRequest<T> To(string method, PartnerCenterPath path, string body, bool all) =>
            Changed(r => { r.Method = method; r.Path = path; r.Body = body; r.All = all; });

        private ResourceRequest<T> Changed(Action<ResourceRequest<T>> change)
        {
            var copy = (ResourceRequest<T>)MemberwiseClone();
            change(copy);
            return copy;
        }
    }
}
