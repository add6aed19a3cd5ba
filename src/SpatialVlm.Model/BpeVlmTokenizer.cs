using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace SpatialVlm.Model;

/// <summary>
/// Byte-level BPE (GPT-2 / SmolLM2 vocab.json + merges.txt) through Microsoft.ML.Tokenizers' BpeTokenizer, digits split
/// one by one as SmolLM2 does. The six chat special tokens get the ids after the vocabulary. Vocabulary and merges are
/// stored inside checkpoints, so a checkpoint stays self-contained.
/// </summary>
public sealed partial class BpeVlmTokenizer : VlmTokenizer
{
    public const string Kind = "bpe-byte-level-v1";

    // GPT-2's split with single digits (SmolLM2 pre-tokenizes digits individually, so numbers read digit by digit).
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex PreTokenizerPattern();

    private readonly BpeTokenizer bpe;
    private readonly string vocabularyJson;
    private readonly string mergesText;
    private readonly int baseVocabularySize;

    private BpeVlmTokenizer(string vocabularyJson, string mergesText)
    {
        Dictionary<string, int>? vocabulary;
        try { vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(vocabularyJson); }
        catch (JsonException e) { throw new ModelException($"BPE vocabulary is not a JSON object of token → id: {e.Message.Split('\n')[0]}", e); }
        if (vocabulary is null || vocabulary.Count == 0) throw new ModelException("BPE vocabulary is empty");
        var ids = vocabulary.Values.ToHashSet();
        if (ids.Min() != 0 || ids.Max() != vocabulary.Count - 1 || ids.Count != vocabulary.Count)
            throw new ModelException("BPE vocabulary ids must be 0..N-1, each once");
        var merges = mergesText.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal)).ToArray();
        bpe = BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = merges,
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(PreTokenizerPattern(), null),
        });
        this.vocabularyJson = vocabularyJson;
        this.mergesText = mergesText;
        baseVocabularySize = vocabulary.Count;
    }

    /// <summary>From a Hugging Face-style vocab.json and merges.txt.</summary>
    public static BpeVlmTokenizer FromFiles(string vocabularyJsonPath, string mergesPath)
    {
        foreach (var path in new[] { vocabularyJsonPath, mergesPath })
            if (!File.Exists(path)) throw new ModelException($"tokenizer file {path} does not exist");
        return new BpeVlmTokenizer(File.ReadAllText(vocabularyJsonPath), File.ReadAllText(mergesPath));
    }

    public static BpeVlmTokenizer FromText(string vocabularyJson, string mergesText) => new(vocabularyJson, mergesText);

    public override int VocabularySize => baseVocabularySize + SpecialTokenNames.Count;
    public override int PadId => baseVocabularySize;
    public override int BosId => baseVocabularySize + 1;
    public override int EosId => baseVocabularySize + 2;
    public override int ImageId => baseVocabularySize + 3;
    public override int UserId => baseVocabularySize + 4;
    public override int AssistantId => baseVocabularySize + 5;

    public override int[] EncodeText(string text) => [.. bpe.EncodeToIds(text)];

    public override string Decode(IEnumerable<int> ids) => bpe.Decode(ids.TakeWhile(id => id != EosId).Where(id => id >= 0 && id < baseVocabularySize)) ?? "";

    public override TokenizerDescription Describe() => new(Kind, VocabularySize, [.. SpecialTokenNames], vocabularyJson, mergesText);

    public static new BpeVlmTokenizer FromDescription(TokenizerDescription description)
    {
        if (description.Kind != Kind || description.Vocabulary is null || description.Merges is null)
            throw new CheckpointException($"checkpoint tokenizer '{description.Kind}' lacks its BPE vocabulary or merges");
        BpeVlmTokenizer tokenizer;
        try { tokenizer = new BpeVlmTokenizer(description.Vocabulary, description.Merges); }
        catch (ModelException e) { throw new CheckpointException($"checkpoint tokenizer: {e.Message}", e); }
        if (tokenizer.VocabularySize != description.VocabularySize || !description.SpecialTokens.SequenceEqual(SpecialTokenNames))
            throw new CheckpointException($"checkpoint tokenizer has {tokenizer.VocabularySize} tokens, its manifest says {description.VocabularySize}");
        return tokenizer;
    }
}
