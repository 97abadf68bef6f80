using System;
using PartnerCenter.Emulator.State;

namespace PartnerCenter.Emulator.Entra
{
    /// <summary>
    /// The <c>{tenant}</c> part of an Entra URL: a tenant id or domain, or one of the tenant-independent
    /// aliases that are resolved later from the signed-in user.
    /// </summary>
    internal sealed class TenantSegment
    {
        private TenantSegment(string raw, Tenant tenant, bool isTenantIndependent)
        {
            Raw = raw;
            Tenant = tenant;
            IsTenantIndependent = isTenantIndependent;
        }

        public string Raw { get; }

        /// <summary>The resolved tenant, or null for common/organizations or an unknown tenant.</summary>
        public Tenant Tenant { get; }

        public bool IsTenantIndependent { get; }

        public bool IsUnknown => Tenant == null && !IsTenantIndependent;

        /// <summary>
        /// Text of AADSTS90002, the error Entra gives for a tenant id or domain it does not know.
        /// </summary>
        public string NotFoundMessage =>
            $"Tenant '{Raw}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. " +
            "Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.";

        public static TenantSegment Parse(EmulatorState state, string raw)
        {
            // 'consumers' is for personal Microsoft accounts, which this emulator has none of.
            if (string.Equals(raw, "common", StringComparison.OrdinalIgnoreCase)
                || string.Equals(raw, "organizations", StringComparison.OrdinalIgnoreCase))
            {
                return new TenantSegment(raw, tenant: null, isTenantIndependent: true);
            }

            return new TenantSegment(raw, state.FindTenant(raw), isTenantIndependent: false);
        }
    }
}
