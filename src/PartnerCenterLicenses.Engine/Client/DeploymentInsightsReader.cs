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
        private readonly HttpResponseMessage _response;
        private readonly IdleTimeout _requestScope;
        private readonly CancellationToken _userCancellation;
        private readonly ResponseIds _ids;
        private readonly IEngineLog _log;
        private readonly JsonTextReader _json;
        private readonly IEnumerator<PartnerLicensesDeploymentInsights> _items;
        private int _count;

        private DeploymentInsightsReader(
            HttpResponseMessage response, Stream body, IdleTimeout requestScope, CancellationToken userCancellation, ResponseIds ids, IEngineLog log)
        {
            _response = response;
            _requestScope = requestScope;
            _userCancellation = userCancellation;
            _ids = ids;
            _log = log;
            _json = CreateJsonReader(new StreamReader(new CancellableReadStream(body, requestScope), new UTF8Encoding(false), true));
            _items = ReadCollection().GetEnumerator();
        }

        /// <summary>
        /// Takes over a successful response (and the request's cancellation scope, which also bounds
        /// the time spent reading the body).
        /// </summary>
        public static async Task<DeploymentInsightsReader> OpenAsync(
            HttpResponseMessage response, IdleTimeout requestScope, CancellationToken userCancellation, ResponseIds ids, IEngineLog log)
        {
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
                return new DeploymentInsightsReader(response, body, requestScope, userCancellation, ids, log);
            }
            catch
            {
                response.Dispose();
                requestScope.Dispose();
                throw;
            }
        }

        /// <summary>Makes the JSON reader every Partner Center body is read with.</summary>
        internal static JsonTextReader CreateJsonReader(TextReader text)
        {
            // Dates keep the offset Partner Center sent; numbers are not silently turned into decimals.
            return new JsonTextReader(text)
            {
                DateParseHandling = DateParseHandling.DateTimeOffset,
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
                throw new PartnerCenterException(
                    PartnerCenterErrorIds.Timeout,
                    PartnerCenterErrorKind.Timeout,
                    "Partner Center sent nothing for " + _requestScope.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)
                    + " s while its response was being read." + CutShort() + _ids.Text,
                    e)
                {
                    RequestId = _ids.RequestId.ToString(),
                    CorrelationId = _ids.CorrelationId.ToString(),
                };
            }
            catch (JsonException e)
            {
                throw Invalid(_ids, _count, "Partner Center's response is not valid JSON: " + e.Message + CutShort(), e);
            }
            catch (Exception e) when (e is IOException || e is HttpRequestException || e is ObjectDisposedException)
            {
                throw Invalid(_ids, _count, "The connection to Partner Center broke while the response was being read: " + e.Message + CutShort(), e);
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

                    while (ReadOrFail() && _json.TokenType != JsonToken.EndArray)
                    {
                        if (_json.TokenType != JsonToken.StartObject)
                        {
                            throw Invalid(_ids, index, "Item " + index + " of Partner Center's response is " + _json.TokenType + " instead of an object.");
                        }

                        yield return ReadItem(_json, index, _ids);
                        index++;
                    }

                    sawItems = true;
                }
                else if (string.Equals(property, "totalCount", StringComparison.OrdinalIgnoreCase) && _json.TokenType == JsonToken.Integer)
                {
                    totalCount = Convert.ToInt64(_json.Value, CultureInfo.InvariantCulture);
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
        internal static PartnerLicensesDeploymentInsights ReadItem(JsonReader json, int index, ResponseIds ids)
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

        private static PartnerCenterException Missing(ResponseIds ids, int index, string name)
        {
            return Invalid(ids, index, "Item " + index + " of Partner Center's response has no '" + name + "'.");
        }

        private static string StringValue(JsonReader json, string name, int index, ResponseIds ids)
        {
            if (json.TokenType != JsonToken.String)
            {
                throw WrongType(ids, index, name, json.TokenType, "a string");
            }

            return (string)json.Value;
        }

        private static long WholeNumberValue(JsonReader json, string name, int index, ResponseIds ids)
        {
            if (json.TokenType == JsonToken.Integer && json.Value is long whole)
            {
                return whole;
            }

            if (json.TokenType == JsonToken.Float && json.Value is double d && d == Math.Floor(d) && d >= long.MinValue && d <= long.MaxValue)
            {
                return (long)d;
            }

            throw WrongType(ids, index, name, json.TokenType, "a whole number");
        }

        private static double NumberValue(JsonReader json, string name, int index, ResponseIds ids)
        {
            if ((json.TokenType == JsonToken.Float || json.TokenType == JsonToken.Integer) && (json.Value is double || json.Value is long))
            {
                double number = Convert.ToDouble(json.Value, CultureInfo.InvariantCulture);
                if (!double.IsNaN(number) && !double.IsInfinity(number))
                {
                    return number;
                }
            }

            throw WrongType(ids, index, name, json.TokenType, "a number");
        }

        private static DateTimeOffset DateValue(JsonReader json, string name, int index, ResponseIds ids)
        {
            object raw = json.Value;
            if (raw is DateTimeOffset offset)
            {
                return offset;
            }

            if (raw is DateTime dateTime)
            {
                return new DateTimeOffset(DateTime.SpecifyKind(dateTime, dateTime.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : dateTime.Kind));
            }

            if (json.TokenType == JsonToken.String && raw is string text
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out offset))
            {
                return offset;
            }

            throw WrongType(ids, index, name, json.TokenType, "a date and time");
        }

        private static PartnerCenterException WrongType(ResponseIds ids, int index, string name, JsonToken token, string expected)
        {
            return Invalid(ids, index, "Item " + index + " of Partner Center's response has '" + name + "' of type "
                + token + " where " + expected + " is expected.");
        }

        private static PartnerCenterException Invalid(ResponseIds ids, int index, string message, Exception inner = null)
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

    /// <summary>The ids that let support find one request.</summary>
    internal sealed class ResponseIds
    {
        public ResponseIds(Guid requestId, Guid correlationId)
        {
            RequestId = requestId;
            CorrelationId = correlationId;
        }

        public Guid RequestId { get; }

        public Guid CorrelationId { get; }

        public string Text
        {
            get { return " MS-RequestId: " + RequestId + ", MS-CorrelationId: " + CorrelationId + "."; }
        }
    }
}
