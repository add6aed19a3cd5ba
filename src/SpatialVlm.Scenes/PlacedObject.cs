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

    /// <summary>The same object standing at another footprint centre.</summary>
    public PlacedObject MovedTo(Point3 origin) => new()
    {
        Category = Category, Color = Color, Caption = Caption, Model = Model, Origin = origin, Yaw = Yaw,
        OnTable = OnTable, ScaleDraw = ScaleDraw, SizeWord = SizeWord, Tint = Tint,
    };

    /// <summary>The exact upright box of the object's triangles (they are convex parts, so the box of the vertices).</summary>
    public UprightBox Box => _box ??= ComputeBox();

    private UprightBox ComputeBox()
    {
        double x0 = double.MaxValue, y0 = double.MaxValue, z0 = double.MaxValue, x1 = double.MinValue, y1 = double.MinValue, z1 = double.MinValue;
        foreach (var t in Model.Triangles)
            foreach (var p in (ReadOnlySpan<Point3>)[t.A, t.B, t.C])
            {
                x0 = Math.Min(x0, p.X); y0 = Math.Min(y0, p.Y); z0 = Math.Min(z0, p.Z);
                x1 = Math.Max(x1, p.X); y1 = Math.Max(y1, p.Y); z1 = Math.Max(z1, p.Z);
            }
        var center = ToWorld(new Point3((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2));
        return UprightBox.Create(center, x1 - x0, y1 - y0, z1 - z0, Yaw);
    }

    /// <summary>Local (object) coordinates to world coordinates.</summary>
    public Point3 ToWorld(Point3 local) => Origin + RotateZ(local);

    public Point3 RotateZ(Point3 v)
    {
        var (s, c) = PortableTrig.SinCos(Yaw);
        return new Point3(c * v.X - s * v.Y, s * v.X + c * v.Y, v.Z);
    }
}
