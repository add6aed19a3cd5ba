using SpatialVlm.Core;

namespace SpatialVlm.Geometry;

/// <summary>
/// The upright box of SPATIAL.md from world-frame points (z up): yaw and horizontal sides from the
/// minimum-area rectangle of the horizontal projection, height from the z extent; width = longer side.
/// </summary>
public static class UprightBoxFit
{
    public static UprightBox Fit(PointCloud worldPoints)
    {
        int n = worldPoints.Count;
        if (n == 0) throw new ArgumentException("an empty cloud has no box");
        var xy = new (double X, double Y)[n];
        for (int i = 0; i < n; i++) xy[i] = (worldPoints.X[i], worldPoints.Y[i]);
        var rect = MinAreaRectangle.Fit(xy);
        var (zMin, zMax) = CloudBounds.MinMax(worldPoints.ZSpan);
        var center = new Point3(rect.CenterX, rect.CenterY, (zMin + (double)zMax) / 2);
        return UprightBox.Create(center, rect.SideA, rect.SideB, zMax - (double)zMin, rect.Angle);
    }
}
