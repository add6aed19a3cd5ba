using SpatialVlm.Core;
using SpatialVlm.Questions;

namespace SpatialVlm.Synthesis;

/// <summary>Every knob of the data engine, passed explicitly. Defaults follow the paper and SPATIAL.md.</summary>
public sealed record SynthesisOptions
{
    /// <summary>Per-object denoising (the paper's recipe).</summary>
    public DenoiseOptions Denoise { get; init; } = new();
    /// <summary>Support-plane search and frame construction.</summary>
    public CanonicalizationOptions Canonicalization { get; init; } = new();
    /// <summary>Box measurement and the margin policy derived from it.</summary>
    public MeasurementOptions Measurement { get; init; } = new();
    /// <summary>How hidden outlines widen margins or drop objects.</summary>
    public OcclusionOptions Occlusion { get; init; } = new();
    /// <summary>
    /// Question sampling, templates, numbers and ambiguity rules. Size relations need the larger object to be
    /// 20 % larger here, not SPATIAL.md's minimum 10 %: sizes come from visible surfaces only, and a volume
    /// multiplies three such estimates.
    /// </summary>
    public QuestionOptions Questions { get; init; } = new() { Margins = new MarginPolicy(SizeShare: 0.2) };
    /// <summary>Objects with fewer lifted points than this are dropped from questions (reason recorded). Default 40.</summary>
    public int MinObjectPoints { get; init; } = 40;
    /// <summary>Masks larger than this are lifted at a pixel stride so denoising cost stays bounded. Default 4000.</summary>
    public int MaxPointsPerObject { get; init; } = 4000;
    /// <summary>Depths beyond this are ignored when lifting (meters). Default 20.</summary>
    public float MaxDepth { get; init; } = 20f;
    /// <summary>
    /// Threads each geometry call (outlier removal, DBSCAN, the support-plane RANSAC) may use. Default 1: the run's
    /// workers already process one image per core, so nesting more threads inside each would only contend. Raise it
    /// when few images run at once. Results do not depend on it.
    /// </summary>
    public int GeometryThreads { get; init; } = 1;

    /// <summary>This, or a one-line error for a setting no stage could run with.</summary>
    public SynthesisOptions Validated() =>
        GeometryThreads >= 1 ? this : throw new SpatialVlmException($"geometry threads must be at least 1, got {GeometryThreads}");
}

/// <summary>
/// The paper's per-object denoising: statistical removal (50 neighbours, std ratio 1.2), voxel size
/// max(0.01, s/20), DBSCAN eps s/3.6 keeping the largest cluster, with s = 3·|std of the points|.
/// </summary>
public sealed record DenoiseOptions
{
    public int StatisticalNeighbors { get; init; } = 50;
    public double StatisticalStdRatio { get; init; } = 1.2;
    public double MinVoxel { get; init; } = 0.01;
    public double VoxelDivisor { get; init; } = 20;
    public double DbscanEpsDivisor { get; init; } = 3.6;
    public int DbscanMinPoints { get; init; } = 10;
    public bool Enabled { get; init; } = true;
}

public sealed record CanonicalizationOptions
{
    /// <summary>Use the source's gravity when it has one (the estimate is still computed and compared). Default true.</summary>
    public bool PreferKnownGravity { get; init; } = true;
    /// <summary>RANSAC inlier distance for the support plane (meters). Default 0.02.</summary>
    public double PlaneDistance { get; init; } = 0.02;
    /// <summary>RANSAC iterations. Default 500.</summary>
    public int PlaneIterations { get; init; } = 500;
    /// <summary>Fewer support inliers than this fails canonicalization. Default 500.</summary>
    public int MinPlaneInliers { get; init; } = 500;
    /// <summary>Support pixels are sub-sampled to at most this many points before RANSAC. Default 6000.</summary>
    public int MaxPlanePoints { get; init; } = 6000;
}

public sealed record MeasurementOptions
{
    /// <summary>An object whose lowest point is within this height of the support plane is taken to rest on it (meters). Default 0.06.</summary>
    public double SupportSnap { get; init; } = 0.06;
    /// <summary>
    /// An object whose lowest seen point is above SupportSnap but below this height (meters) is still extended down to the
    /// support when the support straight below it is hidden from the camera (by the object itself or anything nearer):
    /// a steep camera sees a bowl's rim and a mug's top but not their sides. Objects with the support visible under them
    /// float and are left as seen. 0 turns this off. Default 0.12.
    /// </summary>
    public double HiddenUndersideMaxHeight { get; init; } = 0.12;
    /// <summary>Share of sampled points whose support point below must be hidden for that extension (the near rim of a bowl seen obliquely has visible table below it). Default 0.6.</summary>
    public double HiddenUndersideShare { get; init; } = 0.6;
    /// <summary>Complete the unseen back of each footprint by central symmetry (see FootprintCompletion). Default true.</summary>
    public bool CompleteHiddenBack { get; init; } = true;
    /// <summary>Margin widening per meter of distance from the camera beyond 2 m. Default 0.1.</summary>
    public double MarginPerMeter { get; init; } = 0.1;
    /// <summary>Below this many points the margin doubles (linearly between). Default 400.</summary>
    public int WellSampledPoints { get; init; } = 400;
}

/// <summary>
/// Occlusion policy: an outline pixel is hidden when a neighbour outside the object (not the support surface)
/// is nearer by more than max(DepthStep, RelativeDepthStep·depth), or lies beyond the image edge.
/// </summary>
public sealed record OcclusionOptions
{
    /// <summary>Meters a neighbour must be nearer to hide an outline pixel. Default 0.03.</summary>
    public float DepthStep { get; init; } = 0.03f;
    /// <summary>The same as a share of the pixel's depth (far objects have noisier depth). Default 0.02.</summary>
    public float RelativeDepthStep { get; init; } = 0.02f;
    /// <summary>Objects with more of their outline hidden than this are left out of questions. Default 0.3.</summary>
    public double DropAbove { get; init; } = 0.3;
    /// <summary>Margin scale grows by this per unit of hidden share (0.1 hidden → ×1.5 at the default 5).</summary>
    public double MarginPerHiddenShare { get; init; } = 5;
    /// <summary>Objects cut off by the image edge, or with more of their outline hidden than this, get no size questions. Default 0.15.</summary>
    public double SizeUnknownAbove { get; init; } = 0.15;
    /// <summary>An object touching the image edge on at least this many outline pixels is cut off. Default 2.</summary>
    public int TruncatedBorderPixels { get; init; } = 2;
    /// <summary>Margin factor for objects the image edge cuts off (their extent is unknown). Default 2.5.</summary>
    public double TruncatedMarginFactor { get; init; } = 2.5;
    /// <summary>
    /// When an object's visible footprint is shallower along the line of sight than this share of its
    /// breadth, its back is unseen (a table edge-on, a box face-on) and its horizontal size is a lower bound.
    /// Default 0.3.
    /// </summary>
    public double ShallowFootprintRatio { get; init; } = 0.3;
    /// <summary>Margin factor for such shallow footprints. Default 2.</summary>
    public double ShallowFootprintMarginFactor { get; init; } = 2;
}
