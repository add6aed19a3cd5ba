using SpatialVlm.Core;

namespace SpatialVlm.Geometry;

/// <summary>An axis-aligned box by its corners.</summary>
public readonly record struct AxisAlignedBounds(Point3 Min, Point3 Max)
{
    public Point3 Center => (Min + Max) * 0.5;
    public Point3 Extent => Max - Min;
}

/// <summary>The axis-aligned bounding box of a cloud.</summary>
public static class AxisAlignedBox
{
    public static AxisAlignedBounds Fit(PointCloud c)
    {
        var (min, max) = CloudBounds.Of(c);
        return new AxisAlignedBounds(min, max);
    }
}
