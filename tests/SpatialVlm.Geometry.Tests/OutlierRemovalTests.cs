using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Geometry.Tests;

public class OutlierRemovalTests
{
    /// <summary>A 1 cm grid on a 1 m square plus points planted far from it.</summary>
    private static (PointCloud Cloud, int Planted) PlaneWithOutliers(Random rng)
    {
        var pts = new List<(float, float, float)>();
        for (int i = 0; i < 100; i++)
            for (int j = 0; j < 100; j++)
                pts.Add((i * 0.01f, j * 0.01f, (float)(Synthetic.Gaussian(rng) * 0.001)));
        const int planted = 40;
        for (int o = 0; o < planted; o++)
            pts.Add(((float)rng.NextDouble(), (float)rng.NextDouble(), 0.3f + (float)rng.NextDouble()));
        return (PointCloud.FromPoints(pts), planted);
    }

    [Fact]
    public void StatisticalRemovesPlantedOutliers()
    {
        var (cloud, planted) = PlaneWithOutliers(new Random(2));
        var kept = StatisticalOutlierRemoval.KeptIndices(cloud, new StatisticalOutlierOptions(20, 2.0));
        int inliers = cloud.Count - planted;
        Assert.DoesNotContain(kept, i => i >= inliers);
        Assert.True(kept.Length > inliers * 0.97, $"kept {kept.Length} of {inliers} plane points");
    }

    [Fact]
    public void RadiusRemovesPlantedOutliers()
    {
        var (cloud, planted) = PlaneWithOutliers(new Random(3));
        var kept = RadiusOutlierRemoval.KeptIndices(cloud, new RadiusOutlierOptions(8, 0.03));
        int inliers = cloud.Count - planted;
        Assert.DoesNotContain(kept, i => i >= inliers);
        Assert.Equal(inliers, kept.Length); // every grid point has ≥ 8 others within 3 cm, corners included (3x3 block + more)
    }

    [Fact]
    public void MeanDistanceCountsThePointItself()
    {
        // Three collinear points 1 m apart: k = 2 → self (0) and the nearest (1 m) → mean 0.5 for each end.
        var c = PointCloud.FromPoints([(0f, 0f, 0f), (1f, 0f, 0f), (3f, 0f, 0f)]);
        Assert.Equal([0.5, 0.5, 1.0], MeanKnnDistance.Compute(c, 2));
    }

    [Fact]
    public void OrganizedSearchEqualsTreeSearch()
    {
        // A depth image with a slanted floor, a box in front, flying pixels at its edges, holes and specks.
        var k = new CameraIntrinsics(160, 120, 140, 140, 79.5, 59.5);
        var rng = new Random(4);
        var m = new float[160 * 120];
        for (int v = 0; v < 120; v++)
            for (int u = 0; u < 160; u++)
            {
                double ray = (v - 59.5) / 140;
                float d = ray > 0.05 ? (float)Math.Min(9.5, 1.2 / ray) : 6f;      // floor below the horizon, wall beyond
                if (u > 50 && u < 90 && v > 40 && v < 80) d = 2f + 0.002f * u;    // a box
                if ((u == 50 || u == 90) && v > 40 && v < 80) d = 2f + (float)rng.NextDouble() * 3; // flying pixels
                if (rng.NextDouble() < 0.1) d = 0;                                 // holes
                if (rng.NextDouble() < 0.005) d = 0.3f + (float)rng.NextDouble() * 9; // specks
                m[v * 160 + u] = d + (d > 0 ? (float)(Synthetic.Gaussian(rng) * 0.003) : 0);
            }
        var cloud = BackProjection.FromDepth(new DepthMap(160, 120, m), k);
        foreach (var kn in new[] { 1, 8, 50 })
        {
            var organized = MeanKnnDistance.Compute(cloud, kn);
            var tree = MeanKnnDistance.ComputeWithTree(cloud, kn);
            for (int i = 0; i < cloud.Count; i++) Assert.Equal(tree[i], organized[i], 1e-6 * Math.Max(1, tree[i]));
        }
        // A mask's points (every third pixel of a block) keep the camera, so they take the organized path too.
        var mask = Enumerable.Range(0, cloud.Count).Where(i => cloud.PixelIndex![i] % 3 == 0 && cloud.PixelIndex![i] % 160 > 40).ToArray();
        var masked = cloud.Select(mask);
        Assert.NotNull(masked.SourceCamera);
        var a = MeanKnnDistance.Compute(masked, 20);
        var b = MeanKnnDistance.ComputeWithTree(masked, 20);
        for (int i = 0; i < masked.Count; i++) Assert.Equal(b[i], a[i], 1e-6 * Math.Max(1, b[i]));
    }
}
