using SpatialVlm.Core;

namespace SpatialVlm.Geometry;

/// <summary>
/// A struct-of-arrays float cloud. Arrays may be longer than <see cref="Count"/> (pooled capacity);
/// only the first Count entries are points. <see cref="PixelIndex"/>, when present, keeps each point's
/// source pixel (y·width + x) so image masks select points.
/// </summary>
public sealed class PointCloud
{
    public float[] X { get; }
    public float[] Y { get; }
    public float[] Z { get; }
    public int[]? PixelIndex { get; }
    public int Count { get; }

    public PointCloud(float[] x, float[] y, float[] z, int count, int[]? pixelIndex = null)
    {
        if (count < 0 || x.Length < count || y.Length < count || z.Length < count || (pixelIndex != null && pixelIndex.Length < count))
            throw new ArgumentException("point arrays are shorter than the point count");
        X = x; Y = y; Z = z; Count = count; PixelIndex = pixelIndex;
    }

    /// <summary>
    /// The camera whose pixels these points are (camera frame, <see cref="PixelIndex"/> set), or null.
    /// When set, neighbour searches may use the image grid: 3D neighbours are image neighbours.
    /// Transforms to another frame drop it.
    /// </summary>
    public CameraIntrinsics? SourceCamera { get; init; }

    public static PointCloud Empty { get; } = new([], [], [], 0);

    public static PointCloud FromPoints(IReadOnlyList<(float X, float Y, float Z)> points)
    {
        var n = points.Count;
        var x = new float[n]; var y = new float[n]; var z = new float[n];
        for (int i = 0; i < n; i++) (x[i], y[i], z[i]) = points[i];
        return new PointCloud(x, y, z, n);
    }

    public ReadOnlySpan<float> XSpan => X.AsSpan(0, Count);
    public ReadOnlySpan<float> YSpan => Y.AsSpan(0, Count);
    public ReadOnlySpan<float> ZSpan => Z.AsSpan(0, Count);

    /// <summary>The points at the given indices, in that order (pixel indices follow).</summary>
    public PointCloud Select(ReadOnlySpan<int> indices)
    {
        var n = indices.Length;
        var x = new float[n]; var y = new float[n]; var z = new float[n];
        var p = PixelIndex != null ? new int[n] : null;
        for (int i = 0; i < n; i++)
        {
            var j = indices[i];
            x[i] = X[j]; y[i] = Y[j]; z[i] = Z[j];
            if (p != null) p[i] = PixelIndex![j];
        }
        return new PointCloud(x, y, z, n, p) { SourceCamera = p != null ? SourceCamera : null };
    }

    /// <summary>The points whose flag is set, in order.</summary>
    public PointCloud Where(ReadOnlySpan<bool> keep)
    {
        if (keep.Length < Count) throw new ArgumentException("the mask is shorter than the cloud");
        int n = 0;
        for (int i = 0; i < Count; i++) if (keep[i]) n++;
        var idx = new int[n];
        for (int i = 0, j = 0; i < Count; i++) if (keep[i]) idx[j++] = i;
        return Select(idx);
    }

    public Point3 this[int i] => new(X[i], Y[i], Z[i]);
}
