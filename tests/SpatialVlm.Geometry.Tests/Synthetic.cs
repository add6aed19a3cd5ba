using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Geometry.Tests;

/// <summary>Synthetic clouds with known geometry, and brute-force references.</summary>
internal static class Synthetic
{
    public static PointCloud Cloud(IEnumerable<Point3> points) =>
        PointCloud.FromPoints(points.Select(p => ((float)p.X, (float)p.Y, (float)p.Z)).ToList());

    public static double Gaussian(Random rng)
    {
        double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A rotation taking +x, +y, +z to the given yaw/pitch/roll (radians), as a transform with translation t.</summary>
    public static RigidTransform Rotation(double yaw, double pitch, double roll, Point3 t)
    {
        double cy = Math.Cos(yaw), sy = Math.Sin(yaw), cp = Math.Cos(pitch), sp = Math.Sin(pitch), cr = Math.Cos(roll), sr = Math.Sin(roll);
        // R = Rz(yaw) · Ry(pitch) · Rx(roll)
        double[] r =
        [
            cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr,
            sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr,
            -sp, cp * sr, cp * cr,
        ];
        return new RigidTransform(r, t);
    }

    /// <summary>Uniform points inside a box of the given sides centred at the origin (axis-aligned).</summary>
    public static PointCloud SolidBoxCloud(Random rng, double sx, double sy, double sz, int n)
    {
        var x = new float[n]; var y = new float[n]; var z = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)((rng.NextDouble() - 0.5) * sx); y[i] = (float)((rng.NextDouble() - 0.5) * sy); z[i] = (float)((rng.NextDouble() - 0.5) * sz);
        }
        return new PointCloud(x, y, z, n);
    }

    public static PointCloud Transformed(PointCloud c, RigidTransform t) => CloudTransform.Apply(c, t);

    public static string SharedData(params string[] parts) => SpatialVlm.Tests.SharedFolder.Data(parts);
}
