using System;
using System.Collections.Generic;
using Newtonsoft.Json;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// Reads one JSON object into a dictionary of its properties (names compared exactly; of a name
    /// given twice the last value counts, as with JObject), values as records, lists and plain values. For the
    /// small objects read while signing in (token answers, JWT payloads): LINQ to JSON would do the
    /// same, at the price of compiling its whole object model in every fresh process.
    /// </summary>
    internal static class JsonObjectReader
    {
        /// <summary>
        /// Reads the object the reader is on, or the next value when it is on nothing yet. Throws
        /// JsonReaderException when that value is not an object or is not well formed.
        /// </summary>
        public static Dictionary<string, object> Read(JsonReader reader)
        {
            if (reader.TokenType == JsonToken.None && !reader.Read())
            {
                throw new JsonReaderException("The JSON text is empty.");
            }

            if (reader.TokenType != JsonToken.StartObject)
            {
                throw new JsonReaderException("The JSON value is " + KindOf(reader.TokenType) + ", not an object.");
            }

            return (Dictionary<string, object>)ReadValue(reader);
        }

        private static object ReadValue(JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonToken.StartObject:
                    var record = new Dictionary<string, object>(StringComparer.Ordinal);
                    while (Next(reader) && reader.TokenType == JsonToken.PropertyName)
                    {
                        string name = (string)reader.Value;
                        Next(reader);
                        record[name] = ReadValue(reader);
                    }

                    return record;
                case JsonToken.StartArray:
                    var list = new List<object>();
                    while (Next(reader) && reader.TokenType != JsonToken.EndArray)
                    {
                        list.Add(ReadValue(reader));
                    }

                    return list;
                case JsonToken.String:
                case JsonToken.Integer:
                case JsonToken.Float:
                case JsonToken.Boolean:
                    return reader.Value;
                case JsonToken.Null:
                case JsonToken.Undefined:
                    return null;
                default:
                    throw new JsonReaderException("Unexpected " + reader.TokenType + " where a value is expected.");
            }
        }

        private static bool Next(JsonReader reader)
        {
            if (!reader.Read())
            {
                throw new JsonReaderException("The JSON document ended inside a value.");
            }

            return true;
        }

        /// <summary>A JSON value's kind as a message names it: array, string, integer, float, boolean, null.</summary>
        public static string KindOf(JsonToken token)
        {
            switch (token)
            {
                case JsonToken.StartArray: return "array";
                case JsonToken.StartObject: return "object";
                case JsonToken.String: return "string";
                case JsonToken.Integer: return "integer";
                case JsonToken.Float: return "float";
                case JsonToken.Boolean: return "boolean";
                case JsonToken.Null: return "null";
                default: return token.ToString().ToLowerInvariant();
            }
        }
    }

    /// <summary>Objects as dictionaries (of a name given twice the last value counts) and arrays as lists.</summary>
    internal sealed class SmallObjects : PartnerCenterLicenses.Boundary.IJsonValueBuilder
    {
        public object NewObject() => new Dictionary<string, object>(StringComparer.Ordinal);

        public void Add(object newObject, string name, object value) => ((Dictionary<string, object>)newObject)[name] = value;

        public object List(List<object> values) => values;
    }
}
