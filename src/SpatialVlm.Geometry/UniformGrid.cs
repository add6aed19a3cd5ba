namespace SpatialVlm.Geometry;

/// <summary>
/// Points bucketed into cubic cells (points sorted by cell, coordinates copied in that order) with each
/// occupied cell's list of occupied neighbour cells (the 3×3×3 block). For fixed-radius searches where the
/// radius is at most the cell size.
/// </summary>
internal sealed class UniformGrid
{
    public readonly float[] X, Y, Z;       // sorted by cell
    public readonly int[] Order;           // sorted position → cloud index
    public readonly int[] CellStart;       // cell → first sorted position; CellStart[cells] = n
    public readonly int[] CellOfSorted;    // sorted position → cell
    public readonly int[] NeighborStart;   // cell → first entry in Neighbors
    public readonly int[] Neighbors;       // occupied neighbour cells (self included)
    public int CellCount => CellStart.Length - 1;

    public UniformGrid(PointCloud c, double cellSize)
    {
        int n = c.Count;
        var (min, max) = CloudBounds.Of(c);
        long nx = (long)Math.Floor((max.X - min.X) / cellSize) + 3, ny = (long)Math.Floor((max.Y - min.Y) / cellSize) + 3;
        long nz = (long)Math.Floor((max.Z - min.Z) / cellSize) + 3;
        if (nx * ny * nz > long.MaxValue / 4) throw new ArgumentOutOfRangeException(nameof(cellSize), "cell size is too small for the cloud's extent");
        var keys = new long[n];
        Order = new int[n];
        double inv = 1.0 / cellSize;
        for (int i = 0; i < n; i++)
        {
            // +1 keeps a free layer of cells on every side, so neighbour keys never wrap.
            long ix = (long)((c.X[i] - min.X) * inv) + 1, iy = (long)((c.Y[i] - min.Y) * inv) + 1, iz = (long)((c.Z[i] - min.Z) * inv) + 1;
            keys[i] = ix + nx * (iy + ny * iz);
            Order[i] = i;
        }
        Array.Sort(keys, Order);
        X = new float[n]; Y = new float[n]; Z = new float[n];
        for (int s = 0; s < n; s++) { int i = Order[s]; X[s] = c.X[i]; Y[s] = c.Y[i]; Z[s] = c.Z[i]; }

        var starts = new List<int>();
        CellOfSorted = new int[n];
        var cellOfKey = new Dictionary<long, int>();
        for (int s = 0; s < n; s++)
        {
            if (s == 0 || keys[s] != keys[s - 1]) { cellOfKey.Add(keys[s], starts.Count); starts.Add(s); }
            CellOfSorted[s] = starts.Count - 1;
        }
        starts.Add(n);
        CellStart = starts.ToArray();

        int cells = CellStart.Length - 1;
        NeighborStart = new int[cells + 1];
        var neighbors = new List<int>(cells * 9);
        for (int cell = 0; cell < cells; cell++)
        {
            NeighborStart[cell] = neighbors.Count;
            long key = keys[CellStart[cell]];
            for (long dz = -1; dz <= 1; dz++)
                for (long dy = -1; dy <= 1; dy++)
                    for (long dx = -1; dx <= 1; dx++)
                        if (cellOfKey.TryGetValue(key + dx + nx * (dy + ny * dz), out var other)) neighbors.Add(other);
        }
        NeighborStart[cells] = neighbors.Count;
        Neighbors = neighbors.ToArray();
    }
}
