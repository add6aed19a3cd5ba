using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>An object of a scene: its category, colour, caption, model, and where it stands (footprint centre on its support, yaw about +z).</summary>
public sealed class PlacedObject
{
    public required ObjectCategory Category { get; init; }
    public required NamedColor Color { get; init; }
    public required string Caption { get; init; }
    public required ObjectModel Model { get; init; }
    /// <summary>Footprint centre on the support surface, world frame.</summary>
    public required Point3 Origin { get; init; }
    public required double Yaw { get; init; }
    public required bool OnTable { get; init; }
    /// <summary>Scale draw in [0, 1) (0 = smallest of the category's range), and the size word it earned ("small", "large" or "").</summary>
    public required double ScaleDraw { get; init; }
    public required string SizeWord { get; init; }
    /// <summary>Albedo jitter applied to the named colour (multiplicative, per channel).</summary>
    public required (float R, float G, float B) Tint { get; init; }

    private UprightBox? _box;
    private (Point3 Min, Point3 Max)? _localBounds;

    /// <summary>The same object standing at another footprint centre.</summary>
    public PlacedObject MovedTo(Point3 origin) => At(origin, Yaw);

    /// <summary>The same object (model, colour, caption) at another footprint centre and yaw.</summary>
    public PlacedObject At(Point3 origin, double yaw) => new()
    {
        Category = Category, Color = Color, Caption = Caption, Model = Model, Origin = origin, Yaw = yaw,
        OnTable = OnTable, ScaleDraw = ScaleDraw, SizeWord = SizeWord, Tint = Tint, _localBounds = LocalBounds,
    };

    /// <summary>The exact upright box of the object's triangles (they are convex parts, so the box of the vertices).</summary>
    public UprightBox Box => _box ??= ComputeBox();

    /// <summary>Axis-aligned bounds of the model's vertices in the object's local frame.</summary>
    public (Point3 Min, Point3 Max) LocalBounds => _localBounds ??= ComputeLocalBounds();

    private (Point3, Point3) ComputeLocalBounds()
    {
        double x0 = double.MaxValue, y0 = double.MaxValue, z0 = double.MaxValue, x1 = double.MinValue, y1 = double.MinValue, z1 = double.MinValue;
        foreach (var t in Model.Triangles)
            foreach (var p in (ReadOnlySpan<Point3>)[t.A, t.B, t.C])
            {
                x0 = Math.Min(x0, p.X); y0 = Math.Min(y0, p.Y); z0 = Math.Min(z0, p.Z);
                x1 = Math.Max(x1, p.X); y1 = Math.Max(y1, p.Y); z1 = Math.Max(z1, p.Z);
            }
        return (new Point3(x0, y0, z0), new Point3(x1, y1, z1));
    }

    private UprightBox ComputeBox()
    {
        var (min, max) = LocalBounds;
        var center = ToWorld((min + max) / 2);
        var size = max - min;
        return UprightBox.Create(center, size.X, size.Y, size.Z, Yaw);
    }

    /// <summary>Local (object) coordinates to world coordinates.</summary>
    public Point3 ToWorld(Point3 local) => Origin + RotateZ(local);

    public Point3 RotateZ(Point3 v)
    {
        var (s, c) = PortableTrig.SinCos(Yaw);
        return new Point3(c * v.X - s * v.Y, s * v.X + c * v.Y, v.Z);
    }
}
