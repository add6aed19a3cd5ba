namespace SpatialVlm.Scenes;

/// <summary>An inclusive range of doubles sampled uniformly.</summary>
public readonly record struct DoubleRange(double Min, double Max)
{
    public double Sample(Random rng) => Min + (Max - Min) * rng.NextDouble();
    public bool Contains(double v) => v >= Min && v <= Max;
}

/// <summary>
/// What a procedural scene may contain and how it is photographed. Defaults describe an indoor phone
/// photo: camera 0.8–1.8 m above the floor looking 1.3–4.5 m ahead, 55–75° horizontal field of view.
/// </summary>
public sealed record SceneOptions
{
    /// <summary>Image width in pixels (default 640).</summary>
    public int Width { get; init; } = 640;
    /// <summary>Image height in pixels (default 480).</summary>
    public int Height { get; init; } = 480;
    /// <summary>Fewest objects a scene keeps after visibility filtering (default 3).</summary>
    public int MinObjects { get; init; } = 3;
    /// <summary>Most objects a scene places (default 12).</summary>
    public int MaxObjects { get; init; } = 12;
    /// <summary>Chance a scene has walls (default 0.65).</summary>
    public double WallProbability { get; init; } = 0.65;
    /// <summary>Chance a scene has a table with objects on it (default 0.45).</summary>
    public double TableProbability { get; init; } = 0.45;
    /// <summary>Chance an object that fits on the table is put there rather than on the floor (default 0.6).</summary>
    public double OnTableProbability { get; init; } = 0.6;
    /// <summary>Chance a scene holds two objects with the same caption (default 0.25).</summary>
    public double DuplicateCaptionProbability { get; init; } = 0.25;
    /// <summary>Camera height above the floor in meters (default 0.8–1.8).</summary>
    public DoubleRange CameraHeight { get; init; } = new(0.8, 1.8);
    /// <summary>Horizontal distance from the camera to the point it looks at, meters (default 1.3–4.5).</summary>
    public DoubleRange LookDistance { get; init; } = new(1.3, 4.5);
    /// <summary>Extra pitch added to the look-at direction, degrees (default −6–6).</summary>
    public DoubleRange PitchJitterDegrees { get; init; } = new(-6, 6);
    /// <summary>Camera roll about the optical axis, degrees (default −4–4).</summary>
    public DoubleRange RollDegrees { get; init; } = new(-4, 4);
    /// <summary>Horizontal field of view, degrees (default 55–75).</summary>
    public DoubleRange HorizontalFovDegrees { get; init; } = new(55, 75);
    /// <summary>Farthest an object's footprint centre may be from the camera, horizontally, meters (default 7).</summary>
    public double MaxObjectDistance { get; init; } = 7.0;
    /// <summary>Visible pixels an object needs at 640x480 to be kept; scaled by image area for other sizes (default 150).</summary>
    public int MinVisiblePixelsAt640x480 { get; init; } = 150;
    /// <summary>Render colour at 2x2 samples per pixel and filter them (depth and instances use the centre sample) (default true).</summary>
    public bool AntiAlias { get; init; } = true;
    /// <summary>Layout attempts before giving up on a seed (default 20).</summary>
    public int MaxLayoutAttempts { get; init; } = 20;
    /// <summary>A robot's tabletop instead of a room (<see cref="TabletopLayoutSampler"/>); see <see cref="Robot"/> (default false).</summary>
    public bool Tabletop { get; init; }
    /// <summary>Tabletop: camera pitch below the horizon, degrees; past 90° the camera looks back under itself (default 45–110).</summary>
    public DoubleRange TabletopPitchDegrees { get; init; } = new(45, 110);
    /// <summary>Tabletop: camera roll about the optical axis, degrees (default −30–30).</summary>
    public DoubleRange TabletopRollDegrees { get; init; } = new(-30, 30);
    /// <summary>Tabletop: camera height above the table top, meters: wrist-like to overhead (default 0.3–0.9).</summary>
    public DoubleRange TabletopCameraHeight { get; init; } = new(0.3, 0.9);
    /// <summary>Tabletop: chance an object is placed touching one already on the table (default 0.5).</summary>
    public double TouchProbability { get; init; } = 0.5;
    /// <summary>Tabletop: a two-finger gripper hovers above the table (default true).</summary>
    public bool Gripper { get; init; } = true;

    /// <summary>
    /// The robot preset: tabletop scenes with 5–15 objects (bowl included; the gripper comes on top), cameras pitched
    /// 45°–110° with roll up to ±30°, objects kept from 60 visible pixels at 640x480.
    /// </summary>
    public static SceneOptions Robot(int width = 640, int height = 480) => new()
    {
        Width = width, Height = height, Tabletop = true, MinObjects = 5, MaxObjects = 15, MinVisiblePixelsAt640x480 = 60,
    };

    /// <summary>Pixels an object must show at this image size.</summary>
    public int MinVisiblePixels => Math.Max(20, (int)Math.Round(MinVisiblePixelsAt640x480 * (double)Width * Height / (640.0 * 480.0)));

    /// <summary>Throws a one-line SpatialVlmException when the options cannot make a scene.</summary>
    public void Validate()
    {
        if (Width < 32 || Height < 24 || Width > 8192 || Height > 8192)
            throw new Core.SpatialVlmException($"scene size {Width}x{Height} is outside 32x24..8192x8192");
        if (MinObjects < 1 || MaxObjects < MinObjects || MaxObjects > 40)
            throw new Core.SpatialVlmException($"object count range {MinObjects}..{MaxObjects} is invalid (1 ≤ min ≤ max ≤ 40)");
        if (!(CameraHeight.Min > 0.2 && CameraHeight.Max >= CameraHeight.Min && CameraHeight.Max < 3))
            throw new Core.SpatialVlmException("camera height range must lie in (0.2, 3) m");
        if (!(LookDistance.Min >= 0.8 && LookDistance.Max >= LookDistance.Min && LookDistance.Max <= 10))
            throw new Core.SpatialVlmException("look distance range must lie in [0.8, 10] m");
        if (!(HorizontalFovDegrees.Min >= 30 && HorizontalFovDegrees.Max <= 110 && HorizontalFovDegrees.Max >= HorizontalFovDegrees.Min))
            throw new Core.SpatialVlmException("field of view range must lie in [30, 110] degrees");
        if (Tabletop && !(TabletopPitchDegrees.Min >= 0 && TabletopPitchDegrees.Max <= 130 && TabletopPitchDegrees.Max >= TabletopPitchDegrees.Min))
            throw new Core.SpatialVlmException("tabletop pitch range must lie in [0, 130] degrees");
        if (Tabletop && !(TabletopCameraHeight.Min >= 0.15 && TabletopCameraHeight.Max <= 2 && TabletopCameraHeight.Max >= TabletopCameraHeight.Min))
            throw new Core.SpatialVlmException("tabletop camera height range must lie in [0.15, 2] m");
    }

    /// <summary>Parses "WxH" (e.g. 640x480).</summary>
    public static (int Width, int Height) ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        // Bounded so a typo cannot ask for a multi-gigabyte frame buffer.
        if (parts.Length != 2 || !int.TryParse(parts[0], out var w) || !int.TryParse(parts[1], out var h) || w < 16 || h < 16 || w > 8192 || h > 8192)
            throw new Core.SpatialVlmException($"size '{text}' must be WxH with each side in 16..8192, e.g. 640x480");
        return (w, h);
    }
}
