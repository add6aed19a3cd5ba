using System.Runtime.CompilerServices;
namespace SpatialVlm.Geometry;

/// <param name="Eps">Neighbourhood radius in meters (default 0.05).</param>
/// <param name="MinPoints">A point is a core point when its Eps-ball holds at least this many points, itself included (default 10), as in Open3D.</param>
/// <param name="MaxDegreeOfParallelism">Threads the core-point search may use, set by the caller (default 1); the result does not depend on it.</param>
public sealed record DbscanOptions(double Eps = 0.05, int MinPoints = 10, int MaxDegreeOfParallelism = 1);

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
/// DBSCAN on a grid of cells with side Eps/√3, so any two points of one cell are within Eps: a cell holding
/// MinPoints points makes them all core, the core points of a cell form one group, and two cells' groups join
/// as soon as one pair of their core points lies within Eps (cells up to two apart can). Each border point takes
/// the cluster of its first core neighbour. Clusters are the connected components of core points, so the count
/// does not depend on point order.
/// </summary>
public static class Dbscan
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static DbscanResult Cluster(PointCloud c, DbscanOptions o)
    {
        if (!(o.Eps > 0)) throw new ArgumentOutOfRangeException(nameof(o), "Eps must be positive");
        if (o.MinPoints < 1) throw new ArgumentOutOfRangeException(nameof(o), "MinPoints must be at least 1");
        Parallelism.Check(o.MaxDegreeOfParallelism);
        int n = c.Count;
        if (n == 0) return new DbscanResult([], 0);
        // Slightly under Eps/√3 so rounding never puts two points of one cell more than Eps apart.
        var grid = new UniformGrid(c, o.Eps / Math.Sqrt(3) * (1 - 1e-9), reach: 2);
        float eps2 = (float)(o.Eps * o.Eps);
        var core = FindCore(grid, eps2, o.MinPoints, o.MaxDegreeOfParallelism);

        // Union-find over cells that hold core points.
        int cells = grid.CellCount;
        var parent = new int[cells];
        var hasCore = new bool[cells];
        for (int cell = 0; cell < cells; cell++)
        {
            parent[cell] = cell;
            for (int s = grid.CellStart[cell]; s < grid.CellStart[cell + 1]; s++) if (core[s]) { hasCore[cell] = true; break; }
        }
        for (int cell = 0; cell < cells; cell++)
        {
            if (!hasCore[cell]) continue;
            for (int e = grid.NeighborStart[cell]; e < grid.NeighborStart[cell + 1]; e++)
            {
                int other = grid.Neighbors[e];
                if (other <= cell || !hasCore[other]) continue;
                int ra = Find(parent, cell), rb = Find(parent, other);
                if (ra == rb || !CoreWithin(grid, core, cell, other, eps2)) continue;
                if (ra < rb) parent[rb] = ra; else parent[ra] = rb;
            }
        }

        // Number clusters by their first core point in cloud order.
        var sortedOf = new int[n];
        for (int s = 0; s < n; s++) sortedOf[grid.Order[s]] = s;
        var labelOfRoot = new Dictionary<int, int>();
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int s = sortedOf[i];
            if (!core[s]) { labels[i] = -1; continue; }
            int root = Find(parent, grid.CellOfSorted[s]);
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
                if (!hasCore[other]) continue;
                for (int t = grid.CellStart[other]; t < grid.CellStart[other + 1]; t++)
                {
                    if (!core[t]) continue;
                    float dx = grid.X[t] - x, dy = grid.Y[t] - y, dz = grid.Z[t] - z;
                    if (dx * dx + dy * dy + dz * dz <= eps2) { labels[i] = labelOfRoot[Find(parent, other)]; break; }
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool CoreWithin(UniformGrid grid, bool[] core, int a, int b, float eps2)
    {
        for (int s = grid.CellStart[a]; s < grid.CellStart[a + 1]; s++)
        {
            if (!core[s]) continue;
            float x = grid.X[s], y = grid.Y[s], z = grid.Z[s];
            for (int t = grid.CellStart[b]; t < grid.CellStart[b + 1]; t++)
            {
                if (!core[t]) continue;
                float dx = grid.X[t] - x, dy = grid.Y[t] - y, dz = grid.Z[t] - z;
                if (dx * dx + dy * dy + dz * dz <= eps2) return true;
            }
        }
        return false;
    }

    private static bool[] FindCore(UniformGrid grid, float eps2, int minPoints, int maxDegreeOfParallelism)
    {
        var core = new bool[grid.X.Length];
        int cells = grid.CellCount;
        int parts = Parallelism.Partitions(grid.X.Length);
        Parallelism.For(parts, maxDegreeOfParallelism, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int p) =>
        {
            var (lo, hi) = MeanKnnDistance.Range(0, cells, parts, p);
            for (int cell = lo; cell < hi; cell++)
            {
                int cellStart = grid.CellStart[cell], cellEnd = grid.CellStart[cell + 1];
                if (cellEnd - cellStart >= minPoints)
                {
                    // Everything in a cell is within Eps of everything else.
                    for (int s = cellStart; s < cellEnd; s++) core[s] = true;
                    continue;
                }
                for (int s = cellStart; s < cellEnd; s++)
                {
                    float x = grid.X[s], y = grid.Y[s], z = grid.Z[s];
                    int count = cellEnd - cellStart;
                    for (int e = grid.NeighborStart[cell]; e < grid.NeighborStart[cell + 1] && count < minPoints; e++)
                    {
                        int other = grid.Neighbors[e];
                        if (other == cell) continue;
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i) { parent[i] = parent[parent[i]]; i = parent[i]; }
        return i;
    }
}
