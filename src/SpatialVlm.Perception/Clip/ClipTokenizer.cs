using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpatialVlm.Core;
using SpatialVlm.Perception.Text;

namespace SpatialVlm.Perception.Clip;

/// <summary>
/// CLIP's byte-level BPE tokenizer (vocab.json + merges.txt of the model folder): HTML-unescape, collapse whitespace,
/// lowercase; split with CLIP's pattern; map bytes to GPT-2's printable characters; mark word ends with "&lt;/w&gt;";
/// merge pairs by rank. Output is BOS, tokens, EOS, truncated to MaxLength (EOS kept). ftfy's text repair is not
/// reproduced (it changes only mis-decoded text).
/// </summary>
public sealed partial class ClipTokenizer
{
    private readonly IReadOnlyDictionary<string, int> vocab;
    private readonly BytePairMerges merges;
    private readonly char[] byteToChar = ByteToChar();

    public int Bos { get; }
    public int Eos { get; }
    /// <summary>Pad id: EOS, as the CLIP exports use.</summary>
    public int Pad => Eos;
    public int MaxLength { get; }

    public ClipTokenizer(IReadOnlyDictionary<string, int> vocab, IEnumerable<(string Left, string Right)> merges, int maxLength = 77)
    {
        this.vocab = vocab;
        this.merges = new BytePairMerges(merges);
        Bos = vocab.TryGetValue("<|startoftext|>", out var b) ? b : throw new SpatialVlmException("CLIP vocabulary has no <|startoftext|> token");
        Eos = vocab.TryGetValue("<|endoftext|>", out var e) ? e : throw new SpatialVlmException("CLIP vocabulary has no <|endoftext|> token");
        if (maxLength < 2) throw new SpatialVlmException($"tokenizer max length must be at least 2, got {maxLength}");
        MaxLength = maxLength;
    }

    /// <summary>Loads vocab.json and merges.txt from a model folder.</summary>
    public static ClipTokenizer Load(string folder, int maxLength = 77)
    {
        var vocabPath = Path.Combine(folder, "vocab.json");
        var mergesPath = Path.Combine(folder, "merges.txt");
        foreach (var p in new[] { vocabPath, mergesPath })
            if (!File.Exists(p)) throw new SpatialVlmException($"{p}: missing CLIP tokenizer file");
        Dictionary<string, int> vocab;
        try
        {
            vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabPath))
                ?? throw new SpatialVlmException($"{vocabPath}: empty vocabulary");
        }
        catch (JsonException e)
        {
            throw new SpatialVlmException($"{vocabPath}: not a token -> id JSON object ({e.Message.Split('\n')[0]})");
        }
        var merges = new List<(string, string)>();
        foreach (var line in File.ReadLines(mergesPath))
        {
            if (line.StartsWith("#version", StringComparison.Ordinal) || line.Length == 0) continue;
            var parts = line.Split(' ');
            if (parts.Length != 2) throw new SpatialVlmException($"{mergesPath}: line '{line}' is not two symbols");
            merges.Add((parts[0], parts[1]));
        }
        return new ClipTokenizer(vocab, merges, maxLength);
    }

    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase)]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>Token ids with BOS and EOS, at most MaxLength.</summary>
    public int[] Encode(string text)
    {
        var clean = Whitespace().Replace(WebUtility.HtmlDecode(WebUtility.HtmlDecode(text)), " ").Trim().ToLowerInvariant();
        var ids = new List<int> { Bos };
        foreach (Match m in WordPattern().Matches(clean))
        {
            if (m.Value is "<|startoftext|>" or "<|endoftext|>") { ids.Add(vocab[m.Value]); continue; }
            var bytes = Encoding.UTF8.GetBytes(m.Value);
            var chars = new char[bytes.Length];
            for (int i = 0; i < bytes.Length; i++) chars[i] = byteToChar[bytes[i]];
            foreach (var symbol in Bpe(chars))
                ids.Add(vocab.TryGetValue(symbol, out var id) ? id : throw new SpatialVlmException($"CLIP vocabulary has no token '{symbol}' (wrong vocab.json/merges.txt pair?)"));
        }
        if (ids.Count >= MaxLength) ids.RemoveRange(MaxLength - 1, ids.Count - (MaxLength - 1));
        ids.Add(Eos);
        return ids.ToArray();
    }

    /// <summary>The word's byte symbols, the last one marked as the word end, merged by rank.</summary>
    private List<string> Bpe(char[] word)
    {
        var symbols = new List<string>(word.Length);
        for (int i = 0; i < word.Length - 1; i++) symbols.Add(word[i].ToString());
        symbols.Add(word[^1] + "</w>");
        return merges.Merge(symbols);
    }

    /// <summary>GPT-2's reversible byte -> printable character table (<see cref="BytePairMerges.ByteToChar"/>).</summary>
    internal static char[] ByteToChar() => BytePairMerges.ByteToChar();

    /// <summary>The vocabulary order of the 256 byte symbols in CLIP's vocab.json: printable bytes first, then the rest.</summary>
    public static char[] ByteSymbolsInVocabOrder()
    {
        var map = ByteToChar();
        return Enumerable.Range(0, 256).Where(b => map[b] == b).Concat(Enumerable.Range(0, 256).Where(b => map[b] != b)).Select(b => map[b]).ToArray();
    }
}
