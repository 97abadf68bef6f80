using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PartnerCenter.Emulator.Hosting;
using PartnerCenter.Emulator.State;

namespace PartnerCenter.Emulator.PartnerCenter
{
    /// <summary>
    /// The customer list (seek-based paging), creating a customer, and the customer-level license analytics.
    /// </summary>
    internal sealed partial class PartnerCenterApi
    {
        /// <summary>Partner Center's error code for a customer the partner has no relationship with.</summary>
        private const int NoRelationshipCode = 20002;

        /// <summary>Page size of <c>GET /v1/customers</c> when the request names none (the docs give no default).</summary>
        private const int DefaultCustomerPageSize = 200;

        /// <summary>Largest page of customers served; a larger <c>size</c> gets this many.</summary>
        private const int MaxCustomerPageSize = 500;

        private const string ContinuationTokenHeader = "MS-ContinuationToken";

        private static readonly JsonWriterOptions IndentedJson = new JsonWriterOptions
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            Indented = true,
        };

        /// <summary>The .NET SDK sends PascalCase names, and one documented request has trailing commas.</summary>
        private static readonly JsonDocumentOptions LenientJson = new JsonDocumentOptions
        {
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,
        };

        /// <summary>The rows of the documented customer deployment example: product, deployed, sold, processed.</summary>
        private static readonly (string Product, long Deployed, long Sold, string Processed)[] DocumentedCustomerDeployment =
        {
            ("OFFICE 365 BUSINESS ESSENTIALS", 0, 1, "2017-03-14T03:25:16.36+00:00"),
            ("EXCHANGE ONLINE (PLAN 1)", 0, 5, "2017-03-14T03:25:16.36+00:00"),
            ("EXCHANGE ONLINE ARCHIVING FOR EXCHANGE ONLINE", 0, 2, "2017-03-14T03:25:16.36+00:00"),
        };

        /// <summary>
        /// The rows of the documented customer usage example. The example has no workload codes; these are the
        /// codes the commercial usage API documents for the same workloads.
        /// </summary>
        private static readonly (string Product, string WorkloadCode, string Workload, long Active, long Qualified, string Processed)[] DocumentedCustomerUsage =
        {
            ("OFFICE 365 BUSINESS ESSENTIALS", "EXO", "Exchange", 0, 1, "2017-03-09T00:00:00+00:00"),
            ("OFFICE 365 BUSINESS ESSENTIALS", "SPO", "SharePoint", 0, 1, "2017-03-09T00:00:00+00:00"),
            ("OFFICE 365 BUSINESS ESSENTIALS", "SFB", "Skype For Business", 0, 1, "2017-03-09T00:00:00+00:00"),
            ("EXCHANGE ONLINE (PLAN 1)", "EXO", "Exchange", 0, 5, "2017-03-09T00:00:00+00:00"),
            ("EXCHANGE ONLINE ARCHIVING FOR EXCHANGE ONLINE", "EXO", "Exchange", 0, 2, "2017-03-09T00:00:00+00:00"),
        };

        private void MapCustomers(IEndpointRouteBuilder routes)
        {
            routes.MapGet("/v1/customers", GetCustomersAsync);
            routes.MapPost("/v1/customers", CreateCustomerAsync);
            routes.MapGet("/v1/customers/{customerId}/analytics/licenses/deployment", context => GetCustomerAnalyticsAsync(context, CommercialResource.Deployment));
            routes.MapGet("/v1/customers/{customerId}/analytics/licenses/usage", context => GetCustomerAnalyticsAsync(context, CommercialResource.Usage));
        }

        private Task GetCustomerAnalyticsAsync(HttpContext context, CommercialResource resource)
        {
            Task rejected = RejectUnlessAppUserToken(context);
            if (rejected != null)
            {
                return rejected;
            }

            // Partner Center takes the plain D-format GUID; anything else names no customer of this partner.
            string segment = context.Request.RouteValues["customerId"] as string;
            PartnerCustomer customer = Guid.TryParseExact(segment, "D", out Guid id) ? _state.FindCustomer(id.ToString("D")) : null;
            if (customer == null)
            {
                return WriteErrorAsync(context, StatusCodes.Status403Forbidden, NoRelationshipCode, "The partner has no relationship with this customer.");
            }

            string raw = resource == CommercialResource.Deployment ? customer.DeploymentJson : customer.UsageJson;
            return WriteJsonAsync(context, StatusCodes.Status200OK, raw ?? DocumentedCustomerAnalytics(customer, resource));
        }

        /// <summary>The documented example's rows, with the customer's id and name and the service code the example leaves out.</summary>
        private static string DocumentedCustomerAnalytics(PartnerCustomer customer, CommercialResource resource)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer, IndentedJson))
            {
                json.WriteStartObject();
                int count = resource == CommercialResource.Deployment ? DocumentedCustomerDeployment.Length : DocumentedCustomerUsage.Length;
                json.WriteNumber("totalCount", count);
                json.WriteStartArray("items");
                for (int i = 0; i < count; i++)
                {
                    json.WriteStartObject();
                    json.WriteString("customerId", customer.Id);
                    json.WriteString("customerName", customer.CompanyName);
                    if (resource == CommercialResource.Deployment)
                    {
                        var row = DocumentedCustomerDeployment[i];
                        json.WriteString("productName", row.Product);
                        json.WriteString("serviceCode", "o365");
                        json.WriteNumber("licensesDeployed", row.Deployed);
                        json.WriteNumber("deploymentPercent", Percent(row.Deployed, row.Sold));
                        json.WriteNumber("licensesSold", row.Sold);
                        WriteRowTail(json, row.Processed, "CustomerLicensesDeploymentInsights");
                    }
                    else
                    {
                        var row = DocumentedCustomerUsage[i];
                        json.WriteString("productName", row.Product);
                        json.WriteString("serviceCode", "o365");
                        json.WriteNumber("licensesActive", row.Active);
                        json.WriteNumber("licensesQualified", row.Qualified);
                        json.WriteNumber("usagePercent", Percent(row.Active, row.Qualified));
                        json.WriteString("workloadCode", row.WorkloadCode);
                        json.WriteString("workloadName", row.Workload);
                        WriteRowTail(json, row.Processed, "CustomerLicensesUsageInsights");
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
                WriteObjectType(json, "Collection");
                json.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        private static void WriteRowTail(Utf8JsonWriter json, string processedDateTime, string objectType)
        {
            json.WriteString("processedDateTime", processedDateTime);
            json.WriteString("serviceName", "o365");
            json.WriteString("channel", "reseller");
            WriteObjectType(json, objectType);
        }

        private static void WriteObjectType(Utf8JsonWriter json, string objectType)
        {
            json.WriteStartObject("attributes");
            json.WriteString("objectType", objectType);
            json.WriteEndObject();
        }

        /// <summary>A share as Partner Center writes it, e.g. 0.0 or 0.4 (never a division by zero).</summary>
        private static double Percent(long part, long whole) => whole == 0 ? 0.0 : Math.Round((double)part / whole, 4);

        /// <summary>
        /// <c>GET /v1/customers?size=N</c>, and <c>GET /v1/customers?size=N&amp;seekOperation=Next</c> with the
        /// <c>MS-ContinuationToken</c> header of the previous page's <c>links.next</c>.
        /// </summary>
        private Task GetCustomersAsync(HttpContext context)
        {
            Task rejected = RejectUnlessAppUserToken(context);
            if (rejected != null)
            {
                return rejected;
            }

            IQueryCollection query = context.Request.Query;
            int size = DefaultCustomerPageSize;
            if (query.TryGetValue("size", out var sizeText)
                && (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1))
            {
                return WriteErrorAsync(context, StatusCodes.Status400BadRequest, StatusCodes.Status400BadRequest, "The size must be a positive whole number.");
            }

            size = Math.Min(size, _state.CustomerPageSize ?? MaxCustomerPageSize);
            int offset = 0;
            if (query.TryGetValue("seekOperation", out var seek))
            {
                if (!string.Equals(seek, "Next", StringComparison.OrdinalIgnoreCase))
                {
                    return WriteErrorAsync(context, StatusCodes.Status400BadRequest, StatusCodes.Status400BadRequest, "The seek operation is not supported; use Next with the continuation token of the previous page.");
                }

                int? next = _state.RedeemContinuationToken(context.Request.Headers[ContinuationTokenHeader].ToString());
                if (next == null)
                {
                    return WriteErrorAsync(context, StatusCodes.Status400BadRequest, StatusCodes.Status400BadRequest, "The continuation token is missing or not valid.");
                }

                offset = next.Value;
            }

            (IReadOnlyList<PartnerCustomer> page, int total) = _state.CustomerPage(offset, size);
            var items = new JsonArray();
            foreach (PartnerCustomer customer in page)
            {
                items.Add(CustomerResource(customer));
            }

            string sizeQuery = size.ToString(CultureInfo.InvariantCulture);
            var links = new JsonObject { ["self"] = Link("/customers?size=" + sizeQuery, new JsonArray()) };
            int nextOffset = offset + page.Count;
            if (nextOffset < total && _state.NextLinkCycleAfterPage == offset / size + 1)
            {
                // A broken server: back to the first page, which has no continuation token.
                links["next"] = Link("/customers?size=" + sizeQuery, new JsonArray());
            }
            else if (nextOffset < total)
            {
                // Relative to the version root, as in Partner Center's own examples: no "/v1".
                links["next"] = Link(
                    "/customers?size=" + sizeQuery + "&seekOperation=Next",
                    new JsonArray(new JsonObject { ["key"] = ContinuationTokenHeader, ["value"] = _state.IssueContinuationToken(nextOffset) }));
            }

            var body = new JsonObject
            {
                // Seek-based collections count the items of the page, not of the whole list.
                ["totalCount"] = page.Count,
                ["items"] = items,
                ["links"] = links,
                ["attributes"] = new JsonObject { ["objectType"] = "Collection" },
            };
            return WriteJsonAsync(context, StatusCodes.Status200OK, body.ToJsonString(JsonText.Options));
        }

        /// <summary>
        /// <c>POST /v1/customers</c>: needs <c>companyProfile.domain</c>; the company name comes from
        /// <c>billingProfile.companyName</c> (or <c>companyProfile.companyName</c>, or the domain). Names are
        /// matched in any case, as the .NET SDK sends them in PascalCase.
        /// </summary>
        private async Task CreateCustomerAsync(HttpContext context)
        {
            Task rejected = RejectUnlessAppUserToken(context);
            if (rejected != null)
            {
                await rejected;
                return;
            }

            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(context.Request.Body, LenientJson, context.RequestAborted);
            }
            catch (JsonException)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, StatusCodes.Status400BadRequest, "The request body is not valid JSON.");
                return;
            }

            using (document)
            {
                JsonElement root = document.RootElement;
                JsonElement? companyProfile = Property(root, "companyProfile");
                JsonElement? billingProfile = Property(root, "billingProfile");
                string domain = StringProperty(companyProfile, "domain");
                if (string.IsNullOrWhiteSpace(domain))
                {
                    await WriteErrorAsync(context, StatusCodes.Status400BadRequest, StatusCodes.Status400BadRequest, "The customer's companyProfile.domain is required.");
                    return;
                }

                string companyName = StringProperty(billingProfile, "companyName") ?? StringProperty(companyProfile, "companyName") ?? domain;
                PartnerCustomer customer = _state.CreateCustomer(companyName, domain);
                JsonObject resource = CustomerResource(customer);
                resource["commerceId"] = Guid.NewGuid().ToString("D");
                resource["billingProfile"] = new JsonObject
                {
                    ["id"] = Guid.NewGuid().ToString("D"),
                    ["email"] = StringProperty(billingProfile, "email"),
                    ["culture"] = StringProperty(billingProfile, "culture"),
                    ["language"] = StringProperty(billingProfile, "language"),
                    ["companyName"] = companyName,
                    ["attributes"] = new JsonObject { ["objectType"] = "CustomerBillingProfile" },
                };
                resource["allowDelegatedAccess"] = true;
                context.Response.Headers.Location = "/v1/customers/" + customer.Id;
                await WriteJsonAsync(context, StatusCodes.Status201Created, resource.ToJsonString(JsonText.Options));
            }
        }

        private static JsonObject CustomerResource(PartnerCustomer customer) => new JsonObject
        {
            ["id"] = customer.Id,
            ["companyProfile"] = new JsonObject
            {
                ["tenantId"] = customer.Id,
                ["domain"] = customer.Domain,
                ["companyName"] = customer.CompanyName,
                ["attributes"] = new JsonObject { ["objectType"] = "CustomerCompanyProfile" },
            },
            ["relationshipToPartner"] = "reseller",
            ["links"] = new JsonObject { ["self"] = Link("/customers/" + customer.Id, new JsonArray()) },
            ["attributes"] = new JsonObject { ["objectType"] = "Customer" },
        };

        private static JsonObject Link(string uri, JsonArray headers) => new JsonObject
        {
            ["uri"] = uri,
            ["method"] = "GET",
            ["headers"] = headers,
        };

        private static JsonElement? Property(JsonElement? parent, string name)
        {
            if (parent is not { ValueKind: JsonValueKind.Object } element)
            {
                return null;
            }

            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value;
                }
            }

            return null;
        }

        private static string StringProperty(JsonElement? parent, string name) =>
            Property(parent, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
    }
}
