using System.Diagnostics;
using SpatialVlm.Core;
using SpatialVlm.Perception.Clip;
using SpatialVlm.Perception.Depth;
using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Perception.Preprocessing;
using SpatialVlm.Perception.Segmentation;

namespace SpatialVlm.Perception.Doubles;

/// <summary>A region a stand-in model answers with: caption key, pixel box, and its pixels as a mark per image pixel.</summary>
public sealed record StandInRegion(string Caption, PixelBox Box, bool[] Mark)
{
    /// <summary>The scene's objects under their categories, then the floor: what the stand-in detector finds and the segmenter cuts.</summary>
    public static List<StandInRegion> From(Observation truth)
    {
        int w = truth.Image.Width, n = w * truth.Image.Height;
        var list = truth.Objects.Where(o => o.Pixels.Length > 0).Select(o => (CaptionText.Normalize(o.Category), o.Pixels)).ToList();
        if (truth.SupportPixels is { Length: > 0 } floor) list.Add(("floor", floor));
        return list.Select(r =>
        {
            var mark = new bool[n];
            foreach (var p in r.Pixels) mark[p] = true;
            return new StandInRegion(r.Item1, PixelBox.Bounding(r.Pixels, w), mark);
        }).ToList();
    }
}

/// <summary>Accumulates the time spent inside stand-in network calls, so it can be subtracted.</summary>
public sealed class StandInClock { public Stopwatch Watch { get; } = new(); }

/// <summary>A text-embedder stand-in: unit bag-of-words embeddings (a hashed axis per word); its time counts as a network call.</summary>
public sealed class StandInTextEmbedder(StandInClock clock) : ITextEmbedder
{
    public float[][] Embed(IReadOnlyList<string> texts)
    {
        clock.Watch.Start();
        var result = texts.Select(t =>
        {
            var v = new float[512];
            foreach (var word in t.Split(' ')) v[(int)(Seeds.FromId(word) % 512)] += 1;
            var norm = MathF.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / norm).ToArray();
        }).ToArray();
        clock.Watch.Stop();
        return result;
    }
}

/// <summary>A scene-filter stand-in: the real CLIP preprocessing (timed on <c>own</c>), then a fixed keep decision (the embedding is the network's work).</summary>
public sealed class StandInSceneFilter(Stopwatch own) : ISceneFilter
{
    private readonly float[] input = new float[3 * ClipImageEncoder.Size * ClipImageEncoder.Size];
    public string Name => "clip preprocessing only";
    public SceneFilterDecision Decide(RgbImage image)
    {
        own.Start();
        ClipImageEncoder.Preprocess(image, input);
        own.Stop();
        return new SceneFilterDecision(true, 1, [new PromptProbability("a photo of a room", true, 1)]);
    }
}

/// <summary>A depth-model stand-in: Metric3D's real pre- and post-processing (timed on <c>own</c>) around a given raw network output.</summary>
public sealed class StandInDepthModel(float[] raw, int ih, int iw, CameraIntrinsics k, Stopwatch own) : IDepthEstimator
{
    private readonly float[] input = new float[3 * ih * iw];
    public string Name => "metric3d preprocessing only";
    public DepthEstimate Estimate(RgbImage image, CameraIntrinsics? intrinsics = null)
    {
        own.Start();
        DepthTensors.Prepare(DepthExport.Metric3D, image, ih, iw, input);
        var depth = DepthTensors.ToMeters(DepthExport.Metric3D, raw, ih, iw, k);
        own.Stop();
        return new DepthEstimate(depth, k, FocalSource.FieldOfViewDefault);
    }
}

/// <summary>
/// OWLv2's CPU stages exactly as <see cref="OwlDetector"/> runs them (grey-square pad, 960² bilinear resize and
/// normalisation, CLIP tokenization of every query, sigmoid threshold over [3600,Q] logits, box scaling, class-aware
/// NMS), around raw outputs of the published shapes made from the scene's regions (the network's stand-in, timed apart
/// on <c>model</c>; the CPU stages on <c>own</c>). `bench photos` times everything but the network with it.
/// </summary>
public sealed class StandInOwlDetector(IReadOnlyList<StandInRegion> regions, ClipTokenizer tokenizer, Stopwatch own, Stopwatch model) : IObjectDetector
{
    private const int Patches = 3600;
    private readonly float[] pixels = new float[3 * OwlExport.OwlV2.ImageSize * OwlExport.OwlV2.ImageSize];
    private readonly DetectorOptions options = new();

    /// <summary>A CLIP tokenizer over the 256 byte symbols with no merges (the real vocabulary is a download): same code path, one token per byte.</summary>
    public static ClipTokenizer ByteLevelTokenizer()
    {
        var symbols = ClipTokenizer.ByteSymbolsInVocabOrder();
        var vocab = new Dictionary<string, int> { ["<|startoftext|>"] = 49406, ["<|endoftext|>"] = 49407 };
        for (int i = 0; i < symbols.Length; i++) { vocab[symbols[i].ToString()] = i; vocab[symbols[i] + "</w>"] = 256 + i; }
        return new ClipTokenizer(vocab, [], OwlExport.QueryTokens);
    }

    public string Name => "owlv2 cpu stages";

    public IReadOnlyList<Detection> Detect(RgbImage image, IReadOnlyList<string> queries)
    {
        model.Start();
        int q = queries.Count;
        var logits = new float[Patches * q];
        Array.Fill(logits, -10f);
        var boxes = new float[Patches * 4];
        float side = Math.Max(image.Width, image.Height);
        var captions = queries.Select(CaptionText.Normalize).ToList();
        for (int r = 0; r < Math.Min(regions.Count, Patches); r++)
        {
            int j = captions.IndexOf(regions[r].Caption);
            if (j < 0) continue;
            var b = regions[r].Box;
            logits[r * q + j] = 3f;
            (boxes[4 * r], boxes[4 * r + 1], boxes[4 * r + 2], boxes[4 * r + 3]) = ((b.X0 + b.X1) / 2 / side, (b.Y0 + b.Y1) / 2 / side, b.Width / side, b.Height / side);
        }
        model.Stop();
        own.Start();
        try { return DetectorCpuStages.Owl(OwlExport.OwlV2, image, tokenizer, queries, logits, boxes, options, pixels); }
        finally { own.Stop(); }
    }

    public void Dispose() { }
}

/// <summary>
/// SAM2's CPU stages as <see cref="Sam2BoxSegmenter"/> runs them (box clipping, 1024² squash resize and ImageNet
/// normalisation once per image, boxes into the frame, best-IoU pick among three candidates, upsampling of the 256²
/// logits to the original size and thresholding), around low-res logits drawn from the region the box best matches
/// (the network's stand-in, timed apart on <c>model</c>; the CPU stages on <c>own</c>).
/// </summary>
public sealed class StandInSam2Segmenter(IReadOnlyList<StandInRegion> regions, Stopwatch own, Stopwatch model) : IBoxSegmenter
{
    private const int LowRes = Sam2BoxSegmenter.LowResSize, Plane = LowRes * LowRes;

    public string Name => "sam2 cpu stages";

    public IReadOnlyList<BoxMask> Segment(RgbImage image, IReadOnlyList<PixelBox> boxes)
    {
        own.Start();
        var frame = SegmentationFrame.For(FrameRule.Squash, image.Height, image.Width, Sam2BoxSegmenter.FrameSize);
        var prompts = boxes.Select((b, i) => frame.ClipPrompt(b, i)).ToArray();
        FrameTensor.PaddedNchw(image, frame, ChannelNormalization.ImageNet);
        var frameBoxes = new float[4 * prompts.Length]; // the decoder's input_boxes
        for (int i = 0; i < prompts.Length; i++)
        {
            (frameBoxes[4 * i], frameBoxes[4 * i + 1]) = frame.ToFrame(prompts[i].X0, prompts[i].Y0);
            (frameBoxes[4 * i + 2], frameBoxes[4 * i + 3]) = frame.ToFrame(prompts[i].X1, prompts[i].Y1);
        }
        own.Stop();
        var masks = new BoxMask[prompts.Length];
        for (int i = 0; i < prompts.Length; i++)
        {
            model.Start();
            var (iou, logits) = Candidates(prompts[i], frame, image.Width);
            model.Stop();
            own.Start();
            int best = BoxSegmenterBase<float[]>.BestCandidate(iou);
            masks[i] = new BoxMask(MaskUpsampling.Pixels(logits.AsSpan(best * Plane, Plane), LowRes, frame), iou[best]);
            own.Stop();
        }
        return masks;
    }

    /// <summary>Three candidates (empty, the best-matching region's mask sampled at the low-res cells, its complement) with IoU scores 0.5, 0.9, 0.6.</summary>
    private (float[] Iou, float[] Logits) Candidates(PixelBox prompt, SegmentationFrame frame, int width)
    {
        var region = regions.MaxBy(r => r.Box.Iou(prompt))!;
        var logits = new float[3 * Plane];
        for (int v = 0; v < LowRes; v++)
        {
            int y = Math.Min(frame.Height - 1, (int)((v + 0.5) * frame.Size / LowRes / frame.ScaleY));
            for (int u = 0; u < LowRes; u++)
            {
                int x = Math.Min(frame.Width - 1, (int)((u + 0.5) * frame.Size / LowRes / frame.ScaleX));
                float inside = region.Mark[y * width + x] ? 1f : -1f;
                logits[v * LowRes + u] = -1f;
                logits[Plane + v * LowRes + u] = inside;
                logits[2 * Plane + v * LowRes + u] = -inside;
            }
        }
        return ([0.5f, 0.9f, 0.6f], logits);
    }

    public void Dispose() { }
}
