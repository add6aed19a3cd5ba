using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Synthesis.Stages;

/// <summary>The frame the questions are asked in, and how it was found.</summary>
public sealed record FrameEstimate(
    bool Canonicalized,
    RigidTransform WorldFromCamera,
    string Source,
    string? Failure,
    double? GravityDisagreementDegrees)
{
    /// <summary>
    /// The camera-frame fallback of SPATIAL.md: forward = camera z, left = −camera x, up = −camera y,
    /// origin at the camera. Left/right then use camera x and behind/front camera z.
    /// </summary>
    public static RigidTransform CameraFallback { get; } =
        RigidTransform.FromAxes(new Point3(0, 0, 1), new Point3(-1, 0, 0), new Point3(0, -1, 0), Point3.Zero);
}

/// <summary>
/// Stage 3: finds the support plane (support pixels when known, else all points) by seeded RANSAC and
/// builds the canonical frame of SPATIAL.md. A source's known gravity is preferred when configured, and
/// the estimate is still computed so the two can be compared.
/// </summary>
public sealed class Canonicalizer(SynthesisOptions options)
{
    public FrameEstimate Estimate(Observation obs, int seed)
    {
        var o = options.Canonicalization;
        var estimate = EstimateFromDepth(obs, seed);
        if (obs.KnownWorldFromCamera is { } known && o.PreferKnownGravity)
        {
            double? disagreement = estimate.Canonicalized ? AngleBetweenUp(known, estimate.WorldFromCamera) : null;
            return new FrameEstimate(true, known, "known", null, disagreement);
        }
        return estimate;
    }

    private FrameEstimate EstimateFromDepth(Observation obs, int seed) => FromDepth(obs, seed, null);

    /// <summary>
    /// The frame from a known gravity direction (camera coordinates, unit, pointing down): z = −gravity, the support is
    /// the largest plane below the camera perpendicular to it (SPATIAL.md "known gravity beats both"). Source "gravity".
    /// </summary>
    public FrameEstimate FromGravity(Observation obs, Point3 gravity, int seed) => FromDepth(obs, seed, gravity);

    private FrameEstimate FromDepth(Observation obs, int seed, Point3? gravity)
    {
        var o = options.Canonicalization;
        var pixels = obs.SupportPixels is { Length: > 0 } support ? support : AllPixels(obs.Depth);
        var (sampled, stride) = PixelSampling.AtMost(pixels, o.MaxPlanePoints);
        var cloud = BackProjection.FromDepth(obs.Depth, obs.Intrinsics, sampled, options.MaxDepth);
        var minInliers = Math.Max(3, o.MinPlaneInliers / stride);
        if (cloud.Count < minInliers)
            return Failed($"support plane has too few points ({cloud.Count * stride} < {o.MinPlaneInliers})");
        // Estimate finds a few planes in turn and ranks them (SPATIAL.md), so clutter or a wall cannot pose as the floor.
        var frameOptions = new CanonicalFrameOptions(MinInliers: minInliers,
            Ransac: new RansacPlaneOptions(o.PlaneDistance, 3, o.PlaneIterations, seed, MaxDegreeOfParallelism: options.GeometryThreads));
        var frame = gravity is { } g ? CanonicalFrame.FromGravity(cloud, g, frameOptions) : CanonicalFrame.Estimate(cloud, frameOptions);
        var source = gravity is not null ? "gravity" : obs.SupportPixels is { Length: > 0 } ? "support-mask" : "ransac";
        return frame.Succeeded
            ? new FrameEstimate(true, frame.WorldFromCamera, source, null, null)
            : Failed(frame.FailureReason ?? "support plane rejected");
    }

    private static FrameEstimate Failed(string why) => new(false, FrameEstimate.CameraFallback, "camera", why, null);

    /// <summary>Angle between the up directions (world +z) two poses give in camera coordinates.</summary>
    public static double AngleBetweenUp(RigidTransform a, RigidTransform b)
    {
        static Point3 Up(RigidTransform t) => new(t.Rotation[6], t.Rotation[7], t.Rotation[8]);
        var cos = Math.Clamp(Up(a).Normalized().Dot(Up(b).Normalized()), -1, 1);
        return Math.Acos(cos) * 180 / Math.PI;
    }

    private static int[] AllPixels(DepthMap depth)
    {
        var list = new List<int>(depth.Meters.Length);
        for (int i = 0; i < depth.Meters.Length; i++) if (DepthMap.IsValid(depth.Meters[i])) list.Add(i);
        return [.. list];
    }
}
