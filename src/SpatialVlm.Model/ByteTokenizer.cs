using System.Text;

namespace SpatialVlm.Model;

/// <summary>
/// Byte-level tokenizer: ids 0–255 are the UTF-8 bytes, then the special tokens. Numbers are plain text.
/// Chat format: &lt;bos&gt;&lt;user&gt;&lt;image&gt;×N question&lt;assistant&gt;answer&lt;eos&gt;; the loss covers the answer and its &lt;eos&gt;.
/// </summary>
public sealed class ByteTokenizer
{
    public const string Kind = "byte-level-v1";
    public const int Pad = 256;
    public const int Bos = 257;
    public const int Eos = 258;
    public const int Image = 259;
    public const int User = 260;
    public const int Assistant = 261;
    public static readonly IReadOnlyList<string> SpecialTokens = ["<pad>", "<bos>", "<eos>", "<image>", "<user>", "<assistant>"];
    public static int VocabularySize => 256 + SpecialTokens.Count;

    /// <summary>Token id the loss ignores.</summary>
    public const long IgnoredLabel = -100;

    public static ByteTokenizer Instance { get; } = new();

    private ByteTokenizer() { }

    public int[] EncodeText(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var ids = new int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) ids[i] = bytes[i];
        return ids;
    }

    /// <summary>The prompt up to and including &lt;assistant&gt;, with imageTokenCount &lt;image&gt; placeholders.</summary>
    public int[] EncodePrompt(string question, int imageTokenCount)
    {
        var text = EncodeText(question);
        var ids = new int[3 + imageTokenCount + text.Length];
        ids[0] = Bos;
        ids[1] = User;
        Array.Fill(ids, Image, 2, imageTokenCount);
        text.CopyTo(ids, 2 + imageTokenCount);
        ids[^1] = Assistant;
        return ids;
    }

    /// <summary>The answer's tokens as the model must produce them: its bytes then &lt;eos&gt;.</summary>
    public int[] EncodeAnswer(string answer) => [.. EncodeText(answer), Eos];

    /// <summary>Text of byte tokens; special tokens are dropped and decoding stops at &lt;eos&gt;; invalid UTF-8 becomes U+FFFD.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (id == Eos) break;
            if (id is >= 0 and < 256) bytes.Add((byte)id);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>What a checkpoint records so it can rebuild this tokenizer.</summary>
    public TokenizerDescription Describe() => new(Kind, VocabularySize, [.. SpecialTokens]);

    /// <summary>The tokenizer a checkpoint describes, or a CheckpointException when this build cannot provide it.</summary>
    public static ByteTokenizer FromDescription(TokenizerDescription description)
    {
        if (description.Kind != Kind || description.VocabularySize != VocabularySize || !description.SpecialTokens.SequenceEqual(SpecialTokens))
            throw new CheckpointException($"checkpoint tokenizer '{description.Kind}' ({description.VocabularySize} tokens) is not this build's {Kind} ({VocabularySize} tokens)");
        return Instance;
    }
}

/// <summary>A tokenizer as stored inside a checkpoint.</summary>
public sealed record TokenizerDescription(string Kind, int VocabularySize, string[] SpecialTokens);
