using System.Globalization;
using System.Text;
using SpatialVlm.Core;

namespace SpatialVlm.Perception.Detectors;

/// <summary>
/// BERT's uncased WordPiece tokenizer over a vocab.txt (one token per line, id = line number). Basic tokenization:
/// drop control characters and U+FFFD, whitespace to spaces, spaces around CJK ideographs, lower case, strip accents
/// (NFD without combining marks), split on whitespace and punctuation. Then each word greedily takes the longest
/// vocabulary prefix, continuations prefixed "##"; a word with no full cover, or longer than 100 characters, is [UNK].
/// Immutable, thread-safe.
/// </summary>
public sealed class WordPieceTokenizer
{
    private const int MaxWordChars = 100;
    private readonly Dictionary<string, int> vocab;

    public int Cls { get; }
    public int Sep { get; }
    public int Unk { get; }
    public int VocabularySize => vocab.Count;

    public WordPieceTokenizer(IReadOnlyList<string> tokens)
    {
        vocab = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Count; i++) vocab.TryAdd(tokens[i], i);
        Cls = Special("[CLS]");
        Sep = Special("[SEP]");
        Unk = Special("[UNK]");
    }

    private int Special(string token) =>
        vocab.TryGetValue(token, out var id) ? id : throw new SpatialVlmException($"WordPiece vocabulary has no {token} token (not a BERT vocab.txt)");

    /// <summary>Loads vocab.txt (one token per line).</summary>
    public static WordPieceTokenizer Load(string path)
    {
        if (!File.Exists(path)) throw new SpatialVlmException($"{path}: missing WordPiece vocabulary");
        return new WordPieceTokenizer(File.ReadAllLines(path).Select(l => l.TrimEnd('\r')).ToArray());
    }

    public int IdOf(string token) => vocab.TryGetValue(token, out var id) ? id : Unk;

    /// <summary>[CLS], the text's tokens, [SEP].</summary>
    public int[] Encode(string text) => [Cls, .. Tokenize(text).Select(IdOf), Sep];

    /// <summary>The text's word pieces (no special tokens).</summary>
    public List<string> Tokenize(string text)
    {
        var pieces = new List<string>();
        foreach (var word in BasicTokens(text)) AppendWordPieces(word, pieces);
        return pieces;
    }

    /// <summary>Greedy longest-match-first split of one word.</summary>
    private void AppendWordPieces(string word, List<string> pieces)
    {
        if (word.Length > MaxWordChars) { pieces.Add("[UNK]"); return; }
        int mark = pieces.Count;
        for (int start = 0; start < word.Length;)
        {
            string? found = null;
            int end = word.Length;
            for (; end > start; end--)
            {
                var candidate = start > 0 ? "##" + word[start..end] : word[start..end];
                if (vocab.ContainsKey(candidate)) { found = candidate; break; }
            }
            if (found == null)
            {
                pieces.RemoveRange(mark, pieces.Count - mark);
                pieces.Add("[UNK]");
                return;
            }
            pieces.Add(found);
            start = end;
        }
    }

    /// <summary>BERT's basic tokenization (lower case and accent stripping included).</summary>
    public static List<string> BasicTokens(string text)
    {
        var spaced = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c == 0 || c == '\uFFFD' || IsControl(c)) continue;
            if (IsCjk(c)) spaced.Append(' ').Append(c).Append(' ');
            else spaced.Append(char.IsWhiteSpace(c) ? ' ' : c);
        }
        var words = new List<string>();
        foreach (var raw in spaced.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var word = StripAccents(raw.ToLowerInvariant());
            int start = 0;
            for (int i = 0; i < word.Length; i++)
            {
                if (!IsPunctuation(word[i])) continue;
                if (i > start) words.Add(word[start..i]);
                words.Add(word[i].ToString());
                start = i + 1;
            }
            if (start < word.Length) words.Add(word[start..]);
        }
        return words;
    }

    /// <summary>NFD without combining marks, through <see cref="AccentFolding"/> (no ICU needed).</summary>
    private static string StripAccents(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) AccentFolding.AppendStripped(c, sb);
        return sb.ToString();
    }

    // BERT treats tab, newline and carriage return as whitespace, other Cc/Cf characters as control.
    private static bool IsControl(char c) =>
        c is not ('\t' or '\n' or '\r') && CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format;

    // All non-letter/number ASCII symbols count as punctuation (e.g. "$", "^", "`"), plus Unicode P* categories.
    private static bool IsPunctuation(char c) =>
        c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~'
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    // CJK Unified Ideographs blocks within the BMP (supplementary-plane blocks are surrogate pairs here and are kept whole).
    private static bool IsCjk(char c) => c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF';
}
