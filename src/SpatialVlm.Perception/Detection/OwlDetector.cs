using SpatialVlm.Perception.Batching;
using SpatialVlm.Core;
using SpatialVlm.Perception.Clip;
using SpatialVlm.Perception.Models;
using SpatialVlm.Perception.Onnx;
using SpatialVlm.Perception.Photo;

namespace SpatialVlm.Perception.Detectors;

/// <summary>
/// OWLv2 / OWL-ViT over ONNX Runtime (one graph: pixel_values [B,3,S,S], input_ids int64 [Q,16], attention_mask
/// [Q,16] -> logits [B,P,Q], pred_boxes [B,P,4] cx,cy,w,h). All queries go in one call; images are batched up to
/// MaxBatch. Every (patch, query) pair above the score threshold is a candidate, then class-aware NMS; boxes are in
/// original image pixels. One shared session; thread-safe.
/// </summary>
public sealed class OwlDetector : IObjectDetector
{
    private readonly OnnxModel model;
    public OwlExport Export { get; }
    public DetectorOptions Options { get; }
    public ClipTokenizer Tokenizer { get; }
    public string Name => Export.Name;

    /// <param name="tokenizer">CLIP tokenizer with MaxLength 16 (<see cref="OwlExport.QueryTokens"/>).</param>
    public OwlDetector(string modelPath, ClipTokenizer tokenizer, OwlExport export, DetectorOptions? options = null)
    {
        Export = export;
        Options = options ?? new DetectorOptions();
        Options.Validate();
        if (tokenizer.MaxLength != OwlExport.QueryTokens)
            throw new SpatialVlmException($"OWL queries take a CLIP tokenizer of max length {OwlExport.QueryTokens}, got {tokenizer.MaxLength}");
        Tokenizer = tokenizer;
        model = OnnxModel.Open(modelPath, Options.Session,
            [("pixel_values", typeof(float)), ("input_ids", typeof(long)), ("attention_mask", typeof(long))],
            [("logits", typeof(float)), ("pred_boxes", typeof(float))]);
        try
        {
            DetectorSignature.OnlyInputs(model, export.Name, "pixel_values", "input_ids", "attention_mask");
            DetectorSignature.ImageSize(model, "pixel_values", export.ImageSize, export.Name);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Opens a registered OWL model (graph onnx/*.onnx plus vocab.json/merges.txt); one-line error naming `models pull` when missing.</summary>
    public static OwlDetector Open(ModelStore store, string name, DetectorOptions? options = null)
    {
        var folder = store.Require(name, ModelRole.Detector);
        var entry = store.Find(name);
        var export = OwlExport.All.FirstOrDefault(e => e.Name == entry.Export)
            ?? throw new SpatialVlmException($"model '{name}' ({entry.Export}) is not an OWL export; use one of: {string.Join(", ", OwlExport.All.Select(e => e.Name))}");
        var onnx = entry.Files.First(f => f.Path.EndsWith(".onnx", StringComparison.Ordinal));
        return new OwlDetector(store.FilePath(entry, onnx), ClipTokenizer.Load(folder, OwlExport.QueryTokens), export, options);
    }

    /// <summary>input_ids and attention_mask [Q,16]: BOS, tokens, EOS (truncated to 16 keeping EOS), then pad id 0 with mask 0.</summary>
    public static (long[] Ids, long[] Mask) EncodeQueries(ClipTokenizer tokenizer, IReadOnlyList<string> queries)
    {
        TextQueries.Check(queries);
        const int L = OwlExport.QueryTokens;
        var ids = new long[queries.Count * L];
        var mask = new long[queries.Count * L];
        for (int q = 0; q < queries.Count; q++)
        {
            var t = tokenizer.Encode(queries[q]);
            for (int i = 0; i < t.Length; i++) { ids[q * L + i] = t[i]; mask[q * L + i] = 1; }
        }
        return (ids, mask);
    }

    public IReadOnlyList<Detection> Detect(RgbImage image, IReadOnlyList<string> queries) => Detect([image], queries)[0];

    /// <summary>Detections per image, in order; images are batched up to MaxBatch per call.</summary>
    public IReadOnlyList<IReadOnlyList<Detection>> Detect(IReadOnlyList<RgbImage> images, IReadOnlyList<string> queries)
    {
        var (ids, mask) = EncodeQueries(Tokenizer, queries);
        int q = queries.Count, s = Export.ImageSize, per = 3 * s * s;
        var results = new IReadOnlyList<Detection>[images.Count];
        foreach (var chunk in Enumerable.Range(0, images.Count).Chunk(Options.MaxBatch))
        {
            var pixels = new float[chunk.Length * per];
            PerImageParallel.For(chunk.Length, b => Export.Preprocess(images[chunk[b]], pixels.AsSpan(b * per, per)));
            var outputs = model.Run([
                OnnxInput.Of("pixel_values", pixels, chunk.Length, 3, s, s),
                OnnxInput.Of("input_ids", ids, q, OwlExport.QueryTokens),
                OnnxInput.Of("attention_mask", mask, q, OwlExport.QueryTokens),
            ], "logits", "pred_boxes");
            var (logits, boxes) = (outputs[0], outputs[1]);
            int patches = logits.Shape.Length == 3 ? logits.Shape[1] : -1;
            DetectorSignature.OutputShape(model, "logits", logits, chunk.Length, patches, q);
            DetectorSignature.OutputShape(model, "pred_boxes", boxes, chunk.Length, patches, 4);
            for (int b = 0; b < chunk.Length; b++)
            {
                results[chunk[b]] = DetectorCpuStages.OwlImage(Export, images[chunk[b]], queries,
                    logits.Data.AsSpan(b * patches * q, patches * q), boxes.Data.AsSpan(b * patches * 4, patches * 4), patches, Options);
            }
        }
        return results;
    }

    public void Dispose() => model.Dispose();
}
