using System;
using System.IO;

namespace PartnerCenterLicenses.Engine.Client
{
    /// <summary>
    /// Sits between the decoded response body and the JSON reader and refuses any single token
    /// (a string, a property name, a number or other bare literal, a comment) longer than a limit.
    /// The JSON reader buffers a whole token before it hands it out, so without this a body with
    /// one 50 MB string makes the process hold that string several times over; here the body is
    /// refused once the token passes the limit, and nothing after that point is read.
    /// </summary>
    /// <remarks>
    /// The characters before the one that breaks the limit are still handed on, and the error is
    /// raised on the following read. So the JSON reader finishes every item that ended before the
    /// long token, and those items reach the pipeline, whatever the block boundaries were.
    /// Lengths are counted in the characters of the body as sent, escapes included.
    /// </remarks>
    internal sealed class TokenLengthLimitingReader : TextReader
    {
        // Bit n of the low mask stands for character n, of the high mask for character 64 + n.
        private const ulong SpaceAndStructureBelow64 = (1UL << '\t') | (1UL << '\n') | (1UL << '\r') | (1UL << ' ') | (1UL << ',') | (1UL << ':');
        private const ulong StructureFrom64 = (1UL << ('[' - 64)) | (1UL << (']' - 64)) | (1UL << ('{' - 64)) | (1UL << ('}' - 64));
        private const ulong LiteralEndsBelow64 = SpaceAndStructureBelow64 | (1UL << '"') | (1UL << '/');

        private readonly TextReader _inner;
        private readonly int _maxTokenLength;
        private Position _position = Position.BetweenTokens;
        private int _tokenLength;
        private bool _limitPassed;

        public TokenLengthLimitingReader(TextReader inner, int maxTokenLength)
        {
            if (maxTokenLength < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(maxTokenLength), maxTokenLength, "The longest token allowed must be at least one character.");
            }

            _inner = inner ?? throw new ArgumentNullException(nameof(inner));
            _maxTokenLength = maxTokenLength;
        }

        private enum Position
        {
            BetweenTokens,
            InString,
            AfterBackslashInString,
            InBareLiteral,
            AfterSlash,
            InLineComment,
            InBlockComment,
            AfterStarInBlockComment,
        }

        public override int Peek()
        {
            return _limitPassed ? throw new TokenTooLongException(_maxTokenLength) : _inner.Peek();
        }

        public override int Read()
        {
            var one = new char[1];
            return Read(one, 0, 1) == 0 ? -1 : one[0];
        }

        public override int Read(char[] buffer, int index, int count)
        {
            if (_limitPassed)
            {
                throw new TokenTooLongException(_maxTokenLength);
            }

            int read = _inner.Read(buffer, index, count);
            int allowed = Scan(buffer, index, index + read) - index;
            if (allowed == read)
            {
                return read;
            }

            _limitPassed = true;
            if (allowed == 0)
            {
                // Returning 0 would read as the end of the body.
                throw new TokenTooLongException(_maxTokenLength);
            }

            return allowed;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <summary>
        /// Follows the tokens through one block and returns where the characters that may be handed
        /// on end: at the block's end, or at the character that makes a token too long. Each kind
        /// of token is skipped in its own tight loop and counted once per run, and the state stays
        /// in locals until the block is done, so the cost per character is a comparison or two.
        /// </summary>
        private int Scan(char[] buffer, int start, int end)
        {
            Position position = _position;
            int length = _tokenLength;
            int room;
            int i = start;
            while (i < end)
            {
                int runStart = i;
                switch (position)
                {
                    case Position.BetweenTokens:
                        char first = buffer[i];
                        while (IsStructureOrSpace(first))
                        {
                            if (++i == end)
                            {
                                goto EndOfBlock;
                            }

                            first = buffer[i];
                        }

                        if (first == '"')
                        {
                            // The opening quote is not part of the length.
                            position = Position.InString;
                            length = 0;
                            i++;
                        }
                        else if (first == '/')
                        {
                            // Perhaps a comment, which the JSON reader buffers like a string; the slash counts.
                            position = Position.AfterSlash;
                            length = 1;
                            i++;
                        }
                        else
                        {
                            // A number, true, false, null or a stray word: its own loop counts it.
                            position = Position.InBareLiteral;
                            length = 0;
                        }

                        continue;

                    case Position.InString:
                        while (i < end)
                        {
                            char c = buffer[i];
                            if (c == '"')
                            {
                                break;
                            }

                            i += c == '\\' ? 2 : 1;
                        }

                        if (i > end)
                        {
                            // The block ends between a backslash and the character it escapes.
                            i = end;
                            position = Position.AfterBackslashInString;
                        }
                        else if (i < end)
                        {
                            position = Position.BetweenTokens;
                        }

                        room = _maxTokenLength - length;
                        if (i - runStart > room)
                        {
                            i = runStart + room;
                            goto LimitPassed;
                        }

                        length += i - runStart;
                        if (position == Position.BetweenTokens)
                        {
                            // The closing quote is not part of the length.
                            i++;
                        }

                        continue;

                    case Position.InBareLiteral:
                        while (i < end && !EndsBareLiteral(buffer[i]))
                        {
                            i++;
                        }

                        if (i < end)
                        {
                            // The character that ended it belongs to what comes next.
                            position = Position.BetweenTokens;
                        }

                        break;

                    case Position.AfterSlash:
                        char afterSlash = buffer[i];
                        if (afterSlash != '*' && afterSlash != '/')
                        {
                            // Not a comment: the slash was the start of a bare word, which goes on from here.
                            position = Position.InBareLiteral;
                            continue;
                        }

                        position = afterSlash == '*' ? Position.InBlockComment : Position.InLineComment;
                        i++;
                        break;

                    case Position.InLineComment:
                        while (i < end && buffer[i] != '\n' && buffer[i] != '\r')
                        {
                            i++;
                        }

                        if (i < end)
                        {
                            position = Position.BetweenTokens;
                        }

                        break;

                    case Position.InBlockComment:
                        while (i < end && buffer[i] != '*')
                        {
                            i++;
                        }

                        if (i < end)
                        {
                            position = Position.AfterStarInBlockComment;
                            i++;
                        }

                        break;

                    case Position.AfterStarInBlockComment:
                        char afterStar = buffer[i];
                        position = afterStar == '/' ? Position.BetweenTokens : afterStar == '*' ? Position.AfterStarInBlockComment : Position.InBlockComment;
                        i++;
                        break;

                    default: // Position.AfterBackslashInString
                        position = Position.InString;
                        i++;
                        break;
                }

                // Every state but the two above that continue counts its run here: the slash that
                // starts a comment counts towards it, the closing one too.
                room = _maxTokenLength - length;
                if (i - runStart > room)
                {
                    i = runStart + room;
                    goto LimitPassed;
                }

                length += i - runStart;
            }

        EndOfBlock:
            _position = position;
            _tokenLength = length;
            return end;

        LimitPassed:
            _position = position;
            _tokenLength = _maxTokenLength;
            return i;
        }

        /// <summary>JSON whitespace and punctuation: what separates tokens.</summary>
        private static bool IsStructureOrSpace(char c)
        {
            return c < 64 ? ((SpaceAndStructureBelow64 >> c) & 1) != 0 : c < 128 && ((StructureFrom64 >> (c - 64)) & 1) != 0;
        }

        /// <summary>
        /// What ends a number, true, false, null or other bare word: a separator, or the start of
        /// a string or a comment, after which the JSON reader buffers something new.
        /// </summary>
        private static bool EndsBareLiteral(char c)
        {
            return c < 64 ? ((LiteralEndsBelow64 >> c) & 1) != 0 : c < 128 && ((StructureFrom64 >> (c - 64)) & 1) != 0;
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
