using SpatialVlm.Core;

namespace SpatialVlm.Questions;

/// <summary>The viewer axes of SPATIAL.md: forward = +x, left = +y, up = +z.</summary>
public enum ViewerAxis { Forward, Left, Up }

/// <summary>A box's coordinates and extents along the viewer axes.</summary>
public static class ViewerAxes
{
    public static double CenterAlong(this UprightBox box, ViewerAxis axis) => axis switch
    {
        ViewerAxis.Forward => box.Center.X,
        ViewerAxis.Left => box.Center.Y,
        _ => box.Center.Z,
    };

    /// <summary>
    /// Extent of the (yawed) box's axis-aligned footprint along a world axis; along up it is the height.
    /// This is the "extent along that axis" of the margin rule, as the conformance vectors pin it down.
    /// </summary>
    public static double ExtentAlong(this UprightBox box, ViewerAxis axis)
    {
        var (c, s) = (Math.Abs(Math.Cos(box.Yaw)), Math.Abs(Math.Sin(box.Yaw)));
        return axis switch
        {
            ViewerAxis.Forward => box.Width * c + box.Length * s,
            ViewerAxis.Left => box.Width * s + box.Length * c,
            _ => box.Height,
        };
    }
}
