using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>Reads the items of one response, straight from the body's bytes to the output object.</summary>
    /// <typeparam name="T">The type of the objects.</typeparam>
    internal abstract class ItemParser<T>
    {
        /// <summary>
        /// Reads the value the reader is positioned on (an item's first token) to its end; false when
        /// the item's bytes have not all arrived (it is then read again from its start).
        /// </summary>
        public abstract bool TryRead(JsonBody body, ref Utf8JsonReader json, int index, out T item);

        /// <summary>Starts the object a body that is not a collection becomes; null when only collections are read.</summary>
        public virtual object NewBody() => null;

        /// <summary>Adds a property of such a body: its value read from <paramref name="json"/>; false when it needs more bytes.</summary>
        public virtual bool TryAddToBody(object body, string name, JsonBody bytes, ref Utf8JsonReader json) => bytes.Skip(ref json);

        /// <summary>Adds a property of such a body, already read.</summary>
        public virtual void AddToBody(object body, string name, object value) { }

        /// <summary>The parser of a resource's items, for one response.</summary>
        public static ItemParser<T> For(PartnerCenterResource<T> resource, RequestIds ids, string customerId) => resource.Values != null
            ? (ItemParser<T>)(object)new JsonValueParser(resource.Values)
            : new FieldParser<T>(resource, FieldTable.For(resource.Fields), ids, customerId);
    }

    /// <summary>
    /// The declared fields of one resource as the reader meets them: each name's UTF-8 bytes, so a
    /// field is known without making a string of its name, and nested objects for dotted names.
    /// Built once per declaration.
    /// </summary>
    internal sealed class FieldTable
    {
        private static readonly ConditionalWeakTable<ItemFields, FieldTable> Tables = new ConditionalWeakTable<ItemFields, FieldTable>();

        private readonly Dictionary<string, int> _slots = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, FieldTable> _nested = new Dictionary<string, FieldTable>(StringComparer.OrdinalIgnoreCase);
        private readonly List<byte[]> _spellings = new List<byte[]>();
        private readonly List<int> _spellingSlots = new List<int>();
        private readonly List<string> _spellingNames = new List<string>();
        private byte[][] _spellingArray;
        private string[] _spellingNameArray;
        private int[] _spellingSlotArray;

        public static FieldTable For(ItemFields fields) => Tables.GetValue(fields, Build);

        private static FieldTable Build(ItemFields fields)
        {
            var root = new FieldTable();
            foreach (ItemField field in fields.All)
            {
                foreach (string name in field.Names)
                {
                    root.Add(name.Split('.'), 0, field.Slot);
                }
            }

            root.Seal();
            return root;
        }

        private void Add(string[] path, int at, int slot)
        {
            string name = path[at];
            if (at == path.Length - 1)
            {
                _slots.Add(name, slot);
                _spellings.Add(Encoding.UTF8.GetBytes(name));
                _spellingSlots.Add(slot);
                _spellingNames.Add(name);
                return;
            }

            if (!_nested.TryGetValue(name, out FieldTable child))
            {
                _nested.Add(name, child = new FieldTable());
            }

            child.Add(path, at + 1, slot);
        }

        private void Seal()
        {
            _spellingArray = _spellings.ToArray();
            _spellingSlotArray = _spellingSlots.ToArray();
            _spellingNameArray = _spellingNames.ToArray();
            foreach (FieldTable child in _nested.Values)
            {
                child.Seal();
            }
        }

        /// <summary>
        /// The slot of the property name the reader is on, or -1: first by its bytes as sent, starting
        /// where the last field of the item was found (items list their fields in the same order), then
        /// by name, unescaped and ignoring case. <paramref name="name"/> is the name as sent; a string is
        /// made only in that second case.
        /// </summary>
        public int SlotOf(ref Utf8JsonReader json, ref int next, out string name)
        {
            ReadOnlySpan<byte> sent = json.ValueSpan;
            byte[][] spellings = _spellingArray;
            for (int tried = 0; tried < spellings.Length; tried++)
            {
                int at = next + tried;
                if (at >= spellings.Length)
                {
                    at -= spellings.Length;
                }

                if (sent.SequenceEqual(spellings[at]))
                {
                    next = at + 1 == spellings.Length ? 0 : at + 1;
                    name = _spellingNameArray[at];
                    return _spellingSlotArray[at];
                }
            }

            name = json.GetString();
            return _slots.TryGetValue(name, out int slot) ? slot : -1;
        }

        /// <summary>The fields inside a nested object of that name, or null.</summary>
        public FieldTable Nested(string name)
        {
            return _nested.Count == 0 ? null : _nested.TryGetValue(name, out FieldTable child) ? child : null;
        }
    }

    /// <summary>
    /// Reads the declared fields straight off the bytes, insisting on each field's type, skipping
    /// fields it does not know and nulls, then builds the object: no tree in between.
    /// </summary>
    internal sealed class FieldParser<T> : ItemParser<T>
    {
        private readonly FieldTable _table;
        private readonly FieldKind[] _kinds;
        private readonly Func<ItemFieldValues, T> _build;
        private readonly ItemFieldValues _values;
        private readonly RequestIds _ids;
        private int _index;

        // Rows of one answer mostly share their processing time: the bytes last parsed and their value.
        private byte[] _lastDateBytes = new byte[64];
        private int _lastDateLength = -1;
        private DateTimeOffset _lastDate;

        public FieldParser(PartnerCenterResource<T> resource, FieldTable table, RequestIds ids, string customerId)
        {
            _table = table;
            _kinds = resource.Fields.All.Select(f => f.Kind).ToArray();
            _build = resource.Build;
            _ids = ids;
            _values = new ItemFieldValues(resource.Fields, customerId, field => JsonValues.Missing(_ids, _index, field.Names[0]));
        }

        public override bool TryRead(JsonBody body, ref Utf8JsonReader json, int index, out T item)
        {
            item = default(T);
            if (json.TokenType != JsonTokenType.StartObject)
            {
                throw JsonValues.Invalid(_ids, index, "Item " + index + " of Partner Center's response is " + JsonBody.KindOf(ref json) + " instead of an object.");
            }

            _index = index;
            _values.Clear();
            if (!TryReadObject(body, ref json, _table))
            {
                return false;
            }

            item = _build(_values);
            return true;
        }

        private bool TryReadObject(JsonBody body, ref Utf8JsonReader json, FieldTable table)
        {
            int next = 0;
            while (true)
            {
                if (!body.Next(ref json))
                {
                    return false;
                }

                if (json.TokenType == JsonTokenType.EndObject)
                {
                    return true;
                }

                int slot = table.SlotOf(ref json, ref next, out string name);
                FieldTable nested = slot < 0 ? table.Nested(name) : null;
                if (!body.Next(ref json))
                {
                    return false;
                }

                if (json.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (slot >= 0)
                {
                    if (!TrySet(body, slot, ref json, name))
                    {
                        return false;
                    }
                }
                else if (nested != null && json.TokenType == JsonTokenType.StartObject)
                {
                    if (!TryReadObject(body, ref json, nested))
                    {
                        return false;
                    }
                }
                else if (!body.Skip(ref json))
                {
                    return false;
                }
            }
        }

        private bool TrySet(JsonBody body, int slot, ref Utf8JsonReader json, string name)
        {
            switch (_kinds[slot])
            {
                case FieldKind.Text: _values.SetText(slot, JsonValues.String(ref json, name, _index, _ids)); break;
                case FieldKind.Whole: _values.SetWhole(slot, JsonValues.WholeNumber(ref json, name, _index, _ids)); break;
                case FieldKind.Number: _values.SetNumber(slot, JsonValues.Number(ref json, name, _index, _ids)); break;
                case FieldKind.Flag: _values.SetFlag(slot, JsonValues.Boolean(ref json, name, _index, _ids)); break;
                case FieldKind.TextList:
                    if (!JsonValues.StringList(body, ref json, name, _index, _ids, out IReadOnlyList<string> list))
                    {
                        return false;
                    }

                    _values.SetTextList(slot, list);
                    break;
                default:
                    ReadOnlySpan<byte> sent = json.ValueSpan;
                    if (json.TokenType != JsonTokenType.String || sent.Length != _lastDateLength || !sent.SequenceEqual(new ReadOnlySpan<byte>(_lastDateBytes, 0, _lastDateLength)))
                    {
                        _lastDate = JsonValues.Date(ref json, name, _index, _ids);
                        if (sent.Length <= _lastDateBytes.Length)
                        {
                            sent.CopyTo(_lastDateBytes);
                            _lastDateLength = sent.Length;
                        }
                        else
                        {
                            _lastDateLength = -1;
                        }
                    }

                    _values.SetDate(slot, _lastDate);
                    break;
            }

            return true;
        }
    }

    /// <summary>
    /// Any JSON, built by the resource's <see cref="IJsonValueBuilder"/> as it is read: strings stay
    /// strings (dates too); whole numbers are longs (BigInteger beyond), other numbers doubles.
    /// </summary>
    internal sealed class JsonValueParser : ItemParser<object>
    {
        /// <summary>Reads objects as dictionaries and arrays as lists (a page's links).</summary>
        public static readonly JsonValueParser Records = new JsonValueParser(new SmallObjects());

        private readonly IJsonValueBuilder _builder;

        public JsonValueParser(IJsonValueBuilder builder)
        {
            _builder = builder;
        }

        public override bool TryRead(JsonBody body, ref Utf8JsonReader json, int index, out object item) => TryReadValue(body, ref json, out item);

        public override object NewBody() => _builder.NewObject();

        public override bool TryAddToBody(object body, string name, JsonBody bytes, ref Utf8JsonReader json)
        {
            if (!TryReadValue(bytes, ref json, out object value))
            {
                return false;
            }

            _builder.Add(body, name, value);
            return true;
        }

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

        /// <summary>Reads the value the reader is on, to its end; false when it needs more bytes.</summary>
        public bool TryReadValue(JsonBody body, ref Utf8JsonReader json, out object value)
        {
            value = null;
            switch (json.TokenType)
            {
                case JsonTokenType.StartObject:
                    object record = _builder.NewObject();
                    while (true)
                    {
                        if (!body.Next(ref json))
                        {
                            return false;
                        }

                        if (json.TokenType == JsonTokenType.EndObject)
                        {
                            value = record;
                            return true;
                        }

                        string name = json.GetString();
                        if (!body.Next(ref json) || !TryReadValue(body, ref json, out object property))
                        {
                            return false;
                        }

                        _builder.Add(record, name, property);
                    }

                case JsonTokenType.StartArray:
                    var list = new List<object>();
                    while (true)
                    {
                        if (!body.Next(ref json))
                        {
                            return false;
                        }

                        if (json.TokenType == JsonTokenType.EndArray)
                        {
                            value = _builder.List(list);
                            return true;
                        }

                        if (!TryReadValue(body, ref json, out object element))
                        {
                            return false;
                        }

                        list.Add(element);
                    }

                case JsonTokenType.String:
                    value = json.GetString();
                    return true;
                case JsonTokenType.Number:
                    value = NumberOf(ref json);
                    return true;
                case JsonTokenType.True:
                    value = true;
                    return true;
                case JsonTokenType.False:
                    value = false;
                    return true;
                default:
                    return true;
            }
        }

        private static object NumberOf(ref Utf8JsonReader json)
        {
            if (JsonBody.IsWhole(ref json))
            {
                return json.TryGetInt64(out long whole) ? whole : (object)BigInteger.Parse(Encoding.UTF8.GetString(json.ValueSpan.ToArray()), CultureInfo.InvariantCulture);
            }

            if (json.TryGetDouble(out double d))
            {
                return d;
            }

            // Beyond double's range: infinity, as the text reader this replaced gave it.
            return json.ValueSpan[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
        }
    }
}
