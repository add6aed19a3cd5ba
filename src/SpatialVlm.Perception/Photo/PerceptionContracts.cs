using SpatialVlm.Core;

namespace SpatialVlm.Perception.Photo;

/// <summary>An axis-aligned box in original-image pixel coordinates (x right, y down; X1/Y1 exclusive edges).</summary>
public readonly record struct PixelBox(float X0, float Y0, float X1, float Y1)
{
    public float Width => Math.Max(0, X1 - X0);
    public float Height => Math.Max(0, Y1 - Y0);
    public float Area => Width * Height;

    /// <summary>Intersection over union with another box (0 when either is empty).</summary>
    public float Iou(PixelBox other)
    {
        float w = Math.Min(X1, other.X1) - Math.Max(X0, other.X0), h = Math.Min(Y1, other.Y1) - Math.Max(Y0, other.Y0);
        if (w <= 0 || h <= 0) return 0;
        float inter = w * h, union = Area + other.Area - inter;
        return union > 0 ? inter / union : 0;
    }

    /// <summary>The bounding box (exclusive right/bottom edges) of pixel indices (y·width + x) in an image of the given width.</summary>
    public static PixelBox Bounding(IReadOnlyList<int> pixels, int width)
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

    /// <summary>The box clipped to an image of the given size.</summary>
    public PixelBox ClampTo(int width, int height) =>
        new(Math.Clamp(X0, 0, width), Math.Clamp(Y0, 0, height), Math.Clamp(X1, 0, width), Math.Clamp(Y1, 0, height));
}

/// <summary>One detection: box in original pixels, score in [0, 1], the index of the text query it answers, and its label (the query text).</summary>
public sealed record Detection(PixelBox Box, float Score, int QueryIndex, string Label);

/// <summary>Open-vocabulary detection from text queries (OWLv2, OWL-ViT, Grounding DINO). Thread-safe.</summary>
public interface IObjectDetector : IDisposable
{
    string Name { get; }
    /// <summary>Detections after score thresholding and class-aware NMS, best first.</summary>
    IReadOnlyList<Detection> Detect(RgbImage image, IReadOnlyList<string> queries);
    /// <summary>The same for several images with one set of queries, batched where the backend can.</summary>
    IReadOnlyList<IReadOnlyList<Detection>> Detect(IReadOnlyList<RgbImage> images, IReadOnlyList<string> queries) =>
        images.Select(i => Detect(i, queries)).ToArray();
}

/// <summary>A mask for one box prompt: pixel indices (y·width + x) of the original image, and the model's predicted IoU.</summary>
public sealed record BoxMask(int[] Pixels, float PredictedIou);

/// <summary>Box-prompted segmentation (SAM, SAM2). The image is encoded once and every box decoded from that embedding. Thread-safe.</summary>
public interface IBoxSegmenter : IDisposable
{
    string Name { get; }
    /// <summary>One mask per box, in order (the candidate with the best predicted IoU).</summary>
    IReadOnlyList<BoxMask> Segment(RgbImage image, IReadOnlyList<PixelBox> boxes);
}

/// <summary>A proposed region with a short caption (Florence-2 `&lt;DENSE_REGION_CAPTION&gt;` / `&lt;OD&gt;`, FlexCap in the paper).</summary>
public sealed record RegionCaption(PixelBox Box, string Caption);

/// <summary>Proposes regions with captions, instead of detection from fixed queries.</summary>
public interface IRegionCaptioner : IDisposable
{
    string Name { get; }
    IReadOnlyList<RegionCaption> Propose(RgbImage image);
}

/// <summary>Text embeddings for caption similarity (CLIP text encoder): unit-length rows.</summary>
public interface ITextEmbedder
{
    float[][] Embed(IReadOnlyList<string> texts);
}
