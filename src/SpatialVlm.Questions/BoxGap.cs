using SpatialVlm.Core;

namespace SpatialVlm.Questions;

/// <summary>
/// Exact shortest distance between the surfaces of two upright boxes (0 when they touch or overlap).
/// An upright box is a horizontal rectangle × a z interval, so the Minkowski difference of two of them is
/// (rectangle difference) × (interval difference) and the distance splits into
/// sqrt(d_xy² + d_z²): d_xy between the two rectangles, d_z between the two intervals.
/// </summary>
public static class BoxGap
{
    public static double Between(UprightBox a, UprightBox b)
    {
        var dz = Math.Max(0, Math.Max(a.Bottom, b.Bottom) - Math.Min(a.Top, b.Top));
        var dxy = RectangleDistance(Footprint(a), Footprint(b));
        return Math.Sqrt(dxy * dxy + dz * dz);
    }

    /// <summary>The footprint's four corners, counter-clockwise.</summary>
    static (double X, double Y)[] Footprint(UprightBox box)
    {
        var (c, s) = (Math.Cos(box.Yaw), Math.Sin(box.Yaw));
        var (hw, hl) = (box.Width / 2, box.Length / 2);
        (double, double) Corner(double u, double v) => (box.Center.X + u * c - v * s, box.Center.Y + u * s + v * c);
        return [Corner(-hw, -hl), Corner(hw, -hl), Corner(hw, hl), Corner(-hw, hl)];
    }

    /// <summary>Distance between two convex quadrilaterals: 0 when no separating axis exists, otherwise the
    /// closest vertex–edge pair (for disjoint convex polygons the minimum is always attained at one).</summary>
    static double RectangleDistance((double X, double Y)[] p, (double X, double Y)[] q)
    {
        if (!Separated(p, q) && !Separated(q, p)) return 0;
        var best = double.PositiveInfinity;
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
            {
                best = Math.Min(best, PointSegment(p[i], q[j], q[(j + 1) % 4]));
                best = Math.Min(best, PointSegment(q[i], p[j], p[(j + 1) % 4]));
            }
        return best;
    }

    /// <summary>True when one of p's edge normals separates the two polygons (strictly).</summary>
    static bool Separated((double X, double Y)[] p, (double X, double Y)[] q)
    {
        for (int i = 0; i < 2; i++)
        {
            var (nx, ny) = (-(p[i + 1].Y - p[i].Y), p[i + 1].X - p[i].X);
            double pMin = double.PositiveInfinity, pMax = double.NegativeInfinity, qMin = double.PositiveInfinity, qMax = double.NegativeInfinity;
            for (int k = 0; k < 4; k++)
            {
                var dp = p[k].X * nx + p[k].Y * ny; pMin = Math.Min(pMin, dp); pMax = Math.Max(pMax, dp);
                var dq = q[k].X * nx + q[k].Y * ny; qMin = Math.Min(qMin, dq); qMax = Math.Max(qMax, dq);
            }
            if (pMax < qMin || qMax < pMin) return true;
        }
        return false;
    }

    static double PointSegment((double X, double Y) p, (double X, double Y) a, (double X, double Y) b)
    {
        var (dx, dy) = (b.X - a.X, b.Y - a.Y);
        var len2 = dx * dx + dy * dy;
        var t = len2 > 0 ? Math.Clamp(((p.X - a.X) * dx + (p.Y - a.Y) * dy) / len2, 0, 1) : 0;
        var (ex, ey) = (a.X + t * dx - p.X, a.Y + t * dy - p.Y);
        return Math.Sqrt(ex * ex + ey * ey);
    }
}
