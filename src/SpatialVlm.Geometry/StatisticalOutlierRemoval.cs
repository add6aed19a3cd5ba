namespace SpatialVlm.Geometry;

/// <param name="Neighbors">k: how many nearest points (the point itself included) to average distances over (default 50).</param>
/// <param name="StdRatio">A point is dropped when its mean distance reaches the cloud's mean plus this many standard deviations (default 1.2).</param>
/// <param name="MaxDegreeOfParallelism">Threads the neighbour search may use, set by the caller (default 1); the result does not depend on it.</param>
public sealed record StatisticalOutlierOptions(int Neighbors = 50, double StdRatio = 1.2, int MaxDegreeOfParallelism = 1);

/// <summary>
/// Statistical outlier removal with Open3D's semantics (remove_statistical_outlier): each point's mean
/// distance to its k nearest points, itself included; keep points whose mean is positive and below
/// mean + StdRatio·std of all positive means (sample standard deviation).
/// </summary>
public static class StatisticalOutlierRemoval
{
    public static PointCloud Apply(PointCloud c, StatisticalOutlierOptions o) => c.Select(KeptIndices(c, o));

    /// <summary>Indices of the points that stay, ascending.</summary>
    public static int[] KeptIndices(PointCloud c, StatisticalOutlierOptions o)
    {
        if (o.Neighbors < 1) throw new ArgumentOutOfRangeException(nameof(o), "Neighbors must be at least 1");
        if (!(o.StdRatio > 0)) throw new ArgumentOutOfRangeException(nameof(o), "StdRatio must be positive");
        if (c.Count == 0) return [];
        var mean = MeanKnnDistance.Compute(c, o.Neighbors, o.MaxDegreeOfParallelism);
        int valid = 0;
        double sum = 0;
        foreach (var m in mean) if (m > 0) { valid++; sum += m; }
        if (valid == 0) return [];
        double cloudMean = sum / valid, sq = 0;
        foreach (var m in mean) if (m > 0) sq += (m - cloudMean) * (m - cloudMean);
        double std = valid > 1 ? Math.Sqrt(sq / (valid - 1)) : 0;
        double limit = cloudMean + o.StdRatio * std;
        var kept = new List<int>(c.Count);
        for (int i = 0; i < mean.Length; i++) if (mean[i] > 0 && mean[i] < limit) kept.Add(i);
        return kept.ToArray();
    }
}
