using SpatialVlm.Core;

namespace SpatialVlm.Questions;

/// <summary>
/// One object as the question engine sees it: an upright box in viewer axes (SPATIAL.md: +x forward,
/// +y left, +z up). When the scene is not canonicalized the caller passes boxes already mapped from the
/// camera frame (forward = camera z, left = −camera x); the engine then asks only the types that need no
/// canonicalization, so the camera-frame "up" axis is never interpreted.
/// </summary>
/// <param name="PointCount">Points behind the estimate (0 = unknown, e.g. ground truth).</param>
/// <param name="MarginScale">≥ 1; widens every margin involving this object where its estimate is less certain.</param>
/// <param name="SizeKnown">false when the box is only a lower bound on the object's size (cut off by the image edge,
/// largely hidden): size relations and size quantities (height, width) about it are not asked.</param>
public sealed record SpatialObject(int Id, string Caption, UprightBox Box, int PointCount = 0, double MarginScale = 1.0, bool SizeKnown = true)
{
    public SpatialObject Validated()
    {
        if (string.IsNullOrWhiteSpace(Caption)) throw new SpatialVlmException($"object {Id}: empty caption");
        if (!(MarginScale >= 1.0) || double.IsInfinity(MarginScale))
            throw new SpatialVlmException($"object {Id} ({Caption}): margin scale must be a finite number ≥ 1, got {MarginScale}");
        var b = Box;
        double[] numbers = [b.Center.X, b.Center.Y, b.Center.Z, b.Width, b.Length, b.Height, b.Yaw];
        if (numbers.Any(v => !double.IsFinite(v))) throw new SpatialVlmException($"object {Id} ({Caption}): box has a non-finite number");
        if (b.Width < 0 || b.Length < 0 || b.Height < 0) throw new SpatialVlmException($"object {Id} ({Caption}): box has a negative size");
        return this;
    }
}
