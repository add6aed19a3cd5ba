using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SpatialVlm.Geometry;

/// <summary>
/// For every point, the mean Euclidean distance to its k nearest points, the point itself included (as
/// Open3D's statistical outlier removal counts it). Exact. Clouds lifted from a depth image
/// (<see cref="PointCloud.SourceCamera"/> set) are searched on the image grid: a small pixel window
/// around each point holds its 3D neighbours, and a bound on where a 3D ball can project proves the window
/// sufficient, else a window sized by that bound (or the KD-tree) is searched. Other clouds use the KD-tree.
/// </summary>
public static class MeanKnnDistance
{
    /// <param name="c">The cloud.</param>
    /// <param name="k">Neighbours per point, the point itself included.</param>
    /// <param name="maxDegreeOfParallelism">Threads this call may use (see <see cref="Parallelism"/>); the result does not depend on it.</param>
    public static double[] Compute(PointCloud c, int k, int maxDegreeOfParallelism = 1)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), "k must be at least 1");
        Parallelism.Check(maxDegreeOfParallelism);
        var result = new double[c.Count];
        if (c.Count == 0) return result;
        if (c.SourceCamera != null && c.PixelIndex != null && c.Count > k)
            new OrganizedSearch(c, k).Run(result, maxDegreeOfParallelism);
        else
            ComputeWithTree(c, k, new KdTree(c), result, 0, c.Count, maxDegreeOfParallelism);
        return result;
    }

    /// <summary>The KD-tree path (any cloud); exposed for checking the organized path against it.</summary>
    public static double[] ComputeWithTree(PointCloud c, int k, int maxDegreeOfParallelism = 1)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), "k must be at least 1");
        Parallelism.Check(maxDegreeOfParallelism);
        var result = new double[c.Count];
        if (c.Count > 0) ComputeWithTree(c, k, new KdTree(c), result, 0, c.Count, maxDegreeOfParallelism);
        return result;
    }

    private static void ComputeWithTree(PointCloud c, int k, KdTree tree, double[] result, int from, int to, int maxDegreeOfParallelism)
    {
        var parts = Parallelism.Partitions(to - from);
        Parallelism.For(parts, maxDegreeOfParallelism, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int p) =>
        {
            var idx = new int[k]; var d2 = new float[k];
            var (lo, hi) = Range(from, to, parts, p);
            for (int i = lo; i < hi; i++) result[i] = TreeMean(c, tree, i, k, idx, d2);
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double TreeMean(PointCloud c, KdTree tree, int i, int k, int[] idx, float[] d2)
    {
        int n = tree.KNearest(c.X[i], c.Y[i], c.Z[i], k, idx, d2);
        double sum = 0;
        for (int j = 0; j < n; j++) sum += Math.Sqrt(d2[j]);
        return sum / n;
    }

    internal static (int Lo, int Hi) Range(int from, int to, int parts, int p)
    {
        long len = to - from;
        return ((int)(from + len * p / parts), (int)(from + len * (p + 1) / parts));
    }

    /// <summary>
    /// Σ √v over the k smallest of values[0..m) (1 ≤ k ≤ m, 0 ≤ values ≤ upper) and the k-th smallest value,
    /// without sorting: one pass bins the values by size, the running count finds the bin holding the k-th value,
    /// one vector pass sums the roots below that bin, and only that bin's few values are sorted.
    /// values must have room for m rounded up to whole vectors; the tail is overwritten.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (double Sum, float Kth) SumOfSmallestRoots(float[] values, int m, int k, float upper, float hint = 0)
    {
        if (hint > 0 && float.IsFinite(hint) && SumNearHint(values, m, k, hint) is { } quick) return quick;
        const int Bins = 128;
        if (float.IsPositiveInfinity(upper)) { upper = 0; for (int j = 0; j < m; j++) upper = MathF.Max(upper, values[j]); }
        if (upper == 0) return (0, 0);
        float scale = Bins / upper * 0.9999f; // the largest possible value lands in the last bin
        Span<int> count = stackalloc int[Bins + 1];
        for (int j = 0; j < m; j++) count[(int)(values[j] * scale)]++;
        int taken = 0, b = 0;
        while (taken + count[b] < k) taken += count[b++];
        // Roots of everything in bins below b (the same truncation decides the bin); zero padding adds nothing.
        int lanes = Vector256<float>.Count;
        int len = (m + lanes - 1) / lanes * lanes;
        for (int j = m; j < len; j++) values[j] = 0;
        ref float v0 = ref values[0];
        var vs = Vector256.Create(scale);
        var vb = Vector256.Create(b);
        var acc = Vector256<float>.Zero;
        for (int j = 0; j < len; j += lanes)
        {
            var v = Vector256.LoadUnsafe(ref v0, (nuint)j);
            var below = Vector256.LessThan(Vector256.ConvertToInt32(v * vs), vb).AsSingle();
            acc += Vector256.ConditionalSelect(below, Vector256.Sqrt(v), Vector256<float>.Zero);
        }
        double sum = Vector256.Sum(acc);
        // The k-th value is in bin b: sort that bin's values and take what is still missing.
        int inBin = count[b];
        Span<float> bin = inBin <= 256 ? stackalloc float[inBin] : new float[inBin];
        int n = 0;
        for (int j = 0; j < m; j++) if ((int)(values[j] * scale) == b) bin[n++] = values[j];
        bin.Sort();
        float kth = 0;
        for (int j = 0; j < k - taken; j++) { sum += MathF.Sqrt(bin[j]); kth = bin[j]; }
        return (sum, kth);
    }

    /// <summary>
    /// The same sum when the k-th value is known to be near <paramref name="hint"/> (a neighbouring point's): one
    /// vector pass counts the values up to eight limits spread over 0.6–1.25·hint; if the k-th value falls between
    /// two of them, a second pass sums the roots below the band and picks the few values inside it. Null otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Sum, float Kth)? SumNearHint(float[] values, int m, int k, float hint)
    {
        const int Limits = 8;
        int lanes = Vector256<float>.Count;
        int len = (m + lanes - 1) / lanes * lanes;
        for (int j = m; j < len; j++) values[j] = float.PositiveInfinity;
        Span<float> limit = stackalloc float[Limits];
        for (int l = 0; l < Limits; l++) limit[l] = hint * (0.6f + 0.65f * l / (Limits - 1));
        ref float v0 = ref values[0];
        Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        Vector256<float> l0 = Vector256.Create(limit[0]), l1 = Vector256.Create(limit[1]), l2 = Vector256.Create(limit[2]), l3 = Vector256.Create(limit[3]),
            l4 = Vector256.Create(limit[4]), l5 = Vector256.Create(limit[5]), l6 = Vector256.Create(limit[6]), l7 = Vector256.Create(limit[7]);
        for (int j = 0; j < len; j += lanes)
        {
            var v = Vector256.LoadUnsafe(ref v0, (nuint)j);
            c0 -= Vector256.LessThanOrEqual(v, l0).AsInt32(); c1 -= Vector256.LessThanOrEqual(v, l1).AsInt32();
            c2 -= Vector256.LessThanOrEqual(v, l2).AsInt32(); c3 -= Vector256.LessThanOrEqual(v, l3).AsInt32();
            c4 -= Vector256.LessThanOrEqual(v, l4).AsInt32(); c5 -= Vector256.LessThanOrEqual(v, l5).AsInt32();
            c6 -= Vector256.LessThanOrEqual(v, l6).AsInt32(); c7 -= Vector256.LessThanOrEqual(v, l7).AsInt32();
        }
        Span<int> count = [Vector256.Sum(c0), Vector256.Sum(c1), Vector256.Sum(c2), Vector256.Sum(c3),
                           Vector256.Sum(c4), Vector256.Sum(c5), Vector256.Sum(c6), Vector256.Sum(c7)];
        if (count[0] >= k || count[Limits - 1] < k) return null;
        int band = 0;
        while (count[band + 1] < k) band++;
        // The k-th value is in (limit[band], limit[band + 1]].
        var va = Vector256.Create(limit[band]); var vb = Vector256.Create(limit[band + 1]);
        int below = count[band], inBand = count[band + 1] - below;
        Span<float> picked = stackalloc float[inBand <= 256 ? inBand : 0];
        if (picked.Length != inBand) return null;
        var sum = Vector256<float>.Zero;
        int n = 0;
        for (int j = 0; j < len; j += lanes)
        {
            var v = Vector256.LoadUnsafe(ref v0, (nuint)j);
            var inA = Vector256.LessThanOrEqual(v, va);
            sum += Vector256.ConditionalSelect(inA, Vector256.Sqrt(v), Vector256<float>.Zero);
            uint bits = Vector256.AndNot(Vector256.LessThanOrEqual(v, vb), inA).ExtractMostSignificantBits();
            while (bits != 0)
            {
                picked[n++] = values[j + BitOperations.TrailingZeroCount(bits)];
                bits &= bits - 1;
            }
        }
        InsertionSort(picked);
        double total = Vector256.Sum(sum);
        float kth = 0;
        for (int j = 0; j < k - below; j++) { total += MathF.Sqrt(picked[j]); kth = picked[j]; }
        return (total, kth);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InsertionSort(Span<float> a)
    {
        for (int i = 1; i < a.Length; i++)
        {
            float x = a[i];
            int j = i - 1;
            while (j >= 0 && a[j] > x) { a[j + 1] = a[j]; j--; }
            a[j + 1] = x;
        }
    }

    // For each 8-bit lane mask, the lane indices of the set bits first (a permutation for PermuteVar8x32).
    private static readonly int[] CompactionTable = BuildCompactionTable();

    private static int[] BuildCompactionTable()
    {
        var table = new int[256 * 8];
        for (int mask = 0; mask < 256; mask++)
        {
            int n = 0;
            for (int lane = 0; lane < 8; lane++) if ((mask & (1 << lane)) != 0) table[mask * 8 + n++] = lane;
            while (n < 8) table[mask * 8 + n++] = 0;
        }
        return table;
    }

    private sealed class OrganizedSearch
    {
        // The first window reaches Fast pixels each way (15 rows of 16 columns: two 8-lane vectors per row).
        private const int Fast = 7;
        private const int Lanes = 8;
        // Candidates are first gathered within Slack times the previous point's k-th squared distance.
        private const float Slack = 1.25f;
        private readonly PointCloud _c;
        private readonly int _k, _imageWidth, _u0, _v0, _w, _h, _stride; // the grid spans the points' pixel bounding box
        private readonly float[] _gx, _gy, _gz;
        private readonly float _fx, _fy;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public OrganizedSearch(PointCloud c, int k)
        {
            _c = c; _k = k;
            var cam = c.SourceCamera!;
            _imageWidth = cam.Width;
            _fx = (float)cam.Fx; _fy = (float)cam.Fy;
            var pix = c.PixelIndex!;
            int u0 = int.MaxValue, v0 = int.MaxValue, u1 = -1, v1 = -1;
            for (int i = 0; i < c.Count; i++)
            {
                int p = pix[i];
                if ((uint)p >= (uint)(cam.Width * cam.Height)) throw new ArgumentException($"pixel index {p} is outside the source camera's image");
                int v = p / _imageWidth, u = p - v * _imageWidth;
                u0 = Math.Min(u0, u); u1 = Math.Max(u1, u); v0 = Math.Min(v0, v); v1 = Math.Max(v1, v);
            }
            _u0 = u0; _v0 = v0; _w = u1 - u0 + 1; _h = v1 - v0 + 1;
            _stride = _w + Lanes; // room for a row's last vector to run past the box's right edge
            int size = _stride * _h + Lanes;
            // Coordinates on the pixel grid; NaN where there is no point, so those distances never pass a test.
            _gx = new float[size]; _gy = new float[size]; _gz = new float[size];
            _gx.AsSpan().Fill(float.NaN); _gy.AsSpan().Fill(float.NaN); _gz.AsSpan().Fill(float.NaN);
            for (int i = 0; i < c.Count; i++)
            {
                int g = GridIndex(pix[i]);
                _gx[g] = c.X[i]; _gy[g] = c.Y[i]; _gz[g] = c.Z[i];
            }
        }

        private (int U, int V) BoxPixel(int pixel)
        {
            int v = pixel / _imageWidth;
            return (pixel - v * _imageWidth - _u0, v - _v0);
        }

        private int GridIndex(int pixel)
        {
            var (u, v) = BoxPixel(pixel);
            return v * _stride + u;
        }

        public void Run(double[] result, int maxDegreeOfParallelism)
        {
            int parts = Parallelism.Partitions(_c.Count);
            Parallelism.For(parts, maxDegreeOfParallelism, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int p) =>
            {
                var (lo, hi) = Range(0, _c.Count, parts, p);
                var buffer = new float[1024];
                float threshold = float.PositiveInfinity;
                for (int i = lo; i < hi; i++) result[i] = MeanAt(i, ref buffer, ref threshold);
            });
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private double MeanAt(int i, ref float[] buffer, ref float threshold)
        {
            float px = _c.X[i], py = _c.Y[i], pz = _c.Z[i];
            var (u, v) = BoxPixel(_c.PixelIndex![i]);
            // Adaptive path: limit = Slack × the previous point's k-th squared distance, window = where a ball of
            // that radius can project. If k candidates lie within the limit, the k nearest are among them: exact.
            for (float limit = threshold; float.IsFinite(limit); limit *= 2.5f)
            {
                var (ru, rv) = PixelReach(px, py, pz, limit);
                if (!(ru < _w || rv < _h)) break; // the window would be the whole image: bootstrap instead
                int m = Gather(u, v, Reach(ru, _w), Reach(rv, _h), px, py, pz, limit, ref buffer);
                if (m >= _k)
                {
                    var (sum, r2) = SumOfSmallestRoots(buffer, m, _k, limit, limit / Slack);
                    threshold = r2 * Slack; // the next point is usually the next pixel, with a similar neighbourhood
                    return sum / _k;
                }
            }
            // Bootstrap: a fixed window (or the whole image when it holds fewer than k points) gives an upper bound
            // on the k-th distance, and the window that bound asks for gives the exact answer.
            int reach = Fast;
            int n = Gather(u, v, reach, reach, px, py, pz, float.PositiveInfinity, ref buffer);
            if (n < _k) { reach = Math.Max(_w, _h); n = Gather(u, v, reach, reach, px, py, pz, float.PositiveInfinity, ref buffer); }
            var (bound, bound2) = SumOfSmallestRoots(buffer, n, _k, float.PositiveInfinity);
            threshold = bound2 * Slack;
            var (bu, bv) = PixelReach(px, py, pz, bound2);
            if (bu <= reach && bv <= reach) return bound / _k;
            n = Gather(u, v, Reach(bu, _w), Reach(bv, _h), px, py, pz, bound2, ref buffer);
            return SumOfSmallestRoots(buffer, n, _k, bound2, bound2).Sum / _k;
        }

        private static int Reach(float pixels, int size) => (int)MathF.Ceiling(MathF.Min(pixels, size));

        /// <summary>
        /// How many pixels (columns, rows) away a point within √r2 of p can project:
        /// |Δu| ≤ f·r·√(z²+x²)/((z−r)·z), and likewise for rows; infinite if the ball reaches the camera plane.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private (float U, float V) PixelReach(float px, float py, float pz, float r2)
        {
            float r = MathF.Sqrt(r2);
            float near = pz - r;
            if (near <= 1e-6f) return (float.PositiveInfinity, float.PositiveInfinity);
            float scale = r / (near * pz);
            // Small slack for float rounding between a point's pixel and its projection.
            return (_fx * scale * MathF.Sqrt(pz * pz + px * px) + 0.01f, _fy * scale * MathF.Sqrt(pz * pz + py * py) + 0.01f);
        }

        /// <summary>
        /// Squared distances ≤ threshold from the window reaching reachU columns and reachV rows each way, clipped to
        /// the image (its width rounded up to whole vectors, so a few more columns on the right), into buffer.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int Gather(int u, int v, int reachU, int reachV, float px, float py, float pz, float threshold, ref float[] buffer)
        {
            int v0 = Math.Max(v - reachV, 0), v1 = Math.Min(v + reachV, _h - 1);
            int u0 = Math.Max(u - reachU, 0), u1 = Math.Min(u + reachU, _w - 1);
            int width = (u1 - u0 + Lanes) / Lanes * Lanes;
            int area = width * (v1 - v0 + 1) + 2 * Lanes;
            if (buffer.Length < area) buffer = new float[area];
            var buf = buffer;
            int m = 0;
            var vx = Vector256.Create(px); var vy = Vector256.Create(py); var vz = Vector256.Create(pz);
            var vt = Vector256.Create(threshold);
            Span<float> d2s = stackalloc float[Lanes];
            ref float gx = ref _gx[0]; ref float gy = ref _gy[0]; ref float gz = ref _gz[0];
            for (int row = v0; row <= v1; row++)
            {
                nuint start = (nuint)(row * _stride + u0);
                for (nuint col = 0; col < (nuint)width; col += Lanes)
                {
                    var dx = Vector256.LoadUnsafe(ref gx, start + col) - vx;
                    var dy = Vector256.LoadUnsafe(ref gy, start + col) - vy;
                    var dz = Vector256.LoadUnsafe(ref gz, start + col) - vz;
                    var d2 = dx * dx + dy * dy + dz * dz;
                    uint bits = Vector256.LessThanOrEqual(d2, vt).ExtractMostSignificantBits();
                    if (bits == 0) continue;
                    if (Avx2.IsSupported)
                    {
                        // Branch-free compaction: move the passing lanes to the front and store all eight.
                        var perm = Vector256.LoadUnsafe(ref CompactionTable[0], bits * Lanes);
                        Avx2.PermuteVar8x32(d2, perm).StoreUnsafe(ref buf[0], (nuint)m);
                        m += BitOperations.PopCount(bits);
                        continue;
                    }
                    d2.CopyTo(d2s);
                    while (bits != 0)
                    {
                        buf[m++] = d2s[BitOperations.TrailingZeroCount(bits)];
                        bits &= bits - 1;
                    }
                }
            }
            return m;
        }
    }
}
