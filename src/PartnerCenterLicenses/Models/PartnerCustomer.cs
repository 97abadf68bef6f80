using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Models
{
    /// <summary>
    /// One of the partner's customers (Partner Center's Customer resource, the fields the license
    /// cmdlets and a customer list need). Its CustomerId binds to the customer-level cmdlets'
    /// -CustomerId by property name.
    /// </summary>
    public sealed class PartnerCustomer
    {
        // GET /v1/customers?size=500 (Microsoft's "Get a list of customers"): up to 500 customers a
        // page, the next page named by links.next with an MS-ContinuationToken header.
        internal static readonly PartnerCenterResource<PartnerCustomer> Resource = new PartnerCenterResource<PartnerCustomer>(
            "customer(s)", "v1/customers", Envelope.Items, Paging.ContinuationToken, Json.Fields,
            v => new PartnerCustomer(v[Json.Id], v[Json.CompanyName], v[Json.Domain], v[Json.TenantId], v[Json.RelationshipToPartner]));

        /// <summary>The most customers Partner Center sends in one page.</summary>
        internal const int PageSize = 500;

        /// <summary>Creates a customer with the fields the module reads.</summary>
        public PartnerCustomer(string customerId, string companyName, string domain, string tenantId, string relationshipToPartner)
        {
            CustomerId = customerId;
            CompanyName = companyName;
            Domain = domain;
            TenantId = tenantId;
            RelationshipToPartner = relationshipToPartner;
        }

        /// <summary>The customer's id in Partner Center, which is its tenant id.</summary>
        public string CustomerId { get; }

        /// <summary>The customer's company name (companyProfile.companyName).</summary>
        public string CompanyName { get; }

        /// <summary>The customer's default domain, for example <c>contoso.onmicrosoft.com</c> (companyProfile.domain).</summary>
        public string Domain { get; }

        /// <summary>The customer's Entra ID tenant id (companyProfile.tenantId).</summary>
        public string TenantId { get; }

        /// <summary>How the customer is related to the partner, for example <c>reseller</c> or <c>advisor</c>.</summary>
        public string RelationshipToPartner { get; }

        /// <summary>The company name, under the name Microsoft's archived PartnerCenter module gave it.</summary>
        public string Name => CompanyName;

        /// <summary>A one-line summary, for logs.</summary>
        public override string ToString()
        {
            return Boundary.TerminalText.Clean(CompanyName + " (" + Domain + ", " + CustomerId + ")");
        }

        private static class Json
        {
            internal static readonly ItemFields Fields = new ItemFields();
            internal static readonly ItemField<string> Id = Fields.Text("id");
            internal static readonly ItemField<string> CompanyName = Fields.Text("companyProfile.companyName", required: false);
            internal static readonly ItemField<string> Domain = Fields.Text("companyProfile.domain", required: false);
            internal static readonly ItemField<string> TenantId = Fields.Text("companyProfile.tenantId", required: false);
            internal static readonly ItemField<string> RelationshipToPartner = Fields.Text("relationshipToPartner", required: false);
        }
    }
}
