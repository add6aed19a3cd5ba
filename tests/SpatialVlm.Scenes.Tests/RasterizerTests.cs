using CsCheck;
using SpatialVlm.Core;
using SpatialVlm.Scenes;

namespace SpatialVlm.Scenes.Tests;

public class RasterizerTests
{
    [Fact]
    public void TwoTrianglesOfARectangleCoverExactlyItsPixelsWithLinearValues()
    {
        const int w = 20, h = 16;
        var q = new float[w * h]; var ids = new int[w * h];
        Array.Fill(ids, -1);
        // Rectangle [2.5, 12.5] x [3.5, 9.5] split on its diagonal; value q = 0.5 + 0.01 x + 0.02 y.
        double Q(double x, double y) => 0.5 + 0.01 * x + 0.02 * y;
        TriangleRasterizer.Fill(q, ids, w, 0, h, 2.5, 3.5, Q(2.5, 3.5), 12.5, 3.5, Q(12.5, 3.5), 12.5, 9.5, Q(12.5, 9.5), 1);
        TriangleRasterizer.Fill(q, ids, w, 0, h, 2.5, 3.5, Q(2.5, 3.5), 12.5, 9.5, Q(12.5, 9.5), 2.5, 9.5, Q(2.5, 9.5), 2);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                bool inside = x >= 3 && x <= 12 && y >= 4 && y <= 9;
                Assert.Equal(inside, ids[y * w + x] >= 0);
                if (inside) Assert.Equal(Q(x, y), q[y * w + x], 5);
            }
    }

    [Fact]
    public void CoverageAndValuesMatchABruteForceReference() =>
        // Random triangles and linear values; the vectorized spans and the scalar remainder must agree with
        // an independent per-pixel evaluation (away from the edges, where rounding may decide either way).
        Gen.Select(Gen.Double[-10, 74].Array[3], Gen.Double[-10, 58].Array[3], Gen.Double[0.1, 2].Array[3]).Sample((xs, ys, qs) =>
        {
            const int w = 64, h = 48;
            var q = new float[w * h]; var ids = new int[w * h];
            Array.Fill(ids, -1);
            TriangleRasterizer.Fill(q, ids, w, 0, h, xs[0], ys[0], qs[0], xs[1], ys[1], qs[1], xs[2], ys[2], qs[2], 7);
            var area = (xs[1] - xs[0]) * (ys[2] - ys[0]) - (xs[2] - xs[0]) * (ys[1] - ys[0]);
            if (Math.Abs(area) < 1) return true;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    double b0 = ((xs[1] - x) * (ys[2] - y) - (xs[2] - x) * (ys[1] - y)) / area;
                    double b1 = ((xs[2] - x) * (ys[0] - y) - (xs[0] - x) * (ys[2] - y)) / area;
                    double b2 = 1 - b0 - b1;
                    var margin = Math.Min(b0, Math.Min(b1, b2));
                    var covered = ids[y * w + x] == 7;
                    if (margin > 1e-6 && (!covered || Math.Abs(q[y * w + x] - (b0 * qs[0] + b1 * qs[1] + b2 * qs[2])) > 1e-5)) return false;
                    if (margin < -1e-6 && covered) return false;
                }
            return true;
        }, iter: 300);

    [Fact]
    public void NearerSurfaceWinsAndTiesKeepTheFirst()
    {
        const int w = 8, h = 8;
        var q = new float[w * h]; var ids = new int[w * h];
        TriangleRasterizer.Fill(q, ids, w, 0, h, 0, 0, 0.5, 8, 0, 0.5, 0, 8, 0.5, 1);
        TriangleRasterizer.Fill(q, ids, w, 0, h, 0, 0, 0.5, 8, 0, 0.5, 0, 8, 0.5, 2); // same depth: stays 1
        TriangleRasterizer.Fill(q, ids, w, 0, h, 0, 0, 0.4, 8, 0, 0.4, 0, 8, 0.4, 3); // farther: stays 1
        Assert.Equal(1, ids[0]);
        TriangleRasterizer.Fill(q, ids, w, 0, h, 0, 0, 0.9, 8, 0, 0.9, 0, 8, 0.9, 4); // nearer
        Assert.Equal(4, ids[0]);
    }

    [Fact]
    public void BoxOverlapIsSymmetricAndSeesContainedCorners()
    {
        var genBox = Gen.Select(Gen.Double[-1, 1], Gen.Double[-1, 1], Gen.Double[0.05, 1], Gen.Double[0.05, 1], Gen.Double[-3, 3])
            .Select((x, y, a, b, yaw) => UprightBox.Create(new Point3(x, y, 0.5), a, b, 1, yaw));
        Gen.Select(genBox, genBox).Sample((a, b) =>
        {
            if (BoxOverlap.Overlaps(a, b) != BoxOverlap.Overlaps(b, a)) return false;
            bool cornerInside = b.Corners().Any(c => a.DistanceOutside(c) == 0 && Math.Abs(c.Z - 0.5) < 0.49)
                || Math.Abs((b.Center - a.Center).Dot(a.WidthAxis)) < a.Width / 2 - 1e-6 && Math.Abs((b.Center - a.Center).Dot(a.LengthAxis)) < a.Length / 2 - 1e-6;
            return !cornerInside || BoxOverlap.Overlaps(a, b);
        }, iter: 500);
    }

    [Fact]
    public void StackedBoxesTouchWithoutOverlapping()
    {
        var a = UprightBox.Create(new Point3(0, 0, 0.5), 1, 1, 1, 0.3);
        var b = UprightBox.Create(new Point3(0.1, 0, 1.2), 0.5, 0.4, 0.4, 1.0);
        Assert.False(BoxOverlap.Overlaps(a, b));
        Assert.True(BoxOverlap.Overlaps(a, b with { Center = new Point3(0.1, 0, 1.19) }));
    }
}
