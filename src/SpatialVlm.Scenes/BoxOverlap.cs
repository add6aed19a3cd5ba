using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>Whether two upright boxes overlap (separating-axis test on their footprints plus their z intervals).</summary>
public static class BoxOverlap
{
    /// <summary>
    /// True when the boxes share volume, or come closer than <paramref name="horizontalGap"/> horizontally while
    /// their z intervals overlap. Boxes that only touch (one resting on the other) do not overlap.
    /// </summary>
    public static bool Overlaps(UprightBox a, UprightBox b, double horizontalGap = 0)
    {
        if (Math.Min(a.Top, b.Top) - Math.Max(a.Bottom, b.Bottom) <= 1e-9) return false;
        var (sa, ca) = PortableTrig.SinCos(a.Yaw);
        var (sb, cb) = PortableTrig.SinCos(b.Yaw);
        Span<(double X, double Y)> axes = [(ca, sa), (-sa, ca), (cb, sb), (-sb, cb)];
        double dx = b.Center.X - a.Center.X, dy = b.Center.Y - a.Center.Y;
        foreach (var (nx, ny) in axes)
        {
            var ra = Radius(a.Width, a.Length, ca, sa, nx, ny);
            var rb = Radius(b.Width, b.Length, cb, sb, nx, ny);
            if (Math.Abs(dx * nx + dy * ny) >= ra + rb + horizontalGap) return false;
        }
        return true;
    }

    // Half-extent of a rectangle (width along (c, s), length across it) projected on the unit axis (nx, ny).
    private static double Radius(double w, double l, double c, double s, double nx, double ny) =>
        Math.Abs(w / 2 * (c * nx + s * ny)) + Math.Abs(l / 2 * (-s * nx + c * ny));
}
