using System;
using System.Collections.Generic;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>The columns of one report file's header, shared by all its rows.</summary>
    public sealed class ReportRowShape
    {
        private readonly Dictionary<string, int> _indexes;

        internal ReportRowShape(IReadOnlyList<string> names)
        {
            Names = names;
            _indexes = new Dictionary<string, int>(names.Count, StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < names.Count; i++)
            {
                _indexes[names[i]] = i;
            }
        }

        /// <summary>The property names, in the file's order.</summary>
        public IReadOnlyList<string> Names { get; }

        internal int? IndexOf(string column) => _indexes.TryGetValue(column, out int index) ? index : (int?)null;
    }
}
