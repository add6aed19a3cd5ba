namespace SpatialVlm.Geometry;

/// <summary>A rectangle in the plane: centre, the direction angle of side A, and the two side lengths.</summary>
public readonly record struct Rectangle2D(double CenterX, double CenterY, double Angle, double SideA, double SideB)
{
    public double Area => SideA * SideB;
}

/// <summary>
/// Minimum-area enclosing rectangle of planar points by rotating calipers over the convex hull: the optimal
/// rectangle has a side on a hull edge, and the extreme points for successive edges move monotonically.
/// </summary>
public static class MinAreaRectangle
{
    public static Rectangle2D Fit(ReadOnlySpan<(double X, double Y)> points)
    {
        if (points.Length == 0) throw new ArgumentException("no points to enclose");
        var h = ConvexHull2D.Compute(points);
        int n = h.Length;
        if (n == 1) return new Rectangle2D(h[0].X, h[0].Y, 0, 0, 0);
        if (n == 2)
        {
            double dx = h[1].X - h[0].X, dy = h[1].Y - h[0].Y;
            return new Rectangle2D((h[0].X + h[1].X) / 2, (h[0].Y + h[1].Y) / 2, Math.Atan2(dy, dx), Math.Sqrt(dx * dx + dy * dy), 0);
        }
        double bestArea = double.MaxValue;
        Rectangle2D best = default;
        // Caliper positions as unbounded hull indices (taken mod n); each only moves forward, so the loop is O(n).
        int right = 0, top = 0, left = 0;
        for (int i = 0; i < n; i++)
        {
            var a = h[i]; var b = h[(i + 1) % n];
            double ex = b.X - a.X, ey = b.Y - a.Y, len = Math.Sqrt(ex * ex + ey * ey);
            double ux = ex / len, uy = ey / len;   // along the edge
            double vx = -uy, vy = ux;             // inward normal (the hull is counter-clockwise)
            double Along(int j) => (h[j % n].X - a.X) * ux + (h[j % n].Y - a.Y) * uy;
            double Away(int j) => (h[j % n].X - a.X) * vx + (h[j % n].Y - a.Y) * vy;
            // Support points for directions u, v, −u come in counter-clockwise order after the edge.
            // Climb while the next vertex is not worse (beyond rounding), so plateaus of parallel edges are crossed.
            double eps = 1e-12 * len;
            right = Math.Max(right, i + 1);
            for (int s = 0; s < n && Along(right + 1) >= Along(right) - eps; s++) right++;
            top = Math.Max(top, right);
            for (int s = 0; s < n && Away(top + 1) >= Away(top) - eps; s++) top++;
            left = Math.Max(left, top);
            for (int s = 0; s < n && Along(left + 1) <= Along(left) + eps; s++) left++;
            double maxU = Along(right), minU = Math.Min(0, Along(left)), maxV = Away(top);
            double area = (maxU - minU) * maxV;
            if (area < bestArea)
            {
                bestArea = area;
                double cu = (maxU + minU) / 2, cv = maxV / 2;
                best = new Rectangle2D(a.X + ux * cu + vx * cv, a.Y + uy * cu + vy * cv, Math.Atan2(uy, ux), maxU - minU, maxV);
            }
        }
        return best;
    }
}
