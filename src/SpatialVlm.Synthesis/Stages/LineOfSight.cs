using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Synthesis.Stages;

/// <summary>
/// The horizontal frame of an object as the camera sees it: its centroid, and the unit direction from the
/// camera to it in the ground plane. Along = depth along that direction, Across = to its left.
/// </summary>
public readonly record struct LineOfSight(double CentroidX, double CentroidY, double DirX, double DirY)
{
    /// <summary>Null when the object is straight below the camera (no horizontal direction).</summary>
    public static LineOfSight? Of(PointCloud world, Point3 camera)
    {
        if (world.Count == 0) return null;
        double mx = 0, my = 0;
        for (int i = 0; i < world.Count; i++) { mx += world.X[i]; my += world.Y[i]; }
        mx /= world.Count; my /= world.Count;
        double vx = mx - camera.X, vy = my - camera.Y, len = Math.Sqrt(vx * vx + vy * vy);
        return len < 1e-6 ? null : new LineOfSight(mx, my, vx / len, vy / len);
    }

    public double Along(double x, double y) => (x - CentroidX) * DirX + (y - CentroidY) * DirY;
    public double Across(double x, double y) => -(x - CentroidX) * DirY + (y - CentroidY) * DirX;

    /// <summary>World (x, y) of a point given in this frame.</summary>
    public (double X, double Y) ToWorld(double along, double across) =>
        (CentroidX + along * DirX - across * DirY, CentroidY + along * DirY + across * DirX);
}
