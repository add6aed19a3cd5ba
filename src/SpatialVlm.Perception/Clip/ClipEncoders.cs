using SpatialVlm.Perception.Batching;
using SpatialVlm.Core;
using SpatialVlm.Perception.Models;
using SpatialVlm.Perception.Onnx;
using SpatialVlm.Perception.Preprocessing;

namespace SpatialVlm.Perception.Clip;

/// <summary>Embedding helpers shared by the CLIP encoders.</summary>
public static class Embeddings
{
    /// <summary>Splits a [B,D] output into B unit-length rows.</summary>
    public static float[][] NormalizedRows(OnnxOutput output, string path, string name)
    {
        if (output.Shape.Length != 2) throw new SpatialVlmException($"{path}: '{name}' has shape [{string.Join(",", output.Shape)}], expected [B,D]");
        int b = output.Shape[0], d = output.Shape[1];
        var rows = new float[b][];
        for (int i = 0; i < b; i++)
        {
            var row = output.Data.AsSpan(i * d, d).ToArray();
            double norm = Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares<float>(row));
            if (!(norm > 0)) throw new SpatialVlmException($"{path}: '{name}' row {i} is all zero");
            for (int j = 0; j < d; j++) row[j] = (float)(row[j] / norm);
            rows[i] = row;
        }
        return rows;
    }
}

/// <summary>
/// CLIP text tower (Xenova/clip-vit-base-patch32 onnx/text_model.onnx): input_ids int64 [B,L] (+ attention_mask when the
/// graph declares it) -> text_embeds [B,D]. Texts of a batch are padded with the pad id (EOS) to the longest.
/// Returns unit-length embeddings.
/// </summary>
public sealed class ClipTextEncoder : IDisposable, SpatialVlm.Perception.Photo.ITextEmbedder
{
    private readonly OnnxModel model;
    public ClipTokenizer Tokenizer { get; }

    public ClipTextEncoder(string modelPath, ClipTokenizer tokenizer, OnnxSessionOptions? session = null)
    {
        Tokenizer = tokenizer;
        model = OnnxModel.Open(modelPath, session ?? new(), [("input_ids", typeof(long))], [("text_embeds", typeof(float))]);
    }

    /// <summary>The registered text model: ONNX graph plus vocab.json/merges.txt in the same model folder.</summary>
    public static ClipTextEncoder Open(ModelStore store, string name = "clip-vit-base-patch32-text", OnnxSessionOptions? session = null)
    {
        var folder = store.Require(name, ModelRole.ClipText);
        return new ClipTextEncoder(Path.Combine(folder, "onnx", "text_model.onnx"), ClipTokenizer.Load(folder), session);
    }

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        if (texts.Count == 0) return [];
        var tokens = texts.Select(Tokenizer.Encode).ToArray();
        int len = tokens.Max(t => t.Length);
        var ids = new long[texts.Count * len];
        var mask = new long[texts.Count * len];
        for (int b = 0; b < tokens.Length; b++)
            for (int i = 0; i < len; i++)
            {
                ids[b * len + i] = i < tokens[b].Length ? tokens[b][i] : Tokenizer.Pad;
                mask[b * len + i] = i < tokens[b].Length ? 1 : 0;
            }
        var inputs = new List<OnnxInput> { OnnxInput.Of("input_ids", ids, texts.Count, len) };
        if (model.HasInput("attention_mask")) inputs.Add(OnnxInput.Of("attention_mask", mask, texts.Count, len));
        return Embeddings.NormalizedRows(model.Run(inputs, "text_embeds")[0], model.Path, "text_embeds");
    }

    public void Dispose() => model.Dispose();
}

/// <summary>
/// CLIP image tower (onnx/vision_model.onnx): pixel_values [B,3,224,224] -> image_embeds [B,D]. Preprocessing: shortest
/// edge to 224 bicubic, centre crop 224², /255, CLIP mean/std. Returns unit-length embeddings; thread-safe.
/// </summary>
public sealed class ClipImageEncoder : IDisposable
{
    public const int Size = 224;
    private readonly OnnxModel model;
    public int MaxBatch { get; }

    public ClipImageEncoder(string modelPath, int maxBatch = 8, OnnxSessionOptions? session = null)
    {
        if (maxBatch < 1) throw new SpatialVlmException($"CLIP batch size must be at least 1, got {maxBatch}");
        MaxBatch = maxBatch;
        model = OnnxModel.Open(modelPath, session ?? new(), [("pixel_values", typeof(float))], [("image_embeds", typeof(float))]);
    }

    public static ClipImageEncoder Open(ModelStore store, string name = "clip-vit-base-patch32-vision", int maxBatch = 8, OnnxSessionOptions? session = null)
    {
        var folder = store.Require(name, ModelRole.ClipVision);
        return new ClipImageEncoder(Path.Combine(folder, "onnx", "vision_model.onnx"), maxBatch, session);
    }

    /// <summary>Writes the normalised 3×224×224 input of one image into dst.</summary>
    public static void Preprocess(RgbImage image, Span<float> dst)
    {
        var (rh, rw) = NetworkInputSize.ShortestEdge(image.Height, image.Width, Size);
        ImageTensor.ResizeCropNormalize(image, rh, rw, (rh - Size) / 2, (rw - Size) / 2, Size, Size, ResampleFilter.Bicubic, ChannelNormalization.Clip, dst);
    }

    public float[][] Embed(IReadOnlyList<RgbImage> images)
    {
        var result = new List<float[]>(images.Count);
        const int per = 3 * Size * Size;
        foreach (var chunk in images.Chunk(MaxBatch))
        {
            var input = new float[chunk.Length * per];
            PerImageParallel.For(chunk.Length, b => Preprocess(chunk[b], input.AsSpan(b * per, per)));
            var output = model.Run([OnnxInput.Of("pixel_values", input, chunk.Length, 3, Size, Size)], "image_embeds")[0];
            result.AddRange(Embeddings.NormalizedRows(output, model.Path, "image_embeds"));
        }
        return result.ToArray();
    }

    public void Dispose() => model.Dispose();
}
