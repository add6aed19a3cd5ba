using SpatialVlm.Core;

namespace SpatialVlm.Geometry;

/// <summary>The plane A·x + B·y + C·z + D = 0 with (A, B, C) a unit normal.</summary>
public readonly record struct Plane(double A, double B, double C, double D)
{
    public Point3 Normal => new(A, B, C);

    /// <summary>Signed distance of p (positive on the side the normal points to).</summary>
    public double SignedDistance(Point3 p) => A * p.X + B * p.Y + C * p.Z + D;

    /// <summary>The plane through a point with the given normal (normalized here).</summary>
    public static Plane FromPointNormal(Point3 point, Point3 normal)
    {
        var n = normal.Normalized();
        if (n.Length == 0) throw new ArgumentException("a plane needs a non-zero normal");
        return new Plane(n.X, n.Y, n.Z, -n.Dot(point));
    }

    /// <summary>The same plane with the normal reversed.</summary>
    public Plane Flipped() => new(-A, -B, -C, -D);

    /// <summary>Angle in degrees between the two planes' normals, ignoring their sign (0..90).</summary>
    public double AngleToDegrees(Plane other) =>
        Math.Acos(Math.Min(1, Math.Abs(Normal.Dot(other.Normal)))) * 180 / Math.PI;
}
