namespace SpatialVlm.Core;

/// <summary>A rotation (row-major 3x3) and a translation: p' = R p + t.</summary>
public sealed record RigidTransform(double[] Rotation, Point3 Translation)
{
    public static RigidTransform Identity => new([1, 0, 0, 0, 1, 0, 0, 0, 1], Point3.Zero);

    /// <summary>Old-to-new transform whose rotation rows are the new frame's axes written in old coordinates.</summary>
    public static RigidTransform FromAxes(Point3 xAxis, Point3 yAxis, Point3 zAxis, Point3 translation) =>
        new([xAxis.X, xAxis.Y, xAxis.Z, yAxis.X, yAxis.Y, yAxis.Z, zAxis.X, zAxis.Y, zAxis.Z], translation);

    public Point3 Apply(Point3 p) => Rotate(p) + Translation;

    public Point3 Rotate(Point3 p)
    {
        var r = Rotation;
        return new(r[0] * p.X + r[1] * p.Y + r[2] * p.Z,
                   r[3] * p.X + r[4] * p.Y + r[5] * p.Z,
                   r[6] * p.X + r[7] * p.Y + r[8] * p.Z);
    }

    public RigidTransform Inverse()
    {
        var r = Rotation;
        double[] rt = [r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]];
        var inv = new RigidTransform(rt, Point3.Zero);
        return inv with { Translation = -inv.Rotate(Translation) };
    }

    /// <summary>this ∘ other: apply other first.</summary>
    public RigidTransform Compose(RigidTransform other)
    {
        var a = Rotation; var b = other.Rotation; var m = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                m[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
        return new RigidTransform(m, Apply(other.Translation));
    }

    /// <summary>The column of the rotation: where the source frame's axis i points in the target frame.</summary>
    public Point3 Column(int i) => new(Rotation[i], Rotation[3 + i], Rotation[6 + i]);

    public double[][] ToMatrix4x4() =>
    [
        [Rotation[0], Rotation[1], Rotation[2], Translation.X],
        [Rotation[3], Rotation[4], Rotation[5], Translation.Y],
        [Rotation[6], Rotation[7], Rotation[8], Translation.Z],
        [0, 0, 0, 1],
    ];

    public static RigidTransform FromMatrix4x4(double[][] m)
    {
        if (m.Length != 4 || m.Any(row => row.Length != 4))
            throw new FormatException("a 4x4 matrix must have 4 rows of 4 numbers");
        return new([m[0][0], m[0][1], m[0][2], m[1][0], m[1][1], m[1][2], m[2][0], m[2][1], m[2][2]],
                   new Point3(m[0][3], m[1][3], m[2][3]));
    }
}
