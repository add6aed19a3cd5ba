using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>One triangle in an object's local frame (origin on the support, z up) with shading normals and a material slot.</summary>
public readonly record struct LocalTriangle(Point3 A, Point3 B, Point3 C, Point3 NA, Point3 NB, Point3 NC, Point3 Inside, int Slot);

/// <summary>
/// Triangulates the convex primitives objects are built from. Round primitives use a segment count divisible
/// by 4 and an even ring count, so their vertices reach the exact radius on both local axes: an object's
/// upright box computed from its vertices is then the box of the analytic shape.
/// </summary>
public static class PrimitiveMesh
{
    public const int Segments = 16;
    public const int SphereRings = 8;

    /// <summary>Box centred at <paramref name="c"/>, sides along local x/y/z, optionally tilted about the local x axis through <paramref name="pivot"/>.</summary>
    public static void Box(List<LocalTriangle> tris, Point3 c, double sx, double sy, double sz, int slot, double tiltX = 0, Point3? pivot = null)
    {
        var (s, co) = PortableTrig.SinCos(tiltX);
        var p0 = pivot ?? c;
        Point3 T(Point3 p)
        {
            if (tiltX == 0) return p;
            var d = p - p0;
            return p0 + new Point3(d.X, co * d.Y - s * d.Z, s * d.Y + co * d.Z);
        }
        Point3 R(Point3 n) => tiltX == 0 ? n : new Point3(n.X, co * n.Y - s * n.Z, s * n.Y + co * n.Z);
        var h = new Point3(sx / 2, sy / 2, sz / 2);
        var inside = T(c);
        Span<Point3> axes = [new(1, 0, 0), new(0, 1, 0), new(0, 0, 1)];
        for (int a = 0; a < 3; a++)
            for (int sign = -1; sign <= 1; sign += 2)
            {
                var n = axes[a] * sign;
                var u = axes[(a + 1) % 3]; var v = axes[(a + 2) % 3];
                var hn = Scale(n, h); var hu = Scale(u, h); var hv = Scale(v, h);
                var q0 = T(c + hn - hu - hv); var q1 = T(c + hn + hu - hv); var q2 = T(c + hn + hu + hv); var q3 = T(c + hn - hu + hv);
                var rn = R(n);
                tris.Add(new(q0, q1, q2, rn, rn, rn, inside, slot));
                tris.Add(new(q0, q2, q3, rn, rn, rn, inside, slot));
            }
    }

    private static Point3 Scale(Point3 axis, Point3 half) => new(axis.X * half.X, axis.Y * half.Y, axis.Z * half.Z);

    /// <summary>Truncated cone on the plane z = base.Z (a cylinder when the radii match, a cone when rTop = 0).</summary>
    public static void Frustum(List<LocalTriangle> tris, Point3 baseCenter, double rBottom, double rTop, double height, int slot)
    {
        var top = baseCenter + new Point3(0, 0, height);
        var inside = baseCenter + new Point3(0, 0, height / 2);
        var slope = (rBottom - rTop) / height; // side normal = (radial, slope) normalized
        var norm = 1 / Math.Sqrt(1 + slope * slope);
        var down = new Point3(0, 0, -1); var up = new Point3(0, 0, 1);
        for (int i = 0; i < Segments; i++)
        {
            var (s0, c0) = Angle(i); var (s1, c1) = Angle(i + 1);
            var b0 = baseCenter + new Point3(rBottom * c0, rBottom * s0, 0);
            var b1 = baseCenter + new Point3(rBottom * c1, rBottom * s1, 0);
            var t0 = top + new Point3(rTop * c0, rTop * s0, 0);
            var t1 = top + new Point3(rTop * c1, rTop * s1, 0);
            var n0 = new Point3(c0 * norm, s0 * norm, slope * norm);
            var n1 = new Point3(c1 * norm, s1 * norm, slope * norm);
            tris.Add(new(b0, b1, t1, n0, n1, n1, inside, slot));
            if (rTop > 0) tris.Add(new(b0, t1, t0, n0, n1, n0, inside, slot));
            tris.Add(new(baseCenter, b1, b0, down, down, down, inside, slot));
            if (rTop > 0) tris.Add(new(top, t0, t1, up, up, up, inside, slot));
        }
    }

    public static void Sphere(List<LocalTriangle> tris, Point3 center, double r, int slot)
    {
        // Rings from the south pole (ring 0) to the north pole (ring SphereRings); the equator is a ring.
        Point3 Unit(int ring, int seg)
        {
            var (sl, cl) = PortableTrig.SinCos(Math.PI * ring / SphereRings - Math.PI / 2);
            var (s, c) = Angle(seg);
            return new Point3(cl * c, cl * s, sl);
        }
        for (int ring = 0; ring < SphereRings; ring++)
            for (int seg = 0; seg < Segments; seg++)
            {
                var a = Unit(ring, seg); var b = Unit(ring, seg + 1); var c = Unit(ring + 1, seg + 1); var d = Unit(ring + 1, seg);
                if (ring > 0) tris.Add(new(center + a * r, center + b * r, center + c * r, a, b, c, center, slot));
                if (ring < SphereRings - 1) tris.Add(new(center + a * r, center + c * r, center + d * r, a, c, d, center, slot));
            }
    }

    private static (double Sin, double Cos) Angle(int i)
    {
        // Exact values on the axes keep the bounding box exact.
        switch ((i % Segments + Segments) % Segments)
        {
            case 0: return (0, 1);
            case Segments / 4: return (1, 0);
            case Segments / 2: return (0, -1);
            case 3 * Segments / 4: return (-1, 0);
            default: return PortableTrig.SinCos(2 * Math.PI * i / Segments);
        }
    }
}
