using System.Runtime.CompilerServices;
using SpatialVlm.Core;

namespace SpatialVlm.Geometry;

/// <summary>Depth image ⇄ camera-frame points through pinhole intrinsics (OpenCV frame: x right, y down, z forward).</summary>
public static class BackProjection
{
    /// <summary>
    /// Every pixel with a valid depth (0 &lt; d ≤ maxDepth) becomes a point, in row-major pixel order,
    /// with <see cref="PointCloud.PixelIndex"/> = y·width + x and <see cref="PointCloud.SourceCamera"/> = k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PointCloud FromDepth(DepthMap depth, CameraIntrinsics k, float maxDepth = 10f)
    {
        CheckSize(depth, k);
        var meters = depth.Meters;
        int n = 0;
        foreach (var d in meters) if (d > 0 && d <= maxDepth) n++;
        var pixels = new int[n];
        for (int i = 0, j = 0; i < meters.Length; i++)
        {
            var d = meters[i];
            if (d > 0 && d <= maxDepth) pixels[j++] = i;
        }
        return Lift(depth, k, pixels);
    }

    /// <summary>Only the given pixels (y·width + x), in that order; pixels without a valid depth are skipped.</summary>
    public static PointCloud FromDepth(DepthMap depth, CameraIntrinsics k, ReadOnlySpan<int> pixels, float maxDepth = 10f)
    {
        CheckSize(depth, k);
        var meters = depth.Meters;
        var kept = new int[pixels.Length];
        int n = 0;
        foreach (var p in pixels)
        {
            if ((uint)p >= (uint)meters.Length) throw new ArgumentOutOfRangeException(nameof(pixels), $"pixel index {p} is outside the {depth.Width}x{depth.Height} image");
            var d = meters[p];
            if (d > 0 && d <= maxDepth) kept[n++] = p;
        }
        return Lift(depth, k, kept.AsSpan(0, n).ToArray());
    }

    /// <summary>
    /// Projects points to pixel coordinates (u right, v down); points with z ≤ 0 get NaN.
    /// </summary>
    public static void ToPixels(PointCloud cloud, CameraIntrinsics k, Span<float> u, Span<float> v)
    {
        if (u.Length < cloud.Count || v.Length < cloud.Count) throw new ArgumentException("output spans are shorter than the cloud");
        float fx = (float)k.Fx, fy = (float)k.Fy, cx = (float)k.Cx, cy = (float)k.Cy;
        var xs = cloud.XSpan; var ys = cloud.YSpan; var zs = cloud.ZSpan;
        for (int i = 0; i < xs.Length; i++)
        {
            var z = zs[i];
            if (z > 0) { u[i] = fx * xs[i] / z + cx; v[i] = fy * ys[i] / z + cy; }
            else { u[i] = float.NaN; v[i] = float.NaN; }
        }
    }

    /// <summary>Pixel coordinates of every point (NaN for points at or behind the camera).</summary>
    public static (double U, double V)[] ToPixels(PointCloud cloud, CameraIntrinsics k)
    {
        var result = new (double U, double V)[cloud.Count];
        for (int i = 0; i < cloud.Count; i++)
        {
            double z = cloud.Z[i];
            result[i] = z > 0 ? (k.Fx * cloud.X[i] / z + k.Cx, k.Fy * cloud.Y[i] / z + k.Cy) : (double.NaN, double.NaN);
        }
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static PointCloud Lift(DepthMap depth, CameraIntrinsics k, int[] pixels)
    {
        int w = depth.Width, n = pixels.Length;
        // Per-column and per-row ray slopes so the per-point work is two multiplies.
        var colSlope = new float[w];
        for (int u = 0; u < w; u++) colSlope[u] = (float)((u - k.Cx) / k.Fx);
        var rowSlope = new float[depth.Height];
        for (int v = 0; v < depth.Height; v++) rowSlope[v] = (float)((v - k.Cy) / k.Fy);
        var x = new float[n]; var y = new float[n]; var z = new float[n];
        var meters = depth.Meters;
        for (int i = 0; i < n; i++)
        {
            int p = pixels[i];
            int row = p / w, col = p - row * w;
            var d = meters[p];
            x[i] = colSlope[col] * d; y[i] = rowSlope[row] * d; z[i] = d;
        }
        return new PointCloud(x, y, z, n, pixels) { SourceCamera = k };
    }

    private static void CheckSize(DepthMap depth, CameraIntrinsics k)
    {
        if (depth.Width != k.Width || depth.Height != k.Height)
            throw new SpatialVlmException($"depth map is {depth.Width}x{depth.Height} but the intrinsics are for {k.Width}x{k.Height}");
    }
}
