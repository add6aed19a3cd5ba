namespace SpatialVlm.Core;

/// <summary>
/// A gravity-aligned box in the world frame (SPATIAL.md): yaw about +z, Width = the longer horizontal
/// side, Length = the shorter, Height = z extent.
/// </summary>
public readonly record struct UprightBox(Point3 Center, double Width, double Length, double Height, double Yaw)
{
    public double Bottom => Center.Z - Height / 2;
    public double Top => Center.Z + Height / 2;
    public double Volume => Width * Length * Height;

    /// <summary>Normalizes so Width ≥ Length, rotating yaw by 90° when the sides swap; yaw in (−π/2, π/2].</summary>
    public static UprightBox Create(Point3 center, double sizeA, double sizeB, double height, double yaw)
    {
        if (sizeB > sizeA) { (sizeA, sizeB) = (sizeB, sizeA); yaw += Math.PI / 2; }
        yaw = Math.IEEERemainder(yaw, Math.PI);
        if (yaw <= -Math.PI / 2) yaw += Math.PI;
        return new UprightBox(center, sizeA, sizeB, height, yaw);
    }

    /// <summary>Unit vector of the Width side in the horizontal plane.</summary>
    public Point3 WidthAxis => new(Math.Cos(Yaw), Math.Sin(Yaw), 0);
    /// <summary>Unit vector of the Length side in the horizontal plane.</summary>
    public Point3 LengthAxis => new(-Math.Sin(Yaw), Math.Cos(Yaw), 0);

    /// <summary>The eight corners.</summary>
    public Point3[] Corners()
    {
        var c = new Point3[8]; int i = 0;
        foreach (var sz in new[] { -0.5, 0.5 })
            foreach (var sl in new[] { -0.5, 0.5 })
                foreach (var sw in new[] { -0.5, 0.5 })
                    c[i++] = Center + WidthAxis * (sw * Width) + LengthAxis * (sl * Length) + new Point3(0, 0, sz * Height);
        return c;
    }

    /// <summary>Signed distance-like test: how far p lies outside the box (0 inside).</summary>
    public double DistanceOutside(Point3 p)
    {
        var d = p - Center;
        var u = Math.Abs(d.Dot(WidthAxis)) - Width / 2;
        var v = Math.Abs(d.Dot(LengthAxis)) - Length / 2;
        var w = Math.Abs(d.Z) - Height / 2;
        var ou = Math.Max(u, 0); var ov = Math.Max(v, 0); var ow = Math.Max(w, 0);
        return Math.Sqrt(ou * ou + ov * ov + ow * ow);
    }
}
