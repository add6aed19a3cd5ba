using SpatialVlm.Core;

namespace SpatialVlm.Geometry;

/// <param name="MinInliers">Fewest support-plane points to trust the plane (default 200).</param>
/// <param name="MinCameraHeight">Fewest meters between the camera and the plane; a plane through the camera gives no frame (default 0.05).</param>
/// <param name="MinForwardDegrees">Least angle between the optical axis and the plane normal; looking straight along the normal leaves forward undefined (default 5°).</param>
/// <param name="MaxTiltDegrees">Most angle between the (camera-facing) normal and the camera's up (−y); steeper planes are walls, not floors or tables (default 60°).</param>
/// <param name="Ransac">Plane search for <see cref="CanonicalFrame.Estimate"/> (default: 0.02 m, 3 points, 500 iterations, seed 0).</param>
/// <param name="MaxPlanes">Planes tried by <see cref="CanonicalFrame.Estimate"/>, each after removing the previous one's inliers (default 3).</param>
public sealed record CanonicalFrameOptions(
    int MinInliers = 200,
    double MinCameraHeight = 0.05,
    double MinForwardDegrees = 5,
    double MaxTiltDegrees = 60,
    RansacPlaneOptions? Ransac = null,
    int MaxPlanes = 3)
{
    public RansacPlaneOptions RansacOrDefault => Ransac ?? new RansacPlaneOptions(0.02, 3, 500, 0);
}

/// <summary>Outcome of canonicalization: the world-from-camera transform, or why there is none.</summary>
public sealed record CanonicalFrameResult(bool Succeeded, RigidTransform WorldFromCamera, Plane? SupportPlane, int InlierCount, string? FailureReason)
{
    public static CanonicalFrameResult Failure(string reason, Plane? plane = null, int inliers = 0) =>
        new(false, RigidTransform.Identity, plane, inliers, reason);
}

/// <summary>
/// The canonical world frame of SPATIAL.md from a support plane seen in the camera frame: z = the plane normal
/// oriented toward the camera, the plane at z = 0, the origin straight below the camera centre, x = the
/// horizontal projection of the optical axis, y = z × x (the viewer's left).
/// </summary>
public static class CanonicalFrame
{
    public static CanonicalFrameResult FromSupportPlane(Plane planeInCameraFrame, int inlierCount, CanonicalFrameOptions o)
    {
        var plane = planeInCameraFrame;
        var n = plane.Normal;
        if (Math.Abs(n.Length - 1) > 1e-6) plane = Plane.FromPointNormal(n * (-plane.D / n.Dot(n)), n);
        if (inlierCount < o.MinInliers)
            return CanonicalFrameResult.Failure($"support plane has {inlierCount} points, fewer than {o.MinInliers}", plane, inlierCount);
        // Orient the normal toward the camera (the origin): the camera's signed distance must be positive.
        if (plane.D < 0) plane = plane.Flipped();
        double height = plane.D;
        if (height < o.MinCameraHeight)
            return CanonicalFrameResult.Failure($"camera is {height:0.###} m from the support plane (plane passes through the camera)", plane, inlierCount);
        var up = plane.Normal;
        double tilt = Math.Acos(Math.Clamp(-up.Y, -1, 1)) * 180 / Math.PI;
        if (tilt > o.MaxTiltDegrees)
            return CanonicalFrameResult.Failure($"support plane normal is {tilt:0.#}° from the camera's up direction (a wall, not a floor or table)", plane, inlierCount);
        var optical = new Point3(0, 0, 1);
        var forward = optical - up * optical.Dot(up);
        double angle = Math.Asin(Math.Min(1, forward.Length)) * 180 / Math.PI;
        if (angle < o.MinForwardDegrees)
            return CanonicalFrameResult.Failure($"optical axis is {angle:0.#}° from the plane normal, so forward is undefined", plane, inlierCount);
        var xAxis = forward.Normalized();
        var yAxis = up.Cross(xAxis);
        var origin = up * -height; // the plane point straight below the camera
        var rotation = RigidTransform.FromAxes(xAxis, yAxis, up, Point3.Zero);
        var worldFromCamera = rotation with { Translation = -rotation.Rotate(origin) };
        return new CanonicalFrameResult(true, worldFromCamera, plane, inlierCount, null);
    }

    /// <summary>
    /// Finds the support plane by RANSAC on camera-frame points and builds the frame from it. A plane that fails
    /// (a wall, too few points) has its inliers removed and the search repeats, up to MaxPlanes times.
    /// </summary>
    public static CanonicalFrameResult Estimate(PointCloud cameraPoints, CanonicalFrameOptions o)
    {
        var ransac = o.RansacOrDefault;
        var remaining = cameraPoints;
        CanonicalFrameResult? last = null;
        for (int attempt = 0; attempt < Math.Max(1, o.MaxPlanes); attempt++)
        {
            if (remaining.Count < Math.Max(3, o.MinInliers))
                return last ?? CanonicalFrameResult.Failure($"cloud has {remaining.Count} points, fewer than the {o.MinInliers} a support plane needs");
            var fit = RansacPlane.Fit(remaining, ransac with { Seed = ransac.Seed + attempt });
            var result = FromSupportPlane(fit.Plane, fit.Inliers.Length, o);
            if (result.Succeeded) return result;
            last = result;
            if (fit.Inliers.Length < o.MinInliers) return result; // later planes only get smaller
            var keep = new bool[remaining.Count];
            Array.Fill(keep, true);
            foreach (var i in fit.Inliers) keep[i] = false;
            remaining = remaining.Where(keep);
        }
        return last!;
    }
}
