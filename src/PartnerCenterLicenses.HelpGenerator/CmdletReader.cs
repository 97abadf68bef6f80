using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace PartnerCenterLicenses.HelpGenerator
{
    /// <summary>
    /// Reads the cmdlets of an assembly as metadata only (MetadataLoadContext): nothing of the module
    /// runs, and its PowerShell reference assembly need not match a PowerShell in this process. The
    /// attributes are read as PowerShell reads them to bind parameters, so the help cannot disagree
    /// with the command.
    /// </summary>
    internal static class CmdletReader
    {
        private const string Automation = "System.Management.Automation.";

        public static IReadOnlyList<CmdletHelp> Read(string assemblyPath, DocComments docs)
        {
            // The runtime's own assemblies stand in for netstandard's; System.Management.Automation is the
            // PowerShellStandard.Library reference assembly the module was compiled against, copied next to
            // this program (see the csproj).
            var paths = new List<string>(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"))
            {
                Path.Combine(AppContext.BaseDirectory, "System.Management.Automation.dll"),
                assemblyPath,
            };

            using var context = new MetadataLoadContext(new PathAssemblyResolver(paths));
            Assembly assembly = context.LoadFromAssemblyPath(assemblyPath);
            return assembly.GetExportedTypes()
                .Where(t => t.IsClass && !t.IsAbstract)
                .Select(t => (Type: t, Cmdlet: Attribute(t.GetCustomAttributesData(), "CmdletAttribute")))
                .Where(x => x.Cmdlet != null)
                .Select(x => ReadCmdlet(x.Type, x.Cmdlet, docs))
                .OrderBy(c => c.Name, StringComparer.Ordinal)
                .ToList();
        }

        private static CmdletHelp ReadCmdlet(Type type, CustomAttributeData cmdlet, DocComments docs)
        {
            DocComments.MemberDoc doc = docs.ForType(type);
            var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => ReadParameter(p, docs))
                .Where(p => p != null)
                .ToList();
            if (Named(cmdlet, "SupportsShouldProcess", false))
            {
                parameters.Add(CommonSwitch("WhatIf", "wi", "Shows what would happen if the cmdlet runs. The cmdlet is not run."));
                parameters.Add(CommonSwitch("Confirm", "cf", "Prompts you for confirmation before running the cmdlet."));
            }

            // PowerShell adds these to a cmdlet that supports paging (PagingParameters), with no help of their own.
            if (Named(cmdlet, "SupportsPaging", false))
            {
                parameters.Add(CommonSwitch("IncludeTotalCount", null, "Writes the total number of objects in the data set first (as a UInt64 with an Accuracy property; "
                    + "accuracy 0 means the total is unknown), then the objects."));
                parameters.Add(CommonValue("Skip", "Ignores the first objects of the data set and then gets the rest. Enter the number of objects to skip."));
                parameters.Add(CommonValue("First", "Gets only the first objects of the data set. Enter the number of objects to get."));
            }

            string helpUri = Named<string>(cmdlet, "HelpUri", null);
            var links = new List<LinkHelp>();
            if (!string.IsNullOrEmpty(helpUri))
            {
                // The first link with a URI is what Get-Help -Online opens when a help file is loaded.
                links.Add(new LinkHelp { Text = "Online Version:", Uri = helpUri });
            }

            links.AddRange(doc.Links);
            return new CmdletHelp
            {
                Verb = (string)cmdlet.ConstructorArguments[0].Value,
                Noun = (string)cmdlet.ConstructorArguments[1].Value,
                Synopsis = doc.Synopsis,
                Description = doc.Description,
                ParameterSets = ParameterSets(parameters, Named<string>(cmdlet, "DefaultParameterSetName", null)),
                Parameters = parameters,
                Outputs = type.GetCustomAttributesData()
                    .Where(a => a.AttributeType.FullName == Automation + "OutputTypeAttribute")
                    .SelectMany(a => a.ConstructorArguments.SelectMany(Values))
                    .Select(v => v is Type t ? OutputOf(t, docs) : new TypeHelp { Name = (string)v, Description = Array.Empty<string>() })
                    .Where(o => o != null)
                    .GroupBy(o => o.Name)
                    .Select(g => g.First())
                    .ToList(),
                Examples = doc.Examples,
                HelpUri = helpUri,
                Links = links,
            };
        }

        private static ParameterHelp ReadParameter(PropertyInfo property, DocComments docs)
        {
            IList<CustomAttributeData> attributes = property.GetCustomAttributesData();
            var uses = attributes
                .Where(a => a.AttributeType.FullName == Automation + "ParameterAttribute" && !Named(a, "DontShow", false))
                .Select(a =>
                {
                    int position = Named(a, "Position", int.MinValue);
                    return new ParameterSetUse
                    {
                        SetName = Named(a, "ParameterSetName", ParameterHelp.AllSets),
                        Mandatory = Named(a, "Mandatory", false),
                        Position = position == int.MinValue ? null : position,
                        FromPipeline = Named(a, "ValueFromPipeline", false),
                        FromPipelineByPropertyName = Named(a, "ValueFromPipelineByPropertyName", false),
                        FromRemainingArguments = Named(a, "ValueFromRemainingArguments", false),
                    };
                })
                .ToList();
            if (uses.Count == 0)
            {
                return null;
            }

            Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            Type valueType = type.IsArray ? type.GetElementType() : type;
            DocComments.MemberDoc doc = docs.ForProperty(property);
            CustomAttributeData validateSet = Attribute(attributes, "ValidateSetAttribute");
            IReadOnlyList<string> possibleValues =
                validateSet != null ? validateSet.ConstructorArguments.SelectMany(Values).Select(v => v.ToString()).ToList()
                : valueType.IsEnum ? valueType.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToList()
                : Array.Empty<string>();

            return new ParameterHelp
            {
                Name = property.Name,
                TypeName = DisplayName(type),
                TypeFullName = type.FullName,
                IsSwitch = type.FullName == Automation + "SwitchParameter",
                IsArray = type.IsArray,
                SupportsWildcards = Attribute(attributes, "SupportsWildcardsAttribute") != null,
                PossibleValues = possibleValues,
                Aliases = attributes
                    .Where(a => a.AttributeType.FullName == Automation + "AliasAttribute")
                    .SelectMany(a => a.ConstructorArguments.SelectMany(Values))
                    .Select(v => (string)v)
                    .ToList(),
                Description = doc.Description,
                DefaultValue = doc.Value,
                Uses = uses,
            };
        }

        private static ParameterHelp CommonSwitch(string name, string alias, string description) => new ParameterHelp
        {
            Name = name,
            TypeName = "SwitchParameter",
            TypeFullName = Automation + "SwitchParameter",
            IsSwitch = true,
            PossibleValues = Array.Empty<string>(),
            Aliases = alias == null ? Array.Empty<string>() : new[] { alias },
            Description = new[] { description },
            DefaultValue = "False",
            IsCommon = true,
            Uses = new[] { new ParameterSetUse { SetName = ParameterHelp.AllSets } },
        };

        private static ParameterHelp CommonValue(string name, string description) => new ParameterHelp
        {
            Name = name,
            TypeName = "UInt64",
            TypeFullName = "System.UInt64",
            PossibleValues = Array.Empty<string>(),
            Aliases = Array.Empty<string>(),
            Description = new[] { description },
            IsCommon = true,
            Uses = new[] { new ParameterSetUse { SetName = ParameterHelp.AllSets } },
        };

        private static TypeHelp OutputOf(Type type, DocComments docs) =>
            type.FullName == "System.Void" ? null : new TypeHelp { Name = type.FullName, Description = docs.ForType(type).AllParagraphs };

        // The default set first, then the others in the order the parameters name them.
        private static IReadOnlyList<string> ParameterSets(IEnumerable<ParameterHelp> parameters, string defaultSet)
        {
            List<string> sets = parameters.SelectMany(p => p.Uses).Select(u => u.SetName)
                .Where(s => s != ParameterHelp.AllSets)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (sets.Count == 0)
            {
                return new[] { ParameterHelp.AllSets };
            }

            // The default set may have no parameters of its own (Get-PartnerLicenseDeployment without
            // -CustomerId): it is still a way to call the cmdlet, and comes first.
            if (defaultSet != null)
            {
                sets.Remove(defaultSet);
                sets.Insert(0, defaultSet);
            }

            return sets;
        }

        // As PowerShell writes a type in a syntax line: String, String[], Dictionary[String,Int32].
        private static string DisplayName(Type type)
        {
            if (type.IsArray)
            {
                return DisplayName(type.GetElementType()) + "[]";
            }

            if (type.IsGenericType)
            {
                string name = type.Name.Substring(0, type.Name.IndexOf('`'));
                return name + "[" + string.Join(",", type.GetGenericArguments().Select(DisplayName)) + "]";
            }

            return type.Name;
        }

        private static CustomAttributeData Attribute(IEnumerable<CustomAttributeData> attributes, string name) =>
            attributes.FirstOrDefault(a => a.AttributeType.FullName == Automation + name);

        private static T Named<T>(CustomAttributeData attribute, string name, T fallback)
        {
            foreach (CustomAttributeNamedArgument argument in attribute.NamedArguments)
            {
                if (argument.MemberName == name && argument.TypedValue.Value is T value)
                {
                    return value;
                }
            }

            return fallback;
        }

        // A params array argument arrives as a collection of typed arguments.
        private static IEnumerable<object> Values(CustomAttributeTypedArgument argument) =>
            argument.Value is IEnumerable<CustomAttributeTypedArgument> items ? items.Select(i => i.Value) : new[] { argument.Value };
    }
}
