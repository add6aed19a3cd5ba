namespace SpatialVlm.Scenes;

/// <summary>
/// Per-pixel surface labels of <see cref="RenderedScene.SurfaceIds"/> and surfaces.png.
/// The floor (1) is the support plane z = 0 of the world frame.
/// </summary>
public static class SurfaceKind
{
    /// <summary>No geometry: the backdrop behind the room.</summary>
    public const ushort None = 0;
    /// <summary>The floor, z = 0.</summary>
    public const ushort Floor = 1;
    /// <summary>A wall.</summary>
    public const ushort Wall = 2;
    /// <summary>The upward face of a table top (a second support surface).</summary>
    public const ushort TableTop = 3;
    /// <summary>Any other face of a table (edges, legs, underside).</summary>
    public const ushort TableOther = 4;
    /// <summary>Any face of any other object.</summary>
    public const ushort Object = 5;
}

/// <summary>How a surface's colour varies over it.</summary>
public enum SurfacePattern : byte { Plain, Grain, WoodPlanks, Tiles, Carpet, Plaster, Slats, Foliage, Backdrop }

/// <summary>The look and labels of one primitive part: albedo (linear 0–1), pattern, instance and surface kind.</summary>
public readonly record struct Material(float R, float G, float B, SurfacePattern Pattern, ushort Instance, ushort Surface);
