using System;
using System.IO;
using System.Text;
using PartnerCenterLicenses.Engine.Client;
using Xunit;

namespace PartnerCenterLicenses.Tests.Unit
{
    public class TokenLengthLimitingReaderTests
    {
        /// <summary>Reads everything through the guard in blocks of the given size: what came through, and whether it refused.</summary>
        private static (string Passed, bool Refused) ReadThrough(string text, int limit, int blockSize)
        {
            var passed = new StringBuilder();
            var reader = new TokenLengthLimitingReader(new BlockReader(text, blockSize), limit);
            var buffer = new char[blockSize + 3];
            try
            {
                int n;
                while ((n = reader.Read(buffer, 1, buffer.Length - 1)) > 0)
                {
                    passed.Append(buffer, 1, n);
                }

                return (passed.ToString(), false);
            }
            catch (TokenTooLongException e)
            {
                Assert.Equal(limit, e.MaxTokenLength);
                return (passed.ToString(), true);
            }
        }

        [Theory]
        [InlineData("\"abcde\"", null)]
        [InlineData("\"abcdef\"", "\"abcde")]
        [InlineData("{\"a\\\"b\":\"c\\\\\"}", null)]
        [InlineData("[\"ab\\\"cd\"]", "[\"ab\\\"c")]
        [InlineData("12345", null)]
        [InlineData("[123456]", "[12345")]
        [InlineData("[-1e+9, true,null ,\"abc\"  ,\"de\"]", null)]
        [InlineData("\"abc\" \"abcde\" 12345", null)]
        [InlineData("[/*a*/1]", null)]
        [InlineData("[/* a */1]", "[/* a ")]
        [InlineData("// abc\n[1]", "// ab")]
        [InlineData("[1]// a\n", null)]
        [InlineData("[/**/ \"1\"]", null)]
        [InlineData("[\"/*\", \"*/\"]", null)]
        [InlineData("nullnull", "nulln")]
        public void Passes_tokens_up_to_the_limit_and_stops_at_the_first_character_beyond_it(string text, string passedBeforeRefusal)
        {
            foreach (int blockSize in new[] { 1, 2, 3, 5, 1024 })
            {
                var (passed, refused) = ReadThrough(text, 5, blockSize);

                Assert.True(refused == (passedBeforeRefusal != null), "block size " + blockSize + ", passed: " + passed);
                Assert.Equal(passedBeforeRefusal ?? text, passed);
            }
        }

        [Fact]
        public void Whatever_the_block_boundaries_the_same_characters_pass_and_the_same_bodies_are_refused()
        {
            // Strings, escapes, literals and comments cut at every possible point.
            const string Alphabet = "\"\\/*ab1 ,:[]{}\n";
            var random = new Random(20261125);
            for (int n = 0; n < 2000; n++)
            {
                var text = new StringBuilder();
                int length = random.Next(1, 80);
                for (int i = 0; i < length; i++)
                {
                    text.Append(Alphabet[random.Next(Alphabet.Length)]);
                }

                int limit = random.Next(1, 12);
                var whole = ReadThrough(text.ToString(), limit, 4096);
                foreach (int blockSize in new[] { 1, 2, 3, 7 })
                {
                    Assert.Equal(whole, ReadThrough(text.ToString(), limit, blockSize));
                }
            }
        }

        [Fact]
        public void Having_refused_it_keeps_refusing()
        {
            var reader = new TokenLengthLimitingReader(new StringReader("[\"abcdef\", 1]"), 3);
            var buffer = new char[64];

            Assert.Equal("[\"abc", new string(buffer, 0, reader.Read(buffer, 0, buffer.Length)));
            Assert.Throws<TokenTooLongException>(() => reader.Read(buffer, 0, buffer.Length));
            Assert.Throws<TokenTooLongException>(() => reader.Read());
            Assert.Throws<TokenTooLongException>(() => reader.Peek());
        }

        /// <summary>Hands out at most a given number of characters per read, as a network body does.</summary>
        private sealed class BlockReader : TextReader
        {
            private readonly string _text;
            private readonly int _blockSize;
            private int _position;

            public BlockReader(string text, int blockSize)
            {
                _text = text;
                _blockSize = blockSize;
            }

            public override int Read(char[] buffer, int index, int count)
            {
                int n = Math.Min(Math.Min(count, _blockSize), _text.Length - _position);
                _text.CopyTo(_position, buffer, index, n);
                _position += n;
                return n;
            }
        }
    }
}
