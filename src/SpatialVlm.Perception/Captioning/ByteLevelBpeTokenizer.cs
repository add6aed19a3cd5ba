using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SpatialVlm.Core;
using SpatialVlm.Perception.Text;

namespace SpatialVlm.Perception.Captioning;

/// <summary>One token added on top of the BPE vocabulary (tokenizer.json "added_tokens"): matched verbatim in text, decoded verbatim.</summary>
public sealed record AddedToken(int Id, string Content, bool Special);

/// <summary>
/// GPT-2/BART byte-level BPE (a Hugging Face tokenizer.json with a "BPE" model and a "ByteLevel" pre-tokenizer):
/// added tokens (BART's &lt;s&gt; &lt;/s&gt; &lt;pad&gt;, Florence-2's &lt;loc_N&gt; …) are cut out of the text first and
/// map to their ids; the rest is split with GPT-2's pattern (a word carries its leading space), each piece's UTF-8
/// bytes become GPT-2's printable characters (a space is 'Ġ') and are merged by rank. Encode wraps the ids in BOS …
/// EOS (RoBERTa's post-processor). Decode maps ids back to text, added tokens verbatim. No lowercasing and no
/// word-end marks, unlike CLIP's tokenizer; the merge step is shared with it. Added tokens' lstrip/rstrip flags
/// and the legacy clean-up of spaces before punctuation are not reproduced (the task prompts use neither).
/// </summary>
public sealed partial class ByteLevelBpeTokenizer
{
    private readonly IReadOnlyDictionary<string, int> vocab;
    private readonly Dictionary<int, string> tokenOf = [];
    private readonly Dictionary<int, AddedToken> added = [];
    private readonly AddedToken[] addedLongestFirst;
    private readonly BytePairMerges merges;
    private readonly char[] byteToChar = BytePairMerges.ByteToChar();
    private readonly Dictionary<char, byte> charToByte = [];

    public int Bos { get; }
    public int Eos { get; }
    /// <summary>Whether a space is put before text that does not start with one (ByteLevel add_prefix_space; false for BART).</summary>
    public bool AddPrefixSpace { get; }
    public int VocabularySize => tokenOf.Count;

    public ByteLevelBpeTokenizer(IReadOnlyDictionary<string, int> vocab, IEnumerable<(string Left, string Right)> merges,
        IReadOnlyList<AddedToken> addedTokens, string bosToken = "<s>", string eosToken = "</s>", bool addPrefixSpace = false)
    {
        this.vocab = vocab;
        this.merges = new BytePairMerges(merges);
        foreach (var (token, id) in vocab) tokenOf[id] = token;
        foreach (var a in addedTokens)
        {
            if (a.Content.Length == 0) throw new SpatialVlmException($"tokenizer: added token {a.Id} is empty");
            if (tokenOf.TryGetValue(a.Id, out var existing) && existing != a.Content)
                throw new SpatialVlmException($"tokenizer: id {a.Id} is both '{existing}' and the added token '{a.Content}'");
            tokenOf[a.Id] = a.Content;
            added[a.Id] = a;
        }
        addedLongestFirst = [.. addedTokens.OrderByDescending(a => a.Content.Length)];
        for (int b = 0; b < 256; b++) charToByte[byteToChar[b]] = (byte)b;
        Bos = Id(bosToken);
        Eos = Id(eosToken);
        AddPrefixSpace = addPrefixSpace;
    }

    /// <summary>The id of a token of the vocabulary or an added token; a one-line error when there is none.</summary>
    public int Id(string token)
    {
        if (vocab.TryGetValue(token, out var id)) return id;
        foreach (var a in addedLongestFirst) if (a.Content == token) return a.Id;
        throw new SpatialVlmException($"tokenizer has no token '{token}'");
    }

    /// <summary>Loads a Hugging Face tokenizer.json with a byte-level BPE model (merges as "a b" strings or [a, b] pairs).</summary>
    public static ByteLevelBpeTokenizer Load(string tokenizerJson)
    {
        if (!File.Exists(tokenizerJson)) throw new SpatialVlmException($"{tokenizerJson}: missing tokenizer file");
        JsonNode root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(tokenizerJson)) ?? throw new SpatialVlmException($"{tokenizerJson}: empty tokenizer file");
        }
        catch (JsonException e)
        {
            throw new SpatialVlmException($"{tokenizerJson}: not JSON ({e.Message.Split('\n')[0]})");
        }
        var model = root["model"] as JsonObject;
        if ((string?)model?["type"] != "BPE") throw new SpatialVlmException($"{tokenizerJson}: the tokenizer model is not BPE (model.type '{(string?)model?["type"]}')");
        var pre = root["pre_tokenizer"] as JsonObject;
        var byteLevel = pre is null ? null : (string?)pre["type"] == "ByteLevel" ? pre
            : (pre["pretokenizers"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(p => (string?)p["type"] == "ByteLevel");
        if (byteLevel is null) throw new SpatialVlmException($"{tokenizerJson}: no ByteLevel pre-tokenizer; not a GPT-2/BART byte-level BPE tokenizer");
        try
        {
            var vocab = model["vocab"]!.AsObject().ToDictionary(kv => kv.Key, kv => (int)kv.Value!);
            var merges = model["merges"]!.AsArray().Select(m => m switch
            {
                JsonArray pair when pair.Count == 2 => ((string)pair[0]!, (string)pair[1]!),
                JsonValue v when ((string)v!).Split(' ') is [var l, var r] => (l, r),
                _ => throw new SpatialVlmException($"{tokenizerJson}: merge {m?.ToJsonString()} is not two symbols"),
            }).ToList();
            var addedTokens = (root["added_tokens"] as JsonArray ?? []).Select(t => new AddedToken((int)t!["id"]!, (string)t["content"]!, (bool?)t["special"] ?? false)).ToList();
            var post = root["post_processor"] as JsonObject;
            string bos = (string?)post?["cls"]?[0] ?? "<s>", eos = (string?)post?["sep"]?[0] ?? "</s>";
            return new ByteLevelBpeTokenizer(vocab, merges, addedTokens, bos, eos, (bool?)byteLevel["add_prefix_space"] ?? false);
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or JsonException)
        {
            throw new SpatialVlmException($"{tokenizerJson}: malformed BPE tokenizer ({e.Message.Split('\n')[0]})");
        }
    }

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex WordPattern();

    /// <summary>Token ids of the text, wrapped in BOS … EOS when addSpecialTokens.</summary>
    public int[] Encode(string text, bool addSpecialTokens = true)
    {
        var ids = new List<int>();
        if (addSpecialTokens) ids.Add(Bos);
        int at = 0;
        while (at < text.Length)
        {
            var (next, token) = NextAddedToken(text, at);
            if (next > at) EncodePlain(text[at..next], ids);
            if (token is null) break;
            ids.Add(token.Id);
            at = next + token.Content.Length;
        }
        if (addSpecialTokens) ids.Add(Eos);
        return ids.ToArray();
    }

    /// <summary>The earliest added token at or after `from` (the longest one where several start there), or (text length, null).</summary>
    private (int At, AddedToken? Token) NextAddedToken(string text, int from)
    {
        int best = text.Length;
        AddedToken? found = null;
        foreach (var a in addedLongestFirst)
        {
            int i = text.IndexOf(a.Content, from, StringComparison.Ordinal);
            if (i >= 0 && i < best) { best = i; found = a; }
        }
        return (best, found);
    }

    private void EncodePlain(string text, List<int> ids)
    {
        if (AddPrefixSpace && !text.StartsWith(' ')) text = " " + text;
        foreach (Match m in WordPattern().Matches(text))
        {
            var bytes = Encoding.UTF8.GetBytes(m.Value);
            var symbols = new List<string>(bytes.Length);
            foreach (var b in bytes) symbols.Add(byteToChar[b].ToString());
            foreach (var symbol in merges.Merge(symbols))
                ids.Add(vocab.TryGetValue(symbol, out var id) ? id : throw new SpatialVlmException($"tokenizer vocabulary has no token '{symbol}' (wrong vocabulary/merges pair?)"));
        }
    }

    /// <summary>Text of the ids: added tokens verbatim (skipped when special and skipSpecialTokens), byte symbols back to UTF-8.</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        var text = new StringBuilder();
        var pending = new List<byte>();
        void Flush() { text.Append(Encoding.UTF8.GetString(pending.ToArray())); pending.Clear(); }
        foreach (var id in ids)
        {
            if (added.TryGetValue(id, out var a))
            {
                Flush();
                if (!(skipSpecialTokens && a.Special)) text.Append(a.Content);
                continue;
            }
            if (!tokenOf.TryGetValue(id, out var token)) throw new SpatialVlmException($"token id {id} is not in the tokenizer's vocabulary");
            foreach (var ch in token)
                pending.Add(charToByte.TryGetValue(ch, out var b) ? b : throw new SpatialVlmException($"token {id} '{token}' has a character outside the byte alphabet"));
        }
        Flush();
        return text.ToString();
    }
}
