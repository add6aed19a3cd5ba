using SpatialVlm.Core;
using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Models;
using SpatialVlm.Perception.Onnx;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Perception.Preprocessing;

namespace SpatialVlm.Perception.Captioning;

/// <summary>
/// Florence-2 region captions over ONNX Runtime (onnx-community/Florence-2-base-ft, transformers.js layout): the photo
/// squashed to 768² bicubic with ImageNet mean/std → onnx/vision_encoder.onnx (pixel_values → image_features [1,N,D]);
/// the task's sentence tokenized (tokenizer.json, BOS … EOS) → onnx/embed_tokens.onnx (input_ids → inputs_embeds);
/// onnx/encoder_model.onnx over [image features; prompt embeddings] with an all-ones attention_mask →
/// last_hidden_state; greedy generation over onnx/decoder_model_merged.onnx; the tokens decoded with their
/// &lt;loc_N&gt; tokens and parsed by <see cref="Florence2RegionText"/> into boxes in original pixels. One image at a
/// time; thread-safe (sessions are, and all state of a call is local).
/// </summary>
public sealed class Florence2RegionCaptioner : IRegionCaptioner
{
    public const int ImageSize = 768;
    private readonly OnnxModel vision, embedTokens, encoder;
    private readonly Florence2MergedDecoder decoder;
    private readonly int[] promptIds;
    private readonly float[] promptEmbeds;
    private readonly int hidden;

    public string Name { get; }
    public Florence2Options Options { get; }
    public ByteLevelBpeTokenizer Tokenizer { get; }
    /// <summary>Decoder layers, read from the merged decoder's declared past_key_values inputs.</summary>
    public int DecoderLayers => decoder.Layers;
    /// <summary>The task prompt's token ids (BOS … EOS) the encoder reads after the image features.</summary>
    public IReadOnlyList<int> PromptIds => promptIds;

    /// <summary>Opens the four graphs under folder/onnx/ and folder/tokenizer.json (the repository layout); a wrong graph is a one-line error.</summary>
    public Florence2RegionCaptioner(string folder, Florence2Options? options = null, string name = "florence-2")
    {
        Options = options ?? new Florence2Options();
        if (Options.MaxNewTokens < 1) throw new SpatialVlmException($"Florence-2 max new tokens must be at least 1, got {Options.MaxNewTokens}");
        if (Options.NoRepeatNgramSize < 0) throw new SpatialVlmException($"Florence-2 no-repeat n-gram size must be 0 (off) or positive, got {Options.NoRepeatNgramSize}");
        Name = $"{name} {Options.Task.Token()}";
        Tokenizer = ByteLevelBpeTokenizer.Load(Path.Combine(folder, "tokenizer.json"));
        if (Tokenizer.Eos != Options.EosTokenId)
            throw new SpatialVlmException($"{folder}: the tokenizer's EOS is {Tokenizer.Eos}, but generation stops at {Options.EosTokenId}");
        string Graph(string file) => Path.Combine(folder, "onnx", file);
        var opened = new List<IDisposable>();
        try
        {
            vision = Track(OnnxModel.Open(Graph("vision_encoder.onnx"), Options.Session, [("pixel_values", typeof(float))], [("image_features", typeof(float))]));
            DetectorSignature.OnlyInputs(vision, "the Florence-2 vision encoder", "pixel_values");
            DetectorSignature.ImageSize(vision, "pixel_values", ImageSize, "the Florence-2 vision encoder");
            embedTokens = Track(OnnxModel.Open(Graph("embed_tokens.onnx"), Options.Session, [("input_ids", typeof(long))], [("inputs_embeds", typeof(float))]));
            DetectorSignature.OnlyInputs(embedTokens, "the Florence-2 token embedding", "input_ids");
            encoder = Track(OnnxModel.Open(Graph("encoder_model.onnx"), Options.Session,
                [("inputs_embeds", typeof(float)), ("attention_mask", typeof(long))], [("last_hidden_state", typeof(float))]));
            DetectorSignature.OnlyInputs(encoder, "the Florence-2 encoder", "inputs_embeds", "attention_mask");
            decoder = Track(Florence2MergedDecoder.Open(Graph("decoder_model_merged.onnx"), Options));
            promptIds = Tokenizer.Encode(Options.Task.Prompt());
            var embeds = Embed(promptIds);
            hidden = embeds.Shape[2];
            promptEmbeds = embeds.Data;
        }
        catch
        {
            foreach (var d in opened) d.Dispose();
            throw;
        }
        T Track<T>(T d) where T : IDisposable { opened.Add(d); return d; }
    }

    /// <summary>The registered model; a missing download is a one-line error naming `models pull`.</summary>
    public static Florence2RegionCaptioner Open(ModelStore store, string name = "florence-2-base-ft", Florence2Options? options = null) =>
        new(store.Require(name, ModelRole.Captioner), options, name);

    /// <summary>Writes the normalised 3×768×768 input of one image into dst (squash, bicubic, ImageNet mean/std).</summary>
    public static void Preprocess(RgbImage image, Span<float> dst) =>
        ImageTensor.ResizeNormalize(image, ImageSize, ImageSize, ResampleFilter.Bicubic, ChannelNormalization.ImageNet, dst);

    public IReadOnlyList<RegionCaption> Propose(RgbImage image) => Florence2RegionText.Parse(GenerateText(image), image.Width, image.Height);

    /// <summary>The generated text with its special tokens ("&lt;/s&gt;&lt;s&gt;car&lt;loc_53&gt;…&lt;/s&gt;").</summary>
    public string GenerateText(RgbImage image) => Tokenizer.Decode(GenerateIds(image));

    /// <summary>The generated token ids, starting with the decoder start token.</summary>
    public IReadOnlyList<int> GenerateIds(RgbImage image)
    {
        var pixels = new float[3 * ImageSize * ImageSize];
        Preprocess(image, pixels);
        var features = vision.Run([OnnxInput.Of("pixel_values", pixels, 1, 3, ImageSize, ImageSize)], "image_features")[0];
        if (features.Shape.Length != 3 || features.Shape[0] != 1 || features.Shape[2] != hidden)
            throw new SpatialVlmException($"{vision.Path}: 'image_features' has shape [{string.Join(",", features.Shape)}], expected [1,N,{hidden}]");
        int length = features.Shape[1] + promptIds.Length;
        var sequence = new float[length * hidden];
        features.Data.CopyTo(sequence, 0);
        promptEmbeds.CopyTo(sequence, features.Data.Length);
        var mask = new long[length];
        Array.Fill(mask, 1L);
        var states = encoder.Run([OnnxInput.Of("inputs_embeds", sequence, 1, length, hidden), OnnxInput.Of("attention_mask", mask, 1, length)], "last_hidden_state")[0];
        DetectorSignature.OutputShape(encoder, "last_hidden_state", states, 1, length, hidden);
        return decoder.Generate(states.Data, length, hidden, id => Embed([id]).Data, Options);
    }

    /// <summary>embed_tokens over one sequence of ids: [1, n, D].</summary>
    private OnnxOutput Embed(int[] ids)
    {
        var output = embedTokens.Run([OnnxInput.Of("input_ids", ids.Select(i => (long)i).ToArray(), 1, ids.Length)], "inputs_embeds")[0];
        if (output.Shape.Length != 3 || output.Shape[0] != 1 || output.Shape[1] != ids.Length || output.Shape[2] < 1)
            throw new SpatialVlmException($"{embedTokens.Path}: 'inputs_embeds' has shape [{string.Join(",", output.Shape)}], expected [1,{ids.Length},D]");
        return output;
    }

    public void Dispose()
    {
        decoder.Dispose();
        encoder.Dispose();
        embedTokens.Dispose();
        vision.Dispose();
    }
}
