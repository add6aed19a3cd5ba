using SpatialVlm.Perception.Batching;
using SpatialVlm.Core;
using SpatialVlm.Perception.Models;
using SpatialVlm.Perception.Onnx;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Perception.Preprocessing;

namespace SpatialVlm.Perception.Detectors;

/// <summary>
/// Grounding DINO over ONNX Runtime (onnx-community/grounding-dino-tiny-ONNX): pixel_values [B,3,H,W], pixel_mask
/// int64 [B,H,W] (ones), input_ids / attention_mask / token_type_ids int64 [B,L] -> logits [B,900,256] over token
/// positions, pred_boxes [B,900,4] cx,cy,w,h normalised to the image. Images: shortest edge 800, longest ≤ 1333,
/// bilinear, ImageNet mean/std; images of the same input size are batched. Text: the lowercased phrases, each ending
/// with ".", BERT WordPiece; more phrases than fit 256 tokens run as several prompts. One shared session; thread-safe.
/// </summary>
public sealed class GroundingDinoDetector : IObjectDetector
{
    /// <summary>Token positions the model scores (its max_text_len).</summary>
    public const int TextSlots = 256;
    private static readonly string[] Inputs = ["pixel_values", "pixel_mask", "input_ids", "attention_mask", "token_type_ids"];
    private readonly OnnxModel model;
    public GroundingDinoOptions Options { get; }
    public WordPieceTokenizer Tokenizer { get; }
    public string Name => "grounding-dino";

    public GroundingDinoDetector(string modelPath, WordPieceTokenizer tokenizer, GroundingDinoOptions? options = null)
    {
        Options = options ?? new GroundingDinoOptions();
        Options.Validate();
        Tokenizer = tokenizer;
        model = OnnxModel.Open(modelPath, Options.Session,
            [("pixel_values", typeof(float)), ("pixel_mask", typeof(long)), ("input_ids", typeof(long)), ("attention_mask", typeof(long)), ("token_type_ids", typeof(long))],
            [("logits", typeof(float)), ("pred_boxes", typeof(float))]);
        try
        {
            DetectorSignature.OnlyInputs(model, Name, Inputs);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Opens a registered Grounding DINO model (onnx/*.onnx plus vocab.txt); one-line error naming `models pull` when missing.</summary>
    public static GroundingDinoDetector Open(ModelStore store, string name, GroundingDinoOptions? options = null)
    {
        var folder = store.Require(name, ModelRole.Detector);
        var entry = store.Find(name);
        if (entry.Export != "grounding-dino") throw new SpatialVlmException($"model '{name}' ({entry.Export}) is not a Grounding DINO export");
        var onnx = entry.Files.First(f => f.Path.EndsWith(".onnx", StringComparison.Ordinal));
        return new GroundingDinoDetector(store.FilePath(entry, onnx), WordPieceTokenizer.Load(Path.Combine(folder, "vocab.txt")), options);
    }

    /// <summary>Network input (height, width) for an image.</summary>
    public static (int Height, int Width) InputSize(int height, int width) => DetectorInputSize.ShortestEdgeCapped(height, width);

    /// <summary>Writes the image's normalised [3,ih,iw] input into dst (bilinear, ImageNet mean/std).</summary>
    public static void Preprocess(RgbImage image, int ih, int iw, Span<float> dst) =>
        ImageTensor.ResizeNormalize(image, ih, iw, ResampleFilter.Bilinear, ChannelNormalization.ImageNet, dst);

    public IReadOnlyList<Detection> Detect(RgbImage image, IReadOnlyList<string> queries) => Detect([image], queries)[0];

    /// <summary>Detections per image, in order.</summary>
    public IReadOnlyList<IReadOnlyList<Detection>> Detect(IReadOnlyList<RgbImage> images, IReadOnlyList<string> queries)
    {
        TextQueries.Check(queries);
        var prompts = GroundingDinoPrompt.Build(Tokenizer, queries, TextSlots);
        var candidates = images.Select(_ => new List<Detection>()).ToArray();
        var groups = Enumerable.Range(0, images.Count).GroupBy(i => InputSize(images[i].Height, images[i].Width));
        foreach (var group in groups)
            foreach (var chunk in group.Chunk(Options.MaxBatch))
            {
                var (ih, iw) = group.Key;
                int per = 3 * ih * iw, batch = chunk.Length;
                var pixels = new float[batch * per];
                PerImageParallel.For(batch, b => Preprocess(images[chunk[b]], ih, iw, pixels.AsSpan(b * per, per)));
                var pixelMask = new long[batch * ih * iw];
                Array.Fill(pixelMask, 1L);
                foreach (var prompt in prompts)
                    RunPrompt(images, chunk, prompt, queries, pixels, pixelMask, ih, iw, candidates);
            }
        return candidates.Select(c => (IReadOnlyList<Detection>)ClassAwareNms.Apply(c, Options.NmsIouThreshold, Options.MaxDetections)).ToArray();
    }

    private void RunPrompt(IReadOnlyList<RgbImage> images, int[] chunk, GroundingDinoPrompt prompt, IReadOnlyList<string> queries,
        float[] pixels, long[] pixelMask, int ih, int iw, List<Detection>[] candidates)
    {
        int batch = chunk.Length, len = prompt.InputIds.Length;
        var ids = new long[batch * len];
        for (int b = 0; b < batch; b++) prompt.InputIds.CopyTo(ids, b * len);
        var ones = new long[batch * len];
        Array.Fill(ones, 1L);
        var outputs = model.Run([
            OnnxInput.Of("pixel_values", pixels, batch, 3, ih, iw),
            OnnxInput.Of("pixel_mask", pixelMask, batch, ih, iw),
            OnnxInput.Of("input_ids", ids, batch, len),
            OnnxInput.Of("attention_mask", ones, batch, len),
            OnnxInput.Of("token_type_ids", new long[batch * len], batch, len),
        ], "logits", "pred_boxes");
        var (logits, boxes) = (outputs[0], outputs[1]);
        if (logits.Shape.Length != 3 || logits.Shape[2] < len)
            throw new SpatialVlmException($"{model.Path}: 'logits' has shape [{string.Join(",", logits.Shape)}], expected [{batch},N,≥{len}] (one slot per token)");
        int n = logits.Shape[1], slots = logits.Shape[2];
        DetectorSignature.OutputShape(model, "logits", logits, batch, n, slots);
        DetectorSignature.OutputShape(model, "pred_boxes", boxes, batch, n, 4);
        for (int b = 0; b < batch; b++)
        {
            var image = images[chunk[b]];
            candidates[chunk[b]].AddRange(DetectorPostprocessing.GroundingDinoCandidates(
                logits.Data.AsSpan(b * n * slots, n * slots), boxes.Data.AsSpan(b * n * 4, n * 4), n, slots,
                prompt.Spans, queries, prompt.FirstPhrase, Options.ScoreThreshold, Options.TextThreshold, image.Width, image.Height));
        }
    }

    public void Dispose() => model.Dispose();
}
