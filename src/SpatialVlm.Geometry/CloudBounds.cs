using System.Runtime.CompilerServices;
using System.Numerics;
using SpatialVlm.Core;

namespace SpatialVlm.Geometry;

/// <summary>Minimum and maximum corner of a cloud (SIMD over each coordinate array).</summary>
public static class CloudBounds
{
    public static (Point3 Min, Point3 Max) Of(PointCloud c)
    {
        if (c.Count == 0) throw new ArgumentException("an empty cloud has no bounds");
        var (x0, x1) = MinMax(c.XSpan);
        var (y0, y1) = MinMax(c.YSpan);
        var (z0, z1) = MinMax(c.ZSpan);
        return (new Point3(x0, y0, z0), new Point3(x1, y1, z1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (float Min, float Max) MinMax(ReadOnlySpan<float> values)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var vmin = new Vector<float>(float.PositiveInfinity);
            var vmax = new Vector<float>(float.NegativeInfinity);
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(values[i..]);
                vmin = Vector.Min(vmin, v); vmax = Vector.Max(vmax, v);
            }
            for (int j = 0; j < Vector<float>.Count; j++) { min = Math.Min(min, vmin[j]); max = Math.Max(max, vmax[j]); }
        }
        for (; i < values.Length; i++) { min = Math.Min(min, values[i]); max = Math.Max(max, values[i]); }
        return (min, max);
    }
}
