using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text;
using Newtonsoft.Json;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>How one resource is read: its first request, its item format, and whether it pages.</summary>
    internal sealed class ResourceRoute<T>
    {
        public ResourceRoute(PartnerCenterRequest first, ItemFormat<T> format, string customerId = null, bool followsNextPages = false, ulong? wanted = null, bool asksForTop = false)
        {
            First = first;
            Format = format;
            CustomerId = customerId;
            FollowsNextPages = followsNextPages;
            Wanted = wanted;
            AsksForTop = asksForTop;
        }

        public PartnerCenterRequest First { get; }

        public ItemFormat<T> Format { get; }

        /// <summary>The customer asked for, which items that leave their customer id out belong to.</summary>
        public string CustomerId { get; }

        /// <summary>Whether next links are followed to the end.</summary>
        public bool FollowsNextPages { get; }

        /// <summary>The most items wanted (-First); no page is requested once they have been read.</summary>
        public ulong? Wanted { get; }

        /// <summary>Whether each page's request asks for no more rows than are still wanted (the analytics API's 'top').</summary>
        public bool AsksForTop { get; }
    }

    /// <summary>
    /// The one place a resource request becomes a URL: constant paths, customer ids written from
    /// a Guid, and every query value escaped.
    /// </summary>
    internal static class ResourceRoutes
    {
        public const string PartnerLicenseDeploymentPath = "v1/analytics/licenses/deployment";
        public const string PartnerLicenseUsagePath = "v1/analytics/licenses/usage";

        // Microsoft's syntax table writes /v1/analytics/commercial/...; its request examples, which
        // are what the service answers, /partner/v1/analytics/commercial/....
        public const string CommercialAnalyticsPath = "partner/v1/analytics/commercial/";

        public static ResourceRoute<T> For<T>(ResourceRequest<T> request, PartnerCenterClient client)
        {
            switch (request.Kind)
            {
                case ResourceKind.PartnerLicenseDeployment:
                    return Typed<T>(Get(client.Under(PartnerLicenseDeploymentPath)), ItemFormats.PartnerLicenseDeployment);
                case ResourceKind.PartnerLicenseUsage:
                    return Typed<T>(Get(client.Under(PartnerLicenseUsagePath)), ItemFormats.PartnerLicenseUsage);
                case ResourceKind.CustomerLicenseDeployment:
                    return Typed<T>(Get(client.Under(CustomerPath(request, "deployment"))), ItemFormats.CustomerLicenseDeployment, Customer(request));
                case ResourceKind.CustomerLicenseUsage:
                    return Typed<T>(Get(client.Under(CustomerPath(request, "usage"))), ItemFormats.CustomerLicenseUsage, Customer(request));
                case ResourceKind.CommercialLicenseDeployment:
                    return Commercial<T>(client, "deployment/license", request.Commercial, ItemFormats.CommercialLicenseDeployment);
                case ResourceKind.CommercialLicenseUsage:
                    return Commercial<T>(client, "usage/license", request.Commercial, ItemFormats.CommercialLicenseUsage);
                case ResourceKind.Any:
                    RawRequest raw = request.Raw;
                    var first = new PartnerCenterRequest(Method(raw.Method), client.Under(PartnerCenterPath.Validate(raw.Path), raw.Query), Body(raw.Body));
                    return new ResourceRoute<T>(first, (ItemFormat<T>)(object)ItemFormats.Any, followsNextPages: raw.All);
                default:
                    throw new ArgumentException("Unknown resource " + request.Kind + ".", nameof(request));
            }
        }

        /// <summary>The same request asking for at most <paramref name="top"/> rows (the 'top' parameter set or replaced).</summary>
        public static PartnerCenterRequest WithTop(PartnerCenterRequest request, ulong top)
        {
            var builder = new UriBuilder(request.Uri);
            var parameters = new List<string>();
            foreach (string parameter in (builder.Query ?? string.Empty).TrimStart('?').Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!parameter.StartsWith("top=", StringComparison.OrdinalIgnoreCase) && !string.Equals(parameter, "top", StringComparison.OrdinalIgnoreCase))
                {
                    parameters.Add(parameter);
                }
            }

            parameters.Insert(0, "top=" + top.ToString(CultureInfo.InvariantCulture));
            builder.Query = string.Join("&", parameters);
            return request.At(builder.Uri);
        }

        private static ResourceRoute<T> Typed<T>(PartnerCenterRequest first, object format, string customerId = null)
        {
            return new ResourceRoute<T>(first, (ItemFormat<T>)format, customerId);
        }

        private static PartnerCenterRequest Get(Uri uri)
        {
            return new PartnerCenterRequest(HttpMethod.Get, uri);
        }

        private static string Customer<T>(ResourceRequest<T> request)
        {
            return (request.CustomerId ?? throw new ArgumentException("A customer-level request needs a customer id.", nameof(request))).ToString("D");
        }

        private static string CustomerPath<T>(ResourceRequest<T> request, string resource)
        {
            return "v1/customers/" + Customer(request) + "/analytics/licenses/" + resource;
        }

        private static ResourceRoute<T> Commercial<T>(PartnerCenterClient client, string resource, CommercialQuery query, object format)
        {
            var parameters = new List<KeyValuePair<string, string>>();
            ulong top = Math.Min(CommercialQuery.MaxPageSize, query.First ?? CommercialQuery.MaxPageSize);
            parameters.Add(Pair("top", top.ToString(CultureInfo.InvariantCulture)));
            if (query.Skip > 0)
            {
                parameters.Add(Pair("skip", query.Skip.ToString(CultureInfo.InvariantCulture)));
            }

            if (!string.IsNullOrEmpty(query.Filter))
            {
                parameters.Add(Pair("filter", query.Filter));
            }

            if (query.GroupBy != null && query.GroupBy.Count > 0)
            {
                parameters.Add(Pair("groupby", string.Join(",", query.GroupBy)));
            }

            if (query.ProcessedDateTime.HasValue)
            {
                parameters.Add(Pair("processedDateTime", query.ProcessedDateTime.Value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture)));
            }

            var first = new PartnerCenterRequest(HttpMethod.Get, client.Under(CommercialAnalyticsPath + resource, parameters));
            return new ResourceRoute<T>(first, (ItemFormat<T>)format, followsNextPages: true, wanted: query.First, asksForTop: true);
        }

        private static KeyValuePair<string, string> Pair(string key, string value) => new KeyValuePair<string, string>(key, value);

        private static HttpMethod Method(string method)
        {
            switch ((method ?? "GET").ToUpperInvariant())
            {
                case "GET": return HttpMethod.Get;
                case "POST": return HttpMethod.Post;
                case "PUT": return HttpMethod.Put;
                case "DELETE": return HttpMethod.Delete;
                case "PATCH": return new HttpMethod("PATCH");
                default:
                    throw new PartnerCenterException(PartnerCenterErrorIds.InvalidArgument, PartnerCenterErrorKind.InvalidArgument,
                        "-Method '" + method + "' is not one of GET, POST, PUT, PATCH or DELETE.");
            }
        }

        /// <summary>
        /// The body as UTF-8 JSON: a string as it is; otherwise the JSON values the cmdlet made of
        /// -Body (records, lists, strings, booleans, numbers, null), which it has already checked for
        /// depth, loops and size.
        /// </summary>
        internal static byte[] Body(object body)
        {
            if (body == null)
            {
                return null;
            }

            if (body is string text)
            {
                return Encoding.UTF8.GetBytes(text);
            }

            using (var writer = new StringWriter(CultureInfo.InvariantCulture))
            using (var json = new JsonTextWriter(writer))
            {
                Write(json, body);
                json.Flush();
                return Encoding.UTF8.GetBytes(writer.ToString());
            }
        }

        private static void Write(JsonWriter json, object value)
        {
            switch (value)
            {
                case JsonRecord record:
                    json.WriteStartObject();
                    foreach (KeyValuePair<string, object> property in record)
                    {
                        json.WritePropertyName(property.Key);
                        Write(json, property.Value);
                    }

                    json.WriteEndObject();
                    break;
                case IList<object> list:
                    json.WriteStartArray();
                    foreach (object item in list)
                    {
                        Write(json, item);
                    }

                    json.WriteEndArray();
                    break;
                case null:
                case string _:
                case bool _:
                case long _:
                case ulong _:
                case double _:
                case float _:
                case decimal _:
                    json.WriteValue(value);
                    break;
                default:
                    throw new ArgumentException("A request body holds " + value.GetType().Name + ", which is not a JSON value.", nameof(value));
            }
        }
    }
}
