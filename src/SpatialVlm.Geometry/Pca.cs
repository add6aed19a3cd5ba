using System.Runtime.CompilerServices;
using SpatialVlm.Core;

namespace SpatialVlm.Geometry;

/// <summary>Mean, covariance and principal axes of a set of points.</summary>
/// <param name="Mean">Centroid.</param>
/// <param name="Covariance">Population covariance, row-major 3x3.</param>
/// <param name="Axes">Unit principal axes, largest variance first (right-handed).</param>
/// <param name="Variances">Eigenvalues of the covariance, descending.</param>
public sealed record PcaResult(Point3 Mean, double[] Covariance, Point3[] Axes, double[] Variances);

/// <summary>Principal component analysis of point sets (covariance eigen-decomposition).</summary>
public static class Pca
{
    public static PcaResult Compute(PointCloud c) => Compute(c, null);

    /// <summary>PCA of the points at <paramref name="indices"/> (all points when null).</summary>
    public static PcaResult Compute(PointCloud c, ReadOnlySpan<int> indices) => Compute(c, indices.ToArray());

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static PcaResult Compute(PointCloud c, int[]? indices)
    {
        int n = indices?.Length ?? c.Count;
        if (n == 0) throw new ArgumentException("PCA of an empty point set");
        double sx = 0, sy = 0, sz = 0;
        for (int j = 0; j < n; j++) { int i = indices?[j] ?? j; sx += c.X[i]; sy += c.Y[i]; sz += c.Z[i]; }
        double mx = sx / n, my = sy / n, mz = sz / n;
        double xx = 0, xy = 0, xz = 0, yy = 0, yz = 0, zz = 0;
        for (int j = 0; j < n; j++)
        {
            int i = indices?[j] ?? j;
            double dx = c.X[i] - mx, dy = c.Y[i] - my, dz = c.Z[i] - mz;
            xx += dx * dx; xy += dx * dy; xz += dx * dz; yy += dy * dy; yz += dy * dz; zz += dz * dz;
        }
        double[] cov = [xx / n, xy / n, xz / n, xy / n, yy / n, yz / n, xz / n, yz / n, zz / n];
        var (values, vectors) = SymmetricEigen3.Decompose(cov);
        var axes = new Point3[3];
        for (int r = 0; r < 3; r++) axes[r] = new Point3(vectors[r * 3], vectors[r * 3 + 1], vectors[r * 3 + 2]);
        return new PcaResult(new Point3(mx, my, mz), cov, axes, values);
    }

    /// <summary>Least-squares plane through the points at <paramref name="indices"/>: through the centroid, normal = least-variance axis.</summary>
    public static Plane FitPlane(PointCloud c, ReadOnlySpan<int> indices)
    {
        var pca = Compute(c, indices);
        return Plane.FromPointNormal(pca.Mean, pca.Axes[2]);
    }
}
