using SpatialVlm.Perception.Onnx;

namespace SpatialVlm.Perception.Captioning;

/// <summary>
/// Options of <see cref="Florence2RegionCaptioner"/>. Token ids and the repeat rule default to the model's
/// generation_config.json (bos 0, eos 2, decoder start 2, forced BOS 0, no_repeat_ngram_size 3). Decoding is greedy;
/// the reference generate() call uses 3 beams, so outputs can differ slightly from the model card's.
/// </summary>
public sealed record Florence2Options
{
    /// <summary>Default: dense region captions (short descriptions, like FlexCap's).</summary>
    public Florence2Task Task { get; init; } = Florence2Task.DenseRegionCaption;
    /// <summary>Generated tokens at most, EOS included (default 1024, as the model card's examples).</summary>
    public int MaxNewTokens { get; init; } = 1024;
    /// <summary>An n-gram of this size is never generated twice (0 turns the rule off). Default 3.</summary>
    public int NoRepeatNgramSize { get; init; } = 3;
    /// <summary>The first generated token is forced to this id (null: not forced). Default 0 (BOS).</summary>
    public int? ForcedBosTokenId { get; init; } = 0;
    /// <summary>The decoder's first input token. Default 2.</summary>
    public int DecoderStartTokenId { get; init; } = 2;
    /// <summary>Generation stops after this token. Default 2; must be the tokenizer's EOS.</summary>
    public int EosTokenId { get; init; } = 2;
    /// <summary>Attention heads and head size of the past key/values, used only when the graph leaves them dynamic (base: 12 × 64).</summary>
    public int Heads { get; init; } = 12;
    public int HeadDim { get; init; } = 64;
    public OnnxSessionOptions Session { get; init; } = new();
}
