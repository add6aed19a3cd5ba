namespace SpatialVlm.Core;

/// <summary>Pinhole intrinsics in pixels (OpenCV camera frame: x right, y down, z forward).</summary>
public sealed record CameraIntrinsics(int Width, int Height, double Fx, double Fy, double Cx, double Cy)
{
    /// <summary>From a horizontal field of view in degrees, principal point at the image centre.</summary>
    public static CameraIntrinsics FromHorizontalFov(int width, int height, double hfovDegrees)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException("image size must be positive");
        if (!(hfovDegrees > 0 && hfovDegrees < 180)) throw new ArgumentException($"field of view {hfovDegrees}° is not in (0, 180)");
        var f = width / 2.0 / Math.Tan(hfovDegrees * Math.PI / 360.0);
        return new(width, height, f, f, (width - 1) / 2.0, (height - 1) / 2.0);
    }

    public double HorizontalFovDegrees => 2 * Math.Atan(Width / 2.0 / Fx) * 180 / Math.PI;

    /// <summary>Parses "fx,fy,cx,cy" for an image of the given size.</summary>
    public static CameraIntrinsics Parse(string text, int width, int height)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 4 || !parts.All(p => double.TryParse(p, System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v)))
            throw new FormatException($"intrinsics '{text}' must be four positive numbers fx,fy,cx,cy");
        var v4 = parts.Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new(width, height, v4[0], v4[1], v4[2], v4[3]);
    }

    /// <summary>Camera-frame point of pixel (u, v) at depth z along the optical axis.</summary>
    public Point3 BackProject(double u, double v, double z) => new((u - Cx) * z / Fx, (v - Cy) * z / Fy, z);

    /// <summary>Pixel coordinates of a camera-frame point (z must be positive).</summary>
    public (double U, double V) Project(Point3 p) => (Fx * p.X / p.Z + Cx, Fy * p.Y / p.Z + Cy);
}
