using System.Text;

namespace SpatialVlm.Model;

/// <summary>Byte-level tokenizer: ids 0–255 are the UTF-8 bytes, then the six special tokens. Numbers are plain text.</summary>
public sealed class ByteTokenizer : VlmTokenizer
{
    public const string Kind = "byte-level-v1";
    public const int Pad = 256;
    public const int Bos = 257;
    public const int Eos = 258;
    public const int Image = 259;
    public const int User = 260;
    public const int Assistant = 261;
    public static int Size => 256 + SpecialTokenNames.Count;

    public static ByteTokenizer Instance { get; } = new();

    private ByteTokenizer() { }

    public override int VocabularySize => Size;
    public override int PadId => Pad;
    public override int BosId => Bos;
    public override int EosId => Eos;
    public override int ImageId => Image;
    public override int UserId => User;
    public override int AssistantId => Assistant;

    public override int[] EncodeText(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var ids = new int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) ids[i] = bytes[i];
        return ids;
    }

    /// <summary>Invalid UTF-8 (a cut multi-byte character) becomes U+FFFD.</summary>
    public override string Decode(IEnumerable<int> ids)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (id == Eos) break;
            if (id is >= 0 and < 256) bytes.Add((byte)id);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    public override TokenizerDescription Describe() => new(Kind, Size, [.. SpecialTokenNames]);

    public static new ByteTokenizer FromDescription(TokenizerDescription description)
    {
        if (description.Kind != Kind || description.VocabularySize != Size || !description.SpecialTokens.SequenceEqual(SpecialTokenNames))
            throw new CheckpointException($"checkpoint tokenizer '{description.Kind}' ({description.VocabularySize} tokens) is not this build's {Kind} ({Size} tokens)");
        return Instance;
    }
}
