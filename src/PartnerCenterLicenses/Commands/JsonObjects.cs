using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// Turns what the engine read (<see cref="JsonRecord"/>s, lists and plain values) into the objects
    /// PowerShell users expect from a REST call, and what they pass as -Body into the engine's JSON
    /// values. The engine names no PowerShell type, so this is the one place both directions meet.
    /// </summary>
    internal static class JsonObjects
    {
        /// <summary>As deep as the engine's JSON reader and writer go.</summary>
        internal const int MaximumDepth = 64;

        /// <summary>A body with more values than this is a mistake (an object graph), not a request.</summary>
        internal const int MaximumValues = 1000000;

        /// <summary>
        /// A JSON object as a PSCustomObject whose note properties keep the order sent, nested objects
        /// included; a list as object[]; strings, numbers, booleans and null as they are. Strings that
        /// look like dates stay strings, as Partner Center sent them.
        /// </summary>
        public static object ToPowerShell(object value)
        {
            switch (value)
            {
                case JsonRecord record:
                    var result = new PSObject();
                    foreach (KeyValuePair<string, object> property in record)
                    {
                        // PowerShell property names are case-insensitive and never empty: the first of
                        // 'id' and 'Id' is kept, as JsonRecord's indexer reads it, and '' cannot be one.
                        if (string.IsNullOrEmpty(property.Key) || result.Properties[property.Key] != null)
                        {
                            continue;
                        }

                        result.Properties.Add(new PSNoteProperty(property.Key, ToPowerShell(property.Value)));
                    }

                    return result;
                case IList<object> list:
                    var array = new object[list.Count];
                    for (int i = 0; i < array.Length; i++)
                    {
                        array[i] = ToPowerShell(list[i]);
                    }

                    return array;
                default:
                    return value;
            }
        }

        /// <summary>
        /// -Body as the engine writes it: a string as it is (JSON text the user wrote); hashtables and
        /// other dictionaries as objects in their own order; PSCustomObjects by their note properties;
        /// arrays and lists as arrays; numbers, booleans, dates (ISO 8601), GUIDs and enums as JSON
        /// values; any other object by its public properties, as ConvertTo-Json does. A body deeper
        /// than <see cref="MaximumDepth"/>, one that contains itself, or one with more than
        /// <see cref="MaximumValues"/> values is refused with PartnerCenter.InvalidArgument.
        /// </summary>
        public static object FromPowerShell(object body)
        {
            object value = Unwrap(body);
            if (value is string text)
            {
                return text;
            }

            return new BodyWalk().Convert(value, 0, "-Body");
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
            // The objects on the way from the root to the value being converted, to name a cycle as one.
            private readonly HashSet<object> _path = new HashSet<object>(ReferenceComparer.Instance);
            private int _values;

            public object Convert(object raw, int depth, string where)
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
                        return null;
                    case string s:
                        return s;
                    case bool _:
                    case long _:
                    case double _:
                        return value;
                    case int _:
                    case short _:
                    case sbyte _:
                    case byte _:
                    case ushort _:
                    case uint _:
                        return System.Convert.ToInt64(value, CultureInfo.InvariantCulture);
                    case ulong _:
                    case decimal _:
                    case float _:
                        return value;
                    case BigInteger big:
                        // The engine writes IConvertible numbers; decimal holds any whole number a service takes.
                        return big >= (BigInteger)decimal.MinValue && big <= (BigInteger)decimal.MaxValue
                            ? (object)(decimal)big
                            : throw Invalid("-Body has a number at " + Shorten(where) + " too large for JSON services to read.");
                    case char c:
                        return c.ToString();
                    case DateTime d:
                        return d.ToString("o", CultureInfo.InvariantCulture);
                    case DateTimeOffset o:
                        return o.ToString("o", CultureInfo.InvariantCulture);
                    case Guid g:
                        return g.ToString("D");
                    case Enum e:
                        return e.ToString();
                    case Uri u:
                        return u.OriginalString;
                    case TimeSpan t:
                        return t.ToString("c", CultureInfo.InvariantCulture);
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
                    return Structured(value, depth, where);
                }
                finally
                {
                    _path.Remove(value);
                }
            }

            private object Structured(object value, int depth, string where)
            {
                var record = new JsonRecord();
                switch (value)
                {
                    case PSObject custom:
                        // A PSCustomObject: its note properties, in their order.
                        foreach (PSPropertyInfo property in custom.Properties)
                        {
                            if (property is PSNoteProperty)
                            {
                                record.Add(property.Name, Convert(property.Value, depth + 1, where + "." + property.Name));
                            }
                        }

                        return record;
                    case IDictionary dictionary:
                        foreach (DictionaryEntry entry in dictionary)
                        {
                            string name = System.Convert.ToString(Unwrap(entry.Key), CultureInfo.InvariantCulture) ?? string.Empty;
                            record.Add(name, Convert(entry.Value, depth + 1, where + "." + name));
                        }

                        return record;
                    case IEnumerable items:
                        var list = new List<object>();
                        foreach (object item in items)
                        {
                            list.Add(Convert(item, depth + 1, where + "[" + list.Count + "]"));
                        }

                        return list;
                }

                // Any other object: its readable public properties, as ConvertTo-Json writes it.
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

                    record.Add(property.Name, Convert(propertyValue, depth + 1, where + "." + property.Name));
                }

                return record;
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
