using SpatialVlm.Core;
using SpatialVlm.Perception.Depth;
using SpatialVlm.Perception.Photo;

namespace SpatialVlm.Perception.Doubles;

/// <summary>The regions a ground-truth model answers with: each object's caption key, pixel box and mask, and the floor (support pixels).</summary>
public sealed class GroundTruthRegions
{
    public IReadOnlyList<(string Caption, PixelBox Box, int[] Pixels)> Regions { get; }

    public GroundTruthRegions(Observation truth)
    {
        var list = truth.Objects.Where(o => o.Pixels.Length > 0)
            .Select(o => (CaptionText.Normalize(o.Category), PixelBox.Bounding(o.Pixels, truth.Image.Width), o.Pixels)).ToList();
        if (truth.SupportPixels is { Length: > 0 } floor) list.Add(("floor", PixelBox.Bounding(floor, truth.Image.Width), floor));
        Regions = list;
    }
}

/// <summary>
/// A detector double that answers from a known observation (a rendered procedural scene): every object whose category
/// matches a query (and the support pixels for "floor"), with its mask's bounding box. It lets the chain's own logic be
/// tested against exact truth.
/// </summary>
public sealed class GroundTruthDetector(Observation truth) : IObjectDetector
{
    private readonly GroundTruthRegions regions = new(truth);

    public string Name => "ground-truth detector";

    /// <summary>Every region whose category equals a query; score grows with the mask's size (0.5–1), best first.</summary>
    public IReadOnlyList<Detection> Detect(RgbImage image, IReadOnlyList<string> queries)
    {
        var found = new List<Detection>();
        for (int q = 0; q < queries.Count; q++)
        {
            var wanted = CaptionText.Normalize(queries[q]);
            foreach (var r in regions.Regions)
                if (r.Caption == wanted) found.Add(new Detection(r.Box, 0.5f + 0.5f * Math.Min(1f, r.Pixels.Length / 4000f), q, queries[q]));
        }
        return found.OrderByDescending(d => d.Score).ToList();
    }

    public void Dispose() { }
}

/// <summary>A segmenter double that returns the known mask whose box overlaps each prompt most (empty when none overlaps).</summary>
public sealed class GroundTruthSegmenter(Observation truth) : IBoxSegmenter
{
    private readonly GroundTruthRegions regions = new(truth);

    public string Name => "ground-truth segmenter";

    public IReadOnlyList<BoxMask> Segment(RgbImage image, IReadOnlyList<PixelBox> boxes) =>
        boxes.Select(b =>
        {
            var best = regions.Regions.MaxBy(r => r.Box.Iou(b));
            return best.Pixels is null || best.Box.Iou(b) == 0 ? new BoxMask([], 0f) : new BoxMask(best.Pixels, 1f);
        }).ToList();

    public void Dispose() { }
}

/// <summary>A depth-model double that returns the known depth (with the known intrinsics unless the caller gives its own).</summary>
public sealed class GroundTruthDepth(Observation truth) : IDepthEstimator
{
    public string Name => "ground-truth depth";

    public DepthEstimate Estimate(RgbImage image, CameraIntrinsics? intrinsics = null) =>
        new(truth.Depth, intrinsics ?? truth.Intrinsics, intrinsics is null ? FocalSource.Model : FocalSource.Given);
}
