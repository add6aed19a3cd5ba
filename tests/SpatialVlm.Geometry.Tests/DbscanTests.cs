using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Geometry.Tests;

public class DbscanTests
{
    [Fact]
    public void SeparatesBlobsAndMarksNoise()
    {
        var rng = new Random(7);
        var centers = new[] { new Point3(0, 0, 0), new Point3(1, 0, 0), new Point3(0, 1, 0.5), new Point3(2, 2, 2) };
        var pts = new List<Point3>();
        foreach (var c in centers)
            for (int i = 0; i < 300; i++)
                pts.Add(c + new Point3(Synthetic.Gaussian(rng), Synthetic.Gaussian(rng), Synthetic.Gaussian(rng)) * 0.03);
        var noise = new[] { new Point3(5, 5, 5), new Point3(-3, 0, 0), new Point3(0, -4, 1) };
        pts.AddRange(noise);
        var result = Dbscan.Cluster(Synthetic.Cloud(pts), new DbscanOptions(0.05, 10));
        Assert.Equal(4, result.ClusterCount);
        for (int b = 0; b < centers.Length; b++)
        {
            var labels = result.Labels.Skip(b * 300).Take(300).Where(l => l >= 0).ToArray();
            Assert.True(labels.Length > 280, $"blob {b}: {labels.Length} clustered");
            Assert.Single(labels.Distinct());
        }
        Assert.Equal(4, result.Labels.Take(1200).Where(l => l >= 0).Distinct().Count());
        Assert.All(result.Labels.Skip(1200), l => Assert.Equal(-1, l));
        Assert.Equal(0, result.Labels[0]); // clusters are numbered by their first point
    }

    [Fact]
    public void ChainsConnectAndGapsSplit()
    {
        // Two lines of points 1 cm apart, separated by a 6 cm gap: eps 5 cm joins each line, not the two.
        var pts = new List<Point3>();
        for (int i = 0; i < 100; i++) pts.Add(new Point3(i * 0.01, 0, 0));
        for (int i = 0; i < 100; i++) pts.Add(new Point3(1.05 + i * 0.01, 0, 0));
        var r = Dbscan.Cluster(Synthetic.Cloud(pts), new DbscanOptions(0.05, 5));
        Assert.Equal(2, r.ClusterCount);
        Assert.All(r.Labels.Take(100), l => Assert.Equal(0, l));
        Assert.All(r.Labels.Skip(100), l => Assert.Equal(1, l));
        var largest = Dbscan.LargestCluster(Synthetic.Cloud(pts.Take(150)), new DbscanOptions(0.05, 5));
        Assert.Equal(100, largest.Count);
    }
}
