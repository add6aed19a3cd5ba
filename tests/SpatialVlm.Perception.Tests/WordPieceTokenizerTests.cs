using CsCheck;
using SpatialVlm.Core;
using SpatialVlm.Perception.Detectors;

namespace SpatialVlm.Perception.Tests;

public sealed class WordPieceTokenizerTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), $"svlm-wp-{Guid.NewGuid():N}");
    private readonly WordPieceTokenizer tok;

    public WordPieceTokenizerTests()
    {
        DetectionTestModels.WriteWordPieceVocab(Path.Combine(dir, "vocab.txt"));
        tok = WordPieceTokenizer.Load(Path.Combine(dir, "vocab.txt"));
    }

    public void Dispose() { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }

    [Fact]
    public void BertsOwnExample() =>
        // Lower case, accent stripped (é -> e), split at the comma, greedy longest match with ## continuations.
        Assert.Equal(["un", "##want", "##ed", ",", "runn", "##ing"], tok.Tokenize("UNwant\u00E9d,running"));

    [Fact]
    public void AWordWithoutAFullCoverIsOneUnk() =>
        // "unwantedx" matches un ##want ##ed but nothing covers "x": the whole word becomes [UNK], not a partial split.
        Assert.Equal(["[UNK]", "runn", "##ing"], tok.Tokenize("unwantedX running"));

    [Fact]
    public void LongestMatchFirstAndAccentStripping()
    {
        Assert.Equal(["bath", "##tub"], tok.Tokenize("Bathtub"));
        Assert.Equal(["caf", "##e"], tok.Tokenize("Caf\u00E9"));
        Assert.Equal(["caf", "##e"], tok.Tokenize("Cafe\u0301")); // decomposed accent
        Assert.Equal(["nandu", "\u03B5\u03BB\u03BB\u03B1\u03B4\u03B1", "\u0435\u0436"], WordPieceTokenizer.BasicTokens("\u00D1and\u00FA \u0388\u03BB\u03BB\u03AC\u03B4\u03B1 \u0401\u0436"));
        Assert.Equal(["\u1112\u1161\u11AB"], WordPieceTokenizer.BasicTokens("\uD55C")); // Hangul syllable -> jamo, as NFD
    }

    [Fact]
    public void ControlCharactersPunctuationAndCjk()
    {
        Assert.Equal(["cat"], tok.Tokenize("c\u200Ba\u0000t"));                      // zero-width space (Cf) and NUL dropped
        Assert.Equal(["red", "mug", ".", "a", "cat", "."], tok.Tokenize(" red\tmug.\na  cat. "));
        Assert.Equal(["[UNK]", "cat"], tok.Tokenize("\u732Bcat"));                  // an ideograph is its own word
        Assert.Equal(["[UNK]"], tok.Tokenize(new string('a', 101)));                // over 100 characters
        Assert.Equal(["[UNK]", "[UNK]", "cat"], tok.Tokenize("$^cat"));              // ASCII symbols split as punctuation
    }

    [Fact]
    public void EncodeAddsClsAndSep()
    {
        Assert.Equal([101, 106, 104, 102], tok.Encode("cat."));
        Assert.Equal((101, 102, 100), (tok.Cls, tok.Sep, tok.Unk));
    }

    [Fact]
    public void PiecesAlwaysRejoinToTheBasicTokens()
    {
        // Property: for any word from the vocabulary's letters, the pieces (## removed) spell the word, or the word is [UNK].
        Gen.String[Gen.Char["abcdeginrstuw"], 1, 12].Sample(word =>
        {
            var pieces = tok.Tokenize(word);
            if (pieces is ["[UNK]"]) return;
            Assert.Equal(word, string.Concat(pieces.Select((p, i) => i == 0 ? p : p[2..])));
            Assert.All(pieces.Skip(1), p => Assert.StartsWith("##", p));
        });
    }

    [Fact]
    public void VocabularyWithoutSpecialTokensIsRejected()
    {
        var e = Assert.Throws<SpatialVlmException>(() => new WordPieceTokenizer(["cat", "dog"]));
        Assert.Contains("[CLS]", e.Message);
    }
}
