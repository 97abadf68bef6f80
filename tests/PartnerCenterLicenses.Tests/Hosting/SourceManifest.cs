using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Language;

namespace PartnerCenterLicenses.Tests.Hosting
{
    /// <summary>
    /// The module manifest as the repository declares it (PartnerCenterLicenses.psd1 at its root, which
    /// the build copies into out/), read the way Import-PowerShellDataFile reads a data file: parsed by
    /// PowerShell's parser and taken as constant data, without running anything. Tests take the module's
    /// cmdlets, aliases, version and address from here, so a cmdlet added to the manifest is covered
    /// without editing them.
    /// </summary>
    public static class SourceManifest
    {
        private static readonly Lazy<Hashtable> data = new Lazy<Hashtable>(Read);

        public static string FilePath => System.IO.Path.Combine(RepositoryPaths.Root, "PartnerCenterLicenses.psd1");

        /// <summary>CmdletsToExport, as listed; never empty.</summary>
        public static IReadOnlyList<string> Cmdlets => NamesIn("CmdletsToExport");

        /// <summary>AliasesToExport, as listed; never empty.</summary>
        public static IReadOnlyList<string> Aliases => NamesIn("AliasesToExport");

        public static string ModuleVersion => Text(data.Value, "ModuleVersion");

        /// <summary>PrivateData.PSData.ProjectUri: the repository's address.</summary>
        public static string ProjectUri => Text((Hashtable)((Hashtable)data.Value["PrivateData"])["PSData"], "ProjectUri");

        // A test that compares with an empty list cannot fail, so a list that is missing or empty is an error here.
        private static IReadOnlyList<string> NamesIn(string key)
        {
            var names = (data.Value[key] as object[] ?? new[] { data.Value[key] }).OfType<string>().ToList();
            if (names.Count == 0)
            {
                throw new InvalidOperationException($"{FilePath} lists no {key}.");
            }

            return names;
        }

        private static string Text(Hashtable table, string key)
        {
            return table?[key] as string ?? throw new InvalidOperationException($"{FilePath} has no {key}.");
        }

        private static Hashtable Read()
        {
            ScriptBlockAst file = Parser.ParseFile(FilePath, out _, out ParseError[] errors);
            if (errors.Length > 0)
            {
                throw new InvalidOperationException($"{FilePath} does not parse: {errors[0].Message}");
            }

            var manifest = file.Find(ast => ast is HashtableAst, searchNestedScriptBlocks: false) as HashtableAst
                ?? throw new InvalidOperationException($"{FilePath} holds no hashtable.");
            return (Hashtable)manifest.SafeGetValue();
        }
    }
}
