using System;
using System.Collections.Generic;

namespace PartnerCenterLicenses.Boundary
{
    /// <summary>What a field holds, and so how the engine reads it off the JSON.</summary>
    public enum FieldKind
    {
        /// <summary>A JSON string.</summary>
        Text,

        /// <summary>A whole JSON number that fits a long.</summary>
        Whole,

        /// <summary>A finite JSON number.</summary>
        Number,

        /// <summary>An ISO 8601 date and time in a JSON string.</summary>
        Date,
    
        /// <summary>A JSON array of strings (for example an insights dataset's selectableColumns).</summary>
        TextList,

        /// <summary>A JSON true or false (for example an insights report's executeNow).</summary>
        Flag,
    }

    /// <summary>
    /// One documented field of an item: its JSON name (a dotted path such as
    /// <c>companyProfile.domain</c> reaches into a nested object; other spellings seen may follow),
    /// what it holds, and whether every item must have it.
    /// </summary>
    public class ItemField
    {
        internal ItemField(int slot, FieldKind kind, bool required, string[] names)
        {
            Slot = slot;
            Kind = kind;
            Required = required;
            Names = names;
        }

        /// <summary>Where the engine keeps its value in <see cref="ItemFieldValues"/>.</summary>
        public int Slot { get; }

        /// <summary>What it holds.</summary>
        public FieldKind Kind { get; }

        /// <summary>Whether an item without it is an invalid response.</summary>
        public bool Required { get; }

        /// <summary>The documented name first, then other spellings; dots separate nested objects.</summary>
        public string[] Names { get; }
    }

    /// <summary>A field whose value reads as <typeparamref name="TValue"/>.</summary>
    /// <typeparam name="TValue">string, long, double, DateTimeOffset, or DateTimeOffset? for a date an item may leave out.</typeparam>
    public sealed class ItemField<TValue> : ItemField
    {
        internal ItemField(int slot, FieldKind kind, bool required, string[] names) : base(slot, kind, required, names) { }
    }

    /// <summary>The fields of one resource's items, declared one after the other.</summary>
    public sealed class ItemFields
    {
        private readonly List<ItemField> _fields = new List<ItemField>();

        /// <summary>The fields, in the order declared.</summary>
        public IReadOnlyList<ItemField> All => _fields;

        /// <summary>A text field; an optional one reads as null when absent.</summary>
        public ItemField<string> Text(string name, bool required = true) => Add<string>(FieldKind.Text, required, name);

        /// <summary>A whole-number field, under its documented name and any other spelling seen.</summary>
        public ItemField<long> Whole(params string[] names) => Add<long>(FieldKind.Whole, true, names);

        /// <summary>A whole-number field an item may leave out (or send as null).</summary>
        public ItemField<long?> OptionalWhole(string name) => Add<long?>(FieldKind.Whole, false, name);

        /// <summary>A true-or-false field; an item without it reads as false.</summary>
        public ItemField<bool> Flag(string name) => Add<bool>(FieldKind.Flag, false, name);

        /// <summary>A number field.</summary>
        public ItemField<double> Number(string name) => Add<double>(FieldKind.Number, true, name);

        /// <summary>A date field every item has.</summary>
        public ItemField<DateTimeOffset> Date(string name) => Add<DateTimeOffset>(FieldKind.Date, true, name);

        /// <summary>A date field an item may leave out.</summary>
        public ItemField<DateTimeOffset?> OptionalDate(string name) => Add<DateTimeOffset?>(FieldKind.Date, false, name);

        /// <summary>Declares an array of strings; an item without it reads as an empty list.</summary>
        public ItemField<IReadOnlyList<string>> TextList(string name) => Add<IReadOnlyList<string>>(FieldKind.TextList, false, name);

        private ItemField<TValue> Add<TValue>(FieldKind kind, bool required, params string[] names)
        {
            var field = new ItemField<TValue>(_fields.Count, kind, required, names);
            _fields.Add(field);
            return field;
        }
    }

    /// <summary>
    /// The fields of the item being read, in typed slots the engine fills and reuses from item to
    /// item. A required field that the item left out throws the engine's invalid-response error.
    /// </summary>
    public sealed class ItemFieldValues
    {
        private readonly IReadOnlyList<ItemField> _fields;
        private readonly string[] _texts;
        private readonly long[] _wholes;
        private readonly double[] _numbers;
        private readonly DateTimeOffset[] _dates;
        private readonly IReadOnlyList<string>[] _lists;
        private readonly bool[] _seen;
        private readonly Func<ItemField, Exception> _missing;

        /// <summary>Slots for <paramref name="fields"/>; <paramref name="missing"/> makes the error for a required field left out.</summary>
        public ItemFieldValues(ItemFields fields, string customerId, Func<ItemField, Exception> missing)
        {
            _fields = fields.All;
            int count = _fields.Count;
            _texts = new string[count];
            _wholes = new long[count];
            _numbers = new double[count];
            _dates = new DateTimeOffset[count];
            _lists = new IReadOnlyList<string>[count];
            _seen = new bool[count];
            _missing = missing;
            CustomerId = customerId;
        }

        /// <summary>The customer the request named, for items that leave their customer out.</summary>
        public string CustomerId { get; }

        /// <summary>Forgets the previous item's values.</summary>
        public void Clear()
        {
            Array.Clear(_seen, 0, _seen.Length);
            Array.Clear(_texts, 0, _texts.Length);
            Array.Clear(_lists, 0, _lists.Length);
        }

        /// <summary>Sets a text value.</summary>
        public void SetText(int slot, string value) { _texts[slot] = value; _seen[slot] = true; }

        /// <summary>Sets a whole-number value.</summary>
        public void SetWhole(int slot, long value) { _wholes[slot] = value; _seen[slot] = true; }

        /// <summary>Sets a true-or-false value (kept with the whole numbers, as 1 or 0).</summary>
        public void SetFlag(int slot, bool value) { _wholes[slot] = value ? 1 : 0; _seen[slot] = true; }

        /// <summary>Sets a number value.</summary>
        public void SetNumber(int slot, double value) { _numbers[slot] = value; _seen[slot] = true; }

        /// <summary>Sets a date value.</summary>
        public void SetDate(int slot, DateTimeOffset value) { _dates[slot] = value; _seen[slot] = true; }

        /// <summary>Sets a list of strings.</summary>
        public void SetTextList(int slot, IReadOnlyList<string> value) { _lists[slot] = value; _seen[slot] = true; }

        /// <summary>The text, or null when an optional field was left out.</summary>
        public string this[ItemField<string> field] => _seen[field.Slot] || !field.Required ? _texts[field.Slot] : throw _missing(field);

        /// <summary>The whole number.</summary>
        public long this[ItemField<long> field] => _seen[field.Slot] ? _wholes[field.Slot] : throw _missing(field);

        /// <summary>The whole number, or null when the item left it out.</summary>
        public long? this[ItemField<long?> field] => _seen[field.Slot] ? _wholes[field.Slot] : (long?)null;

        /// <summary>The flag; false when the item left it out.</summary>
        public bool this[ItemField<bool> field] => _seen[field.Slot] && _wholes[field.Slot] != 0;

        /// <summary>The number.</summary>
        public double this[ItemField<double> field] => _seen[field.Slot] ? _numbers[field.Slot] : throw _missing(field);

        /// <summary>The date.</summary>
        public DateTimeOffset this[ItemField<DateTimeOffset> field] => _seen[field.Slot] ? _dates[field.Slot] : throw _missing(field);

        /// <summary>The date, or null when the item left it out.</summary>
        public DateTimeOffset? this[ItemField<DateTimeOffset?> field] => _seen[field.Slot] ? _dates[field.Slot] : (DateTimeOffset?)null;

        /// <summary>The list of strings, or an empty list when the item left it out.</summary>
        public IReadOnlyList<string> this[ItemField<IReadOnlyList<string>> field] => _seen[field.Slot] ? _lists[field.Slot] : Array.Empty<string>();
    }
}
