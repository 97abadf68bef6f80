using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using System.Text;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// The objects PowerShell users expect from a REST call, built as the engine reads the JSON, and
    /// -Body written as JSON text. The engine names no PowerShell type, so this is the one place
    /// both directions meet.
    /// </summary>
    internal sealed class JsonObjects : IJsonValueBuilder
    {
        /// <summary>Any Partner Center answer, as PSCustomObjects (Invoke-PartnerCenterRequest).</summary>
        public static readonly PartnerCenterResource<object> AnyResource = new PartnerCenterResource<object>("item(s)", new JsonObjects());

        /// <summary>The first rows of a Partner insights query (testQueryResult), as PSCustomObjects whose properties are the row's fields.</summary>
        public static readonly PartnerCenterResource<object> InsightsRows = new PartnerCenterResource<object>("insights row(s)", new JsonObjects());

        /// <summary>As deep as the engine's JSON reader goes.</summary>
        internal const int MaximumDepth = 64;

        /// <summary>A body with more values than this is a mistake (an object graph), not a request.</summary>
        internal const int MaximumValues = 1000000;

        private JsonObjects()
        {
        }

        /// <summary>A JSON object: a PSCustomObject whose note properties keep the order sent.</summary>
        public object NewObject() => new PSObject();

        /// <summary>
        /// PowerShell property names are case-insensitive and never empty: the first of 'id' and
        /// 'Id' is kept, and '' cannot be one.
        /// </summary>
        public void Add(object newObject, string name, object value)
        {
            var result = (PSObject)newObject;
            if (!string.IsNullOrEmpty(name) && result.Properties[name] == null)
            {
                result.Properties.Add(new PSNoteProperty(name, value));
            }
        }

        /// <summary>A JSON array: object[]. Strings (dates too, as sent), numbers, booleans and null stay as they are.</summary>
        public object List(List<object> values) => values.ToArray();

        /// <summary>
        /// -Body as JSON text: a string as it is (JSON text the user wrote); hashtables and other
        /// dictionaries as objects in their own order; PSCustomObjects by their note properties;
        /// arrays and lists as arrays; numbers, booleans, dates (ISO 8601), GUIDs and enums as JSON
        /// values; any other object by its public properties, as ConvertTo-Json does. A body deeper
        /// than <see cref="MaximumDepth"/>, one that contains itself, or one with more than
        /// <see cref="MaximumValues"/> values is refused with PartnerCenter.InvalidArgument.
        /// </summary>
        public static string FromPowerShell(object body)
        {
            object value = Unwrap(body);
            if (value is string text)
            {
                return text;
            }

            var json = new StringBuilder();
            new BodyWalk(json).Write(value, 0, "-Body");
            return json.ToString();
        }

        private static object Unwrap(object value)
        {
            if (value is PSObject wrapped && !(wrapped.BaseObject is PSCustomObject))
            {
                value = wrapped.BaseObject;
            }

            return value == DBNull.Value || value == System.Management.Automation.Internal.AutomationNull.Value ? null : value;
        }

        private sealed class BodyWalk
        {
            private readonly StringBuilder _json;

            // The objects on the way from the root to the value being written, to name a cycle as one.
            private readonly HashSet<object> _path = new HashSet<object>(ReferenceComparer.Instance);
            private int _values;

            public BodyWalk(StringBuilder json)
            {
                _json = json;
            }

            public void Write(object raw, int depth, string where)
            {
                if (++_values > MaximumValues)
                {
                    throw Invalid("-Body has more than " + MaximumValues.ToString("N0", CultureInfo.InvariantCulture)
                        + " values; pass a JSON string or a smaller object.");
                }

                if (depth > MaximumDepth)
                {
                    throw Invalid("-Body is nested more than " + MaximumDepth + " levels deep at " + Shorten(where)
                        + ". Pass a JSON string, or an object with fewer levels.");
                }

                object value = Unwrap(raw);
                switch (value)
                {
                    case null:
                        _json.Append("null");
                        return;
                    case string s:
                        Text(s);
                        return;
                    case bool flag:
                        _json.Append(flag ? "true" : "false");
                        return;
                    case double _:
                    case float _:
                        // Finite numbers as the shortest text that reads back the same; JSON has no NaN or infinity.
                        double number = System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
                        _json.Append(double.IsNaN(number) || double.IsInfinity(number) ? "\"" + number.ToString(CultureInfo.InvariantCulture) + "\"" : (value is float single ? single.ToString("R", CultureInfo.InvariantCulture) : number.ToString("R", CultureInfo.InvariantCulture)));
                        return;
                    case int _:
                    case long _:
                    case short _:
                    case sbyte _:
                    case byte _:
                    case ushort _:
                    case uint _:
                    case ulong _:
                    case decimal _:
                    case BigInteger _:
                        _json.Append(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
                        return;
                    case char c:
                        Text(c.ToString());
                        return;
                    case DateTime d:
                        Text(d.ToString("o", CultureInfo.InvariantCulture));
                        return;
                    case DateTimeOffset o:
                        Text(o.ToString("o", CultureInfo.InvariantCulture));
                        return;
                    case Guid g:
                        Text(g.ToString("D"));
                        return;
                    case Enum e:
                        Text(e.ToString());
                        return;
                    case Uri u:
                        Text(u.OriginalString);
                        return;
                    case TimeSpan t:
                        Text(t.ToString("c", CultureInfo.InvariantCulture));
                        return;
                    case System.Security.SecureString _:
                        throw Invalid("-Body holds a SecureString at " + Shorten(where) + "; it is not sent. Put the value the request needs in the body yourself.");
                }

                if (!value.GetType().IsValueType && !_path.Add(value))
                {
                    throw Invalid("-Body contains itself at " + Shorten(where) + ", so it cannot be written as JSON."
                        + " Pass a JSON string, or an object without such a loop.");
                }

                try
                {
                    Structured(value, depth, where);
                }
                finally
                {
                    _path.Remove(value);
                }
            }

            private void Structured(object value, int depth, string where)
            {
                var first = new[] { true };
                switch (value)
                {
                    case PSObject custom:
                        // A PSCustomObject: its note properties, in their order.
                        _json.Append('{');
                        foreach (PSPropertyInfo property in custom.Properties)
                        {
                            if (property is PSNoteProperty)
                            {
                                Property(first, property.Name, property.Value, depth, where);
                            }
                        }

                        _json.Append('}');
                        return;
                    case IDictionary dictionary:
                        _json.Append('{');
                        foreach (DictionaryEntry entry in dictionary)
                        {
                            Property(first, System.Convert.ToString(Unwrap(entry.Key), CultureInfo.InvariantCulture) ?? string.Empty, entry.Value, depth, where);
                        }

                        _json.Append('}');
                        return;
                    case IEnumerable items:
                        _json.Append('[');
                        int index = 0;
                        foreach (object item in items)
                        {
                            _json.Append(index == 0 ? string.Empty : ",");
                            Write(item, depth + 1, where + "[" + index++ + "]");
                        }

                        _json.Append(']');
                        return;
                }

                // Any other object: its readable public properties, as ConvertTo-Json writes it.
                _json.Append('{');
                foreach (PSPropertyInfo property in PSObject.AsPSObject(value).Properties)
                {
                    if (!property.IsGettable || !(property is PSProperty || property is PSNoteProperty || property is PSAliasProperty))
                    {
                        continue;
                    }

                    object propertyValue;
                    try
                    {
                        propertyValue = property.Value;
                    }
                    catch (GetValueException)
                    {
                        continue;
                    }

                    Property(first, property.Name, propertyValue, depth, where);
                }

                _json.Append('}');
            }

            private void Property(bool[] first, string name, object value, int depth, string where)
            {
                _json.Append(first[0] ? string.Empty : ",");
                first[0] = false;
                Text(name);
                _json.Append(':');
                Write(value, depth + 1, where + "." + name);
            }

            // Quotes and backslashes escaped, control characters (and the two line separators JavaScript
            // reads as line ends) as \u escapes: valid JSON for any text.
            private void Text(string text)
            {
                _json.Append('"');
                foreach (char c in text)
                {
                    if (c == '"' || c == '\\')
                    {
                        _json.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == '\u2028' || c == '\u2029')
                    {
                        _json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        _json.Append(c);
                    }
                }

                _json.Append('"');
            }

            private static string Shorten(string where)
            {
                return where.Length > 200 ? where.Substring(0, 200) + "..." : where;
            }

            private static PartnerCenterException Invalid(string message)
            {
                return new PartnerCenterException(PartnerCenterErrorIds.InvalidArgument, PartnerCenterErrorKind.InvalidArgument, message + " Nothing was sent.")
                {
                    RecommendedAction = "Pass -Body as a hashtable or PSCustomObject of plain values, or as a JSON string.",
                };
            }
        }

        private sealed class ReferenceComparer : IEqualityComparer<object>
        {
            public static readonly ReferenceComparer Instance = new ReferenceComparer();

            public new bool Equals(object x, object y) => ReferenceEquals(x, y);

            public int GetHashCode(object obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
        }
    }
}
