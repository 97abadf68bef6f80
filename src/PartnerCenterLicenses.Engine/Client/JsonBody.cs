using System;
using System.Buffers;
using System.IO;
using System.Text.Json;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// A response body's UTF-8 bytes as they arrive, read with <see cref="Utf8JsonReader"/> one unit
    /// at a time (an item, an envelope property). A unit whose bytes have not all arrived yet is read
    /// again from its start once more bytes are in, so an item is handed out as soon as its last byte
    /// is, and no text is decoded that is not kept. Every token passes the length limit first.
    /// </summary>
    /// <remarks>
    /// Reading bytes rather than decoded characters is what makes the module's parse cheaper than a
    /// TextReader-based one: the UTF-8 the service sends (RFC 8259 section 8.1 requires it) is
    /// matched against the declared field names without turning names into strings. Reading a stream
    /// block by block with the reader's state carried over is the documented way to use it
    /// (https://learn.microsoft.com/dotnet/standard/serialization/system-text-json/use-utf8jsonreader,
    /// "Read from a stream"); an unfinished token makes <see cref="Utf8JsonReader.Read"/> return false
    /// with <see cref="Utf8JsonReader.BytesConsumed"/> at the end of the last whole token.
    /// </remarks>
    internal sealed class JsonBody : IDisposable
    {
        private static readonly JsonReaderOptions Options = new JsonReaderOptions { CommentHandling = JsonCommentHandling.Allow, MaxDepth = 64 };

        private const int LargeUnit = 16 * 1024;

        private readonly Stream _stream;
        private readonly int _maxTokenLength;
        private byte[] _buffer;
        private int _start;
        private int _end;
        private bool _ended;
        private JsonReaderState _state = new JsonReaderState(Options);

        public JsonBody(Stream stream, int maxTokenLength, int bufferSize)
        {
            _stream = stream;
            _maxTokenLength = maxTokenLength;
            _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        }

        /// <summary>Whether every byte of the body has been read from the stream.</summary>
        public bool Ended => _ended;

        /// <summary>The bytes read and not yet taken by a finished unit.</summary>
        public ReadOnlySpan<byte> Pending => new ReadOnlySpan<byte>(_buffer, _start, _end - _start);

        /// <summary>A reader over the bytes in hand, where the last finished unit left off.</summary>
        public Utf8JsonReader Reader() => new Utf8JsonReader(Pending, _ended, _state);

        /// <summary>Takes the unit <paramref name="reader"/> has read: the next unit starts after it.</summary>
        public void Commit(ref Utf8JsonReader reader)
        {
            _start += (int)reader.BytesConsumed;
            _state = reader.CurrentState;
        }

        /// <summary>Skips <paramref name="count"/> bytes read but not parsed (a byte order mark, white space after the document).</summary>
        public void Drop(int count) => _start += count;

        /// <summary>
        /// Reads more of the body after a unit ran out of bytes <paramref name="consumed"/> bytes in
        /// (<see cref="Ended"/> tells when there were none). The token the unit stopped in is checked against the limit first, so a
        /// token too long is refused before it is all held.
        /// </summary>
        public void Fill(long consumed)
        {
            CheckUnfinishedToken(Pending.Slice((int)consumed));
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                byte[] larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            // A unit larger than a block (a big body that is not a collection) is read again from its
            // start after each fill, so it waits for a full buffer, which doubles: its bytes are then
            // parsed a few times in all rather than once per network read. An item, smaller, is read
            // again as soon as any byte arrives, so it is handed out the moment its last byte is in.
            bool large = _end > LargeUnit;
            int read;
            do
            {
                read = _stream.Read(_buffer, _end, _buffer.Length - _end);
                _end += read;
            }
            while (large && read > 0 && _end < _buffer.Length);
            _ended = read == 0;
        }

        /// <summary>The next token, checked against the limit; false when the unit needs more bytes.</summary>
        public bool Next(ref Utf8JsonReader reader)
        {
            while (reader.Read())
            {
                if (reader.ValueSpan.Length > _maxTokenLength - 4 && CharactersIn(reader.ValueSpan) + Delimiters(ref reader) > _maxTokenLength)
                {
                    throw new TokenTooLongException(_maxTokenLength);
                }

                // Comments are allowed, as the text reader this replaced allowed them, and limited like any token.
                if (reader.TokenType != JsonTokenType.Comment)
                {
                    return true;
                }
            }

            return false;
        }

        // A comment's length counts its slashes and stars, as sent: '/*...*/' or '//...'.
        private int Delimiters(ref Utf8JsonReader reader)
        {
            return reader.TokenType != JsonTokenType.Comment ? 0 : Pending[(int)reader.TokenStartIndex + 1] == '*' ? 4 : 2;
        }

        /// <summary>Reads past the value the reader is on, every token in it checked; false when the unit needs more bytes.</summary>
        public bool Skip(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject && reader.TokenType != JsonTokenType.StartArray)
            {
                return true;
            }

            int depth = reader.CurrentDepth;
            do
            {
                if (!Next(ref reader))
                {
                    return false;
                }
            }
            while (reader.CurrentDepth > depth);
            return true;
        }

        public void Dispose()
        {
            _stream.Dispose();
            if (_buffer != null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }
        }

        /// <summary>The name Newtonsoft gave a token's kind, which the module's messages have always used.</summary>
        public static string KindOf(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String: return "String";
                case JsonTokenType.Number: return IsWhole(ref reader) ? "Integer" : "Float";
                case JsonTokenType.True:
                case JsonTokenType.False: return "Boolean";
                case JsonTokenType.Null: return "Null";
                default: return reader.TokenType.ToString();
            }
        }

        /// <summary>Whether a number is written without fraction or exponent.</summary>
        public static bool IsWhole(ref Utf8JsonReader reader)
        {
            ReadOnlySpan<byte> text = reader.ValueSpan;
            for (int i = 0; i < text.Length; i++)
            {
                byte b = text[i];
                if (b == '.' || b == 'e' || b == 'E')
                {
                    return false;
                }
            }

            return true;
        }

        // The token the bytes after the last whole token begin (separators and an opening quote
        // skipped), up to a closing quote: lengths count the characters as sent, escapes included.
        private void CheckUnfinishedToken(ReadOnlySpan<byte> rest)
        {
            int i = 0;
            while (i < rest.Length && IsSeparator(rest[i]))
            {
                i++;
            }

            bool inString = i < rest.Length && rest[i] == '"';
            int from = inString ? i + 1 : i;
            int to = from;
            while (to < rest.Length && !(inString && rest[to] == '"'))
            {
                to += inString && rest[to] == '\\' ? 2 : 1;
            }

            ReadOnlySpan<byte> token = rest.Slice(from, Math.Min(to, rest.Length) - from);
            if (token.Length > _maxTokenLength && CharactersIn(token) > _maxTokenLength)
            {
                throw new TokenTooLongException(_maxTokenLength);
            }
        }

        private static bool IsSeparator(byte b) => b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == ',' || b == ':' || b == '[' || b == ']' || b == '{' || b == '}';

        // UTF-16 characters: one per byte that starts a sequence, two for a four-byte sequence.
        private static int CharactersIn(ReadOnlySpan<byte> utf8)
        {
            int count = 0;
            foreach (byte b in utf8)
            {
                if ((b & 0xC0) != 0x80)
                {
                    count += b >= 0xF0 ? 2 : 1;
                }
            }

            return count;
        }
    }

    /// <summary>A JSON token in a Partner Center body is longer than the reader allows.</summary>
    internal sealed class TokenTooLongException : Exception
    {
        public TokenTooLongException(int maxTokenLength)
            : base("A JSON token is longer than " + maxTokenLength + " characters.")
        {
            MaxTokenLength = maxTokenLength;
        }

        public int MaxTokenLength { get; }
    }
}
