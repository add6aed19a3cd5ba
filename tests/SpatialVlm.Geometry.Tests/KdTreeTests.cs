using CsCheck;
using SpatialVlm.Geometry;

namespace SpatialVlm.Geometry.Tests;

public class KdTreeTests
{
    private static readonly Gen<PointCloud> Clouds =
        Gen.Int[1, 400].SelectMany(n => Gen.Select(Gen.Float[-1, 1].Array[n], Gen.Float[-1, 1].Array[n], Gen.Float[-1, 1].Array[n])
            .Select((x, y, z) => new PointCloud(x, y, z, n)));

    private static float[] BruteDistances(PointCloud c, float x, float y, float z) =>
        Enumerable.Range(0, c.Count).Select(i => Dist2(c, i, x, y, z)).ToArray();

    private static float Dist2(PointCloud c, int i, float x, float y, float z)
    {
        float dx = c.X[i] - x, dy = c.Y[i] - y, dz = c.Z[i] - z;
        return dx * dx + dy * dy + dz * dz;
    }

    [Fact]
    public void KNearestEqualsBruteForce() =>
        Gen.Select(Clouds, Gen.Int[1, 60], Gen.Float[-1.2f, 1.2f].Array[3]).Sample((c, k, q) =>
        {
            var tree = new KdTree(c);
            var idx = new int[k]; var d2 = new float[k];
            int found = tree.KNearest(q[0], q[1], q[2], k, idx, d2);
            var brute = BruteDistances(c, q[0], q[1], q[2]).Order().Take(k).ToArray();
            if (found != Math.Min(k, c.Count)) return false;
            for (int j = 0; j < found; j++)
            {
                if (d2[j] != brute[j]) return false;                          // same distances, nearest first
                if (Dist2(c, idx[j], q[0], q[1], q[2]) != d2[j]) return false; // indices point at them
            }
            return idx.Take(found).Distinct().Count() == found;
        }, iter: 300);

    [Fact]
    public void RadiusAndCountEqualBruteForce() =>
        Gen.Select(Clouds, Gen.Float[0.01f, 0.8f], Gen.Float[-1.2f, 1.2f].Array[3]).Sample((c, r, q) =>
        {
            var tree = new KdTree(c);
            var result = new List<int> { 12345 };
            tree.Radius(q[0], q[1], q[2], r, result);
            var brute = Enumerable.Range(0, c.Count).Where(i => Dist2(c, i, q[0], q[1], q[2]) <= r * r).ToArray();
            return result.Order().SequenceEqual(brute)
                && tree.CountWithin(q[0], q[1], q[2], r) == brute.Length
                && tree.CountWithin(q[0], q[1], q[2], r, 3) == Math.Min(3, brute.Length);
        }, iter: 300);

    [Fact]
    public void ScalesToLargeClouds()
    {
        var rng = new Random(5);
        int n = 300_000;
        var x = new float[n]; var y = new float[n]; var z = new float[n];
        for (int i = 0; i < n; i++) { x[i] = rng.NextSingle() * 4; y[i] = rng.NextSingle() * 3; z[i] = rng.NextSingle(); }
        var c = new PointCloud(x, y, z, n);
        var tree = new KdTree(c);
        var idx = new int[8]; var d2 = new float[8];
        for (int t = 0; t < 20; t++)
        {
            int i = rng.Next(n);
            tree.KNearest(x[i], y[i], z[i], 8, idx, d2);
            Assert.Equal(0f, d2[0]);
            var brute = BruteDistances(c, x[i], y[i], z[i]).Order().Take(8).ToArray();
            Assert.Equal(brute, d2);
        }
    }
}
