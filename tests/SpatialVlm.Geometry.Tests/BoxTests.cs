using CsCheck;
using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Geometry.Tests;

public class BoxTests
{
    [Fact]
    public void OrientedBoxRecoversRotatedExtents() =>
        // PCA axes are a statistical estimate: with 200k samples an axis tilts by ~0.0015 rad (1σ), which lengthens a
        // side by (longer side × tilt); the bounds allow ~6σ (a 1 % bound on the 1 m and 0.5 m sides failed at 3.3σ).
        Gen.Select(Gen.Double[-Math.PI, Math.PI], Gen.Double[-1.5, 1.5], Gen.Double[-Math.PI, Math.PI], Gen.Int[0, 10_000]).Sample((yaw, pitch, roll, seed) =>
        {
            var rng = new Random(seed);
            var t = Synthetic.Rotation(yaw, pitch, roll, new Point3(1, -2, 3));
            var cloud = Synthetic.Transformed(Synthetic.SolidBoxCloud(rng, 2, 1, 0.5, 200_000), t);
            var box = OrientedBox.Fit(cloud);
            var e = box.Extent;
            return Math.Abs(e.X - 2) < 0.02 && Math.Abs(e.Y - 1) < 0.02 && Math.Abs(e.Z - 0.5) < 0.01
                && (box.Center - new Point3(1, -2, 3)).Length < 0.01
                && Math.Abs(Math.Abs(box.Axes[0].Dot(t.Column(0))) - 1) < 1e-3;
        }, iter: 10);

    [Fact]
    public void UprightBoxRecoversYawedExtents() =>
        Gen.Select(Gen.Double[-Math.PI, Math.PI], Gen.Int[0, 10_000]).Sample((yaw, seed) =>
        {
            var rng = new Random(seed);
            var t = Synthetic.Rotation(yaw, 0, 0, new Point3(2, 0.5, 0.4));
            var cloud = Synthetic.Transformed(Synthetic.SolidBoxCloud(rng, 0.5, 1.2, 0.8, 20_000), t);
            var box = UprightBoxFit.Fit(cloud);
            // The 1.2 m side lies along the box's local y, i.e. at yaw + 90°.
            double yawError = Math.Abs(Math.IEEERemainder(box.Yaw - (yaw + Math.PI / 2), Math.PI));
            return Math.Abs(box.Width - 1.2) < 0.012 && Math.Abs(box.Length - 0.5) < 0.005 && Math.Abs(box.Height - 0.8) < 0.008
                && yawError < Math.PI / 180 && (box.Center - new Point3(2, 0.5, 0.4)).Length < 0.01
                && Math.Abs(box.Bottom - 0.0) < 0.005;
        }, iter: 30);

    [Fact]
    public void MinAreaRectangleMatchesBruteForce() =>
        Gen.Int[3, 60].SelectMany(n => Gen.Double[-3, 3].Array[2 * n]).Sample(v =>
        {
            var pts = Enumerable.Range(0, v.Length / 2).Select(i => (v[2 * i], v[2 * i + 1] * 0.3)).ToArray();
            var rect = MinAreaRectangle.Fit(pts);
            var hull = ConvexHull2D.Compute(pts);
            if (hull.Length < 3) return true;
            double best = double.MaxValue;
            for (int i = 0; i < hull.Length; i++)
            {
                var a = hull[i]; var b = hull[(i + 1) % hull.Length];
                double len = Math.Sqrt((b.X - a.X) * (b.X - a.X) + (b.Y - a.Y) * (b.Y - a.Y));
                double ux = (b.X - a.X) / len, uy = (b.Y - a.Y) / len;
                var along = hull.Select(p => p.X * ux + p.Y * uy).ToArray();
                var across = hull.Select(p => -p.X * uy + p.Y * ux).ToArray();
                best = Math.Min(best, (along.Max() - along.Min()) * (across.Max() - across.Min()));
            }
            // Every point inside the rectangle (small tolerance) and the area is the minimum.
            double c = Math.Cos(rect.Angle), s = Math.Sin(rect.Angle);
            bool inside = pts.All(p =>
            {
                double dx = p.Item1 - rect.CenterX, dy = p.Item2 - rect.CenterY;
                return Math.Abs(dx * c + dy * s) <= rect.SideA / 2 + 1e-9 && Math.Abs(-dx * s + dy * c) <= rect.SideB / 2 + 1e-9;
            });
            return inside && Math.Abs(rect.Area - best) < 1e-9 * Math.Max(1, best);
        }, iter: 300);

    [Fact]
    public void AxisAlignedBoxSpansThePoints()
    {
        var c = PointCloud.FromPoints([(1f, 2f, 3f), (-1f, 5f, 0f), (0f, 0f, 1f)]);
        var box = AxisAlignedBox.Fit(c);
        Assert.Equal(new Point3(-1, 0, 0), box.Min);
        Assert.Equal(new Point3(1, 5, 3), box.Max);
        Assert.Equal(new Point3(2, 5, 3), box.Extent);
    }
}
