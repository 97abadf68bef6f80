using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace PartnerCenterLicenses.HelpGenerator
{
    /// <summary>
    /// The compiler's XML documentation file, read with the conventions the cmdlets follow (those of
    /// XmlDoc2CmdletDoc): in a &lt;summary&gt;, &lt;para type="synopsis"&gt; and &lt;para type="description"&gt;
    /// are what Get-Help shows, and &lt;para type="link" uri="..."&gt; a related link; untyped text is for
    /// developers only, except where a member has no typed paragraph at all. On a cmdlet class,
    /// &lt;example title="..."&gt;&lt;code&gt;...&lt;/code&gt;&lt;para&gt;...&lt;/para&gt;&lt;/example&gt; is an example;
    /// on a parameter, &lt;value&gt; is the default value Get-Help shows.
    /// </summary>
    internal sealed class DocComments
    {
        private static readonly Regex Whitespace = new Regex(@"\s+", RegexOptions.CultureInvariant);

        private readonly Dictionary<string, XElement> _members;

        private DocComments(Dictionary<string, XElement> members)
        {
            _members = members;
        }

        public static DocComments Load(string path)
        {
            XDocument document = XDocument.Load(path, LoadOptions.PreserveWhitespace);
            var members = new Dictionary<string, XElement>(StringComparer.Ordinal);
            foreach (XElement member in document.Root?.Element("members")?.Elements("member") ?? Enumerable.Empty<XElement>())
            {
                string name = (string)member.Attribute("name");
                if (name != null)
                {
                    members[name] = member;
                }
            }

            return new DocComments(members);
        }

        public MemberDoc ForType(Type type) => Find("T:" + DocName(type));

        public MemberDoc ForProperty(PropertyInfo property) => Find("P:" + DocName(property.DeclaringType) + "." + property.Name);

        private MemberDoc Find(string id) => new MemberDoc(_members.TryGetValue(id, out XElement member) ? member : null);

        // Doc ids write nested types with a dot where reflection has a plus, and a generic base class's
        // members under its definition (LicenseAnalyticsCmdlet`2), not under the type its cmdlet closes.
        private static string DocName(Type type) => (type.IsConstructedGenericType ? type.GetGenericTypeDefinition() : type).FullName.Replace('+', '.');

        /// <summary>The text of one member's doc comment, as help paragraphs.</summary>
        internal sealed class MemberDoc
        {
            private readonly XElement _member;

            public MemberDoc(XElement member)
            {
                _member = member;
            }

            private XElement Summary => _member?.Element("summary");

            private bool HasTypedParagraphs => Summary?.Elements("para").Any(p => p.Attribute("type") != null) ?? false;

            /// <summary>The synopsis paragraphs, joined; or the first plain paragraph when nothing is typed.</summary>
            public string Synopsis
            {
                get
                {
                    string typed = string.Join(" ", Typed("synopsis"));
                    return typed.Length > 0 || HasTypedParagraphs ? typed : PlainParagraphs().FirstOrDefault() ?? string.Empty;
                }
            }

            /// <summary>The description paragraphs; or the plain paragraphs when nothing is typed.</summary>
            public IReadOnlyList<string> Description => HasTypedParagraphs ? Typed("description") : PlainParagraphs();

            /// <summary>The whole summary as paragraphs, typed or not (for the types a cmdlet writes).</summary>
            public IReadOnlyList<string> AllParagraphs => Summary == null ? Array.Empty<string>() : Paragraphs(Summary, includeTyped: true);

            public string Value
            {
                get
                {
                    XElement value = _member?.Element("value");
                    string text = value == null ? null : Inline(value);
                    return string.IsNullOrEmpty(text) ? null : text;
                }
            }

            public IReadOnlyList<LinkHelp> Links =>
                (Summary?.Elements("para") ?? Enumerable.Empty<XElement>())
                    .Where(p => (string)p.Attribute("type") == "link")
                    .Select(p => new LinkHelp { Text = Inline(p), Uri = (string)p.Attribute("uri") ?? string.Empty })
                    .Where(l => l.Text.Length > 0 || l.Uri.Length > 0)
                    .ToList();

            public IReadOnlyList<ExampleHelp> Examples =>
                (_member?.Elements("example") ?? Enumerable.Empty<XElement>()).Select(ReadExample).Where(e => e.Code.Length > 0).ToList();

            private List<string> Typed(string type) =>
                (Summary?.Elements("para") ?? Enumerable.Empty<XElement>())
                    .Where(p => (string)p.Attribute("type") == type)
                    .Select(Inline)
                    .Where(t => t.Length > 0)
                    .ToList();

            private IReadOnlyList<string> PlainParagraphs() => Summary == null ? Array.Empty<string>() : Paragraphs(Summary, includeTyped: false);

            private static ExampleHelp ReadExample(XElement example)
            {
                var code = new List<string>();
                var remarks = new List<string>();
                foreach (XNode node in example.Nodes())
                {
                    if (node is XElement element && element.Name == "code")
                    {
                        code.Add(Dedent(element.Value));
                    }
                    else if (node is XElement para && para.Name == "para")
                    {
                        string text = Inline(para);
                        if (text.Length > 0)
                        {
                            remarks.Add(text);
                        }
                    }
                    else if (node is XText text && !string.IsNullOrWhiteSpace(text.Value))
                    {
                        remarks.Add(Collapse(text.Value));
                    }
                }

                return new ExampleHelp
                {
                    Title = (string)example.Attribute("title"),
                    Code = string.Join("\n\n", code.Where(c => c.Length > 0)),
                    Remarks = remarks,
                };
            }
        }

        /// <summary>
        /// Splits a container into paragraphs: each &lt;para&gt; is one, and so is each run of text
        /// between them. Typed paragraphs are left out unless asked for.
        /// </summary>
        private static IReadOnlyList<string> Paragraphs(XElement container, bool includeTyped)
        {
            var paragraphs = new List<string>();
            var run = new XElement("run");
            void Flush()
            {
                string text = Inline(run);
                if (text.Length > 0)
                {
                    paragraphs.Add(text);
                }

                run.RemoveNodes();
            }

            foreach (XNode node in container.Nodes())
            {
                if (node is XElement para && para.Name == "para")
                {
                    Flush();
                    if (includeTyped || para.Attribute("type") == null)
                    {
                        string text = Inline(para);
                        if (text.Length > 0)
                        {
                            paragraphs.Add(text);
                        }
                    }
                }
                else if (node is XText text)
                {
                    run.Add(new XText(text.Value));
                }
                else if (node is XElement inline)
                {
                    run.Add(new XElement(inline));
                }
            }

            Flush();
            return paragraphs;
        }

        /// <summary>The text of an element with its inline markup (see, paramref, c, ...) rendered as plain text.</summary>
        internal static string Inline(XElement element)
        {
            var text = new StringBuilder();
            AppendInline(element, text);
            return Collapse(text.ToString());
        }

        private static void AppendInline(XElement element, StringBuilder text)
        {
            foreach (XNode node in element.Nodes())
            {
                switch (node)
                {
                    case XText plain:
                        text.Append(plain.Value);
                        break;
                    case XElement child when child.Name == "see" || child.Name == "seealso":
                        string cref = (string)child.Attribute("cref");
                        string langword = (string)child.Attribute("langword");
                        string href = (string)child.Attribute("href");
                        if (!child.IsEmpty && child.Nodes().Any())
                        {
                            AppendInline(child, text);
                        }
                        else if (cref != null)
                        {
                            text.Append(ShortName(cref));
                        }
                        else
                        {
                            text.Append(langword ?? href ?? string.Empty);
                        }

                        break;
                    case XElement child when child.Name == "paramref" || child.Name == "typeparamref":
                        text.Append((string)child.Attribute("name"));
                        break;
                    case XElement child:
                        text.Append(' ');
                        AppendInline(child, text);
                        text.Append(' ');
                        break;
                }
            }
        }

        // "T:PartnerCenterLicenses.Models.PartnerCenterContext" -> "PartnerCenterContext"; "M:A.B.C(System.String)" -> "C".
        private static string ShortName(string cref)
        {
            string name = cref.Substring(cref.IndexOf(':') + 1);
            int arguments = name.IndexOf('(');
            if (arguments >= 0)
            {
                name = name.Substring(0, arguments);
            }

            return name.Substring(name.LastIndexOf('.') + 1);
        }

        private static string Collapse(string text) => Whitespace.Replace(text, " ").Trim();

        /// <summary>Removes the indentation the doc comment gave a code block, keeping its relative indentation.</summary>
        internal static string Dedent(string code)
        {
            List<string> lines = code.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()).ToList();
            while (lines.Count > 0 && lines[0].Length == 0)
            {
                lines.RemoveAt(0);
            }

            while (lines.Count > 0 && lines[lines.Count - 1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            int indent = lines.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
            return string.Join("\n", lines.Select(l => l.Length >= indent ? l.Substring(indent) : l));
        }
    }
}
