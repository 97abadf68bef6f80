namespace PartnerCenterLicenses.Boundary
{
    /// <summary>Placeholder until the validating version lands from the cmdlet branch.</summary>
    public static class TenantName
    {
        /// <summary>Returns the trimmed tenant, or null.</summary>
        public static string Validate(string tenant, string parameterName = "Tenant")
        {
            return string.IsNullOrWhiteSpace(tenant) ? null : tenant.Trim();
        }
    }
}
