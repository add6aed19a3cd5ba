using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>
/// The support surface right around a box, for <see cref="BoxSegmentation"/>: the level of the lowest surface in the box's
/// margin (the widened box minus the box) near z = 0 of the canonical frame, and its noise (robust σ from the median
/// absolute deviation). A point is above the support when it is farther above that plane than the clearance: the fixed clearance
/// of the options (Kinect-class noise), lowered to LocalNoiseFactor·σ (at least MinSupportClearance) where the surface
/// is cleaner, so flat objects 1–3 cm tall on a clean table are not taken for table. Without a usable local level, or on a
/// noisy surface (LocalNoiseFactor·σ above half the fixed clearance), the canonical z = 0 and the fixed clearance are
/// used, as before.
/// </summary>
public sealed class LocalSupport
{
    private readonly RigidTransform pose;
    private readonly Plane? local; // world coordinates, normal up
    private readonly double noise;
    /// <summary>Half width of the height band around the margin's low level taken as table (meters).</summary>
    private const double LowBand = 0.006;

    private LocalSupport(RigidTransform pose, Plane? local, double noise) { this.pose = pose; this.local = local; this.noise = noise; }

    private static double FixedClearance(float d, BoxSegmentationOptions o) => Math.Max(o.SupportClearance, o.RelativeSupportClearance * d * d);

    public double Noise => noise;
    public bool HasPlane => local is not null;

    /// <summary>
    /// Whether a camera-frame plane is level (within 15°), clearly above the local support (more than the least clearance
    /// and 3σ of its noise: not a remnant of the support itself) and less than <paramref name="height"/> above it.
    /// </summary>
    public bool IsLowLevelSurface(Plane cameraPlane, double height, double minClearance)
    {
        if (local is not { } plane) return false;
        var n = pose.Rotate(cameraPlane.Normal);
        if (Math.Abs(n.Z) < Math.Cos(15 * Math.PI / 180)) return false;
        var onPlane = pose.Apply(cameraPlane.Normal * -cameraPlane.D); // the plane's point nearest the camera
        var above = plane.SignedDistance(onPlane);
        return above > Math.Max(minClearance, 3 * noise) && above < height;
    }
    public double Level => -(local?.D ?? 0);

    public bool Above(Point3 cameraPoint, float depth, BoxSegmentationOptions o)
    {
        var p = pose.Apply(cameraPoint);
        var clearance = FixedClearance(depth, o);
        if (local is not { } plane) return p.Z > clearance;
        return plane.SignedDistance(p) > Math.Min(clearance, Math.Max(o.MinSupportClearance, o.LocalNoiseFactor * noise));
    }

    public static LocalSupport Fit(DepthMap depth, CameraIntrinsics k, RigidTransform pose, (int X0, int Y0, int X1, int Y1) context,
        (int X0, int Y0, int X1, int Y1) box, BoxSegmentationOptions o)
    {
        long ring = (long)(context.X1 - context.X0) * (context.Y1 - context.Y0) - (long)(box.X1 - box.X0) * (box.Y1 - box.Y0);
        int stride = Math.Max(1, (int)Math.Ceiling(Math.Sqrt(ring / 4000.0)));
        var points = new List<(float, float, float)>();
        var depths = new List<float>();
        for (int y = context.Y0; y < context.Y1; y += stride)
            for (int x = context.X0; x < context.X1; x += stride)
            {
                if (x >= box.X0 && x < box.X1 && y >= box.Y0 && y < box.Y1) continue;
                var d = depth[x, y];
                if (!DepthMap.IsValid(d)) continue;
                var p = pose.Apply(k.BackProject(x, y, d));
                if (Math.Abs(p.Z) <= FixedClearance(d, o)) { points.Add(((float)p.X, (float)p.Y, (float)p.Z)); depths.Add(d); }
            }
        if (points.Count < 30) return new LocalSupport(pose, null, 0);
        // The table is the lowest surface in the margin (neighbours' flat tops may cover more of it): its band is the
        // points within LowBand of the 10th-percentile height; its level is their median, its noise their robust σ.
        var z = points.Select(p => (double)p.Item3).Order().ToArray();
        var level = z[z.Length / 10];
        double[] band = [];
        // Twice: the band around the 10th percentile, then around its median (the percentile sits low in the noise).
        for (int pass = 0; pass < 2; pass++)
        {
            var center = level;
            band = z.Where(v => Math.Abs(v - center) <= LowBand).ToArray(); // already sorted
            if (band.Length < 20) return new LocalSupport(pose, null, 0);
            level = band[band.Length / 2];
        }
        var deviations = band.Select(v => Math.Abs(v - level)).Order().ToArray();
        var sigma = 1.4826 * deviations[deviations.Length / 2];
        // Only a clean surface (its clearance well under the fixed one) is worth a local level: on Kinect-class noise the
        // fixed clearance and z = 0 stay, as before.
        var ringDepth = depths.Order().ElementAt(depths.Count / 2);
        if (o.LocalNoiseFactor * sigma > 0.5 * FixedClearance(ringDepth, o)) return new LocalSupport(pose, null, 0);
        var plane = new Plane(0, 0, 1, -level);
        return new LocalSupport(pose, plane, sigma);
    }
}
