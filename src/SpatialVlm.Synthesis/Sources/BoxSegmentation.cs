using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>An axis-aligned pixel box, COCO style: left, top, width, height (pixels, may be fractional).</summary>
public readonly record struct PixelBox(double X, double Y, double Width, double Height);

/// <summary>Knobs of <see cref="BoxSegmentation"/>; defaults suit indoor RGB-D frames (Kinect-class depth noise).</summary>
public sealed record BoxSegmentationOptions
{
    /// <summary>Points less than this far above the support plane (or below it) belong to the support surface (meters). Default 0.02.</summary>
    public double SupportClearance { get; init; } = 0.02;
    /// <summary>
    /// Depth noise grows with the square of distance (Kinect-class sensors: about 1 cm at 2.5 m), so the clearance is at
    /// least this times depth² (meters⁻¹). Default 0.005 (3.1 cm at 2.5 m).
    /// </summary>
    public double RelativeSupportClearance { get; init; } = 0.005;
    /// <summary>A pixel is a depth edge when a 4-neighbour's depth differs by more than max(DepthJump, RelativeDepthJump·depth). Default 0.05 m.</summary>
    public float DepthJump { get; init; } = 0.05f;
    /// <summary>Relative part of the depth-edge test. Default 0.03.</summary>
    public float RelativeDepthJump { get; init; } = 0.03f;
    /// <summary>DBSCAN radius (meters); raised to 2.5 sampled-pixel footprints at the box's median depth. Default 0.04.</summary>
    public double ClusterEps { get; init; } = 0.04;
    /// <summary>DBSCAN core-point count. Default 8.</summary>
    public int ClusterMinPoints { get; init; } = 8;
    /// <summary>The box is widened by this share of its size on each side to see which surfaces continue past it. Default 0.15.</summary>
    public double ContextMargin { get; init; } = 0.15;
    /// <summary>
    /// A cluster whose points outside the box, per point inside, exceed this share of what a surface filling the whole
    /// widened box would have is background (a wall or floor running through the box), not the object. Default 0.35.
    /// </summary>
    public double MaxBackgroundSpill { get; init; } = 0.35;
    /// <summary>A background cluster's dominant plane is removed (with every point on it) when it holds this share of the cluster. Default 0.5.</summary>
    public double PlanarShare { get; init; } = 0.5;
    /// <summary>A cluster inside the box with this share of its points on such a plane is a framed piece of background. Default 0.8.</summary>
    public double FramedShare { get; init; } = 0.8;
    /// <summary>
    /// RANSAC distance for background planes (meters). Points lie on a plane within 3× its inliers' RMS distance,
    /// between MinPlaneDistance and this: noisy far surfaces get the whole band, clean ones a tight one. Default 0.03.
    /// </summary>
    public double PlaneDistance { get; init; } = 0.03;
    /// <summary>Least on-plane distance (meters). Default 0.015.</summary>
    public double MinPlaneDistance { get; init; } = 0.015;
    /// <summary>Parts (clusters) of the object within this distance of it join it (meters). Default 0.2.</summary>
    public double JoinDistance { get; init; } = 0.2;
    /// <summary>The widened box is sampled at a pixel stride so that at most this many points are clustered. Default 40000.</summary>
    public int MaxPoints { get; init; } = 40000;
    /// <summary>
    /// The support surface around the box (the widened box's margin) is fitted locally, and the clearance drops to
    /// LocalNoiseFactor × its RMS noise when that is below the fixed clearance, so objects only 1–3 cm tall on a clean
    /// table survive support removal. Default 4.
    /// </summary>
    public double LocalNoiseFactor { get; init; } = 4;
    /// <summary>
    /// With a clean local support, a level plane less than this high above it is a neighbour's top, never background
    /// (meters). Default 0.12.
    /// </summary>
    public double LowSurfaceHeight { get; init; } = 0.12;
    /// <summary>Least support clearance however clean the local surface is (meters). Default 0.004.</summary>
    public double MinSupportClearance { get; init; } = 0.004;
}

/// <summary>
/// Turns a 2D box into an object mask using depth. A box is not a mask: it also holds the support surface under the
/// object and the background behind it. Support points (near or below the support plane) and depth-edge pixels
/// (mixed foreground/background samples that would bridge clusters) are dropped and the rest of the widened box is
/// clustered by DBSCAN in 3D. Clusters that run on past the box are background: their dominant planes (a wall, the
/// table top under a mug) are removed, with the pieces of them the object frames, and the rest is clustered again.
/// The object is the largest cluster that stays inside the box, joined by its parts within JoinDistance.
/// </summary>
public static class BoxSegmentation
{
    /// <param name="worldFromCamera">The canonical frame (support plane at z = 0), or null when canonicalization failed.</param>
    /// <returns>The object's pixel indices (y·width + x), ascending; empty when nothing in the box has usable depth.</returns>
    /// <param name="others">The other annotated boxes of the image: points inside them are a neighbour's, not background
    /// running past this box, so they do not count as spill.</param>
    public static int[] Segment(DepthMap depth, CameraIntrinsics k, PixelBox box, RigidTransform? worldFromCamera, BoxSegmentationOptions o,
        IReadOnlyList<PixelBox>? others = null)
    {
        int w = depth.Width, h = depth.Height;
        var (bx0, by0, bx1, by1) = Clip(box.X, box.Y, box.X + box.Width, box.Y + box.Height, w, h);
        if (bx1 <= bx0 || by1 <= by0) return [];
        double mx = box.Width * o.ContextMargin, my = box.Height * o.ContextMargin;
        var (cx0, cy0, cx1, cy1) = Clip(box.X - mx, box.Y - my, box.X + box.Width + mx, box.Y + box.Height + my, w, h);
        long contextArea = (long)(cx1 - cx0) * (cy1 - cy0);
        int stride = Math.Max(1, (int)Math.Ceiling(Math.Sqrt((double)contextArea / Math.Max(1, o.MaxPoints))));
        var support = worldFromCamera is { } pose ? LocalSupport.Fit(depth, k, pose, (cx0, cy0, cx1, cy1), (bx0, by0, bx1, by1), o) : null;
        var neighbour = NeighbourMap(others, w, h, (cx0, cy0, cx1, cy1));

        var keep = new bool[w * h]; // usable: valid depth, not an edge, not support
        var sampled = new List<int>();
        for (int y = cy0; y < cy1; y++)
            for (int x = cx0; x < cx1; x++)
            {
                int p = y * w + x;
                if (!Usable(depth, k, x, y, support, o)) continue;
                keep[p] = true;
                if ((x - cx0) % stride == 0 && (y - cy0) % stride == 0) sampled.Add(p);
            }
        if (sampled.Count == 0) return [];
        var cloud = BackProjection.FromDepth(depth, k, sampled.ToArray(), float.MaxValue);
        var medianDepth = Median(cloud.Z, cloud.Count);
        var eps = Math.Max(o.ClusterEps, 2.5 * stride * medianDepth / Math.Min(k.Fx, k.Fy));
        var clusters = Dbscan.Cluster(cloud, new DbscanOptions(eps, o.ClusterMinPoints));
        var boxRect = (bx0, by0, bx1, by1);
        // Background surfaces that run on past the box (a wall, a table top under the object) are mostly planes:
        // drop their on-plane points, and pieces of them the object frames, then cluster again, so what stood on or
        // against them comes apart from them.
        var background = BackgroundPoints(cloud, clusters, w, boxRect, contextArea, o, neighbour, support);
        if (background.Contains(true))
        {
            cloud = cloud.Where(background.Select(b => !b).ToArray());
            if (cloud.Count == 0) return [];
            clusters = Dbscan.Cluster(cloud, new DbscanOptions(eps, o.ClusterMinPoints));
        }
        if (clusters.ClusterCount == 0) return [];

        var chosenLabels = SelectObjectClusters(cloud, clusters, w, boxRect, contextArea, o, neighbour);
        if (chosenLabels.Count == 0) return []; // only background in the box

        // Back to full resolution: a usable pixel inside the box joins when its sampling anchor is in the cluster
        // and its depth is within eps of the anchor's.
        var chosen = new bool[w * h];
        for (int i = 0; i < cloud.Count; i++) if (clusters.Labels[i] >= 0 && chosenLabels.Contains(clusters.Labels[i])) chosen[cloud.PixelIndex![i]] = true;
        var mask = new List<int>();
        for (int y = by0; y < by1; y++)
            for (int x = bx0; x < bx1; x++)
            {
                int p = y * w + x;
                if (!keep[p]) continue;
                int ax = cx0 + (x - cx0) / stride * stride, ay = cy0 + (y - cy0) / stride * stride, a = ay * w + ax;
                if (chosen[a] && Math.Abs(depth.Meters[p] - depth.Meters[a]) <= eps) mask.Add(p);
            }
        return [.. mask];
    }

    /// <summary>
    /// Background first: clusters that spill past the box. The object is the largest remaining cluster inside the box
    /// plus every remaining cluster within JoinDistance of it (a chair's back, seat and legs are separate surfaces).
    /// </summary>
    /// <summary>
    /// Per point: on the dominant plane of a cluster that spills past the box (when that plane holds PlanarShare of the
    /// cluster), or in a cluster lying FramedShare on such a plane (the piece of wall seen between a chair's legs).
    /// </summary>
    private static bool[] BackgroundPoints(PointCloud cloud, DbscanResult clusters, int w, (int X0, int Y0, int X1, int Y1) box,
        long contextArea, BoxSegmentationOptions o, Func<int, bool> neighbour, LocalSupport? support)
    {
        var (inside, outside, members) = Census(cloud, clusters, w, box, neighbour);
        var fillingSpill = FillingSpill(box, contextArea);
        var background = new bool[cloud.Count];
        var planes = new List<(Plane Plane, double Distance)>();
        var spills = new bool[clusters.ClusterCount];
        for (int l = 0; l < clusters.ClusterCount; l++)
        {
            spills[l] = outside[l] > o.MaxBackgroundSpill * fillingSpill * inside[l];
            if (!spills[l] || members[l].Count < 3 * o.ClusterMinPoints) continue;
            var fit = RansacPlane.Fit(cloud.Select(members[l].ToArray()), new RansacPlaneOptions(o.PlaneDistance, 3, 100, l, ScoringSubset: 0));
            if (fit.Inliers.Length < o.PlanarShare * members[l].Count) continue;
            // A level surface just above a clean table is the top of a neighbouring flat thing, not a wall or a table
            // top running under the object: removing its band would take flat objects with it.
            if (support is { HasPlane: true } && support.IsLowLevelSurface(fit.Plane, o.LowSurfaceHeight, o.MinSupportClearance)) continue;
            double sq = 0;
            foreach (var j in fit.Inliers) { var d = fit.Plane.SignedDistance(cloud[members[l][j]]); sq += d * d; }
            var band = Math.Clamp(3 * Math.Sqrt(sq / fit.Inliers.Length), o.MinPlaneDistance, o.PlaneDistance);
            planes.Add((fit.Plane, band));
            foreach (var i in members[l]) if (Math.Abs(fit.Plane.SignedDistance(cloud[i])) <= band) background[i] = true;
        }
        for (int l = 0; l < clusters.ClusterCount; l++)
        {
            if (spills[l] || planes.Count == 0) continue;
            int on = 0;
            foreach (var i in members[l]) if (OnAny(planes, cloud[i])) on++;
            if (on >= o.FramedShare * members[l].Count) foreach (var i in members[l]) background[i] = true;
        }
        return background;
    }

    private static bool OnAny(List<(Plane Plane, double Distance)> planes, Point3 p)
    {
        foreach (var (plane, distance) in planes) if (Math.Abs(plane.SignedDistance(p)) <= distance) return true;
        return false;
    }

    /// <summary>Outside/inside point ratio of a surface that fills the whole widened box.</summary>
    private static double FillingSpill((int X0, int Y0, int X1, int Y1) box, long contextArea)
    {
        var boxArea = (double)(box.X1 - box.X0) * (box.Y1 - box.Y0);
        return Math.Max(1e-9, (contextArea - boxArea) / boxArea);
    }

    /// <summary>
    /// Per cluster: points inside the box, points outside it (in the widened margin, and not inside a neighbour's box),
    /// and the member indices.
    /// </summary>
    private static (int[] Inside, int[] Outside, List<int>[] Members) Census(PointCloud cloud, DbscanResult clusters, int w, (int X0, int Y0, int X1, int Y1) box,
        Func<int, bool> neighbour)
    {
        int n = clusters.ClusterCount;
        var inside = new int[n];
        var outside = new int[n];
        var members = new List<int>[n];
        for (int l = 0; l < n; l++) members[l] = [];
        for (int i = 0; i < cloud.Count; i++)
        {
            var label = clusters.Labels[i];
            if (label < 0) continue;
            members[label].Add(i);
            int p = cloud.PixelIndex![i], x = p % w, y = p / w;
            if (x >= box.X0 && x < box.X1 && y >= box.Y0 && y < box.Y1) inside[label]++; else if (!neighbour(p)) outside[label]++;
        }
        return (inside, outside, members);
    }

    private static HashSet<int> SelectObjectClusters(PointCloud cloud, DbscanResult clusters, int w, (int X0, int Y0, int X1, int Y1) box,
        long contextArea, BoxSegmentationOptions o, Func<int, bool> neighbour)
    {
        int n = clusters.ClusterCount;
        var (inside, outside, members) = Census(cloud, clusters, w, box, neighbour);
        var fillingSpill = FillingSpill(box, contextArea);
        var background = new bool[n];
        for (int l = 0; l < n; l++)
            background[l] = inside[l] < o.ClusterMinPoints || outside[l] / (double)inside[l] / fillingSpill > o.MaxBackgroundSpill;

        int main = -1;
        for (int l = 0; l < n; l++) if (!background[l] && (main < 0 || inside[l] > inside[main])) main = l;
        var chosen = new HashSet<int>();
        if (main < 0) return chosen;
        chosen.Add(main);
        var union = cloud.Select(members[main].ToArray());
        for (bool grew = true; grew;)
        {
            grew = false;
            for (int l = 0; l < n; l++)
            {
                if (background[l] || chosen.Contains(l)) continue;
                var part = cloud.Select(members[l].ToArray());
                if (SurfaceDistance.Nearest(union, part) > o.JoinDistance) continue;
                chosen.Add(l);
                union = cloud.Select(members.Where((_, j) => chosen.Contains(j)).SelectMany(m => m).ToArray());
                grew = true;
            }
        }
        return chosen;
    }

    private static bool Usable(DepthMap depth, CameraIntrinsics k, int x, int y, LocalSupport? support, BoxSegmentationOptions o)
    {
        var d = depth[x, y];
        if (!DepthMap.IsValid(d)) return false;
        var jump = Math.Max(o.DepthJump, o.RelativeDepthJump * d);
        if (Jumps(depth, x - 1, y, d, jump) || Jumps(depth, x + 1, y, d, jump) || Jumps(depth, x, y - 1, d, jump) || Jumps(depth, x, y + 1, d, jump))
            return false;
        return support is not { } s || s.Above(k.BackProject(x, y, d), d, o);
    }

    /// <summary>Whether a pixel lies inside one of the other boxes (limited to the context window).</summary>
    private static Func<int, bool> NeighbourMap(IReadOnlyList<PixelBox>? others, int w, int h, (int X0, int Y0, int X1, int Y1) context)
    {
        if (others is not { Count: > 0 }) return _ => false;
        var rects = others.Select(b => Clip(b.X, b.Y, b.X + b.Width, b.Y + b.Height, w, h))
            .Where(r => r.X1 > context.X0 && r.X0 < context.X1 && r.Y1 > context.Y0 && r.Y0 < context.Y1).ToArray();
        return p =>
        {
            int x = p % w, y = p / w;
            foreach (var r in rects) if (x >= r.X0 && x < r.X1 && y >= r.Y0 && y < r.Y1) return true;
            return false;
        };
    }

    private static bool Jumps(DepthMap depth, int x, int y, float d, float jump)
    {
        if (x < 0 || y < 0 || x >= depth.Width || y >= depth.Height) return false;
        var n = depth[x, y];
        return DepthMap.IsValid(n) && Math.Abs(n - d) > jump;
    }

    private static (int X0, int Y0, int X1, int Y1) Clip(double x0, double y0, double x1, double y1, int w, int h) =>
        ((int)Math.Clamp(Math.Floor(x0), 0, w), (int)Math.Clamp(Math.Floor(y0), 0, h),
         (int)Math.Clamp(Math.Ceiling(x1), 0, w), (int)Math.Clamp(Math.Ceiling(y1), 0, h));

    private static float Median(float[] values, int count)
    {
        var copy = values.AsSpan(0, count).ToArray();
        Array.Sort(copy);
        return copy[count / 2];
    }
}
