using System.Runtime.CompilerServices;
namespace SpatialVlm.Geometry;

/// <summary>
/// Points bucketed into cubic cells (points sorted by cell, coordinates copied in that order) with each
/// occupied cell's list of occupied neighbour cells: those within <c>reach</c> cells along every axis, itself
/// included. For fixed-radius searches: with reach 1 the radius may be up to the cell size.
/// </summary>
internal sealed class UniformGrid
{
    public readonly float[] X, Y, Z;       // sorted by cell
    public readonly int[] Order;           // sorted position → cloud index
    public readonly int[] CellStart;       // cell → first sorted position; CellStart[cells] = n
    public readonly int[] CellOfSorted;    // sorted position → cell
    public readonly int[] NeighborStart;   // cell → first entry in Neighbors
    public readonly int[] Neighbors;       // occupied neighbour cells (self included), ascending
    public int CellCount => CellStart.Length - 1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public UniformGrid(PointCloud c, double cellSize, int reach = 1)
    {
        int n = c.Count;
        var (min, max) = CloudBounds.Of(c);
        // A free margin of `reach` cells on every side, so neighbour keys never wrap into another row.
        long nx = (long)Math.Floor((max.X - min.X) / cellSize) + 1 + 2 * reach, ny = (long)Math.Floor((max.Y - min.Y) / cellSize) + 1 + 2 * reach;
        long nz = (long)Math.Floor((max.Z - min.Z) / cellSize) + 1 + 2 * reach;
        if ((double)nx * ny * nz > long.MaxValue / 4) throw new ArgumentOutOfRangeException(nameof(cellSize), "cell size is too small for the cloud's extent");
        var keys = new long[n];
        Order = new int[n];
        double inv = 1.0 / cellSize;
        for (int i = 0; i < n; i++)
        {
            long ix = (long)((c.X[i] - min.X) * inv) + reach, iy = (long)((c.Y[i] - min.Y) * inv) + reach, iz = (long)((c.Z[i] - min.Z) * inv) + reach;
            keys[i] = ix + nx * (iy + ny * iz);
            Order[i] = i;
        }
        Array.Sort(keys, Order);
        X = new float[n]; Y = new float[n]; Z = new float[n];
        for (int s = 0; s < n; s++) { int i = Order[s]; X[s] = c.X[i]; Y[s] = c.Y[i]; Z[s] = c.Z[i]; }

        var starts = new List<int>();
        var cellKeys = new List<long>();
        CellOfSorted = new int[n];
        for (int s = 0; s < n; s++)
        {
            if (s == 0 || keys[s] != keys[s - 1]) { starts.Add(s); cellKeys.Add(keys[s]); }
            CellOfSorted[s] = starts.Count - 1;
        }
        starts.Add(n);
        CellStart = starts.ToArray();

        int cells = CellStart.Length - 1;
        // Neighbour lists by merge: cells are sorted by key, and for each (dy, dz) row offset the wanted keys
        // [key + offset − reach, key + offset + reach] only move forward as the cell's key grows.
        int rows = (2 * reach + 1) * (2 * reach + 1);
        Span<long> rowOffset = stackalloc long[rows];
        Span<int> cursor = stackalloc int[rows];
        int r = 0;
        for (long dz = -reach; dz <= reach; dz++)
            for (long dy = -reach; dy <= reach; dy++)
                rowOffset[r++] = nx * (dy + ny * dz); // ascending, so neighbour lists come out ascending
        cursor.Clear();
        var ck = cellKeys.ToArray();
        NeighborStart = new int[cells + 1];
        var neighbors = new List<int>(cells * 9);
        for (int cell = 0; cell < cells; cell++)
        {
            NeighborStart[cell] = neighbors.Count;
            for (int row = 0; row < rows; row++)
            {
                long lo = ck[cell] + rowOffset[row] - reach, hi = lo + 2 * reach;
                int j = cursor[row];
                while (j < cells && ck[j] < lo) j++;
                cursor[row] = j;
                for (; j < cells && ck[j] <= hi; j++) neighbors.Add(j);
            }
        }
        NeighborStart[cells] = neighbors.Count;
        Neighbors = neighbors.ToArray();
    }
}
