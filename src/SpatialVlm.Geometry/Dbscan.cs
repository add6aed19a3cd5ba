namespace SpatialVlm.Geometry;

/// <param name="Eps">Neighbourhood radius in meters (default 0.05).</param>
/// <param name="MinPoints">A point is a core point when its Eps-ball holds at least this many points, itself included (default 10), as in Open3D.</param>
public sealed record DbscanOptions(double Eps = 0.05, int MinPoints = 10);

/// <summary>Cluster label per point (−1 = noise; clusters numbered 0.. in order of their first point) and the cluster count.</summary>
public sealed record DbscanResult(int[] Labels, int ClusterCount)
{
    /// <summary>Points per cluster.</summary>
    public int[] ClusterSizes()
    {
        var sizes = new int[ClusterCount];
        foreach (var l in Labels) if (l >= 0) sizes[l]++;
        return sizes;
    }
}

/// <summary>
/// DBSCAN on a uniform grid of Eps-sized cells: core points are found by counting (stopping at MinPoints),
/// core points within Eps are joined with a union-find, and each border point takes the cluster of its
/// first core neighbour. Clusters are the connected components of core points, so the count does not depend
/// on point order.
/// </summary>
public static class Dbscan
{
    public static DbscanResult Cluster(PointCloud c, DbscanOptions o)
    {
        if (!(o.Eps > 0)) throw new ArgumentOutOfRangeException(nameof(o), "Eps must be positive");
        if (o.MinPoints < 1) throw new ArgumentOutOfRangeException(nameof(o), "MinPoints must be at least 1");
        int n = c.Count;
        if (n == 0) return new DbscanResult([], 0);
        var grid = new UniformGrid(c, o.Eps);
        float eps2 = (float)(o.Eps * o.Eps);
        var core = FindCore(grid, eps2, o.MinPoints);
        var parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        for (int cell = 0; cell < grid.CellCount; cell++)
        {
            for (int s = grid.CellStart[cell]; s < grid.CellStart[cell + 1]; s++)
            {
                if (!core[s]) continue;
                float x = grid.X[s], y = grid.Y[s], z = grid.Z[s];
                int rootS = Find(parent, s);
                for (int e = grid.NeighborStart[cell]; e < grid.NeighborStart[cell + 1]; e++)
                {
                    int other = grid.Neighbors[e];
                    if (other < cell) continue; // each cell pair once
                    int from = other == cell ? s + 1 : grid.CellStart[other];
                    for (int t = from; t < grid.CellStart[other + 1]; t++)
                    {
                        if (!core[t]) continue;
                        float dx = grid.X[t] - x, dy = grid.Y[t] - y, dz = grid.Z[t] - z;
                        if (dx * dx + dy * dy + dz * dz > eps2) continue;
                        int rootT = Find(parent, t);
                        if (rootT == rootS) continue;
                        // Link the larger root under the smaller so roots are deterministic.
                        if (rootT < rootS) { parent[rootS] = rootT; rootS = rootT; }
                        else parent[rootT] = rootS;
                    }
                }
            }
        }
        // Number clusters by their first point in cloud order.
        var labelOfRoot = new Dictionary<int, int>();
        var sortedOf = new int[n];
        for (int s = 0; s < n; s++) sortedOf[grid.Order[s]] = s;
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int s = sortedOf[i];
            if (!core[s]) { labels[i] = -1; continue; }
            int root = Find(parent, s);
            if (!labelOfRoot.TryGetValue(root, out var label)) { label = labelOfRoot.Count; labelOfRoot.Add(root, label); }
            labels[i] = label;
        }
        // Border points: the cluster of the first core point within Eps.
        for (int i = 0; i < n; i++)
        {
            int s = sortedOf[i];
            if (core[s]) continue;
            int cell = grid.CellOfSorted[s];
            float x = grid.X[s], y = grid.Y[s], z = grid.Z[s];
            for (int e = grid.NeighborStart[cell]; e < grid.NeighborStart[cell + 1] && labels[i] < 0; e++)
            {
                int other = grid.Neighbors[e];
                for (int t = grid.CellStart[other]; t < grid.CellStart[other + 1]; t++)
                {
                    if (!core[t]) continue;
                    float dx = grid.X[t] - x, dy = grid.Y[t] - y, dz = grid.Z[t] - z;
                    if (dx * dx + dy * dy + dz * dz <= eps2) { labels[i] = labels[grid.Order[t]]; break; }
                }
            }
        }
        return new DbscanResult(labels, labelOfRoot.Count);
    }

    /// <summary>The points of the cluster with the most points (empty when all are noise).</summary>
    public static PointCloud LargestCluster(PointCloud c, DbscanResult r)
    {
        if (r.ClusterCount == 0) return PointCloud.Empty;
        var sizes = r.ClusterSizes();
        int best = 0;
        for (int l = 1; l < sizes.Length; l++) if (sizes[l] > sizes[best]) best = l;
        var idx = new List<int>(sizes[best]);
        for (int i = 0; i < r.Labels.Length; i++) if (r.Labels[i] == best) idx.Add(i);
        return c.Select(idx.ToArray());
    }

    public static PointCloud LargestCluster(PointCloud c, DbscanOptions o) => LargestCluster(c, Cluster(c, o));

    private static bool[] FindCore(UniformGrid grid, float eps2, int minPoints)
    {
        var core = new bool[grid.X.Length];
        int cells = grid.CellCount;
        int parts = MeanKnnDistance.Partitions(grid.X.Length);
        Parallel.For(0, parts, p =>
        {
            var (lo, hi) = MeanKnnDistance.Range(0, cells, parts, p);
            for (int cell = lo; cell < hi; cell++)
            {
                int cellStart = grid.CellStart[cell], cellEnd = grid.CellStart[cell + 1];
                for (int s = cellStart; s < cellEnd; s++)
                {
                    float x = grid.X[s], y = grid.Y[s], z = grid.Z[s];
                    int count = 0;
                    for (int e = grid.NeighborStart[cell]; e < grid.NeighborStart[cell + 1] && count < minPoints; e++)
                    {
                        int other = grid.Neighbors[e];
                        int end = grid.CellStart[other + 1];
                        for (int t = grid.CellStart[other]; t < end; t++)
                        {
                            float dx = grid.X[t] - x, dy = grid.Y[t] - y, dz = grid.Z[t] - z;
                            if (dx * dx + dy * dy + dz * dz <= eps2) count++;
                        }
                    }
                    core[s] = count >= minPoints;
                }
            }
        });
        return core;
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i) { parent[i] = parent[parent[i]]; i = parent[i]; }
        return i;
    }
}
