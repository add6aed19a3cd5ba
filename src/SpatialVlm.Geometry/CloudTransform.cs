using System.Runtime.CompilerServices;
using SpatialVlm.Core;

namespace SpatialVlm.Geometry;

/// <summary>Rigid transforms of whole clouds.</summary>
public static class CloudTransform
{
    /// <summary>t applied to every point. Pixel indices are kept; <see cref="PointCloud.SourceCamera"/> is dropped (the frame changed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PointCloud Apply(PointCloud c, RigidTransform t)
    {
        int n = c.Count;
        var r = t.Rotation;
        float r0 = (float)r[0], r1 = (float)r[1], r2 = (float)r[2], r3 = (float)r[3], r4 = (float)r[4], r5 = (float)r[5],
              r6 = (float)r[6], r7 = (float)r[7], r8 = (float)r[8];
        float tx = (float)t.Translation.X, ty = (float)t.Translation.Y, tz = (float)t.Translation.Z;
        var x = new float[n]; var y = new float[n]; var z = new float[n];
        for (int i = 0; i < n; i++)
        {
            float px = c.X[i], py = c.Y[i], pz = c.Z[i];
            x[i] = r0 * px + r1 * py + r2 * pz + tx;
            y[i] = r3 * px + r4 * py + r5 * pz + ty;
            z[i] = r6 * px + r7 * py + r8 * pz + tz;
        }
        return new PointCloud(x, y, z, n, c.PixelIndex?.AsSpan(0, n).ToArray());
    }
}
