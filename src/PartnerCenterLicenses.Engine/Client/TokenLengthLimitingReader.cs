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

        public int MaxTokenLength
        {
            get { return _maxTokenLength; }
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
        /// on end: at the block's end, or at the character that makes a token too long.
        /// Runs of ordinary characters inside a token are skipped in a tight loop and counted once,
        /// so the cost per character is a comparison or two.
        /// </summary>
        private int Scan(char[] buffer, int start, int end)
        {
            int i = start;
            while (i < end)
            {
                int runStart = i;
                switch (_position)
                {
                    case Position.BetweenTokens:
                        char c = buffer[i];
                        if (c == '"')
                        {
                            _position = Position.InString;
                            _tokenLength = 0;
                            i++;
                        }
                        else if (c == '/')
                        {
                            _position = Position.AfterSlash;
                            _tokenLength = 1;
                            i++;
                        }
                        else if (EndsBareLiteral(c))
                        {
                            i++;
                        }
                        else
                        {
                            // The character is counted by the literal's own loop.
                            _position = Position.InBareLiteral;
                            _tokenLength = 0;
                        }

                        continue;

                    case Position.InString:
                        while (i < end)
                        {
                            char s = buffer[i];
                            if (s == '"')
                            {
                                break;
                            }

                            if (s == '\\')
                            {
                                if (i + 1 == end)
                                {
                                    i++;
                                    _position = Position.AfterBackslashInString;
                                    break;
                                }

                                i++;
                            }

                            i++;
                        }

                        if (!Counted(ref runStart, i))
                        {
                            return runStart;
                        }

                        if (_position == Position.InString && i < end)
                        {
                            _position = Position.BetweenTokens;
                            i++;
                        }

                        continue;

                    case Position.AfterBackslashInString:
                        i++;
                        _position = Position.InString;
                        break;

                    case Position.InBareLiteral:
                        while (i < end && !EndsBareLiteral(buffer[i]) && buffer[i] != '"' && buffer[i] != '/')
                        {
                            i++;
                        }

                        if (!Counted(ref runStart, i))
                        {
                            return runStart;
                        }

                        if (i < end)
                        {
                            // The delimiter itself belongs to whatever comes next.
                            _position = Position.BetweenTokens;
                        }

                        continue;

                    case Position.AfterSlash:
                        char next = buffer[i];
                        _position = next == '*' ? Position.InBlockComment : next == '/' ? Position.InLineComment : Position.InBareLiteral;
                        if (_position == Position.InBareLiteral)
                        {
                            continue;
                        }

                        i++;
                        break;

                    case Position.InLineComment:
                        while (i < end && buffer[i] != '\n' && buffer[i] != '\r')
                        {
                            i++;
                        }

                        if (!Counted(ref runStart, i))
                        {
                            return runStart;
                        }

                        if (i < end)
                        {
                            _position = Position.BetweenTokens;
                        }

                        continue;

                    case Position.InBlockComment:
                        while (i < end && buffer[i] != '*')
                        {
                            i++;
                        }

                        if (i < end)
                        {
                            _position = Position.AfterStarInBlockComment;
                            i++;
                        }

                        break;

                    case Position.AfterStarInBlockComment:
                        char afterStar = buffer[i];
                        _position = afterStar == '/' ? Position.BetweenTokens : afterStar == '*' ? Position.AfterStarInBlockComment : Position.InBlockComment;
                        i++;
                        break;
                }

                // The single-step cases above, and the block comment's run, are counted here.
                if (!Counted(ref runStart, i))
                {
                    return runStart;
                }
            }

            return end;
        }

        /// <summary>
        /// Adds the characters from runStart to end to the current token. When that passes the
        /// limit, moves runStart to the first character beyond it and returns false.
        /// </summary>
        private bool Counted(ref int runStart, int end)
        {
            int run = end - runStart;
            if (run <= _maxTokenLength - _tokenLength)
            {
                _tokenLength += run;
                return true;
            }

            runStart += _maxTokenLength - _tokenLength;
            return false;
        }

        private static bool EndsBareLiteral(char c)
        {
            switch (c)
            {
                case ' ':
                case '\t':
                case '\n':
                case '\r':
                case ',':
                case ':':
                case '[':
                case ']':
                case '{':
                case '}':
                    return true;
                default:
                    return false;
            }
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
