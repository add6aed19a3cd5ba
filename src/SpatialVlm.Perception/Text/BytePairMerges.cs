namespace SpatialVlm.Perception.Text;

/// <summary>
/// The merge step shared by the byte-level BPE tokenizers (CLIP, GPT-2/BART): a word's symbols are merged pair by
/// pair, the lowest-ranked adjacent pair first, all its occurrences left to right, until no ranked pair remains. What
/// differs between tokenizers (CLIP's "&lt;/w&gt;" word ends and lowercasing, GPT-2's 'Ġ' spaces and pre-tokenization
/// pattern) stays with them.
/// </summary>
internal sealed class BytePairMerges
{
    private readonly Dictionary<(string, string), int> ranks = [];

    /// <summary>Ranks are the merges' order; a repeated merge keeps its first rank.</summary>
    public BytePairMerges(IEnumerable<(string Left, string Right)> merges)
    {
        foreach (var m in merges) ranks.TryAdd(m, ranks.Count);
    }

    public int Count => ranks.Count;

    public List<string> Merge(List<string> symbols)
    {
        while (symbols.Count > 1)
        {
            int best = int.MaxValue;
            (string, string) bestPair = default;
            for (int i = 0; i < symbols.Count - 1; i++)
                if (ranks.TryGetValue((symbols[i], symbols[i + 1]), out var r) && r < best) { best = r; bestPair = (symbols[i], symbols[i + 1]); }
            if (best == int.MaxValue) break;
            var merged = new List<string>(symbols.Count);
            for (int i = 0; i < symbols.Count; i++)
            {
                if (i < symbols.Count - 1 && symbols[i] == bestPair.Item1 && symbols[i + 1] == bestPair.Item2)
                {
                    merged.Add(bestPair.Item1 + bestPair.Item2);
                    i++;
                }
                else merged.Add(symbols[i]);
            }
            symbols = merged;
        }
        return symbols;
    }

    /// <summary>GPT-2's reversible byte -> printable character table: printable Latin-1 bytes map to themselves, the rest to U+0100 onwards.</summary>
    public static char[] ByteToChar()
    {
        var map = new char[256];
        static bool Printable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
        int n = 0;
        for (int b = 0; b < 256; b++) map[b] = Printable(b) ? (char)b : (char)(256 + n++);
        return map;
    }
}
