using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
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
        private readonly CancellationTokenSource _requestScope;
        private readonly CancellationToken _userCancellation;
        private readonly ResponseIds _ids;
        private readonly IEngineLog _log;
        private readonly JsonTextReader _json;
        private readonly IEnumerator<PartnerLicensesDeploymentInsights> _items;
        private int _count;

        private DeploymentInsightsReader(
            HttpResponseMessage response, Stream body, CancellationTokenSource requestScope, CancellationToken userCancellation, ResponseIds ids, IEngineLog log)
        {
            _response = response;
            _requestScope = requestScope;
            _userCancellation = userCancellation;
            _ids = ids;
            _log = log;
            _json = CreateJsonReader(new StreamReader(new CancellableReadStream(body, requestScope.Token), new UTF8Encoding(false), true));
            _items = ReadCollection().GetEnumerator();
        }

        /// <summary>
        /// Takes over a successful response (and the request's cancellation scope, which also bounds
        /// the time spent reading the body).
        /// </summary>
        public static async Task<DeploymentInsightsReader> OpenAsync(
            HttpResponseMessage response, CancellationTokenSource requestScope, CancellationToken userCancellation, ResponseIds ids, IEngineLog log)
        {
            string mediaType = response.Content?.Headers.ContentType?.MediaType;
            if (mediaType != null && mediaType.IndexOf("json", StringComparison.OrdinalIgnoreCase) < 0)
            {
                response.Dispose();
                requestScope.Dispose();
                throw Invalid(ids, 0, "Partner Center answered " + (int)response.StatusCode + " with a " + mediaType + " body instead of JSON.");
            }

            Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            return new DeploymentInsightsReader(response, body, requestScope, userCancellation, ids, log);
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
                    "Partner Center's response did not arrive completely within the request timeout." + CutShort() + _ids.Text,
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

                        JObject item = JObject.Load(_json);
                        yield return ToInsight(item, index, _ids);
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

            _log.Verbose("Read " + index + " license deployment insight(s)." + (totalCount.HasValue ? " totalCount: " + totalCount.Value + "." : string.Empty));
        }

        private bool ReadOrFail()
        {
            if (!_json.Read())
            {
                throw Invalid(_ids, _count, "Partner Center's response ended before the JSON document was complete." + CutShort());
            }

            return true;
        }

        /// <summary>Maps one item, insisting on every documented field with its documented type.</summary>
        internal static PartnerLicensesDeploymentInsights ToInsight(JObject item, int index, ResponseIds ids = null)
        {
            return new PartnerLicensesDeploymentInsights(
                RequiredString(item, "serviceName", index, ids),
                RequiredString(item, "channel", index, ids),
                RequiredWholeNumber(item, "licensesSold", index, ids),
                RequiredNumber(item, "proratedDeploymentPercent", index, ids),
                RequiredDate(item, "processedDateTime", index, ids));
        }

        private static JToken Required(JObject item, string name, int index, ResponseIds ids)
        {
            JToken value = item.GetValue(name, StringComparison.OrdinalIgnoreCase);
            if (value == null || value.Type == JTokenType.Null)
            {
                throw Invalid(ids, index, "Item " + index + " of Partner Center's response has no '" + name + "'.");
            }

            return value;
        }

        private static string RequiredString(JObject item, string name, int index, ResponseIds ids)
        {
            JToken value = Required(item, name, index, ids);
            if (value.Type != JTokenType.String)
            {
                throw WrongType(ids, index, name, value, "a string");
            }

            return (string)value;
        }

        private static long RequiredWholeNumber(JObject item, string name, int index, ResponseIds ids)
        {
            JToken value = Required(item, name, index, ids);
            object raw = ((JValue)value).Value;
            if (value.Type == JTokenType.Integer && raw is long whole)
            {
                return whole;
            }

            if (value.Type == JTokenType.Float && raw is double d && d == Math.Floor(d) && d >= long.MinValue && d <= long.MaxValue)
            {
                return (long)d;
            }

            throw WrongType(ids, index, name, value, "a whole number");
        }

        private static double RequiredNumber(JObject item, string name, int index, ResponseIds ids)
        {
            JToken value = Required(item, name, index, ids);
            object raw = ((JValue)value).Value;
            if ((value.Type == JTokenType.Float || value.Type == JTokenType.Integer) && (raw is double || raw is long))
            {
                double number = Convert.ToDouble(raw, CultureInfo.InvariantCulture);
                if (!double.IsNaN(number) && !double.IsInfinity(number))
                {
                    return number;
                }
            }

            throw WrongType(ids, index, name, value, "a number");
        }

        private static DateTimeOffset RequiredDate(JObject item, string name, int index, ResponseIds ids)
        {
            JToken value = Required(item, name, index, ids);
            object raw = (value as JValue)?.Value;
            if (raw is DateTimeOffset offset)
            {
                return offset;
            }

            if (raw is DateTime dateTime)
            {
                return new DateTimeOffset(DateTime.SpecifyKind(dateTime, dateTime.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : dateTime.Kind));
            }

            if (raw is string text && DateTimeOffset.TryParse(
                text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out offset))
            {
                return offset;
            }

            throw WrongType(ids, index, name, value, "a date and time");
        }

        private static PartnerCenterException WrongType(ResponseIds ids, int index, string name, JToken value, string expected)
        {
            return Invalid(ids, index, "Item " + index + " of Partner Center's response has '" + name + "' of type "
                + value.Type + " where " + expected + " is expected.");
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
