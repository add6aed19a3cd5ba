using SpatialVlm.Geometry;

namespace SpatialVlm.Synthesis.Stages;

/// <summary>Stage 2: the paper's per-object denoising (see <see cref="DenoiseOptions"/>).</summary>
public sealed class ObjectDenoiser(SynthesisOptions options)
{
    public LiftedObject Denoise(LiftedObject obj)
    {
        var o = options.Denoise;
        if (!o.Enabled) return obj;
        var pts = obj.Points;
        if (pts.Count > o.StatisticalNeighbors)
            pts = StatisticalOutlierRemoval.Apply(pts, new StatisticalOutlierOptions(o.StatisticalNeighbors, o.StatisticalStdRatio, options.GeometryThreads));
        var s = ScaleOf(pts);
        var voxel = (float)Math.Max(o.MinVoxel, s / o.VoxelDivisor);
        pts = VoxelDownsample.Apply(pts, voxel);
        if (pts.Count >= o.DbscanMinPoints)
        {
            var eps = Math.Max(s / o.DbscanEpsDivisor, 1.5 * voxel); // eps below the voxel pitch would shatter the cloud
            var largest = Dbscan.LargestCluster(pts, new DbscanOptions(eps, o.DbscanMinPoints, options.GeometryThreads));
            if (largest.Count >= o.DbscanMinPoints) pts = largest;
        }
        return obj with { Points = pts };
    }

    /// <summary>s = 3·|σ|: three times the norm of the per-axis standard deviations.</summary>
    public static double ScaleOf(PointCloud c)
    {
        if (c.Count == 0) return 0;
        double mx = 0, my = 0, mz = 0;
        for (int i = 0; i < c.Count; i++) { mx += c.X[i]; my += c.Y[i]; mz += c.Z[i]; }
        mx /= c.Count; my /= c.Count; mz /= c.Count;
        double vx = 0, vy = 0, vz = 0;
        for (int i = 0; i < c.Count; i++)
        {
            double dx = c.X[i] - mx, dy = c.Y[i] - my, dz = c.Z[i] - mz;
            vx += dx * dx; vy += dy * dy; vz += dz * dz;
        }
        return 3 * Math.Sqrt((vx + vy + vz) / c.Count);
    }
}
