using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Http;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// Reads a PartnerLicensesDeploymentInsights collection from the response stream one item at a
    /// time, so each object reaches the pipeline as soon as it is parsed. It checks the whole
    /// document as it goes: an item is only handed out once it is complete and well typed, and the
    /// end of the collection is only reported once the document has ended properly, so a body that
    /// is cut short is never mistaken for a complete result.
    /// </summary>
    internal sealed class DeploymentInsightsReader : IInsightsReader
    {
        /// <summary>
        /// The longest string, number or other single token a body may hold, in characters. The
        /// longest documented value is a date of about 33; anything near a megabyte is not an
        /// answer to read but memory to refuse.
        /// </summary>
        public const int DefaultMaxFieldLength = 1024 * 1024;

        // The index given for a field of the collection itself rather than of an item.
        private const int CollectionLevel = -1;

        // ISO 8601 as Partner Center writes it, with or without fractions and offset, plus the
        // shorter forms the standard allows. 'K' also matches no offset at all, read as UTC.
        private static readonly string[] IsoDateFormats =
        {
            "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFK",
            "yyyy'-'MM'-'dd'T'HH':'mmK",
            "yyyy'-'MM'-'dd",
        };

        private readonly HttpResponseMessage _response;
        private readonly IdleTimeout _requestScope;
        private readonly CancellationToken _userCancellation;
        private readonly RequestIds _ids;
        private readonly IEngineLog _log;
        private readonly JsonTextReader _json;
        private readonly IEnumerator<PartnerLicensesDeploymentInsights> _items;
        private int _count;
        private bool _insideItems;

        private DeploymentInsightsReader(
            HttpResponseMessage response, Stream body, IdleTimeout requestScope, CancellationToken userCancellation, RequestIds ids, IEngineLog log,
            int maxFieldLength)
        {
            _response = response;
            _requestScope = requestScope;
            _userCancellation = userCancellation;
            _ids = ids;
            _log = log;
            _json = CreateJsonReader(new StreamReader(new CancellableReadStream(body, requestScope), new UTF8Encoding(false), true), maxFieldLength);
            _items = ReadCollection().GetEnumerator();
        }

        /// <summary>
        /// Takes over a successful response (and the request's cancellation scope, which also bounds
        /// the time spent reading the body). A string, number or other token longer than
        /// <paramref name="maxFieldLength"/> characters makes the body an invalid response.
        /// </summary>
        public static async Task<DeploymentInsightsReader> OpenAsync(
            HttpResponseMessage response, IdleTimeout requestScope, CancellationToken userCancellation, RequestIds ids, IEngineLog log,
            int maxFieldLength = DefaultMaxFieldLength)
        {
            if (maxFieldLength < 1)
            {
                response.Dispose();
                requestScope.Dispose();
                throw new ArgumentOutOfRangeException(nameof(maxFieldLength), maxFieldLength, "The longest field allowed must be at least one character.");
            }

            string mediaType = response.Content?.Headers.ContentType?.MediaType;
            if (mediaType != null && mediaType.IndexOf("json", StringComparison.OrdinalIgnoreCase) < 0)
            {
                response.Dispose();
                requestScope.Dispose();
                throw Invalid(ids, 0, "Partner Center answered " + (int)response.StatusCode + " with a " + mediaType + " body instead of JSON.");
            }

            try
            {
                Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                return new DeploymentInsightsReader(response, body, requestScope, userCancellation, ids, log, maxFieldLength);
            }
            catch
            {
                response.Dispose();
                requestScope.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Makes the JSON reader every Partner Center body is read with. It refuses, with
        /// <see cref="TokenTooLongException"/>, any token longer than <paramref name="maxFieldLength"/>
        /// characters before buffering it.
        /// </summary>
        internal static JsonTextReader CreateJsonReader(TextReader text, int maxFieldLength = DefaultMaxFieldLength)
        {
            // Strings stay strings, whatever they look like: only the fields the contract types as
            // dates are parsed as dates (DateValue). Numbers are not silently turned into decimals.
            return new JsonTextReader(new TokenLengthLimitingReader(text, maxFieldLength))
            {
                DateParseHandling = DateParseHandling.None,
                FloatParseHandling = FloatParseHandling.Double,
                MaxDepth = 64,
                CloseInput = true,
            };
        }

        public bool TryReadNext(out PartnerLicensesDeploymentInsights item)
        {
            item = null;
            try
            {
                if (!_items.MoveNext())
                {
                    return false;
                }

                item = _items.Current;
                _count++;
                return true;
            }
            catch (PartnerCenterException)
            {
                throw;
            }
            catch (OperationCanceledException) when (_userCancellation.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException e)
            {
                throw Timeouts.Body(_requestScope.Timeout, CutShort(), _ids, e);
            }
            catch (JsonException e)
            {
                throw Invalid(_ids, _count, "Partner Center's response is not valid JSON: " + e.Message + CutShort(), e);
            }
            catch (TokenTooLongException e)
            {
                throw new PartnerCenterException(
                    PartnerCenterErrorIds.InvalidResponse,
                    PartnerCenterErrorKind.InvalidResponse,
                    (_insideItems ? "Item " + _count + " of Partner Center's response" : "Partner Center's response") + " has a field longer than "
                        + e.MaxTokenLength + " characters, so it was not read further; Set-PartnerCenterRequestOption -MaximumFieldLength raises the limit."
                        + CutShort() + _ids.Text,
                    e)
                {
                    RecommendedAction = "If a field that long is expected, raise the limit with Set-PartnerCenterRequestOption -MaximumFieldLength; otherwise report it to Partner Center support with the ids in this message.",
                    RequestId = _ids.RequestId.ToString(),
                    CorrelationId = _ids.CorrelationId.ToString(),
                };
            }
            catch (Exception e) when (e is IOException || e is HttpRequestException || e is ObjectDisposedException)
            {
                throw Invalid(_ids, _count, "The connection to Partner Center broke while the response was being read: " + Causes.Describe(e) + "." + CutShort(), e);
            }
        }

        public void Dispose()
        {
            _items.Dispose();
            ((IDisposable)_json).Dispose();
            _response.Dispose();
            _requestScope.Dispose();
        }

        private string CutShort()
        {
            return " The response was cut short" + (_count > 0 ? " after " + _count + " item(s): the objects already written are not the complete result." : ".");
        }

        private IEnumerable<PartnerLicensesDeploymentInsights> ReadCollection()
        {
            if (!_json.Read() || _json.TokenType != JsonToken.StartObject)
            {
                throw Invalid(_ids, 0, "Partner Center's response is not a JSON object (it starts with " + _json.TokenType + ").");
            }

            bool sawItems = false;
            long? totalCount = null;
            int index = 0;
            while (ReadOrFail() && _json.TokenType != JsonToken.EndObject)
            {
                string property = (string)_json.Value;
                ReadOrFail();
                if (string.Equals(property, "items", StringComparison.OrdinalIgnoreCase))
                {
                    if (_json.TokenType != JsonToken.StartArray)
                    {
                        throw Invalid(_ids, index, "Partner Center's response has 'items' of type " + _json.TokenType + " instead of an array.");
                    }

                    _insideItems = true;
                    while (ReadOrFail() && _json.TokenType != JsonToken.EndArray)
                    {
                        if (_json.TokenType != JsonToken.StartObject)
                        {
                            throw Invalid(_ids, index, "Item " + index + " of Partner Center's response is " + _json.TokenType + " instead of an object.");
                        }

                        yield return ReadItem(_json, index, _ids);
                        index++;
                    }

                    _insideItems = false;
                    sawItems = true;
                }
                else if (string.Equals(property, "totalCount", StringComparison.OrdinalIgnoreCase) && _json.TokenType != JsonToken.Null)
                {
                    totalCount = WholeNumberValue(_json, "totalCount", CollectionLevel, _ids);
                }
                else
                {
                    _json.Skip();
                }
            }

            if (_json.Read())
            {
                throw Invalid(_ids, index, "Partner Center's response has content after the end of the JSON document.");
            }

            if (!sawItems)
            {
                throw Invalid(_ids, index, "Partner Center's response has no 'items' collection.");
            }

            if (totalCount.HasValue && totalCount.Value != index)
            {
                _log.Warning("Partner Center reported totalCount " + totalCount.Value + " but sent " + index + " item(s)."
                    + " MS-RequestId: " + _ids.RequestId + ".");
            }

            if (_log.IsVerboseEnabled)
            {
                _log.Verbose("Read " + index + " license deployment insight(s)." + (totalCount.HasValue ? " totalCount: " + totalCount.Value + "." : string.Empty));
            }
        }

        private bool ReadOrFail()
        {
            if (!_json.Read())
            {
                throw Invalid(_ids, _count, "Partner Center's response ended before the JSON document was complete." + CutShort());
            }

            return true;
        }

        /// <summary>
        /// Reads one item straight off the reader (positioned on its StartObject), insisting on every
        /// documented field with its documented type and skipping fields it does not know. Reading
        /// the fields directly, rather than through a JObject per item, keeps the per-call cost of
        /// the module close to that of the HTTP request itself.
        /// </summary>
        internal static PartnerLicensesDeploymentInsights ReadItem(JsonReader json, int index, RequestIds ids)
        {
            string serviceName = null, channel = null;
            long? licensesSold = null;
            double? prorated = null;
            DateTimeOffset? processed = null;

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

                if (Is(name, "serviceName"))
                {
                    serviceName = StringValue(json, name, index, ids);
                }
                else if (Is(name, "channel"))
                {
                    channel = StringValue(json, name, index, ids);
                }
                else if (Is(name, "licensesSold"))
                {
                    licensesSold = WholeNumberValue(json, name, index, ids);
                }
                else if (Is(name, "proratedDeploymentPercent"))
                {
                    prorated = NumberValue(json, name, index, ids);
                }
                else if (Is(name, "processedDateTime"))
                {
                    processed = DateValue(json, name, index, ids);
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

            return new PartnerLicensesDeploymentInsights(
                serviceName ?? throw Missing(ids, index, "serviceName"),
                channel ?? throw Missing(ids, index, "channel"),
                licensesSold ?? throw Missing(ids, index, "licensesSold"),
                prorated ?? throw Missing(ids, index, "proratedDeploymentPercent"),
                processed ?? throw Missing(ids, index, "processedDateTime"));
        }

        private static bool Is(string name, string field)
        {
            return string.Equals(name, field, StringComparison.OrdinalIgnoreCase);
        }

        private static PartnerCenterException Missing(RequestIds ids, int index, string name)
        {
            return Invalid(ids, index, "Item " + index + " of Partner Center's response has no '" + name + "'.");
        }

        /// <summary>Names what holds a field, for messages only: reading the field builds no text.</summary>
        private static string Owner(int index)
        {
            return index == CollectionLevel ? "Partner Center's response" : "Item " + index + " of Partner Center's response";
        }

        private static string StringValue(JsonReader json, string name, int index, RequestIds ids)
        {
            if (json.TokenType != JsonToken.String)
            {
                throw WrongType(ids, index, name, json.TokenType, "a string");
            }

            return (string)json.Value;
        }

        /// <summary>A whole number that fits an Int64, written as an integer or as a float with no fraction.</summary>
        private static long WholeNumberValue(JsonReader json, string name, int index, RequestIds ids)
        {
            if (json.TokenType == JsonToken.Integer && json.Value is long whole)
            {
                return whole;
            }

            // 2^63 itself is a double but not a long, so the upper bound is exclusive.
            if (json.TokenType == JsonToken.Float && json.Value is double d && d == Math.Floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0)
            {
                return (long)d;
            }

            // Integers beyond Int64 arrive as BigInteger, floats beyond double as infinity.
            if (json.TokenType == JsonToken.Integer || json.TokenType == JsonToken.Float)
            {
                throw Invalid(ids, index, Owner(index) + " has '" + name + "' out of range: a whole number from "
                    + long.MinValue + " to " + long.MaxValue + " is expected.");
            }

            throw WrongType(ids, index, name, json.TokenType, "a whole number");
        }

        private static double NumberValue(JsonReader json, string name, int index, RequestIds ids)
        {
            if (json.TokenType == JsonToken.Float && json.Value is double d && !double.IsNaN(d) && !double.IsInfinity(d))
            {
                // Adding zero turns -0 into 0, which is what the number means and how it should print.
                return d + 0.0;
            }

            if (json.TokenType == JsonToken.Integer && json.Value is long whole)
            {
                return whole;
            }

            if (json.TokenType == JsonToken.Integer || json.TokenType == JsonToken.Float)
            {
                throw Invalid(ids, index, Owner(index) + " has '" + name + "' out of range: a finite number is expected.");
            }

            throw WrongType(ids, index, name, json.TokenType, "a number");
        }

        /// <summary>
        /// An ISO 8601 date and time, keeping the offset sent; one without an offset is UTC. The
        /// reader leaves dates as strings, so this is the one place a string becomes a date.
        /// </summary>
        private static DateTimeOffset DateValue(JsonReader json, string name, int index, RequestIds ids)
        {
            if (json.TokenType != JsonToken.String)
            {
                throw WrongType(ids, index, name, json.TokenType, "a date and time");
            }

            if (!TryParseIsoDate((string)json.Value, out DateTimeOffset value))
            {
                throw Invalid(ids, index, Owner(index) + " has '" + name + "' that is not an ISO 8601 date and time.");
            }

            return value;
        }

        private static bool TryParseIsoDate(string text, out DateTimeOffset value)
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

        private static PartnerCenterException WrongType(RequestIds ids, int index, string name, JsonToken token, string expected)
        {
            return Invalid(ids, index, Owner(index) + " has '" + name + "' of type " + token + " where " + expected + " is expected.");
        }

        private static PartnerCenterException Invalid(RequestIds ids, int index, string message, Exception inner = null)
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
