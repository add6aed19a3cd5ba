using CsCheck;
using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Geometry.Tests;

public class PcaTests
{
    [Fact]
    public void EigenPairsSatisfyTheDefinition() =>
        Gen.Double[-5, 5].Array[6].Sample(v =>
        {
            double[] m = [v[0], v[1], v[2], v[1], v[3], v[4], v[2], v[4], v[5]];
            var (values, vectors) = SymmetricEigen3.Decompose(m);
            if (values[0] < values[1] || values[1] < values[2]) return false;
            for (int r = 0; r < 3; r++)
            {
                var e = new Point3(vectors[r * 3], vectors[r * 3 + 1], vectors[r * 3 + 2]);
                if (Math.Abs(e.Length - 1) > 1e-9) return false;
                var me = new Point3(m[0] * e.X + m[1] * e.Y + m[2] * e.Z, m[3] * e.X + m[4] * e.Y + m[5] * e.Z, m[6] * e.X + m[7] * e.Y + m[8] * e.Z);
                if ((me - e * values[r]).Length > 1e-8 * Math.Max(1, Math.Abs(values[0]))) return false;
            }
            var e0 = new Point3(vectors[0], vectors[1], vectors[2]);
            var e1 = new Point3(vectors[3], vectors[4], vectors[5]);
            var e2 = new Point3(vectors[6], vectors[7], vectors[8]);
            return (e0.Cross(e1) - e2).Length < 1e-9; // right-handed
        }, iter: 500);

    [Fact]
    public void HandlesRepeatedEigenvalues()
    {
        var (values, _) = SymmetricEigen3.Decompose([2, 0, 0, 0, 2, 0, 0, 0, 2]);
        Assert.Equal([2.0, 2.0, 2.0], values);
    }

    [Fact]
    public void PrincipalAxesOfAStretchedCloud()
    {
        var rng = new Random(3);
        var pts = Enumerable.Range(0, 5000).Select(_ => new Point3(Synthetic.Gaussian(rng) * 3, Synthetic.Gaussian(rng), Synthetic.Gaussian(rng) * 0.2) + new Point3(1, 2, 3)).ToList();
        var pca = Pca.Compute(Synthetic.Cloud(pts));
        Assert.True((pca.Mean - new Point3(1, 2, 3)).Length < 0.1);
        Assert.True(Math.Abs(pca.Axes[0].X) > 0.999);
        Assert.True(Math.Abs(pca.Axes[2].Z) > 0.999);
        Assert.Equal(9, pca.Variances[0], 0.6);
    }
}
