using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SpatialVlm.Perception.Preprocessing;

/// <summary>Interpolation kernels of <see cref="Resampler"/>, as Pillow defines them.</summary>
public enum ResampleFilter { Bilinear, Bicubic }

/// <summary>
/// Separable resizing with Pillow's coefficients (the reference the Hugging Face image processors use): the kernel
/// widens by the scale when shrinking (antialiasing), taps outside the image are dropped and the remaining weights
/// renormalised; the horizontal pass runs first. Bicubic uses a = -0.5. Upsampling with Bilinear equals
/// align_corners=False bilinear interpolation with edge clamping.
/// </summary>
public static class Resampler
{
    /// <summary>Per output index: first input index, tap count, and the taps' weights (fixed stride).</summary>
    internal sealed record Coefficients(int[] Start, int[] Count, float[] Weights, int Stride);

    internal static Coefficients Compute(int inSize, int outSize, ResampleFilter filter)
    {
        double support0 = filter == ResampleFilter.Bicubic ? 2.0 : 1.0;
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = support0 * filterScale;
        int stride = (int)Math.Ceiling(support) * 2 + 1;
        var start = new int[outSize];
        var count = new int[outSize];
        var weights = new float[outSize * stride];
        var w = new double[stride];
        for (int o = 0; o < outSize; o++)
        {
            double center = (o + 0.5) * scale;
            int lo = Math.Max((int)(center - support + 0.5), 0);
            int hi = Math.Min((int)(center + support + 0.5), inSize);
            int n = Math.Min(hi - lo, stride);
            double sum = 0;
            for (int k = 0; k < n; k++)
            {
                w[k] = Kernel(filter, (k + lo - center + 0.5) / filterScale);
                sum += w[k];
            }
            for (int k = 0; k < n; k++) weights[o * stride + k] = (float)(sum != 0 ? w[k] / sum : 0);
            start[o] = lo;
            count[o] = n;
        }
        return new Coefficients(start, count, weights, stride);
    }

    private static double Kernel(ResampleFilter filter, double x)
    {
        x = Math.Abs(x);
        if (filter == ResampleFilter.Bilinear) return x < 1 ? 1 - x : 0;
        const double a = -0.5;
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    /// <summary>
    /// Resizes one row-major plane w×h into dst (ow×oh). With roundToBytes the result is rounded and clamped to 0..255
    /// after each pass, as Pillow does on 8-bit images.
    /// </summary>
    public static void ResizePlane(ReadOnlySpan<float> src, int w, int h, Span<float> dst, int ow, int oh, ResampleFilter filter, bool roundToBytes = false)
    {
        if (src.Length < w * h || dst.Length < ow * oh) throw new ArgumentException("plane buffers are smaller than their sizes");
        var cx = Compute(w, ow, filter);
        var cy = Compute(h, oh, filter);
        var tmp = new float[h * ow];
        for (int y = 0; y < h; y++) HorizontalRow(src.Slice(y * w, w), cx, tmp.AsSpan(y * ow, ow), roundToBytes);
        for (int o = 0; o < oh; o++) VerticalRow(tmp, ow, cy, o, dst.Slice(o * ow, ow), roundToBytes);
    }

    /// <summary>One row of the horizontal pass over a float row.</summary>
    internal static void HorizontalRow(ReadOnlySpan<float> src, Coefficients cx, Span<float> dst, bool roundToBytes)
    {
        ref float s0 = ref MemoryMarshal.GetReference(src);
        ref float w0 = ref MemoryMarshal.GetArrayDataReference(cx.Weights);
        int stride = cx.Stride;
        for (int o = 0; o < dst.Length; o++)
        {
            ref float p = ref Unsafe.Add(ref s0, cx.Start[o]);
            ref float wo = ref Unsafe.Add(ref w0, o * stride);
            float acc = 0;
            for (int k = 0, n = cx.Count[o]; k < n; k++) acc += Unsafe.Add(ref wo, k) * Unsafe.Add(ref p, k);
            dst[o] = roundToBytes ? Math.Clamp(MathF.Round(acc), 0f, 255f) : acc;
        }
    }

    /// <summary>One row of the horizontal pass over interleaved 8-bit RGB into three planes' rows, rounded to bytes.</summary>
    internal static void HorizontalRowRgb(ReadOnlySpan<byte> rgb, Coefficients cx, Span<float> r, Span<float> g, Span<float> b)
    {
        if (r.Length != g.Length || r.Length != b.Length || r.Length > cx.Start.Length) throw new ArgumentException("plane rows differ in length");
        ref byte s0 = ref MemoryMarshal.GetReference(rgb);
        ref float w0 = ref MemoryMarshal.GetArrayDataReference(cx.Weights);
        int stride = cx.Stride;
        for (int o = 0; o < r.Length; o++)
        {
            int s = cx.Start[o], n = cx.Count[o];
            ref float wo = ref Unsafe.Add(ref w0, o * stride);
            ref byte p = ref Unsafe.Add(ref s0, s * 3);
            float ar = 0, ag = 0, ab = 0;
            for (int k = 0; k < n; k++)
            {
                float wk = Unsafe.Add(ref wo, k);
                ar += wk * Unsafe.Add(ref p, 3 * k);
                ag += wk * Unsafe.Add(ref p, 3 * k + 1);
                ab += wk * Unsafe.Add(ref p, 3 * k + 2);
            }
            r[o] = Math.Clamp(MathF.Round(ar), 0f, 255f);
            g[o] = Math.Clamp(MathF.Round(ag), 0f, 255f);
            b[o] = Math.Clamp(MathF.Round(ab), 0f, 255f);
        }
    }

    /// <summary>Output row o of the vertical pass over the horizontally resized plane tmp (rows of width ow).</summary>
    internal static void VerticalRow(ReadOnlySpan<float> tmp, int ow, Coefficients cy, int o, Span<float> outRow, bool roundToBytes)
    {
        outRow.Clear();
        int s = cy.Start[o], n = cy.Count[o], wo = o * cy.Stride;
        for (int k = 0; k < n; k++) AddScaled(outRow, tmp.Slice((s + k) * ow, ow), cy.Weights[wo + k]);
        if (roundToBytes) RoundToBytes(outRow);
    }

    private static void AddScaled(Span<float> acc, ReadOnlySpan<float> row, float weight)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var wv = new Vector<float>(weight);
            for (; i <= acc.Length - Vector<float>.Count; i += Vector<float>.Count)
                (new Vector<float>(acc.Slice(i)) + wv * new Vector<float>(row.Slice(i))).CopyTo(acc.Slice(i));
        }
        for (; i < acc.Length; i++) acc[i] += weight * row[i];
    }

    private static void RoundToBytes(Span<float> row)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var lo = Vector<float>.Zero;
            var hi = new Vector<float>(255f);
            for (; i <= row.Length - Vector<float>.Count; i += Vector<float>.Count)
                Vector.Min(Vector.Max(Vector.Round(new Vector<float>(row.Slice(i))), lo), hi).CopyTo(row.Slice(i));
        }
        for (; i < row.Length; i++) row[i] = Math.Clamp(MathF.Round(row[i]), 0f, 255f);
    }
}
