using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Newtonsoft.Json;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>Reads the items of one response, straight from the JSON reader to the output object.</summary>
    /// <typeparam name="T">The type of the objects.</typeparam>
    internal abstract class ItemParser<T>
    {
        /// <summary>Property names the reader should hand out as shared instances, or null.</summary>
        public virtual JsonNameTable Names => null;

        /// <summary>Reads the value the reader is positioned on (an item's first token) to its end.</summary>
        public abstract T Read(JsonReader json, int index);

        /// <summary>Starts the object a body that is not a collection becomes; null when only collections are read.</summary>
        public virtual object NewBody() => null;

        /// <summary>Adds a property of such a body: its value read from <paramref name="json"/>, or already read.</summary>
        public virtual void AddToBody(object body, string name, JsonReader json) { }

        public virtual void AddToBody(object body, string name, object value) { }

        /// <summary>The parser of a resource's items, for one response.</summary>
        public static ItemParser<T> For(PartnerCenterResource<T> resource, RequestIds ids, string customerId) => resource.Values != null
            ? (ItemParser<T>)(object)new JsonValueParser(resource.Values)
            : new FieldParser<T>(resource, FieldTable.For(resource.Fields), ids, customerId);
    }

    /// <summary>
    /// The declared fields of one resource as the reader meets them: a name table whose instances
    /// the JSON reader hands out, so a field is usually known by reference, and nested objects for
    /// dotted names. Built once per declaration.
    /// </summary>
    internal sealed class FieldTable
    {
        private static readonly ConditionalWeakTable<ItemFields, FieldTable> Tables = new ConditionalWeakTable<ItemFields, FieldTable>();

        // The names of the envelopes' own properties, shared so they are not allocated per page either.
        private static readonly string[] EnvelopeNames = { "totalCount", "TotalCount", "items", "Value", "value", "@nextLink", "links", "attributes", "objectType" };

        private readonly Dictionary<string, int> _slots = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, FieldTable> _nested = new Dictionary<string, FieldTable>(StringComparer.OrdinalIgnoreCase);
        private readonly List<string> _spellings = new List<string>();
        private readonly List<int> _spellingSlots = new List<int>();
        private string[] _spellingArray;
        private int[] _spellingSlotArray;

        private FieldTable(DefaultJsonNameTable names)
        {
            Names = names;
        }

        /// <summary>The name table every property name of these items is looked up in.</summary>
        public DefaultJsonNameTable Names { get; }

        public static FieldTable For(ItemFields fields) => Tables.GetValue(fields, Build);

        private static FieldTable Build(ItemFields fields)
        {
            var root = new FieldTable(new DefaultJsonNameTable());
            foreach (ItemField field in fields.All)
            {
                foreach (string name in field.Names)
                {
                    root.Add(name.Split('.'), 0, field.Slot);
                }
            }

            foreach (string envelope in EnvelopeNames)
            {
                root.Names.Add(envelope);
            }

            root.Seal();
            return root;
        }

        private void Add(string[] path, int at, int slot)
        {
            string name = Names.Add(path[at]);
            if (at == path.Length - 1)
            {
                _slots.Add(name, slot);
                _spellings.Add(name);
                _spellingSlots.Add(slot);
                return;
            }

            if (!_nested.TryGetValue(name, out FieldTable child))
            {
                _nested.Add(name, child = new FieldTable(Names));
            }

            child.Add(path, at + 1, slot);
        }

        private void Seal()
        {
            _spellingArray = _spellings.ToArray();
            _spellingSlotArray = _spellingSlots.ToArray();
            foreach (FieldTable child in _nested.Values)
            {
                child.Seal();
            }
        }

        /// <summary>
        /// The slot of a property, or -1: first by reference, starting where the last field of the
        /// item was found (items list their fields in the same order), then by name, ignoring case.
        /// </summary>
        public int SlotOf(string name, ref int next)
        {
            string[] spellings = _spellingArray;
            for (int tried = 0; tried < spellings.Length; tried++)
            {
                int at = next + tried;
                if (at >= spellings.Length)
                {
                    at -= spellings.Length;
                }

                if (ReferenceEquals(spellings[at], name))
                {
                    next = at + 1 == spellings.Length ? 0 : at + 1;
                    return _spellingSlotArray[at];
                }
            }

            return _slots.TryGetValue(name, out int slot) ? slot : -1;
        }

        /// <summary>The fields inside a nested object of that name, or null.</summary>
        public FieldTable Nested(string name)
        {
            return _nested.Count == 0 ? null : _nested.TryGetValue(name, out FieldTable child) ? child : null;
        }
    }

    /// <summary>
    /// Reads the declared fields straight off the reader, insisting on each field's type, skipping
    /// fields it does not know and nulls, then builds the object: no tree in between, so the cost
    /// per item stays close to the JSON reader's own.
    /// </summary>
    internal sealed class FieldParser<T> : ItemParser<T>
    {
        private readonly FieldTable _table;
        private readonly FieldKind[] _kinds;
        private readonly Func<ItemFieldValues, T> _build;
        private readonly ItemFieldValues _values;
        private readonly RequestIds _ids;
        private int _index;

        // Rows of one answer mostly share their processing time: the text last parsed and its value.
        private string _lastDateText;
        private DateTimeOffset _lastDate;

        public FieldParser(PartnerCenterResource<T> resource, FieldTable table, RequestIds ids, string customerId)
        {
            _table = table;
            _kinds = resource.Fields.All.Select(f => f.Kind).ToArray();
            _build = resource.Build;
            _ids = ids;
            _values = new ItemFieldValues(resource.Fields, customerId, field => JsonValues.Missing(_ids, _index, field.Names[0]));
        }

        public override JsonNameTable Names => _table.Names;

        public override T Read(JsonReader json, int index)
        {
            if (json.TokenType != JsonToken.StartObject)
            {
                throw JsonValues.Invalid(_ids, index, "Item " + index + " of Partner Center's response is " + json.TokenType + " instead of an object.");
            }

            _index = index;
            _values.Clear();
            ReadObject(json, _table);
            return _build(_values);
        }

        private void ReadObject(JsonReader json, FieldTable table)
        {
            int next = 0;
            while (json.Read() && json.TokenType == JsonToken.PropertyName)
            {
                string name = (string)json.Value;
                if (!json.Read())
                {
                    break;
                }

                if (json.TokenType == JsonToken.Null)
                {
                    continue;
                }

                int slot = table.SlotOf(name, ref next);
                if (slot >= 0)
                {
                    Set(slot, json, name);
                }
                else if (json.TokenType == JsonToken.StartObject && table.Nested(name) is FieldTable nested)
                {
                    ReadObject(json, nested);
                }
                else
                {
                    json.Skip();
                }
            }

            if (json.TokenType != JsonToken.EndObject)
            {
                throw new JsonReaderException("Item " + _index + " ended before its closing brace.");
            }
        }

        private void Set(int slot, JsonReader json, string name)
        {
            switch (_kinds[slot])
            {
                case FieldKind.Text: _values.SetText(slot, JsonValues.String(json, name, _index, _ids)); break;
                case FieldKind.Whole: _values.SetWhole(slot, JsonValues.WholeNumber(json, name, _index, _ids)); break;
                case FieldKind.Number: _values.SetNumber(slot, JsonValues.Number(json, name, _index, _ids)); break;
                case FieldKind.TextList: _values.SetTextList(slot, JsonValues.StringList(json, name, _index, _ids)); break;
                case FieldKind.Flag: _values.SetFlag(slot, JsonValues.Boolean(json, name, _index, _ids)); break;
                default:
                    if (json.TokenType != JsonToken.String || !string.Equals((string)json.Value, _lastDateText, StringComparison.Ordinal))
                    {
                        _lastDate = JsonValues.Date(json, name, _index, _ids);
                        _lastDateText = (string)json.Value;
                    }

                    _values.SetDate(slot, _lastDate);
                    break;
            }
        }
    }

    /// <summary>
    /// Any JSON, built by the resource's <see cref="IJsonValueBuilder"/> as it is read: strings stay
    /// strings (dates too); whole numbers are longs (BigInteger beyond), other numbers doubles.
    /// </summary>
    internal sealed class JsonValueParser : ItemParser<object>
    {
        private readonly IJsonValueBuilder _builder;

        public JsonValueParser(IJsonValueBuilder builder)
        {
            _builder = builder;
        }

        /// <summary>Reads the value the reader is on, to its end.</summary>
        public override object Read(JsonReader json, int index) => ReadValue(json);

        public override object NewBody() => _builder.NewObject();

        public override void AddToBody(object body, string name, JsonReader json) => _builder.Add(body, name, ReadValue(json));

        public override void AddToBody(object body, string name, object value) => _builder.Add(body, name, Converted(value));

        // A value the engine read into its own small objects (a page's links) as the builder makes it.
        private object Converted(object value)
        {
            switch (value)
            {
                case Dictionary<string, object> record:
                    object built = _builder.NewObject();
                    foreach (KeyValuePair<string, object> property in record)
                    {
                        _builder.Add(built, property.Key, Converted(property.Value));
                    }

                    return built;
                case List<object> list:
                    return _builder.List(list.ConvertAll(Converted));
                default:
                    return value;
            }
        }

        private object ReadValue(JsonReader json)
        {
            switch (json.TokenType)
            {
                case JsonToken.StartObject:
                    object record = _builder.NewObject();
                    while (Next(json) && json.TokenType == JsonToken.PropertyName)
                    {
                        string name = (string)json.Value;
                        Next(json);
                        _builder.Add(record, name, ReadValue(json));
                    }

                    return record;
                case JsonToken.StartArray:
                    var list = new List<object>();
                    while (Next(json) && json.TokenType != JsonToken.EndArray)
                    {
                        list.Add(ReadValue(json));
                    }

                    return _builder.List(list);
                case JsonToken.Null:
                case JsonToken.Undefined:
                    return null;
                case JsonToken.String:
                case JsonToken.Integer:
                case JsonToken.Float:
                case JsonToken.Boolean:
                    return json.Value;
                default:
                    throw new JsonReaderException("Unexpected " + json.TokenType + " where a value is expected.");
            }
        }

        private static bool Next(JsonReader json)
        {
            if (!json.Read())
            {
                throw new JsonReaderException("The JSON document ended inside a value.");
            }

            return true;
        }
    }
}
