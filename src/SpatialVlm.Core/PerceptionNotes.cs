namespace SpatialVlm.Core;

/// <summary>
/// What perception decided for one photo or RGB-D frame, as typed fields: the scene filter's verdict, the depth model
/// and where its focal length came from, every detection and what became of it, the caption groups, the support
/// surface, and where the photo came from. Written into the dataset record as "perception".
/// </summary>
public sealed record PerceptionNotes
{
    public SceneFilterNote? SceneFilter { get; init; }
    public DepthNote? Depth { get; init; }
    public IReadOnlyList<CaptionGroupNote> Groups { get; init; } = [];
    public SupportNote? Support { get; init; }
    public IReadOnlyList<DetectionNote> Detections { get; init; } = [];
    public PhotoOriginNote? Source { get; init; }
}

/// <param name="TopPrompt">The prompt the photo is closest to, with its probability.</param>
public sealed record SceneFilterNote(string Model, bool Keep, double Score, string? TopPrompt, double? TopProbability);

/// <param name="FocalSource">given, model, or field-of-view default.</param>
public sealed record DepthNote(string Model, string FocalSource, double Fx, double Fy, double HorizontalFovDegrees);

/// <summary>Detections whose captions mean the same thing, and what was done (share a caption, or drop them all).</summary>
public sealed record CaptionGroupNote(IReadOnlyList<int> Detections, IReadOnlyList<string> Captions, string Decision);

/// <summary>The support surface's mask (the floor or table detections whose union the plane is fitted to), or why there is none.</summary>
public sealed record SupportNote(string? Surface, int? Pixels, IReadOnlyList<int> Detections, string? Reason);

/// <summary>One detection: its box (x0, y0, x1, y1 pixels), score, caption, and whether it became an object or why not.</summary>
public sealed record DetectionNote(int Index, string Label, string Caption, double Score, double[] Box, int? MaskPixels, bool Support, bool Kept, int? ObjectId, string? Dropped);

/// <summary>Where a photo came from (file, shard member or Parquet row) and the caption that came with it.</summary>
public sealed record PhotoOriginNote(string Origin, string? Caption);
