using System.Runtime.CompilerServices;
using SpatialVlm.Core;

namespace SpatialVlm.Geometry;

/// <summary>A box with its own axes: centre, three unit axes (right-handed) and the full side length along each.</summary>
public sealed record OrientedBounds(Point3 Center, Point3[] Axes, Point3 Extent)
{
    public double Volume => Extent.X * Extent.Y * Extent.Z;
}

/// <summary>
/// Oriented bounding box from PCA: the axes are the covariance's principal axes (largest variance first) and
/// the box spans the points' projections on them.
/// </summary>
public static class OrientedBox
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static OrientedBounds Fit(PointCloud c)
    {
        if (c.Count == 0) throw new ArgumentException("an empty cloud has no box");
        var pca = Pca.Compute(c);
        var axes = pca.Axes;
        Span<double> lo = [double.MaxValue, double.MaxValue, double.MaxValue];
        Span<double> hi = [double.MinValue, double.MinValue, double.MinValue];
        for (int i = 0; i < c.Count; i++)
        {
            var p = new Point3(c.X[i], c.Y[i], c.Z[i]) - pca.Mean;
            for (int a = 0; a < 3; a++)
            {
                double t = p.Dot(axes[a]);
                if (t < lo[a]) lo[a] = t;
                if (t > hi[a]) hi[a] = t;
            }
        }
        var center = pca.Mean;
        for (int a = 0; a < 3; a++) center += axes[a] * ((lo[a] + hi[a]) / 2);
        return new OrientedBounds(center, axes, new Point3(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]));
    }
}
