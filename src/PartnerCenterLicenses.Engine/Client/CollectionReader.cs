using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
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
        private readonly JsonBody _body;
        private Part _part;
        private object _others;
        private int _count;
        private bool _insideItems;
        private bool _sawItems;
        private bool _bare;
        private bool _byteOrderMarkChecked;

        // The body is read in blocks of up to 16 KB (sized to the body when its length is known: a
        // small answer, one warm call, then takes a few hundred bytes). A read returns what has
        // arrived without waiting for the block to fill, and each starts and stops the idle timeout.
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
            int bufferSize = bodyLength.HasValue ? (int)Math.Max(SmallestBuffer, Math.Min(LargestBuffer, bodyLength.Value + 1)) : LargestBuffer;
            _body = new JsonBody(new CancellableReadStream(body, requestScope), maxFieldLength, bufferSize);
        }

        // Where the document's next unit is: before its first token, in the envelope object, in the
        // items array (or a bare array), after the end of the document, or read to its end.
        private enum Part
        {
            Start,
            Envelope,
            Items,
            End,
            Done,
        }

        // What one unit gave: an item, progress without an item, or the need for more bytes.
        private enum Step
        {
            Item,
            Progress,
            More,
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

        public bool TryReadNext(out T item)
        {
            item = default(T);
            try
            {
                if (!ReadNext(out item))
                {
                    return false;
                }

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
            catch (InvalidOperationException e)
            {
                // The reader's strings: bytes that are not UTF-8, or an escaped surrogate without its pair.
                throw JsonValues.Invalid(_ids, _count, "Partner Center's response is not valid JSON: "
                    + (e.InnerException is DecoderFallbackException ? "it holds bytes that are not UTF-8." : e.Message) + CutShort(), e);
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
            _part = Part.Done;
            _body.Dispose();

            // The response (or the body read from it) first, then the timeout scope of its request.
            _owner.Dispose();
            _requestScope.Dispose();
        }

        private string CutShort()
        {
            return " The response was cut short" + (_count > 0 ? " after " + _count + " item(s): the objects already written are not the complete result." : ".");
        }

        private bool ReadNext(out T item)
        {
            item = default(T);
            while (true)
            {
                switch (_part)
                {
                    case Part.Done:
                        return false;
                    case Part.Start when !AtFirstToken():
                        if (_body.Ended)
                        {
                            _part = Part.Done;
                            if (_envelope == Envelope.Any)
                            {
                                return false;
                            }

                            throw JsonValues.Invalid(_ids, 0, "Partner Center's response is empty where a JSON object is expected.");
                        }

                        _body.Fill(0);
                        continue;
                    case Part.End:
                        if (!AtEnd())
                        {
                            continue;
                        }

                        _part = Part.Done;
                        return Finish(out item);
                }

                Utf8JsonReader json = _body.Reader();
                Step step = ReadUnit(ref json, out item);
                if (step == Step.More)
                {
                    if (_body.Ended)
                    {
                        throw JsonValues.Invalid(_ids, _count, "Partner Center's response ended before the JSON document was complete." + CutShort());
                    }

                    _body.Fill(json.BytesConsumed);
                    continue;
                }

                _body.Commit(ref json);
                if (step == Step.Item)
                {
                    return true;
                }
            }
        }

        /// <summary>Reads one unit: the document's first token, one envelope property, or one item.</summary>
        private Step ReadUnit(ref Utf8JsonReader json, out T item)
        {
            item = default(T);
            bool anyBody = _envelope == Envelope.Any;
            if (!_body.Next(ref json))
            {
                return Step.More;
            }

            if (_part == Part.Items)
            {
                if (json.TokenType == JsonTokenType.EndArray)
                {
                    _insideItems = false;
                    _sawItems = true;
                    _part = _bare ? Part.End : Part.Envelope;
                    return Step.Progress;
                }

                return _parser.TryRead(_body, ref json, _count, out item) ? Step.Item : Step.More;
            }

            if (_part == Part.Start)
            {
                if (json.TokenType == JsonTokenType.StartObject)
                {
                    _others = _parser.NewBody();
                    _part = Part.Envelope;
                    return Step.Progress;
                }

                if (!anyBody)
                {
                    throw JsonValues.Invalid(_ids, 0, "Partner Center's response is not a JSON object (it starts with " + JsonBody.KindOf(ref json) + ").");
                }

                // A bare array is a collection without an envelope; anything else is one value.
                _bare = true;
                if (json.TokenType == JsonTokenType.StartArray)
                {
                    _insideItems = true;
                    _part = Part.Items;
                    return Step.Progress;
                }

                if (!_parser.TryRead(_body, ref json, 0, out item))
                {
                    return Step.More;
                }

                _part = Part.End;
                return Step.Item;
            }

            if (json.TokenType == JsonTokenType.EndObject)
            {
                _part = Part.End;
                return Step.Progress;
            }

            string property = json.GetString();
            if (!_body.Next(ref json))
            {
                return Step.More;
            }

            JsonTokenType token = json.TokenType;
            if (!_sawItems && IsItems(property))
            {
                if (token == JsonTokenType.StartArray)
                {
                    _insideItems = true;
                    _part = Part.Items;
                    return Step.Progress;
                }

                if (!anyBody)
                {
                    throw JsonValues.Invalid(_ids, _count, "Partner Center's response has '" + property + "' of type " + JsonBody.KindOf(ref json) + " instead of an array.");
                }
            }
            else if (Is(property, "totalCount") && (token == JsonTokenType.Number || !anyBody) && token != JsonTokenType.Null)
            {
                TotalCount = JsonValues.WholeNumber(ref json, property, JsonValues.CollectionLevel, _ids);
                _parser.AddToBody(_others, property, TotalCount.Value);
                return Step.Progress;
            }
            else if (_paging != Paging.ContinuationToken && _paging != Paging.None && IsNextLink(property) && token == JsonTokenType.String)
            {
                string link = json.GetString();
                NextPage = NextPageLink.FromNextLink(link);
                _parser.AddToBody(_others, property, link);
                return Step.Progress;
            }
            else if (Is(property, "dataRedacted") && (token == JsonTokenType.True || token == JsonTokenType.False))
            {
                // Partner insights sets dataRedacted when it left data out of an answer ("Make your first API call":
                // https://learn.microsoft.com/partner-center/insights/insights-programmatic-first-api-call); the rows
                // still come, and a warning says they are not the whole picture.
                if (token == JsonTokenType.True)
                {
                    _log.Warning("Partner insights marked its answer as redacted (dataRedacted: true): some of the data was withheld, "
                        + "so the " + _noun + " read are not complete. MS-RequestId: " + _ids.RequestId + ".");
                }

                _parser.AddToBody(_others, property, token == JsonTokenType.True);
                return Step.Progress;
            }
            else if (_paging != Paging.TopSkip && _paging != Paging.NextLink && _paging != Paging.None && Is(property, "links") && token == JsonTokenType.StartObject)
            {
                if (!JsonValueParser.Records.TryReadValue(_body, ref json, out object read))
                {
                    return Step.More;
                }

                var links = (Dictionary<string, object>)read;
                NextPage = NextPage ?? NextPageLink.FromLinks(links);
                _parser.AddToBody(_others, property, links);
                return Step.Progress;
            }

            return (_others != null ? _parser.TryAddToBody(_others, property, _body, ref json) : _body.Skip(ref json)) ? Step.Progress : Step.More;
        }

        /// <summary>Skips a byte order mark (the live service starts its bodies with one); true once a token has begun to arrive.</summary>
        private bool AtFirstToken()
        {
            ReadOnlySpan<byte> pending = _body.Pending;
            if (!_byteOrderMarkChecked)
            {
                if (pending.Length >= 3 && pending[0] == 0xEF && pending[1] == 0xBB && pending[2] == 0xBF)
                {
                    _body.Drop(3);
                    pending = _body.Pending;
                }
                else if (!_body.Ended && pending.Length < 3 && (pending.Length == 0 || pending[0] == 0xEF) && (pending.Length < 2 || pending[1] == 0xBB))
                {
                    return false;
                }

                _byteOrderMarkChecked = true;
            }

            return HasContent(pending);
        }

        /// <summary>
        /// Whether the document's end is the body's end: only white space may follow it. False when
        /// more of the body has yet to be looked at.
        /// </summary>
        private bool AtEnd()
        {
            if (HasContent(_body.Pending))
            {
                throw JsonValues.Invalid(_ids, _count, "Partner Center's response has content after the end of the JSON document.");
            }

            if (_body.Ended)
            {
                return true;
            }

            _body.Drop(_body.Pending.Length);
            _body.Fill(0);
            return false;
        }

        private static bool HasContent(ReadOnlySpan<byte> bytes)
        {
            foreach (byte b in bytes)
            {
                if (b != ' ' && b != '\t' && b != '\n' && b != '\r')
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>What the end of the document gives: the body itself when it was not a collection.</summary>
        private bool Finish(out T item)
        {
            item = default(T);
            if (_bare)
            {
                return false;
            }

            if (!_sawItems)
            {
                if (_others == null)
                {
                    throw JsonValues.Invalid(_ids, _count, "Partner Center's response has no '" + (_envelope == Envelope.Value ? "Value" : "items") + "' collection.");
                }

                // Not a collection: the body itself is the answer.
                NextPage = null;
                _count = -1;
                item = (T)_others;
                return true;
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

            return false;
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

        private static bool Is(string name, string field)
        {
            return string.Equals(name, field, StringComparison.OrdinalIgnoreCase);
        }
    }
}
