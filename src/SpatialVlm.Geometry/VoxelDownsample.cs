using System.Runtime.CompilerServices;
namespace SpatialVlm.Geometry;

/// <summary>
/// Voxel down-sampling: one point per occupied voxel, at the centroid of the points in it (Open3D's
/// voxel_down_sample: the grid starts half a voxel below the cloud's minimum corner). Output order is the
/// order in which voxels are first met; pixel indices are dropped (a centroid has no single pixel).
/// </summary>
public static class VoxelDownsample
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PointCloud Apply(PointCloud c, float voxelSize)
    {
        if (!(voxelSize > 0)) throw new ArgumentOutOfRangeException(nameof(voxelSize), "voxel size must be positive");
        int n = c.Count;
        if (n == 0) return PointCloud.Empty;
        var (min, max) = CloudBounds.Of(c);
        double ox = min.X - voxelSize * 0.5, oy = min.Y - voxelSize * 0.5, oz = min.Z - voxelSize * 0.5;
        if ((Math.Max(max.X - min.X, Math.Max(max.Y - min.Y, max.Z - min.Z)) + voxelSize) / voxelSize >= (1 << 21) - 1)
            throw new ArgumentOutOfRangeException(nameof(voxelSize), "voxel size is too small for the cloud's extent");

        var slotOf = new LongIntMap(n / 4);
        var sumX = new double[n]; var sumY = new double[n]; var sumZ = new double[n]; var count = new int[n];
        long lastKey = -1; int lastSlot = -1;
        for (int i = 0; i < n; i++)
        {
            // Same arithmetic as Open3D (double, floor) so boundary points fall in the same voxel.
            long ix = (long)Math.Floor((c.X[i] - ox) / voxelSize);
            long iy = (long)Math.Floor((c.Y[i] - oy) / voxelSize);
            long iz = (long)Math.Floor((c.Z[i] - oz) / voxelSize);
            long key = ix | (iy << 21) | (iz << 42);
            int slot;
            if (key == lastKey) slot = lastSlot; // neighbouring points of an organized cloud often share a voxel
            else
            {
                slot = slotOf.GetOrAdd(key);
                lastKey = key; lastSlot = slot;
            }
            sumX[slot] += c.X[i]; sumY[slot] += c.Y[i]; sumZ[slot] += c.Z[i]; count[slot]++;
        }
        int voxels = slotOf.Count;
        var x = new float[voxels]; var y = new float[voxels]; var z = new float[voxels];
        for (int s = 0; s < voxels; s++)
        {
            double w = 1.0 / count[s];
            x[s] = (float)(sumX[s] * w); y[s] = (float)(sumY[s] * w); z[s] = (float)(sumZ[s] * w);
        }
        return new PointCloud(x, y, z, voxels);
    }
}
