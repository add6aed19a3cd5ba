namespace SpatialVlm.Model;

/// <summary>
/// A tokenizer with the special tokens the chat format needs. Chat format:
/// &lt;bos&gt;&lt;user&gt;&lt;image&gt;×N question&lt;assistant&gt;answer&lt;eos&gt;; the loss covers the answer and its &lt;eos&gt;.
/// Implementations: ByteTokenizer (default) and BpeVlmTokenizer (vocab.json + merges.txt). Saved inside checkpoints.
/// </summary>
public abstract class VlmTokenizer
{
    /// <summary>Label the loss ignores.</summary>
    public const long IgnoredLabel = -100;
    public static readonly IReadOnlyList<string> SpecialTokenNames = ["<pad>", "<bos>", "<eos>", "<image>", "<user>", "<assistant>"];

    public abstract int VocabularySize { get; }
    public abstract int PadId { get; }
    public abstract int BosId { get; }
    public abstract int EosId { get; }
    public abstract int ImageId { get; }
    public abstract int UserId { get; }
    public abstract int AssistantId { get; }

    /// <summary>Ids of plain text (no special tokens are recognized in it).</summary>
    public abstract int[] EncodeText(string text);

    /// <summary>Text of the ids up to the first &lt;eos&gt;, special tokens dropped.</summary>
    public abstract string Decode(IEnumerable<int> ids);

    /// <summary>Everything a checkpoint needs to rebuild this tokenizer.</summary>
    public abstract TokenizerDescription Describe();

    /// <summary>The prompt up to and including &lt;assistant&gt;, with imageTokenCount &lt;image&gt; placeholders.</summary>
    public int[] EncodePrompt(string question, int imageTokenCount)
    {
        var text = EncodeText(question);
        var ids = new int[3 + imageTokenCount + text.Length];
        ids[0] = BosId;
        ids[1] = UserId;
        Array.Fill(ids, ImageId, 2, imageTokenCount);
        text.CopyTo(ids, 2 + imageTokenCount);
        ids[^1] = AssistantId;
        return ids;
    }

    /// <summary>The answer's tokens as the model must produce them, then &lt;eos&gt;.</summary>
    public int[] EncodeAnswer(string answer) => [.. EncodeText(answer), EosId];

    /// <summary>The tokenizer a checkpoint describes, or a CheckpointException when this build cannot provide it.</summary>
    public static VlmTokenizer FromDescription(TokenizerDescription description) => description.Kind switch
    {
        ByteTokenizer.Kind => ByteTokenizer.FromDescription(description),
        BpeVlmTokenizer.Kind => BpeVlmTokenizer.FromDescription(description),
        _ => throw new CheckpointException($"checkpoint tokenizer '{description.Kind}' is not one this build knows ({ByteTokenizer.Kind}, {BpeVlmTokenizer.Kind})"),
    };

    /// <summary>Throws a one-line ModelException when a model configuration does not fit this tokenizer.</summary>
    public void RequireFits(VlmConfig config)
    {
        if (config.Text.VocabSize != VocabularySize || config.ImageTokenId != ImageId)
            throw new ModelException($"model configuration '{config.Name}' (vocabulary {config.Text.VocabSize}, image token {config.ImageTokenId}) does not fit the {Describe().Kind} tokenizer (vocabulary {VocabularySize}, image token {ImageId}); use config.ForTokenizer(tokenizer)");
    }
}

/// <summary>A tokenizer as stored inside a checkpoint; BPE tokenizers carry their vocabulary (JSON) and merges (text).</summary>
public sealed record TokenizerDescription(string Kind, int VocabularySize, string[] SpecialTokens, string? Vocabulary = null, string? Merges = null);
