using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Http;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// Reads one page of a Partner Center collection from the response stream one item at a time,
    /// so each object reaches the pipeline as soon as it is parsed. It knows both envelopes
    /// (<c>items</c>/<c>totalCount</c>/<c>links</c> of the v1 API and <c>Value</c>/<c>TotalCount</c>/<c>@nextLink</c>
    /// of the analytics API, names read case-insensitively) and checks the whole document as it goes:
    /// an item is only handed out once it is complete and well typed, and the end is only reported
    /// once the document has ended properly, so a body cut short is never taken for a whole one.
    /// </summary>
    internal sealed class CollectionReader<T> : IDisposable
    {
        private readonly IDisposable _owner;
        private readonly IdleTimeout _requestScope;
        private readonly CancellationToken _userCancellation;
        private readonly RequestIds _ids;
        private readonly IEngineLog _log;
        private readonly Envelope _envelope;
        private readonly Paging _paging;
        private readonly string _noun;
        private readonly ItemParser<T> _parser;
        private readonly JsonTextReader _json;
        private readonly IEnumerator<T> _items;
        private int _count;
        private bool _insideItems;

        // The reader's buffers are sized to the body when its length is known: a small answer (one
        // warm call) then allocates a few hundred bytes instead of 48 KB, which showed as collections.
        private const int LargestBuffer = 16 * 1024;
        private const int SmallestBuffer = 256;

        private CollectionReader(
            Stream body, IDisposable owner, IdleTimeout requestScope, CancellationToken userCancellation, RequestIds ids, IEngineLog log,
            int maxFieldLength, PartnerCenterResource<T> resource, string customerId, long? bodyLength)
        {
            _owner = owner;
            _requestScope = requestScope;
            _userCancellation = userCancellation;
            _ids = ids;
            _log = log;
            _envelope = resource.Envelope;
            _paging = resource.Paging;
            _noun = resource.Noun;
            _parser = ItemParser<T>.For(resource, ids, customerId);

            // The live service starts its bodies with a UTF-8 byte order mark; the reader skips one if present.
            // A larger buffer than the default 1 KB: each read of the body starts and stops the idle
            // timeout, and a read returns what has arrived without waiting for the buffer to fill.
            int bufferSize = bodyLength.HasValue ? (int)Math.Max(SmallestBuffer, Math.Min(LargestBuffer, bodyLength.Value)) : LargestBuffer;
            _json = CreateJsonReader(new StreamReader(new CancellableReadStream(body, requestScope), new UTF8Encoding(false), true, bufferSize), maxFieldLength);
            _json.PropertyNameTable = _parser.Names;
            _items = ReadDocument().GetEnumerator();
        }

        /// <summary>The total the body reported, once read.</summary>
        public long? TotalCount { get; private set; }

        /// <summary>The link to the next page, once the whole page has been read; null when there is none.</summary>
        public NextPageLink NextPage { get; private set; }

        /// <summary>The request's ids, for messages about this page.</summary>
        public RequestIds Ids => _ids;

        /// <summary>
        /// Takes over a successful response (and the request's cancellation scope, which also bounds
        /// the time spent reading the body). A string, number or other token longer than
        /// <paramref name="maxFieldLength"/> characters makes the body an invalid response.
        /// </summary>
        public static async Task<CollectionReader<T>> OpenAsync(
            HttpResponseMessage response, IdleTimeout requestScope, CancellationToken userCancellation, RequestIds ids, IEngineLog log,
            int maxFieldLength, PartnerCenterResource<T> resource, string customerId = null)
        {
            try
            {
                CheckOpenable(response, ids, maxFieldLength);
                Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                return new CollectionReader<T>(body, response, requestScope, userCancellation, ids, log, maxFieldLength, resource, customerId, response.Content.Headers.ContentLength);
            }
            catch
            {
                response.Dispose();
                requestScope.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Reads a response whose body has already been read into memory (the fan-out reads each
        /// customer's small body without holding a thread). It owns the body and the scope.
        /// </summary>
        public static CollectionReader<T> OverBuffered(
            Stream body, IdleTimeout requestScope, CancellationToken userCancellation, RequestIds ids, IEngineLog log, int maxFieldLength,
            PartnerCenterResource<T> resource, string customerId)
        {
            return new CollectionReader<T>(body, body, requestScope, userCancellation, ids, log, maxFieldLength, resource, customerId, body.CanSeek ? body.Length : (long?)null);
        }

        /// <summary>Refuses, before any byte is read, a body that is not JSON or a limit that is not one.</summary>
        public static void CheckOpenable(HttpResponseMessage response, RequestIds ids, int maxFieldLength)
        {
            if (maxFieldLength < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(maxFieldLength), maxFieldLength, "The longest field allowed must be at least one character.");
            }

            string mediaType = response.Content?.Headers.ContentType?.MediaType;
            if (mediaType != null && mediaType.IndexOf("json", StringComparison.OrdinalIgnoreCase) < 0)
            {
                throw JsonValues.Invalid(ids, 0, "Partner Center answered " + (int)response.StatusCode + " with a " + mediaType + " body instead of JSON.");
            }
        }

        /// <summary>
        /// Makes the JSON reader every Partner Center body is read with. It refuses, with
        /// <see cref="TokenTooLongException"/>, any token longer than <paramref name="maxFieldLength"/>
        /// characters before buffering it.
        /// </summary>
        internal static JsonTextReader CreateJsonReader(TextReader text, int maxFieldLength)
        {
            // Strings stay strings, whatever they look like: only the fields the contract types as
            // dates are parsed as dates. Numbers are not silently turned into decimals.
            return new JsonTextReader(new TokenLengthLimitingReader(text, maxFieldLength))
            {
                DateParseHandling = DateParseHandling.None,
                FloatParseHandling = FloatParseHandling.Double,
                MaxDepth = 64,
                CloseInput = true,
            };
        }

        public bool TryReadNext(out T item)
        {
            item = default(T);
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
                throw JsonValues.Invalid(_ids, _count, "Partner Center's response is not valid JSON: " + e.Message + CutShort(), e);
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
                throw JsonValues.Invalid(_ids, _count, "The connection to Partner Center broke while the response was being read: " + Causes.Describe(e) + "." + CutShort(), e);
            }
        }

        public void Dispose()
        {
            _items.Dispose();
            ((IDisposable)_json).Dispose();

            // The response (or the body read from it) first, then the timeout scope of its request.
            _owner.Dispose();
            _requestScope.Dispose();
        }

        private string CutShort()
        {
            return " The response was cut short" + (_count > 0 ? " after " + _count + " item(s): the objects already written are not the complete result." : ".");
        }

        private IEnumerable<T> ReadDocument()
        {
            bool anyBody = _envelope == Envelope.Any;
            if (!_json.Read())
            {
                if (anyBody)
                {
                    yield break;
                }

                throw JsonValues.Invalid(_ids, 0, "Partner Center's response is empty where a JSON object is expected.");
            }

            if (_json.TokenType != JsonToken.StartObject)
            {
                if (!anyBody)
                {
                    throw JsonValues.Invalid(_ids, 0, "Partner Center's response is not a JSON object (it starts with " + _json.TokenType + ").");
                }

                // A bare array is a collection without an envelope; anything else is one value.
                if (_json.TokenType == JsonToken.StartArray)
                {
                    foreach (T item in ReadItems())
                    {
                        yield return item;
                    }
                }
                else
                {
                    yield return _parser.Read(_json, 0);
                }

                EnsureEnded(_count);
                yield break;
            }

            bool sawItems = false;
            bool redacted = false;
            object others = _parser.NewBody();
            while (ReadOrFail() && _json.TokenType != JsonToken.EndObject)
            {
                string property = (string)_json.Value;
                ReadOrFail();
                if (!sawItems && IsItems(property))
                {
                    if (_json.TokenType != JsonToken.StartArray)
                    {
                        if (!anyBody)
                        {
                            throw JsonValues.Invalid(_ids, _count, "Partner Center's response has '" + property + "' of type " + _json.TokenType + " instead of an array.");
                        }

                        _parser.AddToBody(others, property, _json);
                        continue;
                    }

                    foreach (T item in ReadItems())
                    {
                        yield return item;
                    }

                    sawItems = true;
                }
                else if (Is(property, "totalCount") && (_json.TokenType == JsonToken.Integer || _json.TokenType == JsonToken.Float || !anyBody) && _json.TokenType != JsonToken.Null)
                {
                    TotalCount = JsonValues.WholeNumber(_json, property, JsonValues.CollectionLevel, _ids);
                    _parser.AddToBody(others, property, TotalCount.Value);
                }
                else if (_paging != Paging.ContinuationToken && _paging != Paging.None && IsNextLink(property) && _json.TokenType == JsonToken.String)
                {
                    NextPage = NextPageLink.FromNextLink((string)_json.Value);
                    _parser.AddToBody(others, property, _json.Value);
                }
                else if (Is(property, "dataRedacted") && _json.TokenType == JsonToken.Boolean)
                {
                    // Partner insights sets dataRedacted when it left data out of an answer ("Make your first API call":
                    // https://learn.microsoft.com/partner-center/insights/insights-programmatic-first-api-call); the rows
                    // still come, and a warning says they are not the whole picture.
                    if ((bool)_json.Value)
                    {
                        _log.Warning("Partner insights marked its answer as redacted (dataRedacted: true): some of the data was withheld, "
                            + "so the " + _noun + " read are not complete. MS-RequestId: " + _ids.RequestId + ".");
                    }

                    _parser.AddToBody(others, property, _json.Value);
                }
                else if (_paging != Paging.TopSkip && _paging != Paging.NextLink && _paging != Paging.None && Is(property, "links") && _json.TokenType == JsonToken.StartObject)
                {
                    Dictionary<string, object> links = JsonObjectReader.Read(_json);
                    NextPage = NextPage ?? NextPageLink.FromLinks(links);
                    _parser.AddToBody(others, property, links);
                }
                else if (_paging == Paging.NextLink && Is(property, "dataRedacted") && _json.TokenType == JsonToken.Boolean)
                {
                    // The Partner insights envelope says when it left data out of the answer
                    // ("Make your first API call": https://learn.microsoft.com/partner-center/insights/insights-programmatic-first-api-call).
                    redacted = (bool)_json.Value;
                }
                else if (others != null)
                {
                    _parser.AddToBody(others, property, _json);
                }
                else
                {
                    _json.Skip();
                }
            }

            EnsureEnded(_count);
            if (redacted)
            {
                _log.Warning("Partner insights redacted data in this answer (dataRedacted: true): some values were withheld, so the result may be incomplete."
                    + " MS-RequestId: " + _ids.RequestId + ".");
            }

            if (!sawItems)
            {
                if (others == null)
                {
                    throw JsonValues.Invalid(_ids, _count, "Partner Center's response has no '" + (_envelope == Envelope.Value ? "Value" : "items") + "' collection.");
                }

                // Not a collection: the body itself is the answer.
                NextPage = null;
                _count = -1;
                yield return (T)others;
                yield break;
            }

            // Collections that send every item at once count them, so a count that differs is worth a
            // warning; a paged collection's total counts every page.
            if (_paging == Paging.None && TotalCount.HasValue && TotalCount.Value != _count)
            {
                _log.Warning("Partner Center reported totalCount " + TotalCount.Value + " but sent " + _count + " item(s)."
                    + " MS-RequestId: " + _ids.RequestId + ".");
            }

            if (_log.IsVerboseEnabled)
            {
                _log.Verbose("Read " + _count + " " + _noun + "." + (TotalCount.HasValue ? " totalCount: " + TotalCount.Value + "." : string.Empty)
                    + (NextPage != null ? " More follow." : string.Empty));
            }
        }

        private bool IsItems(string property)
        {
            switch (_envelope)
            {
                case Envelope.Items: return Is(property, "items");
                case Envelope.Value: return Is(property, "value");
                default: return Is(property, "items") || Is(property, "value");
            }
        }

        private static bool IsNextLink(string property)
        {
            return Is(property, "@nextLink") || Is(property, "nextLink") || Is(property, "@odata.nextLink");
        }

        private IEnumerable<T> ReadItems()
        {
            _insideItems = true;
            int index = 0;
            while (ReadOrFail() && _json.TokenType != JsonToken.EndArray)
            {
                yield return _parser.Read(_json, index);
                index++;
            }

            _insideItems = false;
        }

        private void EnsureEnded(int index)
        {
            if (_json.Read())
            {
                throw JsonValues.Invalid(_ids, index, "Partner Center's response has content after the end of the JSON document.");
            }
        }

        private bool ReadOrFail()
        {
            if (!_json.Read())
            {
                throw JsonValues.Invalid(_ids, _count, "Partner Center's response ended before the JSON document was complete." + CutShort());
            }

            return true;
        }

        private static bool Is(string name, string field)
        {
            return string.Equals(name, field, StringComparison.OrdinalIgnoreCase);
        }
    }
}
