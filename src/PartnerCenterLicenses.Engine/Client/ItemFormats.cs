using System;
using System.Collections.Generic;
using Newtonsoft.Json;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>Turns one item of a response into the object the cmdlets write.</summary>
    /// <typeparam name="T">The type of the object.</typeparam>
    internal abstract class ItemFormat<T>
    {
        /// <summary>What one item is called in messages, for example "license deployment insight(s)".</summary>
        public abstract string Noun { get; }

        /// <summary>
        /// Whether any JSON body is an answer (Invoke-PartnerCenterRequest): a body that is not a
        /// collection is then one item, and an empty body is none. Otherwise the body must be a
        /// collection of objects.
        /// </summary>
        public virtual bool AcceptsAnyBody => false;

        /// <summary>Whether totalCount counts this one page (the v1 analytics collections) rather than every page.</summary>
        public bool TotalCountIsPageCount { get; set; }

        /// <summary>A parser for one response; it may keep scratch space between items.</summary>
        public abstract IItemParser<T> NewParser(RequestIds ids, string customerId);

        /// <summary>
        /// The property names the JSON reader hands out as these very string instances, so a
        /// parser can know a field by reference instead of hashing its name for every item.
        /// </summary>
        public virtual JsonNameTable Names => null;
    }

    /// <summary>Reads items of one response.</summary>
    internal interface IItemParser<T>
    {
        /// <summary>Reads the value the reader is positioned on (an item's first token) to its end.</summary>
        T Read(JsonReader json, int index);

        /// <summary>The whole body as one item, when it was not a collection (see <see cref="ItemFormat{T}.AcceptsAnyBody"/>).</summary>
        T WholeBody(JsonRecord body);
    }

    /// <summary>The formats of the resources the module reads, each stated once as a table of fields.</summary>
    internal static class ItemFormats
    {
        public static readonly ItemFormat<PartnerLicensesDeploymentInsights> PartnerLicenseDeployment =
            new FieldFormat<PartnerLicensesDeploymentInsights>(
                "license deployment insight(s)",
                new[]
                {
                    Field.Text("serviceName"), Field.Text("channel"), Field.Whole("licensesSold"),
                    Field.Number("proratedDeploymentPercent"), Field.Date("processedDateTime"),
                },
                v => new PartnerLicensesDeploymentInsights(v.Text(0), v.Text(1), v.Whole(2), v.Number(3), v.Date(4))) { TotalCountIsPageCount = true };

        public static readonly ItemFormat<PartnerLicensesUsageInsights> PartnerLicenseUsage =
            new FieldFormat<PartnerLicensesUsageInsights>(
                "license usage insight(s)",
                new[]
                {
                    Field.Text("serviceName"), Field.Text("channel"), Field.Text("workloadName"),
                    Field.Number("proratedLicensesUsagePercent"), Field.Date("processedDateTime"),
                },
                v => new PartnerLicensesUsageInsights(v.Text(0), v.Text(1), v.Text(2), v.Number(3), v.Date(4))) { TotalCountIsPageCount = true };

        // The documented examples leave out customerId and serviceCode (Microsoft's SDK has them): the
        // customer id then comes from the request, and the service code is null.
        public static readonly ItemFormat<CustomerLicensesDeploymentInsights> CustomerLicenseDeployment =
            new FieldFormat<CustomerLicensesDeploymentInsights>(
                "customer license deployment insight(s)",
                new[]
                {
                    Field.Text("customerId"), Field.Text("customerName"), Field.Text("productName"), Field.Text("serviceCode"),
                    Field.Text("serviceName"), Field.Text("channel"), Field.Whole("licensesDeployed"), Field.Whole("licensesSold"),
                    Field.Number("deploymentPercent"), Field.Date("processedDateTime"),
                },
                v => new CustomerLicensesDeploymentInsights(
                    v.OptionalText(0) ?? v.CustomerId, v.Text(1), v.Text(2), v.OptionalText(3), v.Text(4), v.Text(5),
                    v.Whole(6), v.Whole(7), v.Number(8), v.Date(9))) { TotalCountIsPageCount = true };

        public static readonly ItemFormat<CustomerLicensesUsageInsights> CustomerLicenseUsage =
            new FieldFormat<CustomerLicensesUsageInsights>(
                "customer license usage insight(s)",
                new[]
                {
                    Field.Text("customerId"), Field.Text("customerName"), Field.Text("productName"), Field.Text("serviceCode"),
                    Field.Text("serviceName"), Field.Text("channel"), Field.Text("workloadCode"), Field.Text("workloadName"),
                    Field.Whole("licensesActive"), Field.Whole("licensesQualified"), Field.Number("usagePercent"), Field.Date("processedDateTime"),
                },
                v => new CustomerLicensesUsageInsights(
                    v.OptionalText(0) ?? v.CustomerId, v.Text(1), v.Text(2), v.OptionalText(3), v.Text(4), v.Text(5),
                    v.OptionalText(6), v.Text(7), v.Whole(8), v.Whole(9), v.Number(10), v.Date(11))) { TotalCountIsPageCount = true };

        // With groupby, rows hold only the grouped fields and the summed counts, so every text field
        // and the date may be absent; the counts are always there.
        public static readonly ItemFormat<CommercialLicenseDeployment> CommercialLicenseDeployment =
            new FieldFormat<CommercialLicenseDeployment>(
                "commercial license deployment row(s)",
                new[]
                {
                    Field.Date("processedDateTime"), Field.Text("serviceCode"), Field.Text("serviceName"), Field.Text("channel"),
                    Field.Text("customerTenantId"), Field.Text("customerName"), Field.Text("productId"), Field.Text("productName"),
                    Field.Whole("licensesDeployed"), Field.Whole("licensesSold"),
                },
                v => new CommercialLicenseDeployment(
                    v.OptionalDate(0), v.OptionalText(1), v.OptionalText(2), v.OptionalText(3), v.OptionalText(4), v.OptionalText(5),
                    v.OptionalText(6), v.OptionalText(7), v.Whole(8), v.Whole(9)));

        // The documented example spells licensesActive as licenseActive; both are read.
        public static readonly ItemFormat<CommercialLicenseUsage> CommercialLicenseUsage =
            new FieldFormat<CommercialLicenseUsage>(
                "commercial license usage row(s)",
                new[]
                {
                    Field.Date("processedDateTime"), Field.Text("serviceCode"), Field.Text("serviceName"), Field.Text("channel"),
                    Field.Text("customerTenantId"), Field.Text("customerName"), Field.Text("productId"), Field.Text("productName"),
                    Field.Text("workloadCode"), Field.Text("workloadName"), Field.Whole("licensesActive", "licenseActive"),
                    Field.Whole("licensesQualified"),
                },
                v => new CommercialLicenseUsage(
                    v.OptionalDate(0), v.OptionalText(1), v.OptionalText(2), v.OptionalText(3), v.OptionalText(4), v.OptionalText(5),
                    v.OptionalText(6), v.OptionalText(7), v.OptionalText(8), v.OptionalText(9), v.Whole(10), v.Whole(11)));

        /// <summary>Any JSON, as records, lists and plain values (Invoke-PartnerCenterRequest).</summary>
        public static readonly ItemFormat<object> Any = new AnyJsonFormat();
    }

    /// <summary>The names of the envelopes' own properties.</summary>
    internal static class CollectionNames
    {
        public static readonly string[] Envelope = { "totalCount", "TotalCount", "items", "Value", "value", "@nextLink", "links", "attributes", "objectType" };
    }

    /// <summary>One documented field: its name (and any other spelling seen) and its type.</summary>
    internal sealed class Field
    {
        private Field(FieldType type, string[] names)
        {
            Type = type;
            Names = names;
        }

        public enum FieldType { Text, Whole, Number, Date }

        public FieldType Type { get; }

        /// <summary>The documented name first, then other spellings.</summary>
        public string[] Names { get; }

        public static Field Text(params string[] names) => new Field(FieldType.Text, names);

        public static Field Whole(params string[] names) => new Field(FieldType.Whole, names);

        public static Field Number(params string[] names) => new Field(FieldType.Number, names);

        public static Field Date(params string[] names) => new Field(FieldType.Date, names);
    }

    /// <summary>
    /// A format stated as a table of fields: one loop reads any of them straight off the reader,
    /// insisting on each field's type, skipping fields it does not know and nulls. Reading the fields
    /// directly, rather than through a JObject per item, keeps the per-item cost close to the
    /// JSON reader's own.
    /// </summary>
    internal sealed class FieldFormat<T> : ItemFormat<T>
    {
        private readonly Field[] _fields;
        private readonly Dictionary<string, int> _slots = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        private readonly Func<FieldValues, T> _build;
        private readonly DefaultJsonNameTable _names = new DefaultJsonNameTable();

        // Every spelling of every field, as the name table's instances, with the slot it fills.
        private readonly string[] _spellings;
        private readonly int[] _spellingSlots;

        public FieldFormat(string noun, Field[] fields, Func<FieldValues, T> build)
        {
            Noun = noun;
            _fields = fields;
            _build = build;
            var spellings = new List<string>();
            var spellingSlots = new List<int>();
            for (int i = 0; i < fields.Length; i++)
            {
                foreach (string name in fields[i].Names)
                {
                    _slots.Add(name, i);
                    spellings.Add(_names.Add(name));
                    spellingSlots.Add(i);
                }
            }

            foreach (string envelope in CollectionNames.Envelope)
            {
                _names.Add(envelope);
            }

            _spellings = spellings.ToArray();
            _spellingSlots = spellingSlots.ToArray();
        }

        public override string Noun { get; }

        public override JsonNameTable Names => _names;

        /// <summary>
        /// The slot of a property, or -1: first by reference, starting where the last field of the
        /// item was found (items list their fields in the same order), then by name, ignoring case.
        /// </summary>
        private int SlotOf(string name, ref int next)
        {
            for (int tried = 0; tried < _spellings.Length; tried++)
            {
                int at = next + tried;
                if (at >= _spellings.Length)
                {
                    at -= _spellings.Length;
                }

                if (ReferenceEquals(_spellings[at], name))
                {
                    next = at + 1 == _spellings.Length ? 0 : at + 1;
                    return _spellingSlots[at];
                }
            }

            return _slots.TryGetValue(name, out int slot) ? slot : -1;
        }

        public override IItemParser<T> NewParser(RequestIds ids, string customerId)
        {
            return new Parser(this, new FieldValues(_fields, ids, customerId));
        }

        private sealed class Parser : IItemParser<T>
        {
            private readonly FieldFormat<T> _format;
            private readonly FieldValues _values;

            public Parser(FieldFormat<T> format, FieldValues values)
            {
                _format = format;
                _values = values;
            }

            public T Read(JsonReader json, int index)
            {
                if (json.TokenType != JsonToken.StartObject)
                {
                    throw JsonValues.Invalid(_values.Ids, index, "Item " + index + " of Partner Center's response is " + json.TokenType + " instead of an object.");
                }

                _values.Start(index);
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

                    int slot = _format.SlotOf(name, ref next);
                    if (slot >= 0)
                    {
                        _values.Set(slot, json, name);
                    }
                    else
                    {
                        json.Skip();
                    }
                }

                if (json.TokenType != JsonToken.EndObject)
                {
                    throw new JsonReaderException("Item " + index + " ended before its closing brace.");
                }

                return _format._build(_values);
            }

            public T WholeBody(JsonRecord body)
            {
                throw new NotSupportedException();
            }
        }
    }

    /// <summary>The fields of the item being read, kept in typed slots reused from item to item.</summary>
    internal sealed class FieldValues
    {
        private readonly Field[] _fields;
        private readonly string[] _texts;
        private readonly long[] _wholes;
        private readonly double[] _numbers;
        private readonly DateTimeOffset[] _dates;
        private readonly bool[] _seen;
        private int _index;

        // Rows of one answer mostly share their processing time: the text last parsed and its value.
        private string _lastDateText;
        private DateTimeOffset _lastDate;

        public FieldValues(Field[] fields, RequestIds ids, string customerId)
        {
            _fields = fields;
            _texts = new string[fields.Length];
            _wholes = new long[fields.Length];
            _numbers = new double[fields.Length];
            _dates = new DateTimeOffset[fields.Length];
            _seen = new bool[fields.Length];
            Ids = ids;
            CustomerId = customerId;
        }

        public RequestIds Ids { get; }

        /// <summary>The customer the request was for, when it was for one.</summary>
        public string CustomerId { get; }

        public void Start(int index)
        {
            _index = index;
            Array.Clear(_seen, 0, _seen.Length);
            Array.Clear(_texts, 0, _texts.Length);
        }

        public void Set(int slot, JsonReader json, string name)
        {
            switch (_fields[slot].Type)
            {
                case Field.FieldType.Text: _texts[slot] = JsonValues.String(json, name, _index, Ids); break;
                case Field.FieldType.Whole: _wholes[slot] = JsonValues.WholeNumber(json, name, _index, Ids); break;
                case Field.FieldType.Number: _numbers[slot] = JsonValues.Number(json, name, _index, Ids); break;
                default:
                    if (json.TokenType == JsonToken.String && string.Equals((string)json.Value, _lastDateText, StringComparison.Ordinal))
                    {
                        _dates[slot] = _lastDate;
                    }
                    else
                    {
                        _dates[slot] = _lastDate = JsonValues.Date(json, name, _index, Ids);
                        _lastDateText = (string)json.Value;
                    }

                    break;
            }

            _seen[slot] = true;
        }

        public string Text(int slot) => _seen[slot] ? _texts[slot] : throw Missing(slot);

        public string OptionalText(int slot) => _seen[slot] ? _texts[slot] : null;

        public long Whole(int slot) => _seen[slot] ? _wholes[slot] : throw Missing(slot);

        public double Number(int slot) => _seen[slot] ? _numbers[slot] : throw Missing(slot);

        public DateTimeOffset Date(int slot) => _seen[slot] ? _dates[slot] : throw Missing(slot);

        public DateTimeOffset? OptionalDate(int slot) => _seen[slot] ? _dates[slot] : (DateTimeOffset?)null;

        private PartnerCenterException Missing(int slot)
        {
            return JsonValues.Missing(Ids, _index, _fields[slot].Names[0]);
        }
    }

    /// <summary>
    /// Any JSON value as records, lists and plain values. Strings stay strings (dates too); whole
    /// numbers are longs (BigInteger beyond), other numbers doubles.
    /// </summary>
    internal sealed class AnyJsonFormat : ItemFormat<object>, IItemParser<object>
    {
        public override string Noun => "item(s)";

        public override bool AcceptsAnyBody => true;

        public override IItemParser<object> NewParser(RequestIds ids, string customerId) => this;

        public object Read(JsonReader json, int index) => ReadValue(json);

        public object WholeBody(JsonRecord body) => body;

        /// <summary>Reads the value the reader is on, to its end.</summary>
        public static object ReadValue(JsonReader json)
        {
            switch (json.TokenType)
            {
                case JsonToken.StartObject:
                    var record = new JsonRecord();
                    while (Next(json) && json.TokenType == JsonToken.PropertyName)
                    {
                        string name = (string)json.Value;
                        Next(json);
                        record.Add(name, ReadValue(json));
                    }

                    return record;
                case JsonToken.StartArray:
                    var list = new List<object>();
                    while (Next(json) && json.TokenType != JsonToken.EndArray)
                    {
                        list.Add(ReadValue(json));
                    }

                    return list;
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
