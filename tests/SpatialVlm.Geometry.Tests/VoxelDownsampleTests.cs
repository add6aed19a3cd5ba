using CsCheck;
using SpatialVlm.Geometry;

namespace SpatialVlm.Geometry.Tests;

public class VoxelDownsampleTests
{
    [Fact]
    public void OnePointPerVoxelAtTheCentroid()
    {
        // The grid starts half a voxel below the minimum corner (Open3D), here (−0.05, −0.05, −0.05) with 0.1 m voxels:
        // voxel (i, j, k) spans [−0.05 + 0.1·i, 0.05 + 0.1·i). Points sit strictly inside chosen voxels.
        var rng = new Random(1);
        var pts = new List<(float, float, float)> { (0, 0, 0) };
        var expected = new Dictionary<(int, int, int), List<(double X, double Y, double Z)>> { [(0, 0, 0)] = [(0, 0, 0)] };
        for (int v = 0; v < 30; v++)
        {
            var key = (rng.Next(1, 20), rng.Next(1, 20), rng.Next(1, 20));
            if (!expected.ContainsKey(key)) expected[key] = [];
            for (int j = 0, n = rng.Next(1, 6); j < n; j++)
            {
                double x = key.Item1 * 0.1 + (rng.NextDouble() - 0.5) * 0.08;
                double y = key.Item2 * 0.1 + (rng.NextDouble() - 0.5) * 0.08;
                double z = key.Item3 * 0.1 + (rng.NextDouble() - 0.5) * 0.08;
                pts.Add(((float)x, (float)y, (float)z));
                expected[key].Add((x, y, z));
            }
        }
        var down = VoxelDownsample.Apply(PointCloud.FromPoints(pts), 0.1f);
        Assert.Equal(expected.Count, down.Count);
        foreach (var (key, members) in expected)
        {
            double cx = members.Average(p => p.X), cy = members.Average(p => p.Y), cz = members.Average(p => p.Z);
            int hit = Enumerable.Range(0, down.Count).Count(i => Math.Abs(down.X[i] - cx) < 1e-5 && Math.Abs(down.Y[i] - cy) < 1e-5 && Math.Abs(down.Z[i] - cz) < 1e-5);
            Assert.Equal(1, hit);
        }
    }

    [Fact]
    public void NeverMorePointsAndCentroidKept() =>
        Gen.Int[1, 300].SelectMany(n => Gen.Float[-2, 2].Array[n * 3]).Sample(v =>
        {
            int n = v.Length / 3;
            var c = new PointCloud(v[..n], v[n..(2 * n)], v[(2 * n)..], n);
            var d = VoxelDownsample.Apply(c, 0.5f);
            // Every voxel is non-empty and cells do not overlap, so the count is at most n and at least 1.
            return d.Count >= 1 && d.Count <= n && VoxelDownsample.Apply(c, 100f).Count == 1
                && Math.Abs(VoxelDownsample.Apply(c, 100f).X[0] - v[..n].Average()) < 1e-4;
        }, iter: 200);
}
