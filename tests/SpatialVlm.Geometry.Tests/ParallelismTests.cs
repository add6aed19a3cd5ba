using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Geometry.Tests;

/// <summary>Geometry's thread count is the caller's choice and never changes a result.</summary>
public class ParallelismTests
{
    /// <summary>A lifted depth map of a tilted floor with a box on it and scattered speckle (the organized search path): 120×100 pixels.</summary>
    private static PointCloud LiftedFrame()
    {
        const int w = 120, h = 100;
        var rng = new Random(4);
        var meters = new float[w * h];
        for (int v = 0; v < h; v++)
            for (int u = 0; u < w; u++)
            {
                float z = 2f + 0.01f * v + (float)(Synthetic.Gaussian(rng) * 0.003);
                if (u is > 40 and < 70 && v is > 30 and < 60) z -= 0.3f;
                if (rng.NextDouble() < 0.02) z += (float)rng.NextDouble();
                meters[v * w + u] = z;
            }
        return BackProjection.FromDepth(new DepthMap(w, h, meters), new CameraIntrinsics(w, h, 100, 100, 59.5, 49.5));
    }

    /// <summary>The same points without their pixel grid (the KD-tree path).</summary>
    private static PointCloud Unorganized(PointCloud c) =>
        PointCloud.FromPoints(Enumerable.Range(0, c.Count).Select(i => (c.X[i], c.Y[i], c.Z[i])).ToList());

    [Fact]
    public void MeanKnnDistanceIsTheSameOnOneOrFourThreads()
    {
        var organized = LiftedFrame();
        Assert.True(organized.Count > 4096, "large enough to be split into parts");
        Assert.Equal(MeanKnnDistance.Compute(organized, 20), MeanKnnDistance.Compute(organized, 20, maxDegreeOfParallelism: 4));
        var plain = Unorganized(organized);
        Assert.Equal(MeanKnnDistance.Compute(plain, 20), MeanKnnDistance.Compute(plain, 20, maxDegreeOfParallelism: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => MeanKnnDistance.Compute(plain, 20, maxDegreeOfParallelism: 0));
    }

    [Fact]
    public void OutlierRemovalAndClusteringAreTheSameOnOneOrFourThreads()
    {
        var cloud = LiftedFrame();
        Assert.Equal(StatisticalOutlierRemoval.KeptIndices(cloud, new StatisticalOutlierOptions(30, 1.2)),
            StatisticalOutlierRemoval.KeptIndices(cloud, new StatisticalOutlierOptions(30, 1.2, MaxDegreeOfParallelism: 4)));
        Assert.Equal(RadiusOutlierRemoval.KeptIndices(cloud, new RadiusOutlierOptions(8, 0.05)),
            RadiusOutlierRemoval.KeptIndices(cloud, new RadiusOutlierOptions(8, 0.05, MaxDegreeOfParallelism: 4)));
        var one = Dbscan.Cluster(cloud, new DbscanOptions(0.05, 10));
        var four = Dbscan.Cluster(cloud, new DbscanOptions(0.05, 10, MaxDegreeOfParallelism: 4));
        Assert.Equal(one.Labels, four.Labels);
        Assert.Equal(one.ClusterCount, four.ClusterCount);
    }
}
