namespace SpatialVlm.Core;

/// <summary>A point or vector in meters, double precision (boxes and measurements; clouds use float arrays).</summary>
public readonly record struct Point3(double X, double Y, double Z)
{
    public static Point3 Zero => new(0, 0, 0);
    public static Point3 operator +(Point3 a, Point3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
    public static Point3 operator -(Point3 a, Point3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    public static Point3 operator -(Point3 a) => new(-a.X, -a.Y, -a.Z);
    public static Point3 operator *(Point3 a, double s) => new(a.X * s, a.Y * s, a.Z * s);
    public static Point3 operator *(double s, Point3 a) => a * s;
    public static Point3 operator /(Point3 a, double s) => new(a.X / s, a.Y / s, a.Z / s);
    public double Dot(Point3 b) => X * b.X + Y * b.Y + Z * b.Z;
    public Point3 Cross(Point3 b) => new(Y * b.Z - Z * b.Y, Z * b.X - X * b.Z, X * b.Y - Y * b.X);
    public double Length => Math.Sqrt(X * X + Y * Y + Z * Z);
    public Point3 Normalized() { var l = Length; return l > 0 ? this / l : this; }
    public double[] ToArray() => [X, Y, Z];
    public static Point3 FromArray(IReadOnlyList<double> a) =>
        a.Count == 3 ? new(a[0], a[1], a[2]) : throw new ArgumentException($"expected 3 numbers, got {a.Count}");
    public override string ToString() => FormattableString.Invariant($"({X:0.###}, {Y:0.###}, {Z:0.###})");
}
