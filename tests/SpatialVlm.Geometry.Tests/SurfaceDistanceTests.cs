using CsCheck;
using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Geometry.Tests;

public class SurfaceDistanceTests
{
    [Fact]
    public void GapBetweenParallelSheets()
    {
        var a = Synthetic.Cloud(Enumerable.Range(0, 400).Select(i => new Point3(i % 20 * 0.05, i / 20 * 0.05, 0)));
        var b = Synthetic.Cloud(Enumerable.Range(0, 100).Select(i => new Point3(0.2 + i % 10 * 0.05, 0.3 + i / 10 * 0.05, 0.3)));
        Assert.Equal(0.3, SurfaceDistance.Nearest(a, b), 1e-6);
        Assert.Equal(0.3, SurfaceDistance.Nearest(b, a), 1e-6);
    }

    [Fact]
    public void EqualsBruteForce() =>
        Gen.Select(Gen.Float[-1, 1].Array[3 * 40], Gen.Float[-1, 1].Array[3 * 70]).Sample((va, vb) =>
        {
            var a = new PointCloud(va[..40], va[40..80], va[80..], 40);
            var b = new PointCloud(vb[..70], vb[70..140], vb[140..], 70);
            double brute = double.MaxValue;
            for (int i = 0; i < 40; i++)
                for (int j = 0; j < 70; j++)
                {
                    double dx = a.X[i] - b.X[j], dy = a.Y[i] - b.Y[j], dz = a.Z[i] - b.Z[j];
                    brute = Math.Min(brute, dx * dx + dy * dy + dz * dz);
                }
            return Math.Abs(SurfaceDistance.Nearest(a, b) - Math.Sqrt(brute)) < 1e-6;
        }, iter: 200);

    [Fact]
    public void TransformThenInverseIsIdentity() =>
        Gen.Select(Gen.Double[-3, 3], Gen.Double[-1.5, 1.5], Gen.Double[-3, 3], Gen.Float[-5, 5].Array[30]).Sample((yaw, pitch, roll, v) =>
        {
            var c = new PointCloud(v[..10], v[10..20], v[20..], 10, Enumerable.Range(0, 10).ToArray());
            var t = Synthetic.Rotation(yaw, pitch, roll, new Point3(1, 2, 3));
            var back = CloudTransform.Apply(CloudTransform.Apply(c, t), t.Inverse());
            return Enumerable.Range(0, 10).All(i => Math.Abs(back.X[i] - c.X[i]) < 1e-4 && Math.Abs(back.Y[i] - c.Y[i]) < 1e-4 && Math.Abs(back.Z[i] - c.Z[i]) < 1e-4)
                && back.PixelIndex!.SequenceEqual(c.PixelIndex!) && back.SourceCamera == null;
        }, iter: 100);
}
