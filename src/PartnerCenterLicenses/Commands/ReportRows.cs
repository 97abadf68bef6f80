using System;
using System.Collections.Generic;
using System.Management.Automation;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// A report file's rows as PSCustomObjects whose note properties are the file's columns, in order, each
    /// value already typed by the engine. Built here because the engine names no PowerShell type.
    /// </summary>
    internal sealed class ReportRows : IReportRowBuilder
    {
        public static readonly ReportRows Instance = new ReportRows();

        private ReportRows()
        {
        }

        /// <summary>
        /// The property names, once per file. PowerShell property names are case-insensitive and never empty, so
        /// a repeated or empty column name gets a suffix (Column, Column_2) rather than losing its values.
        /// </summary>
        public object Shape(IReadOnlyList<ReportColumn> columns)
        {
            var names = new string[columns.Count];
            var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < names.Length; i++)
            {
                string name = string.IsNullOrWhiteSpace(columns[i].Name) ? "Column" + (i + 1) : columns[i].Name.Trim();
                string unique = name;
                for (int n = 2; !taken.Add(unique); n++)
                {
                    unique = name + "_" + n;
                }

                names[i] = unique;
            }

            return names;
        }

        public object Row(object shape, object[] values)
        {
            var names = (string[])shape;
            var row = new PSObject();
            PSMemberInfoCollection<PSPropertyInfo> properties = row.Properties;
            for (int i = 0; i < names.Length; i++)
            {
                // The names were made unique above, so the collection need not check them again per row.
                properties.Add(new PSNoteProperty(names[i], values[i]), true);
            }

            return row;
        }
    }
}
