using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Synthesis.Stages;

/// <summary>
/// Completes the hidden back of an object's horizontal footprint, assuming the footprint is centrally
/// symmetric (boxes, cylinders, balls, cones, most furniture). For such a shape the two silhouette points seen
/// from the camera (the footprint's extremes across the line of sight) are symmetric about its centre, so the
/// centre is their midpoint, and reflecting the visible points through it restores the unseen back. Where the
/// back is already visible (a table top seen from above) the reflection lands on seen points and changes nothing.
/// </summary>
public static class FootprintCompletion
{
    /// <summary>Share of points at each lateral extreme whose depth locates a silhouette point.</summary>
    private const double ExtremeShare = 0.03;
    /// <summary>Lateral distance (m) within which points count as tied with the last extreme point (float noise is ~1e-7 m).</summary>
    private const double TieTolerance = 1e-5;

    /// <summary>The visible points plus their reflection through the estimated footprint centre (z unchanged).</summary>
    public static PointCloud Complete(PointCloud world, Point3 camera)
    {
        int n = world.Count;
        if (n < 8 || LineOfSight.Of(world, camera) is not { } sight) return world; // straight below: seen from above

        // Coordinates across (u) and along (t) the horizontal line of sight.
        var u = new double[n];
        var t = new double[n];
        for (int i = 0; i < n; i++)
        {
            u[i] = sight.Across(world.X[i], world.Y[i]);
            t[i] = sight.Along(world.X[i], world.Y[i]);
        }
        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort(u.ToArray(), order);
        int k = Math.Max(1, (int)(n * ExtremeShare));
        // Each silhouette's depth is the middle of its extreme points' depth range, not their mean: along an edge
        // that runs away from the camera the points crowd toward the front, and a mean would pull the centre forward.
        // Points tied with the k-th extreme belong to it too: on an edge running straight along the line of sight
        // every point is a silhouette point, and picking k of them by float noise would shift the centre.
        double SilhouetteDepth(bool left)
        {
            double limit = u[order[left ? k - 1 : n - k]];
            double lo = double.MaxValue, hi = double.MinValue;
            for (int i = 0; i < n; i++)
            {
                int p = order[left ? i : n - 1 - i];
                if (i >= k && Math.Abs(u[p] - limit) > TieTolerance) break;
                lo = Math.Min(lo, t[p]); hi = Math.Max(hi, t[p]);
            }
            return (lo + hi) / 2;
        }
        double centreT = (SilhouetteDepth(true) + SilhouetteDepth(false)) / 2;
        double centreU = (u[order[0]] + u[order[n - 1]]) / 2;
        var (cx, cy) = sight.ToWorld(centreT, centreU);

        var x = new float[2 * n]; var y = new float[2 * n]; var z = new float[2 * n];
        for (int i = 0; i < n; i++)
        {
            x[i] = world.X[i]; y[i] = world.Y[i]; z[i] = world.Z[i];
            x[n + i] = (float)(2 * cx - world.X[i]); y[n + i] = (float)(2 * cy - world.Y[i]); z[n + i] = world.Z[i];
        }
        return new PointCloud(x, y, z, 2 * n);
    }
}
