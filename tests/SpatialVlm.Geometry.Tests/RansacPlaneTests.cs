using CsCheck;
using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Geometry.Tests;

public class RansacPlaneTests
{
    /// <summary>A noisy plane with the given unit normal and offset, plus uniform outliers.</summary>
    private static PointCloud NoisyPlane(Random rng, Point3 normal, double d, int n, int outliers, double noise)
    {
        var helper = Math.Abs(normal.X) < 0.9 ? new Point3(1, 0, 0) : new Point3(0, 1, 0);
        var e1 = normal.Cross(helper).Normalized();
        var e2 = normal.Cross(e1);
        var pts = new List<Point3>();
        for (int i = 0; i < n; i++)
            pts.Add(normal * -d + e1 * ((rng.NextDouble() - 0.5) * 4) + e2 * ((rng.NextDouble() - 0.5) * 4) + normal * (Synthetic.Gaussian(rng) * noise));
        for (int i = 0; i < outliers; i++)
            pts.Add(new Point3(rng.NextDouble() * 4 - 2, rng.NextDouble() * 4 - 2, rng.NextDouble() * 4 - 2));
        return Synthetic.Cloud(pts);
    }

    [Fact]
    public void RecoversNoisyPlanesWithinOneDegree() =>
        Gen.Select(Gen.Double[-1, 1], Gen.Double[-1, 1], Gen.Double[-1, 1], Gen.Double[-2, 2], Gen.Int[0, 1000]).Sample((a, b, c, d, seed) =>
        {
            var normal = new Point3(a, b, c);
            if (normal.Length < 0.1) return true;
            normal = normal.Normalized();
            var rng = new Random(seed);
            var cloud = NoisyPlane(rng, normal, d, 2000, 1000, 0.01);
            var fit = RansacPlane.Fit(cloud, new RansacPlaneOptions(0.03, 3, 200, seed));
            var truth = new Plane(normal.X, normal.Y, normal.Z, d);
            double offset = fit.Plane.Normal.Dot(truth.Normal) > 0 ? fit.Plane.D - d : -fit.Plane.D - d;
            return fit.Plane.AngleToDegrees(truth) < 1 && Math.Abs(offset) < 0.01 && fit.Inliers.Length >= 1900
                && Math.Abs(fit.Plane.Normal.Length - 1) < 1e-9;
        }, iter: 40);

    [Fact]
    public void SameSeedSamePlane()
    {
        var cloud = NoisyPlane(new Random(1), new Point3(0, 0, 1), 1, 500, 500, 0.02);
        var a = RansacPlane.Fit(cloud, new RansacPlaneOptions(0.05, 3, 50, 9));
        var b = RansacPlane.Fit(cloud, new RansacPlaneOptions(0.05, 3, 50, 9));
        Assert.Equal(a.Plane, b.Plane);
        Assert.Equal(a.Inliers, b.Inliers);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(123)]
    public void SamePlaneForAnyParallelism(int seed)
    {
        // Large enough for the subset round and the finalists, so both scoring passes run on several threads.
        var cloud = NoisyPlane(new Random(seed), new Point3(0.2, 0.1, 1).Normalized(), 0.8, 6000, 3000, 0.02);
        var options = new RansacPlaneOptions(0.03, 3, 300, seed, ScoringSubset: 1000, Finalists: 12);
        var one = RansacPlane.Fit(cloud, options);
        var four = RansacPlane.Fit(cloud, options with { MaxDegreeOfParallelism = 4 });
        Assert.Equal(one.Plane, four.Plane);
        Assert.Equal(one.Inliers, four.Inliers);
        Assert.Throws<ArgumentOutOfRangeException>(() => RansacPlane.Fit(cloud, options with { MaxDegreeOfParallelism = 0 }));
    }

    [Fact]
    public void RejectsDegenerateInput()
    {
        var line = PointCloud.FromPoints([(0f, 0f, 0f), (1f, 0f, 0f), (2f, 0f, 0f), (3f, 0f, 0f)]);
        Assert.Throws<ArgumentException>(() => RansacPlane.Fit(line, new RansacPlaneOptions()));
        Assert.Throws<ArgumentException>(() => RansacPlane.Fit(PointCloud.Empty, new RansacPlaneOptions()));
    }
}
