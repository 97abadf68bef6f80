using System;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>
    /// A customer's tenant id, checked once where it enters (a GUID; braces allowed) and written in
    /// one form, the one a request path takes.
    /// </summary>
    public struct CustomerId : IEquatable<CustomerId>
    {
        private readonly Guid _id;

        /// <summary>The customer of that tenant id.</summary>
        public CustomerId(Guid id)
        {
            _id = id;
        }

        /// <summary>The tenant id.</summary>
        public Guid Value => _id;

        /// <summary>The customer id in <paramref name="text"/>, or null when it is not one.</summary>
        public static CustomerId? TryParse(string text)
        {
            string trimmed = text?.Trim();
            return Guid.TryParseExact(trimmed, "D", out Guid id) || Guid.TryParseExact(trimmed, "B", out id) ? new CustomerId(id) : (CustomerId?)null;
        }

        /// <summary>The id as a request path and Partner Center write it: 8-4-4-4-12 hexadecimal digits.</summary>
        public override string ToString() => _id.ToString("D");

        /// <inheritdoc />
        public bool Equals(CustomerId other) => _id == other._id;

        /// <inheritdoc />
        public override bool Equals(object obj) => obj is CustomerId other && Equals(other);

        /// <inheritdoc />
        public override int GetHashCode() => _id.GetHashCode();
    }
}
