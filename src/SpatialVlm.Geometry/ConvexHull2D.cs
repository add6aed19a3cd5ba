namespace SpatialVlm.Geometry;

/// <summary>Convex hull of planar points (Andrew's monotone chain), counter-clockwise, without (nearly) collinear points; a flat set gives its two ends.</summary>
public static class ConvexHull2D
{
    public static (double X, double Y)[] Compute(ReadOnlySpan<(double X, double Y)> points)
    {
        var p = points.ToArray();
        Array.Sort(p, (a, b) => a.X != b.X ? a.X.CompareTo(b.X) : a.Y.CompareTo(b.Y));
        int n = p.Length;
        if (n < 3) return p.Distinct().ToArray();
        var hull = new (double X, double Y)[2 * n];
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            while (k >= 2 && Cross(hull[k - 2], hull[k - 1], p[i]) <= 0) k--;
            hull[k++] = p[i];
        }
        for (int i = n - 2, lower = k + 1; i >= 0; i--)
        {
            while (k >= lower && Cross(hull[k - 2], hull[k - 1], p[i]) <= 0) k--;
            hull[k++] = p[i];
        }
        return DropNearlyStraight(hull[..Math.Max(1, k - 1)]);
    }

    // Removes vertices whose turn is within rounding of straight (they lie on the segment between their
    // neighbours to ~1e-12 of its length), so projections along the hull are strictly unimodal.
    private static (double X, double Y)[] DropNearlyStraight((double X, double Y)[] hull)
    {
        var list = new List<(double X, double Y)>(hull);
        bool changed = true;
        while (changed && list.Count > 2)
        {
            changed = false;
            for (int i = 0; i < list.Count && list.Count > 2; i++)
            {
                var a = list[(i + list.Count - 1) % list.Count]; var b = list[i]; var c = list[(i + 1) % list.Count];
                double scale = (Math.Abs(b.X - a.X) + Math.Abs(b.Y - a.Y)) * (Math.Abs(c.X - a.X) + Math.Abs(c.Y - a.Y));
                // Straight on: b lies between a and c. A U-turn (the end of a flat hull) stays.
                bool ahead = (b.X - a.X) * (c.X - b.X) + (b.Y - a.Y) * (c.Y - b.Y) >= 0;
                if (Math.Abs(Cross(a, b, c)) <= 1e-12 * scale && ahead) { list.RemoveAt(i); changed = true; i--; }
            }
        }
        return list.ToArray();
    }

    /// <summary>z of (b − a) × (c − a): positive when a, b, c turn counter-clockwise.</summary>
    public static double Cross((double X, double Y) a, (double X, double Y) b, (double X, double Y) c) =>
        (b.X - a.X) * (c.Y - a.Y) - (b.Y - a.Y) * (c.X - a.X);
}
