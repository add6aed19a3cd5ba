namespace SpatialVlm.Geometry;

/// <summary>Shortest point-to-point distance between two clouds (the `gap` between two objects' surfaces).</summary>
public static class SurfaceDistance
{
    /// <summary>min over a∈A, b∈B of |a − b|, through a KD-tree on the larger cloud. Throws when either cloud is empty.</summary>
    public static double Nearest(PointCloud a, PointCloud b)
    {
        if (a.Count == 0 || b.Count == 0) throw new ArgumentException("the distance to an empty cloud is undefined");
        if (a.Count > b.Count) (a, b) = (b, a);
        var tree = new KdTree(b);
        Span<int> idx = stackalloc int[1];
        Span<float> d2 = stackalloc float[1];
        float best = float.PositiveInfinity;
        for (int i = 0; i < a.Count && best > 0; i++)
        {
            tree.KNearest(a.X[i], a.Y[i], a.Z[i], 1, idx, d2);
            if (d2[0] < best) best = d2[0];
        }
        return Math.Sqrt(best);
    }
}
