using SpatialVlm.Core;
using SpatialVlm.Perception.Depth;

namespace SpatialVlm.Perception.Photo;

/// <summary>
/// Stand-in models that answer from a known observation (a rendered procedural scene): the detector finds each object
/// whose category matches a query (and the support pixels for "floor"), with the mask's bounding box; the segmenter
/// returns the known mask whose box best matches the prompt; depth is the known depth. They let the chain's own logic
/// be tested against exact truth, and `bench photos` time everything except the model calls.
/// </summary>
public sealed class ObservationOracle : IObjectDetector, IBoxSegmenter, IDepthEstimator
{
    private readonly Observation truth;
    private readonly (string Category, PixelBox Box, int[] Pixels)[] regions;

    public ObservationOracle(Observation truth)
    {
        this.truth = truth;
        var list = truth.Objects.Where(o => o.Pixels.Length > 0).Select(o => (CaptionText.Normalize(o.Category), BoxOf(o.Pixels, truth.Image.Width), o.Pixels)).ToList();
        if (truth.SupportPixels is { Length: > 0 } floor) list.Add(("floor", BoxOf(floor, truth.Image.Width), floor));
        regions = [.. list];
    }

    public string Name => "observation oracle";

    /// <summary>Bounding box (exclusive right/bottom edges) of pixel indices in an image of the given width.</summary>
    public static PixelBox BoxOf(IReadOnlyList<int> pixels, int width)
    {
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
        foreach (var p in pixels)
        {
            int x = p % width, y = p / width;
            if (x < x0) x0 = x;
            if (x > x1) x1 = x;
            if (y < y0) y0 = y;
            if (y > y1) y1 = y;
        }
        return new PixelBox(x0, y0, x1 + 1, y1 + 1);
    }

    /// <summary>Every region whose category equals a query; score grows with the mask's size (0.5–1), best first.</summary>
    public IReadOnlyList<Detection> Detect(RgbImage image, IReadOnlyList<string> queries)
    {
        var found = new List<Detection>();
        for (int q = 0; q < queries.Count; q++)
        {
            var wanted = CaptionText.Normalize(queries[q]);
            foreach (var r in regions)
                if (r.Category == wanted) found.Add(new Detection(r.Box, 0.5f + 0.5f * Math.Min(1f, r.Pixels.Length / 4000f), q, queries[q]));
        }
        return found.OrderByDescending(d => d.Score).ToList();
    }

    /// <summary>The known mask whose box overlaps each prompt most.</summary>
    public IReadOnlyList<BoxMask> Segment(RgbImage image, IReadOnlyList<PixelBox> boxes) =>
        boxes.Select(b =>
        {
            var best = regions.MaxBy(r => r.Box.Iou(b));
            return best.Pixels is null || best.Box.Iou(b) == 0 ? new BoxMask([], 0f) : new BoxMask(best.Pixels, 1f);
        }).ToList();

    public DepthEstimate Estimate(RgbImage image, CameraIntrinsics? intrinsics = null) =>
        new(truth.Depth, intrinsics ?? truth.Intrinsics, intrinsics is null ? FocalSource.Model : FocalSource.Given);

    public void Dispose() { }
}
