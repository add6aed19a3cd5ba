using SpatialVlm.Core;

namespace SpatialVlm.Geometry;

/// <param name="MinInliers">Fewest support-plane points to trust the plane (default 200).</param>
/// <param name="MinCameraHeight">Fewest meters between the camera and the plane; a plane through the camera gives no frame (default 0.05).</param>
/// <param name="VerticalAxisDegrees">When the optical axis is within this angle of the plane normal (looking straight down or
/// nearly so), forward (+x) is the projection of the image's up direction (camera −y) onto the plane instead of the optical
/// axis's (default 10°, SPATIAL.md).</param>
/// <param name="MaxTiltDegrees">Most angle between the (camera-facing) normal and the image's up direction (camera −y) for
/// any support plane. Default 180: any pitch and roll may hold a support plane (SPATIAL.md); the ranking of
/// <see cref="CanonicalFrame.Estimate"/> is what makes a wall lose to a visible floor.</param>
/// <param name="Ransac">Plane search for <see cref="CanonicalFrame.Estimate"/> (default: 0.02 m, 3 points, 500 iterations, seed 0).</param>
/// <param name="MaxPlanes">Planes found by <see cref="CanonicalFrame.Estimate"/>, each after removing the previous one's inliers (default 3).</param>
/// <param name="LargeShare">A plane is large (may compete for the support) when it holds at least this share of the dominant
/// (largest) plane's inliers (default 0.15).</param>
/// <param name="TieDegrees">Large planes whose normals are within this angle of the one nearest the image's up direction are
/// equally upright; the one farthest below the camera among them wins (a floor rather than a table top on it) (default 15°).</param>
/// <param name="SteepDegrees">A support plane whose normal is more than this from the image's up direction is steep: it is the
/// support only when it is also (about) the dominant plane (a robot looking down at its table), never a lesser wall (default 60°).</param>
/// <param name="SteepDominantShare">A steep support must hold at least this share of the dominant plane's inliers (default 0.5:
/// a gripper's face or a book filling part of a wrist camera's view does not unseat the table).</param>
/// <param name="MaxBelowShare">The scene rests on its support: a plane with more than this share of all points more than
/// 5 cm beyond it (on the side away from the camera) cannot be the support; it is the face of something in front of the
/// scene, like a gripper near a wrist camera (default 0.2).</param>
/// <param name="MaxGravityDegrees">With known gravity (<see cref="CanonicalFrame.FromGravity"/>), a plane is a support candidate
/// when its normal is within this angle of up (default 10°).</param>
public sealed record CanonicalFrameOptions(
    int MinInliers = 200,
    double MinCameraHeight = 0.05,
    double VerticalAxisDegrees = 10,
    double MaxTiltDegrees = 180,
    RansacPlaneOptions? Ransac = null,
    int MaxPlanes = 3,
    double LargeShare = 0.15,
    double TieDegrees = 15,
    double SteepDegrees = 60,
    double MaxGravityDegrees = 10,
    double SteepDominantShare = 0.5,
    double MaxBelowShare = 0.2)
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
/// horizontal projection of the optical axis (of the image's up direction when the optical axis is within
/// VerticalAxisDegrees of vertical), y = z × x (the viewer's left).
/// </summary>
public static class CanonicalFrame
{
    private const double Deg = Math.PI / 180;

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
        double tilt = TiltDegrees(up);
        if (tilt > o.MaxTiltDegrees)
            return CanonicalFrameResult.Failure($"support plane normal is {tilt:0.#}° from the image's up direction, more than {o.MaxTiltDegrees:0.#}°", plane, inlierCount);
        return new CanonicalFrameResult(true, Build(up, height, o), plane, inlierCount, null);
    }

    /// <summary>Angle in degrees between a camera-frame direction and the image's up direction (camera −y).</summary>
    public static double TiltDegrees(Point3 up) => Math.Acos(Math.Clamp(-up.Normalized().Y, -1, 1)) / Deg;

    /// <summary>
    /// The frame for a unit up direction (camera coordinates) and the camera's height above the support plane:
    /// forward is the optical axis projected onto the plane, or camera −y projected when the optical axis is within
    /// VerticalAxisDegrees of vertical.
    /// </summary>
    public static RigidTransform Build(Point3 up, double height, CanonicalFrameOptions o)
    {
        up = up.Normalized();
        var optical = new Point3(0, 0, 1);
        double axisFromVertical = Math.Acos(Math.Min(1, Math.Abs(optical.Dot(up)))) / Deg;
        var along = axisFromVertical < o.VerticalAxisDegrees ? new Point3(0, -1, 0) : optical;
        var xAxis = (along - up * along.Dot(up)).Normalized();
        var yAxis = up.Cross(xAxis);
        var origin = up * -height; // the plane point straight below the camera
        var rotation = RigidTransform.FromAxes(xAxis, yAxis, up, Point3.Zero);
        return rotation with { Translation = -rotation.Rotate(origin) };
    }

    /// <summary>
    /// Finds the support plane by RANSAC on camera-frame points and builds the frame from it (SPATIAL.md): up to
    /// MaxPlanes planes are found in turn (each after removing the previous one's inliers); among the large ones
    /// (LargeShare of the dominant plane) the one whose camera-facing normal is nearest the image's up direction
    /// wins (ties within TieDegrees go to the lowest: the floor under a table); a steep winner must be the dominant plane itself.
    /// </summary>
    public static CanonicalFrameResult Estimate(PointCloud cameraPoints, CanonicalFrameOptions o)
    {
        var planes = FindPlanes(cameraPoints, o, out var failure);
        var valid = new List<(CanonicalFrameResult Frame, double Tilt)>();
        foreach (var (plane, count) in planes)
        {
            var r = FromSupportPlane(plane, count, o);
            if (r.Succeeded && BelowShare(cameraPoints, r.SupportPlane!.Value) > o.MaxBelowShare)
                r = CanonicalFrameResult.Failure($"more than {o.MaxBelowShare:P0} of the points lie beyond the plane (not a support the scene rests on)", r.SupportPlane, r.InlierCount);
            if (r.Succeeded) valid.Add((r, TiltDegrees(r.SupportPlane!.Value.Normal)));
            else failure ??= r;
        }
        if (valid.Count == 0) return failure ?? CanonicalFrameResult.Failure("no support plane found");
        int dominant = planes.Max(p => p.Inliers);
        var large = valid.Where(v => v.Frame.InlierCount >= o.LargeShare * dominant).ToList();
        if (large.Count == 0) return CanonicalFrameResult.Failure($"the dominant plane ({dominant} points) cannot hold the camera's frame");
        var nearest = large.Min(v => v.Tilt);
        // Equally upright planes are parallel surfaces: the floor below a table top wins (SPATIAL.md: the floor, or the
        // table top when no floor is visible), i.e. the one farthest below the camera.
        var best = large.Where(v => v.Tilt <= nearest + o.TieDegrees).MaxBy(v => v.Frame.SupportPlane!.Value.D);
        var parallelInliers = large.Where(v => Math.Abs(v.Tilt - best.Tilt) <= o.TieDegrees).Max(v => v.Frame.InlierCount);
        if (best.Tilt > o.SteepDegrees && parallelInliers < o.SteepDominantShare * dominant)
            return CanonicalFrameResult.Failure(
                $"support plane normal is {best.Tilt:0.#}° from the image's up direction and the plane is not the dominant one (a wall, not a floor or table)",
                best.Frame.SupportPlane, best.Frame.InlierCount);
        return best.Frame;
    }

    /// <summary>Share of the points more than 5 cm beyond a camera-facing plane (on the side away from the camera).</summary>
    private static double BelowShare(PointCloud c, Plane cameraFacing)
    {
        if (c.Count == 0) return 0;
        int below = 0;
        for (int i = 0; i < c.Count; i++) if (cameraFacing.SignedDistance(c[i]) < -0.05) below++;
        return below / (double)c.Count;
    }

    /// <summary>
    /// Up to MaxPlanes RANSAC planes with at least MinInliers points each, the largest first; each search runs on what
    /// the previous planes left. <paramref name="failure"/> says why the search found nothing, when it found nothing.
    /// </summary>
    public static List<(Plane Plane, int Inliers)> FindPlanes(PointCloud cameraPoints, CanonicalFrameOptions o, out CanonicalFrameResult? failure)
    {
        var ransac = o.RansacOrDefault;
        var remaining = cameraPoints;
        var planes = new List<(Plane, int)>();
        failure = null;
        for (int attempt = 0; attempt < Math.Max(1, o.MaxPlanes); attempt++)
        {
            if (remaining.Count < Math.Max(3, o.MinInliers))
            {
                if (planes.Count == 0) failure = CanonicalFrameResult.Failure($"cloud has {remaining.Count} points, fewer than the {o.MinInliers} a support plane needs");
                break;
            }
            // A plane smaller than LargeShare of the first can never compete: stop searching.
            if (planes.Count > 0 && remaining.Count < o.LargeShare * planes[0].Item2) break;
            var fit = RansacPlane.Fit(remaining, ransac with { Seed = ransac.Seed + attempt });
            if (fit.Inliers.Length < o.MinInliers)
            {
                if (planes.Count == 0) failure = CanonicalFrameResult.Failure($"support plane has {fit.Inliers.Length} points, fewer than {o.MinInliers}", fit.Plane, fit.Inliers.Length);
                break;
            }
            planes.Add((fit.Plane, fit.Inliers.Length));
            var keep = new bool[remaining.Count];
            Array.Fill(keep, true);
            foreach (var i in fit.Inliers) keep[i] = false;
            remaining = remaining.Where(keep);
        }
        return planes;
    }

    /// <summary>
    /// The frame when gravity is known (a unit vector in camera coordinates pointing down, as robot datasets give it):
    /// z = −gravity exactly; the support is the largest plane whose normal is within MaxGravityDegrees of up and which
    /// lies below the camera (the camera on its up side); z = 0 is that plane's mean inlier height.
    /// </summary>
    public static CanonicalFrameResult FromGravity(PointCloud cameraPoints, Point3 gravity, CanonicalFrameOptions o)
    {
        var up = (-gravity).Normalized();
        var planes = FindPlanes(cameraPoints, o, out var failure);
        (Plane Plane, int Inliers)? best = null;
        foreach (var (plane, count) in planes)
        {
            var p = plane.Normal.Dot(up) < 0 ? plane.Flipped() : plane;
            if (Math.Acos(Math.Min(1, p.Normal.Dot(up))) / Deg > o.MaxGravityDegrees) continue;
            if (p.D < o.MinCameraHeight) continue; // the camera must be above the plane, on its up side
            if (best is null || count > best.Value.Inliers) best = (p, count);
        }
        if (best is not { } b)
            return failure ?? CanonicalFrameResult.Failure($"no plane of {o.MinInliers}+ points below the camera is perpendicular to the known gravity (within {o.MaxGravityDegrees:0.#}°)");
        // Height of the camera above the plane along the exact up direction: mean over the plane's inliers.
        var inliers = RansacPlane.Inliers(cameraPoints, b.Plane, (float)o.RansacOrDefault.DistanceThreshold);
        double sum = 0;
        foreach (var i in inliers) sum += cameraPoints[i].Dot(up);
        double height = inliers.Length > 0 ? -sum / inliers.Length : b.Plane.D;
        if (height < o.MinCameraHeight)
            return CanonicalFrameResult.Failure($"camera is {height:0.###} m above the support plane along the known gravity", b.Plane, b.Inliers);
        return new CanonicalFrameResult(true, Build(up, height, o), b.Plane, b.Inliers, null);
    }
}
