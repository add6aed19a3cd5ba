using System.Text.Json.Serialization;

namespace SpatialVlm.Model;

/// <summary>The ViT image encoder (SigLIP shape as in Idefics3/SmolVLM): square images cut into square patches.</summary>
public sealed record VisionConfig(
    int ImageSize,
    int PatchSize,
    int HiddenSize,
    int Layers,
    int Heads,
    int MlpSize,
    double LayerNormEps = 1e-6)
{
    [JsonIgnore] public int PatchesPerSide => ImageSize / PatchSize;
    [JsonIgnore] public int PatchCount => PatchesPerSide * PatchesPerSide;
}

/// <summary>The connector: pixel shuffle (space-to-depth by ScaleFactor on the patch grid), then a linear projection.</summary>
public sealed record ConnectorConfig(int ScaleFactor);

/// <summary>The Llama-style decoder.</summary>
public sealed record TextConfig(
    int VocabSize,
    int HiddenSize,
    int Layers,
    int Heads,
    int KeyValueHeads,
    int IntermediateSize,
    double RopeTheta,
    int MaxPositions,
    double RmsNormEps = 1e-5)
{
    [JsonIgnore] public int HeadDim => HiddenSize / Heads;
}

/// <summary>
/// A whole model's shape. Presets: nano, micro, small (CPU-trainable to increasingly slow degrees), smolvlm-256m and
/// smolvlm-500m (GPU-meant shapes). ImageTokenId is the id of the &lt;image&gt; placeholder whose embeddings the
/// connector's outputs replace (the byte tokenizer's by default; ForTokenizer fits another tokenizer).
/// </summary>
public sealed record VlmConfig(string Name, VisionConfig Vision, ConnectorConfig Connector, TextConfig Text, int ImageTokenId = ByteTokenizer.Image)
{
    /// <summary>This shape with the vocabulary and image token of another tokenizer.</summary>
    public VlmConfig ForTokenizer(VlmTokenizer tokenizer) =>
        this with { Text = Text with { VocabSize = tokenizer.VocabularySize }, ImageTokenId = tokenizer.ImageId };

    /// <summary>Image tokens each image occupies in the prompt: patches / scale².</summary>
    [JsonIgnore] public int ImageTokenCount => Vision.PatchCount / (Connector.ScaleFactor * Connector.ScaleFactor);

    public static IReadOnlyList<string> PresetNames { get; } = ["nano", "micro", "small", "smolvlm-256m", "smolvlm-500m"];

    /// <summary>A named preset with the byte tokenizer's vocabulary.</summary>
    public static VlmConfig Preset(string name)
    {
        var vocab = ByteTokenizer.Size;
        var config = name.Trim().ToLowerInvariant() switch
        {
            // 1.75M parameters: 64 px images, 8x8 patches → 64 patches → 16 image tokens.
            "nano" => new VlmConfig("nano",
                new VisionConfig(ImageSize: 64, PatchSize: 8, HiddenSize: 128, Layers: 4, Heads: 4, MlpSize: 512),
                new ConnectorConfig(ScaleFactor: 2),
                new TextConfig(vocab, HiddenSize: 128, Layers: 4, Heads: 4, KeyValueHeads: 2, IntermediateSize: 384, RopeTheta: 10_000, MaxPositions: 256)),
            // 10.1M parameters: 128 px, 16 px patches → 64 patches → 16 image tokens.
            "micro" => new VlmConfig("micro",
                new VisionConfig(ImageSize: 128, PatchSize: 16, HiddenSize: 256, Layers: 6, Heads: 4, MlpSize: 1024),
                new ConnectorConfig(ScaleFactor: 2),
                new TextConfig(vocab, HiddenSize: 256, Layers: 6, Heads: 4, KeyValueHeads: 2, IntermediateSize: 768, RopeTheta: 10_000, MaxPositions: 512)),
            // 28M parameters: 256 px, 16 px patches → 256 patches → 64 image tokens.
            "small" => new VlmConfig("small",
                new VisionConfig(ImageSize: 256, PatchSize: 16, HiddenSize: 384, Layers: 8, Heads: 6, MlpSize: 1536),
                new ConnectorConfig(ScaleFactor: 2),
                new TextConfig(vocab, HiddenSize: 384, Layers: 8, Heads: 6, KeyValueHeads: 2, IntermediateSize: 1024, RopeTheta: 10_000, MaxPositions: 1024)),
            // SmolVLM-256M shapes (SigLIP base/16 at 512 px, scale 4 → 64 image tokens; SmolLM2-135M-like decoder): 200M parameters with the byte vocabulary.
            "smolvlm-256m" => new VlmConfig("smolvlm-256m",
                new VisionConfig(ImageSize: 512, PatchSize: 16, HiddenSize: 768, Layers: 12, Heads: 12, MlpSize: 3072),
                new ConnectorConfig(ScaleFactor: 4),
                new TextConfig(vocab, HiddenSize: 576, Layers: 30, Heads: 9, KeyValueHeads: 3, IntermediateSize: 1536, RopeTheta: 100_000, MaxPositions: 8192)),
            // SmolVLM-500M shapes (same encoder, SmolLM2-360M-like decoder): 413M parameters with the byte vocabulary.
            "smolvlm-500m" => new VlmConfig("smolvlm-500m",
                new VisionConfig(ImageSize: 512, PatchSize: 16, HiddenSize: 768, Layers: 12, Heads: 12, MlpSize: 3072),
                new ConnectorConfig(ScaleFactor: 4),
                new TextConfig(vocab, HiddenSize: 960, Layers: 32, Heads: 15, KeyValueHeads: 5, IntermediateSize: 2560, RopeTheta: 100_000, MaxPositions: 8192)),
            _ => throw new ModelException($"unknown model preset '{name}': expected one of {string.Join(", ", PresetNames)}"),
        };
        config.Validate();
        return config;
    }

    /// <summary>Throws a one-line ModelException when the shapes do not fit together.</summary>
    public void Validate()
    {
        void Require(bool ok, string why) { if (!ok) throw new ModelException($"model configuration '{Name}': {why}"); }
        Require(Vision.ImageSize > 0 && Vision.PatchSize > 0 && Vision.ImageSize % Vision.PatchSize == 0, $"image size {Vision.ImageSize} is not a multiple of patch size {Vision.PatchSize}");
        Require(Vision.Heads > 0 && Vision.HiddenSize % Vision.Heads == 0, $"vision hidden size {Vision.HiddenSize} is not divisible by {Vision.Heads} heads");
        Require(Connector.ScaleFactor > 0 && Vision.PatchesPerSide % Connector.ScaleFactor == 0, $"{Vision.PatchesPerSide} patches a side is not divisible by the pixel-shuffle scale {Connector.ScaleFactor}");
        Require(Text.Heads > 0 && Text.HiddenSize % Text.Heads == 0, $"text hidden size {Text.HiddenSize} is not divisible by {Text.Heads} heads");
        Require(Text.HeadDim % 2 == 0, $"text head size {Text.HeadDim} must be even for rotary embeddings");
        Require(Text.KeyValueHeads > 0 && Text.Heads % Text.KeyValueHeads == 0, $"{Text.Heads} query heads are not a multiple of {Text.KeyValueHeads} key/value heads");
        Require(Text.VocabSize > 0 && ImageTokenId >= 0 && ImageTokenId < Text.VocabSize, $"image token {ImageTokenId} lies outside the vocabulary of {Text.VocabSize}");
        Require(Text.MaxPositions > ImageTokenCount + 8, $"{Text.MaxPositions} positions leave no room for text after {ImageTokenCount} image tokens");
        Require(Vision.Layers >= 0 && Text.Layers > 0, "layer counts must be positive");
    }
}
