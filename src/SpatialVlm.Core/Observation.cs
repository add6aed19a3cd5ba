namespace SpatialVlm.Core;

/// <summary>
/// What the data engine consumes for one image: pixels, metric depth, intrinsics, object masks with
/// captions, and gravity when the source knows it. Procedural scenes, RGB-D folders and perception
/// models all produce this.
/// </summary>
public sealed record Observation
{
    public required string Id { get; init; }
    public required RgbImage Image { get; init; }
    public required DepthMap Depth { get; init; }
    public required CameraIntrinsics Intrinsics { get; init; }
    public required IReadOnlyList<ObjectMask> Objects { get; init; }
    /// <summary>Known camera pose in a gravity-aligned world frame (z up, support plane z = 0), if the source has one.</summary>
    public RigidTransform? KnownWorldFromCamera { get; init; }
    /// <summary>Pixel indices of the support surface (floor/table) when a source or model knows them.</summary>
    public int[]? SupportPixels { get; init; }
    /// <summary>
    /// What perception decided for this image (scene filter score, depth model and focal source, every detection kept
    /// or dropped and why, caption groups), when models produced it; written into the dataset record as "perception".
    /// </summary>
    public PerceptionNotes? Perception { get; init; }
}

/// <summary>One object: its id, caption, category, and the pixel indices (y·width + x) of its mask.</summary>
public sealed record ObjectMask(int Id, string Caption, string Category, int[] Pixels);
