using SpatialVlm.Core;
using SpatialVlm.Perception.Clip;
using SpatialVlm.Perception.Depth;
using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Perception.Segmentation;
using SpatialVlm.Scenes;

namespace SpatialVlm.Perception.Tests;

/// <summary>One thing a scene-driven detector finds: the query that names it, its pixels, and the logit it scores.</summary>
internal sealed record SceneRegion(string Query, int[] Pixels, float Logit)
{
    /// <summary>The pixels' bounding box (exclusive right/bottom edges).</summary>
    public PixelBox Box(int width) => PixelBox.Bounding(Pixels, width);
}

/// <summary>
/// Tiny ONNX graphs with the published OWLv2, SAM (segment-anything decoder format) and CLIP text signatures whose
/// outputs are driven by known regions (a rendered scene's instance masks, or a fixed box on a real frame), so the
/// real backends' pre- and post-processing run end to end and the chain's result can be checked against truth.
/// Token rows are matched exactly in the graphs: a query or caption the graph does not know gets no detection (OWL)
/// or a bag-of-tokens embedding (CLIP), never another's.
/// </summary>
internal static class SceneDrivenModels
{
    public const int OwlPatches = 3600, OwlSize = 960, SamFrame = 1024;
    private const float Off = DetectionTestModels.Off;

    /// <summary>Metric3D signature (pixel_values [B,3,H,W] → predicted_depth [B,H,W]) whose output is the scene's depth at the network size.</summary>
    public static string Metric3D(RenderedScene scene, string path)
    {
        var obs = scene.ToObservation();
        int w = scene.Width, h = scene.Height;
        var (ih, iw) = DepthExport.Metric3D.InputSize(h, w);
        var k = obs.Intrinsics;
        // Metric3D predicts depth for a camera with f = 1000 px at the network size: raw = meters × 1000 / f_in.
        double fIn = (k.Fx * iw / w + k.Fy * ih / h) / 2;
        var raw = new float[ih * iw];
        for (int v = 0; v < ih; v++)
            for (int u = 0; u < iw; u++)
            {
                int x = Math.Min(w - 1, (int)((u + 0.5) * w / iw)), y = Math.Min(h - 1, (int)((v + 0.5) * h / ih));
                raw[v * iw + u] = (float)(obs.Depth[x, y] * 1000 / fIn);
            }
        return new TinyOnnx()
            .Input("pixel_values", TinyOnnx.Float, "batch", 3, "height", "width")
            .Output("predicted_depth", TinyOnnx.Float, "batch", "height", "width")
            .FloatConstant("zero", [], 0f)
            .FloatConstant("scene_depth", [ih, iw], raw)
            .Node("ReduceMean", ["pixel_values"], ["m"], TinyOnnx.Ints("axes", 1), TinyOnnx.Int("keepdims", 0))
            .Node("Mul", ["m", "zero"], ["z"])
            .Node("Add", ["z", "scene_depth"], ["predicted_depth"])
            .Save(path);
    }

    /// <summary>
    /// A rendered scene's regions: every visible object under its category, logit 2–3 growing with its size (as the
    /// oracle scores), then the floor under "floor" (logit 2).
    /// </summary>
    public static List<SceneRegion> Regions(RenderedScene scene)
    {
        var obs = scene.ToObservation();
        var regions = obs.Objects.Where(o => o.Pixels.Length > 0)
            .Select(o => new SceneRegion(o.Category, o.Pixels, 2f + Math.Min(1f, o.Pixels.Length / 4000f))).ToList();
        if (obs.SupportPixels is { Length: > 0 } floor) regions.Add(new SceneRegion("floor", floor, 2f));
        return regions;
    }

    /// <summary>The tiny CLIP vocabulary (every byte symbol, a few merges) in a folder, and the tokenizer over it.</summary>
    public static ClipTokenizer Tokenizer(string folder, int maxLength = 77)
    {
        if (!File.Exists(Path.Combine(folder, "vocab.json"))) ClipTestModels.WriteTokenizer(folder);
        return ClipTokenizer.Load(folder, maxLength);
    }

    /// <summary>Each text's token ids padded with `pad` to `length`, as floats (ids below 2^24 are exact), row-major [texts, length].</summary>
    internal static float[] TokenTable(ClipTokenizer tokenizer, IReadOnlyList<string> texts, int length, int pad)
    {
        var table = new float[texts.Count * length];
        for (int k = 0; k < texts.Count; k++)
        {
            var ids = tokenizer.Encode(texts[k]);
            for (int i = 0; i < length; i++) table[k * length + i] = i < ids.Length ? ids[i] : pad;
        }
        return table;
    }

    /// <summary>
    /// OWLv2 signature: pixel_values [batch,3,960,960], input_ids / attention_mask int64 [num_queries,16] -> logits
    /// [batch,3600,num_queries], pred_boxes [batch,3600,4]. Region r sits at patch r: its box is (cx, cy, w, h) of the
    /// region's pixel box over the padded square max(W, H), and the logit of its query's column is the region's logit.
    /// A query column is picked by comparing the query's token row with each known query's (one-hot, then MatMul), so
    /// queries the graph does not know score Off everywhere, as do the unused patches.
    /// </summary>
    public static string OwlV2(string path, ClipTokenizer tokenizer, int width, int height, IReadOnlyList<SceneRegion> regions)
    {
        if (regions.Count > OwlPatches) throw new ArgumentException("more regions than patches");
        var known = regions.Select(r => r.Query).Distinct().ToList();
        int k = known.Count;
        var logits = new float[OwlPatches * k];
        Array.Fill(logits, Off);
        var boxes = new float[OwlPatches * 4];
        for (int p = 0; p < OwlPatches; p++) (boxes[4 * p], boxes[4 * p + 1], boxes[4 * p + 2], boxes[4 * p + 3]) = (0.5f, 0.5f, 0.1f, 0.1f);
        float side = Math.Max(width, height);
        for (int r = 0; r < regions.Count; r++)
        {
            var b = regions[r].Box(width);
            logits[r * k + known.IndexOf(regions[r].Query)] = regions[r].Logit;
            (boxes[4 * r], boxes[4 * r + 1], boxes[4 * r + 2], boxes[4 * r + 3]) =
                ((b.X0 + b.X1) / 2 / side, (b.Y0 + b.Y1) / 2 / side, b.Width / side, b.Height / side);
        }
        const int L = OwlExport.QueryTokens;
        return new TinyOnnx()
            .Input("pixel_values", TinyOnnx.Float, "batch_size", 3, OwlSize, OwlSize)
            .Input("input_ids", TinyOnnx.Int64, "num_queries", L)
            .Input("attention_mask", TinyOnnx.Int64, "num_queries", L)
            .Output("logits", TinyOnnx.Float, "batch_size", OwlPatches, "num_queries")
            .Output("pred_boxes", TinyOnnx.Float, "batch_size", OwlPatches, 4)
            .FloatConstant("T", [k, L], TokenTable(tokenizer, known, L, 0))
            .FloatConstant("W", [OwlPatches, k], logits)
            .FloatConstant("boxes", [OwlPatches, 4], boxes)
            .FloatConstant("zero", [], 0f).FloatConstant("one", [], 1f).FloatConstant("off", [], Off)
            .Int64Constant("ax0", [1], 0).Int64Constant("ax1", [1], 1).Int64Constant("ax2", [1], 2).Int64Constant("ax12", [2], 1, 2)
            .Int64Constant("px0", [3], 0, 0, 0).Int64Constant("px1", [3], 1, 1, 1).Int64Constant("ax123", [3], 1, 2, 3)
            .OwlQueryMatch()
            .Node("MatMul", ["W", "Mt"], ["picked"])
            .Node("Add", ["picked", "unknownLogit"], ["pq"]).Node("Unsqueeze", ["pq", "ax0"], ["pq3"])
            // A zero per image from one pixel, so the batch dimension follows pixel_values.
            .Node("Slice", ["pixel_values", "px0", "px1", "ax123"], ["corner"])
            .Node("ReduceMean", ["corner"], ["mean"], TinyOnnx.Ints("axes", 1, 2, 3), TinyOnnx.Int("keepdims", 0))
            .Node("Unsqueeze", ["mean", "ax12"], ["mean3"]).Node("Mul", ["mean3", "zero"], ["zeros"])
            .Node("Add", ["pq3", "zeros"], ["logits"])
            .Node("Add", ["boxes", "zeros"], ["pred_boxes"])
            .Save(path);
    }

    /// <summary>
    /// OWL query columns (needs constants T [known,16], zero, one, off, ax1, ax2): the one-hot match M[q,k] (query q's
    /// tokens equal known query k's row of T), its transpose Mt, and unknownLogit[q], Off for a query matching none.
    /// </summary>
    internal static TinyOnnx OwlQueryMatch(this TinyOnnx g) => g
            .Node("Cast", ["input_ids"], ["ids"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("Unsqueeze", ["ids", "ax1"], ["ids3"])
            .Node("Sub", ["ids3", "T"], ["diff"]).Node("Abs", ["diff"], ["adiff"])
            .Node("ReduceSum", ["adiff", "ax2"], ["dist"], TinyOnnx.Int("keepdims", 0))
            .Node("Equal", ["dist", "zero"], ["same"]).Node("Cast", ["same"], ["M"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("Transpose", ["M"], ["Mt"], TinyOnnx.Ints("perm", 1, 0))
            .Node("ReduceSum", ["M", "ax1"], ["matched"], TinyOnnx.Int("keepdims", 0))
            .Node("Sub", ["one", "matched"], ["unknown"]).Node("Mul", ["unknown", "off"], ["unknownLogit"]);

    /// <summary>
    /// SAM decoder (segment-anything export format, `masks` at orig_im_size): holds every region's mask as logits
    /// ±1 [K,H,W] and answers a box prompt with the region whose box corners, mapped into the 1024 frame as the
    /// segmenter maps them (longest side to 1024), are nearest in L1 to the prompt's two corner points (ArgMin over
    /// Σ|point_coords[0..3] − corners_k|). iou_predictions = 1 − that distance, so a prompt far from every region
    /// reports a low IoU.
    /// </summary>
    public static string SamDecoder(string path, int width, int height, IReadOnlyList<SceneRegion> regions)
    {
        var frame = SegmentationFrame.LongestSide(height, width, SamFrame);
        int k = regions.Count, n = width * height;
        var corners = new float[4 * k];
        var masks = new float[k * n];
        Array.Fill(masks, -1f);
        for (int r = 0; r < k; r++)
        {
            var b = regions[r].Box(width);
            (corners[4 * r], corners[4 * r + 1]) = frame.ToFrame(b.X0, b.Y0);
            (corners[4 * r + 2], corners[4 * r + 3]) = frame.ToFrame(b.X1, b.Y1);
            foreach (var p in regions[r].Pixels) masks[r * n + p] = 1f;
        }
        return SegmentationTestModels.SamDecoderSignature()
            .FloatConstant("corners", [k, 4], corners)
            .FloatConstant("all", [k, height, width], masks)
            .FloatConstant("one", [], 1f)
            .Int64Constant("flat", [1], -1).Int64Constant("s0", [1], 0).Int64Constant("s4", [1], 4)
            .Int64Constant("ax0", [1], 0).Int64Constant("ax1", [1], 1).Int64Constant("row", [2], 1, 1)
            .Node("Reshape", ["point_coords", "flat"], ["pc"])
            .Node("Slice", ["pc", "s0", "s4", "ax0"], ["box"])
            .Node("Sub", ["box", "corners"], ["diff"]).Node("Abs", ["diff"], ["adiff"])
            .Node("ReduceSum", ["adiff", "ax1"], ["dist"], TinyOnnx.Int("keepdims", 0))
            .Node("ArgMin", ["dist"], ["nearest"], TinyOnnx.Int("axis", 0), TinyOnnx.Int("keepdims", 1))
            .Node("Gather", ["all", "nearest"], ["mask"], TinyOnnx.Int("axis", 0))
            .Node("Unsqueeze", ["mask", "ax0"], ["masks"])
            .Node("ReduceMin", ["dist"], ["closest"], TinyOnnx.Int("keepdims", 1))
            .Node("Sub", ["one", "closest"], ["iou"])
            .Node("Reshape", ["iou", "row"], ["iou_predictions"])
            .Save(path);
    }

    /// <summary>The SAM pair for these regions: the NCHW encoder of <see cref="SegmentationTestModels"/> and the region decoder.</summary>
    public static SamBoxSegmenter Sam(string folder, int width, int height, IReadOnlyList<SceneRegion> regions) =>
        new(SegmentationTestModels.SamEncoderNchw(Path.Combine(folder, "encoder.onnx")), SamDecoder(Path.Combine(folder, "decoder.onnx"), width, height, regions));

    /// <summary>
    /// CLIP text signature: input_ids / attention_mask int64 [batch,sequence] -> text_embeds [batch,512]. A text whose
    /// tokens (padded with EOS, as the encoder pads a batch) equal a known caption's gets that caption's row of
    /// `embeddings`; any other text gets the bag of its unmasked tokens over 8 axes (id mod 8, on axes 0–7), which known
    /// rows must avoid.
    /// </summary>
    public static string ClipText(string path, ClipTokenizer tokenizer, IReadOnlyList<string> captions, float[][] embeddings)
    {
        const int L = 77, D = ClipTestModels.Dim;
        int k = captions.Count;
        var e = new float[k * D];
        for (int i = 0; i < k; i++) embeddings[i].CopyTo(e, i * D);
        var bag = new float[8 * D];
        for (int j = 0; j < 8; j++) bag[j * D + j] = 1;
        return new TinyOnnx()
            .Input("input_ids", TinyOnnx.Int64, "batch", "sequence")
            .Input("attention_mask", TinyOnnx.Int64, "batch", "sequence")
            .Output("text_embeds", TinyOnnx.Float, "batch", D)
            .FloatConstant("T", [k, L], TokenTable(tokenizer, captions, L, tokenizer.Pad))
            .FloatConstant("E", [k, D], e)
            .FloatConstant("bag", [8, D], bag)
            .FloatConstant("zero", [], 0f).FloatConstant("one", [], 1f)
            .Int64Constant("eight", [], 8).Int64Constant("s0", [1], 0).Int64Constant("s1", [1], 1).Int64Constant("s2", [1], 2)
            .Int64Constant("ax1", [1], 1).Int64Constant("ax2", [1], 2)
            .Node("Shape", ["input_ids"], ["shape"]).Node("Slice", ["shape", "s1", "s2"], ["len"])
            .Node("Slice", ["T", "s0", "len", "ax1"], ["Tl"])
            .Node("Cast", ["input_ids"], ["ids"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("Unsqueeze", ["ids", "ax1"], ["ids3"])
            .Node("Sub", ["ids3", "Tl"], ["diff"]).Node("Abs", ["diff"], ["adiff"])
            .Node("ReduceSum", ["adiff", "ax2"], ["dist"], TinyOnnx.Int("keepdims", 0))
            .Node("Equal", ["dist", "zero"], ["same"]).Node("Cast", ["same"], ["M"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("MatMul", ["M", "E"], ["knownEmbeds"])
            .Node("ReduceSum", ["M", "ax1"], ["matched"], TinyOnnx.Int("keepdims", 1))
            .Node("Sub", ["one", "matched"], ["unknown"])
            .Node("Mod", ["input_ids", "eight"], ["axis"])
            .Node("Gather", ["bag", "axis"], ["vectors"], TinyOnnx.Int("axis", 0))
            .Node("Cast", ["attention_mask"], ["maskf"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("Unsqueeze", ["maskf", "ax2"], ["mask3"])
            .Node("Mul", ["vectors", "mask3"], ["masked"])
            .Node("ReduceSum", ["masked", "ax1"], ["bagEmbeds"], TinyOnnx.Int("keepdims", 0))
            .Node("Mul", ["bagEmbeds", "unknown"], ["fallback"])
            .Node("Add", ["knownEmbeds", "fallback"], ["text_embeds"])
            .Save(path);
    }

    /// <summary>
    /// Unit embeddings for captions: each gets its own axis from 8 on, except that a declared synonym shares its
    /// partner's axis with a small tilt onto its own (cosine 1/√(1 + 0.33²) ≈ 0.95, like CLIP's "cup" and "mug").
    /// </summary>
    public static float[][] CaptionEmbeddings(IReadOnlyList<string> captions, IReadOnlyDictionary<string, string> synonymOf)
    {
        int Axis(string c) => 8 + captions.ToList().IndexOf(c);
        return captions.Select(c =>
        {
            var v = new float[ClipTestModels.Dim];
            if (synonymOf.TryGetValue(c, out var partner) && captions.Contains(partner)) { v[Axis(partner)] = 1; v[Axis(c)] = 0.33f; }
            else v[Axis(c)] = 1;
            var norm = MathF.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / norm).ToArray();
        }).ToArray();
    }
}
