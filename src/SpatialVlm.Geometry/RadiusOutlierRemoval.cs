using System.Runtime.CompilerServices;
namespace SpatialVlm.Geometry;

/// <param name="NeighborCount">A point stays when at least this many other points lie within Radius (default 16).</param>
/// <param name="Radius">Search radius in meters (default 0.05).</param>
/// <param name="MaxDegreeOfParallelism">Threads the search may use, set by the caller (default 1); the result does not depend on it.</param>
public sealed record RadiusOutlierOptions(int NeighborCount = 16, double Radius = 0.05, int MaxDegreeOfParallelism = 1);

/// <summary>
/// Radius outlier removal with Open3D's semantics (remove_radius_outlier(nb_points, radius)): the ball
/// around a point counts the point itself, and the point stays when the ball holds more than nb_points.
/// </summary>
public static class RadiusOutlierRemoval
{
    public static PointCloud Apply(PointCloud c, RadiusOutlierOptions o) => c.Select(KeptIndices(c, o));

    public static int[] KeptIndices(PointCloud c, RadiusOutlierOptions o)
    {
        if (o.NeighborCount < 1) throw new ArgumentOutOfRangeException(nameof(o), "NeighborCount must be at least 1");
        if (!(o.Radius > 0)) throw new ArgumentOutOfRangeException(nameof(o), "Radius must be positive");
        Parallelism.Check(o.MaxDegreeOfParallelism);
        if (c.Count == 0) return [];
        var tree = new KdTree(c);
        var keep = new bool[c.Count];
        float r = (float)o.Radius;
        int need = o.NeighborCount + 1; // itself plus NeighborCount others
        int parts = Parallelism.Partitions(c.Count);
        Parallelism.For(parts, o.MaxDegreeOfParallelism, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int p) =>
        {
            var (lo, hi) = MeanKnnDistance.Range(0, c.Count, parts, p);
            for (int i = lo; i < hi; i++) keep[i] = tree.CountWithin(c.X[i], c.Y[i], c.Z[i], r, need) >= need;
        });
        var kept = new List<int>(c.Count);
        for (int i = 0; i < keep.Length; i++) if (keep[i]) kept.Add(i);
        return kept.ToArray();
    }
}
