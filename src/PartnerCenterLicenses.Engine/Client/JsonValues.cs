using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using PartnerCenterLicenses.Boundary;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// Reads one JSON value with the type the contract gives it, or refuses the body with
    /// PartnerCenter.InvalidResponse naming the item and field. Every reader of Partner Center
    /// bodies types its values here, so a string is never silently a date and a float never a count.
    /// </summary>
    internal static class JsonValues
    {
        /// <summary>The index given for a field of the collection itself rather than of an item.</summary>
        public const int CollectionLevel = -1;

        // ISO 8601 as Partner Center writes it, with or without fractions and offset, plus the
        // shorter forms the standard allows. 'K' also matches no offset at all, read as UTC.
        private static readonly string[] IsoDateFormats =
        {
            "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFK",
            "yyyy'-'MM'-'dd'T'HH':'mmK",
            "yyyy'-'MM'-'dd",
        };

        /// <summary>Names what holds a field, for messages only: reading the field builds no text.</summary>
        public static string Owner(int index)
        {
            return index == CollectionLevel ? "Partner Center's response" : "Item " + index + " of Partner Center's response";
        }

        public static string String(ref Utf8JsonReader json, string name, int index, RequestIds ids)
        {
            if (json.TokenType != JsonTokenType.String)
            {
                throw WrongType(ids, index, name, ref json, "a string");
            }

            return json.GetString();
        }

        /// <summary>A JSON true or false.</summary>
        public static bool Boolean(ref Utf8JsonReader json, string name, int index, RequestIds ids)
        {
            if (json.TokenType != JsonTokenType.True && json.TokenType != JsonTokenType.False)
            {
                throw WrongType(ids, index, name, ref json, "true or false");
            }

            return json.TokenType == JsonTokenType.True;
        }

        /// <summary>An array of strings (nulls in it are left out), read to its end; false when the unit needs more bytes.</summary>
        public static bool StringList(JsonBody body, ref Utf8JsonReader json, string name, int index, RequestIds ids, out IReadOnlyList<string> list)
        {
            list = null;
            if (json.TokenType != JsonTokenType.StartArray)
            {
                throw WrongType(ids, index, name, ref json, "an array of strings");
            }

            var values = new List<string>();
            while (true)
            {
                if (!body.Next(ref json))
                {
                    return false;
                }

                if (json.TokenType == JsonTokenType.EndArray)
                {
                    list = values;
                    return true;
                }

                if (json.TokenType != JsonTokenType.Null)
                {
                    values.Add(String(ref json, name, index, ids));
                }
            }
        }

        /// <summary>A whole number that fits an Int64, written as an integer or as a float with no fraction.</summary>
        public static long WholeNumber(ref Utf8JsonReader json, string name, int index, RequestIds ids)
        {
            if (json.TokenType != JsonTokenType.Number)
            {
                throw WrongType(ids, index, name, ref json, "a whole number");
            }

            if (json.TryGetInt64(out long whole))
            {
                return whole;
            }

            // 2^63 itself is a double but not a long, so the upper bound is exclusive.
            if (!JsonBody.IsWhole(ref json) && json.TryGetDouble(out double d) && d == Math.Floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0)
            {
                return (long)d;
            }

            throw Invalid(ids, index, Owner(index) + " has '" + name + "' out of range: a whole number from "
                + long.MinValue + " to " + long.MaxValue + " is expected.");
        }

        public static double Number(ref Utf8JsonReader json, string name, int index, RequestIds ids)
        {
            if (json.TokenType != JsonTokenType.Number)
            {
                throw WrongType(ids, index, name, ref json, "a number");
            }

            // An integer beyond Int64 was out of range when read as one, and stays so.
            if (JsonBody.IsWhole(ref json))
            {
                if (json.TryGetInt64(out long whole))
                {
                    return whole;
                }
            }
            else if (json.TryGetDouble(out double d) && !double.IsNaN(d) && !double.IsInfinity(d))
            {
                // Adding zero turns -0 into 0, which is what the number means and how it should print.
                return d + 0.0;
            }

            throw Invalid(ids, index, Owner(index) + " has '" + name + "' out of range: a finite number is expected.");
        }

        /// <summary>
        /// An ISO 8601 date and time, keeping the offset sent; one without an offset is UTC. The
        /// reader leaves dates as strings, so this is the one place a string becomes a date.
        /// </summary>
        public static DateTimeOffset Date(ref Utf8JsonReader json, string name, int index, RequestIds ids)
        {
            if (json.TokenType != JsonTokenType.String)
            {
                throw WrongType(ids, index, name, ref json, "a date and time");
            }

            if (!TryParseIsoDate(json.GetString(), out DateTimeOffset value))
            {
                throw Invalid(ids, index, Owner(index) + " has '" + name + "' that is not an ISO 8601 date and time.");
            }

            return value;
        }

        public static bool TryParseIsoDate(string text, out DateTimeOffset value)
        {
            if (DateTimeOffset.TryParseExact(text, IsoDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value))
            {
                return true;
            }

            // Some services write nanoseconds; .NET keeps 100 ns ticks, so digits beyond the seventh are dropped.
            int dot = text.IndexOf('.');
            if (dot < 0)
            {
                return false;
            }

            int end = dot + 1;
            while (end < text.Length && text[end] >= '0' && text[end] <= '9')
            {
                end++;
            }

            return end - dot - 1 > 7
                && DateTimeOffset.TryParseExact(text.Remove(dot + 8, end - dot - 8), IsoDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
        }

        public static PartnerCenterException Missing(RequestIds ids, int index, string name)
        {
            return Invalid(ids, index, "Item " + index + " of Partner Center's response has no '" + name + "'.");
        }

        public static PartnerCenterException WrongType(RequestIds ids, int index, string name, ref Utf8JsonReader json, string expected)
        {
            return Invalid(ids, index, Owner(index) + " has '" + name + "' of type " + JsonBody.KindOf(ref json) + " where " + expected + " is expected.");
        }

        public static PartnerCenterException Invalid(RequestIds ids, int index, string message, Exception inner = null)
        {
            return new PartnerCenterException(
                PartnerCenterErrorIds.InvalidResponse,
                PartnerCenterErrorKind.InvalidResponse,
                message + (ids != null ? ids.Text : string.Empty),
                inner)
            {
                RecommendedAction = "Try again later. If it persists, report it to Partner Center support with the ids in this message.",
                RequestId = ids?.RequestId.ToString(),
                CorrelationId = ids?.CorrelationId.ToString(),
            };
        }
    }
}
