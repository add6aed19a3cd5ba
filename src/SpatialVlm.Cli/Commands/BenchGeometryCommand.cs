using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SpatialVlm.Core;
using SpatialVlm.Geometry;
using SpatialVlm.Imaging;

namespace SpatialVlm.Cli.Commands;

/// <summary>
/// `bench geometry`: times the geometric stage on one RGB-D frame (INTERFACES.md): back-projection,
/// statistical outlier removal (50, 1.2), 0.01 m voxel down-sampling, DBSCAN (0.05, 10), RANSAC plane
/// (0.05, 3, 1000), oriented and axis-aligned boxes of the down-sampled cloud. Prints medians over the runs.
/// </summary>
public static class BenchGeometryCommand
{
    public static Command Create()
    {
        var color = new Option<string>("--color") { Description = "colour image of the frame (checked to decode and to match the depth size)", Required = true };
        var depth = new Option<string>("--depth") { Description = "16-bit PNG depth image; value / depth-scale = meters along the optical axis, 0 = none", Required = true };
        var scale = new Option<double>("--depth-scale") { Description = "depth units per meter (default 1000: millimeters)", DefaultValueFactory = _ => 1000 };
        var intrinsics = new Option<string>("--intrinsics") { Description = "pinhole intrinsics fx,fy,cx,cy in pixels", Required = true };
        var runs = new Option<int>("--runs") { Description = "timed runs; times are medians (default 5)", DefaultValueFactory = _ => 5 };
        var warmup = new Option<int>("--warmup") { Description = "untimed runs first, so the JIT has compiled the code (default 1)", DefaultValueFactory = _ => 1 };
        var cmd = new Command("geometry", "Time the geometric stage on one RGB-D frame and print one JSON object (points, lift_ms, after_outlier, stat_outlier_ms, after_voxel, voxel_ms, clusters, dbscan_ms, plane, plane_inliers, plane_ms, obb_extent, obb_ms, aabb_ms, total_ms).")
        {
            color, depth, scale, intrinsics, runs, warmup,
        };
        cmd.SetAction(parse =>
        {
            var options = new GeometryBenchOptions(parse.GetValue(color)!, parse.GetValue(depth)!, parse.GetValue(scale),
                parse.GetValue(intrinsics)!, parse.GetValue(runs), parse.GetValue(warmup));
            var result = Run(options);
            parse.InvocationConfiguration.Output.WriteLine(result.ToJson());
            return 0;
        });
        return cmd;
    }

    public sealed record GeometryBenchOptions(string ColorPath, string DepthPath, double DepthScale, string Intrinsics, int Runs, int Warmup);

    public static GeometryBenchResult Run(GeometryBenchOptions o)
    {
        if (o.Runs < 1) throw new SpatialVlmException($"--runs must be at least 1, got {o.Runs}");
        if (o.Warmup < 0) throw new SpatialVlmException($"--warmup must not be negative, got {o.Warmup}");
        if (!(o.DepthScale > 0) || !double.IsFinite(o.DepthScale)) throw new SpatialVlmException($"--depth-scale must be a positive number, got {o.DepthScale}");
        var colorImage = ColorImageCodec.DecodeFile(o.ColorPath);
        var (raw, w, h) = Png16.ReadFile(o.DepthPath);
        if (colorImage.Width != w || colorImage.Height != h)
            throw new SpatialVlmException($"{o.ColorPath} is {colorImage.Width}x{colorImage.Height} but {o.DepthPath} is {w}x{h}");
        var k = CameraIntrinsics.Parse(o.Intrinsics, w, h);
        if (!raw.AsSpan().ContainsAnyExcept((ushort)0))
            throw new SpatialVlmException($"{o.DepthPath}: no valid depth (every pixel is 0)");

        for (int i = 0; i < o.Warmup; i++) RunOnce(raw, w, h, o.DepthScale, k);
        var results = Enumerable.Range(0, o.Runs).Select(_ => RunOnce(raw, w, h, o.DepthScale, k)).ToList();
        var last = results[^1];
        double Median(Func<GeometryBenchResult, double> f)
        {
            var v = results.Select(f).Order().ToArray();
            return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
        }
        return last with
        {
            LiftMs = Median(r => r.LiftMs), StatOutlierMs = Median(r => r.StatOutlierMs), VoxelMs = Median(r => r.VoxelMs),
            DbscanMs = Median(r => r.DbscanMs), PlaneMs = Median(r => r.PlaneMs), ObbMs = Median(r => r.ObbMs),
            AabbMs = Median(r => r.AabbMs), TotalMs = Median(r => r.TotalMs),
        };
    }

    private static GeometryBenchResult RunOnce(ushort[] raw, int w, int h, double depthScale, CameraIntrinsics k)
    {
        // One frame at a time: every geometry call may use every core.
        int threads = Environment.ProcessorCount;
        var total = Stopwatch.StartNew();
        var sw = Stopwatch.StartNew();
        var meters = new float[raw.Length];
        float inv = (float)(1.0 / depthScale);
        for (int i = 0; i < raw.Length; i++) meters[i] = raw[i] * inv;
        var cloud = BackProjection.FromDepth(new DepthMap(w, h, meters), k, 10f);
        double lift = Lap(sw);
        if (cloud.Count == 0) throw new SpatialVlmException("no valid depth within 10 m");
        var kept = StatisticalOutlierRemoval.Apply(cloud, new StatisticalOutlierOptions(50, 1.2, threads));
        double outlier = Lap(sw);
        var down = VoxelDownsample.Apply(kept, 0.01f);
        double voxel = Lap(sw);
        var clusters = Dbscan.Cluster(down, new DbscanOptions(0.05, 10, threads));
        double dbscan = Lap(sw);
        if (down.Count < 3) throw new SpatialVlmException($"only {down.Count} points remain after filtering; a plane needs 3");
        var plane = RansacPlane.Fit(down, new RansacPlaneOptions(0.05, 3, 1000, 0, MaxDegreeOfParallelism: threads));
        double planeMs = Lap(sw);
        var obb = OrientedBox.Fit(down);
        double obbMs = Lap(sw);
        _ = AxisAlignedBox.Fit(down);
        double aabbMs = Lap(sw);
        double totalMs = total.Elapsed.TotalMilliseconds;
        // Report the plane with its normal toward the camera (d > 0); its sign is otherwise arbitrary.
        var p = plane.Plane.D < 0 ? plane.Plane.Flipped() : plane.Plane;
        return new GeometryBenchResult(cloud.Count, lift, kept.Count, outlier, down.Count, voxel, clusters.ClusterCount, dbscan,
            p, plane.Inliers.Length, planeMs, obb.Extent, obbMs, aabbMs, totalMs);
    }

    private static double Lap(Stopwatch sw)
    {
        double ms = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        return ms;
    }

    public sealed record GeometryBenchResult(int Points, double LiftMs, int AfterOutlier, double StatOutlierMs, int AfterVoxel, double VoxelMs,
        int Clusters, double DbscanMs, Plane Plane, int PlaneInliers, double PlaneMs, Point3 ObbExtent, double ObbMs, double AabbMs, double TotalMs)
    {
        public string ToJson()
        {
            using var ms = new MemoryStream();
            using (var j = new Utf8JsonWriter(ms))
            {
                j.WriteStartObject();
                j.WriteNumber("points", Points);
                j.WriteNumber("lift_ms", Math.Round(LiftMs, 3));
                j.WriteNumber("after_outlier", AfterOutlier);
                j.WriteNumber("stat_outlier_ms", Math.Round(StatOutlierMs, 3));
                j.WriteNumber("after_voxel", AfterVoxel);
                j.WriteNumber("voxel_ms", Math.Round(VoxelMs, 3));
                j.WriteNumber("clusters", Clusters);
                j.WriteNumber("dbscan_ms", Math.Round(DbscanMs, 3));
                j.WriteStartArray("plane");
                foreach (var v in new[] { Plane.A, Plane.B, Plane.C, Plane.D }) j.WriteNumberValue(Math.Round(v, 6));
                j.WriteEndArray();
                j.WriteNumber("plane_inliers", PlaneInliers);
                j.WriteNumber("plane_ms", Math.Round(PlaneMs, 3));
                j.WriteStartArray("obb_extent");
                foreach (var v in ObbExtent.ToArray()) j.WriteNumberValue(Math.Round(v, 6));
                j.WriteEndArray();
                j.WriteNumber("obb_ms", Math.Round(ObbMs, 3));
                j.WriteNumber("aabb_ms", Math.Round(AabbMs, 3));
                j.WriteNumber("total_ms", Math.Round(TotalMs, 3));
                j.WriteEndObject();
            }
            return System.Text.Encoding.UTF8.GetString(ms.ToArray());
        }
    }
}
