using System.Numerics.Tensors;

namespace SpatialVlm.Perception.Segmentation;

/// <summary>
/// Low-resolution mask logits (S × S over the whole square network frame) back to original pixels, as SAM's
/// mask_postprocessing and the Hugging Face post_process_masks do it: bilinear upsampling to the frame size
/// (align_corners = False, no antialiasing), crop of the resized image (padding removed), bilinear resize to the
/// original size, then logit &gt; threshold. Both resizes are linear and separable, so each axis's two steps are
/// composed into one set of at most three taps per output pixel, and the frame-sized mask is never materialised.
/// </summary>
public static class MaskUpsampling
{
    /// <summary>Per output index: first low-res index and three weights (unused taps are 0).</summary>
    internal sealed record AxisTaps(int[] Start, float[] Weights);

    /// <summary>Pixel indices (y·W + x) of the original image whose upsampled logit exceeds the threshold.</summary>
    public static int[] Pixels(ReadOnlySpan<float> lowRes, int lowResSize, SegmentationFrame frame, float threshold = 0f)
    {
        if (lowRes.Length != lowResSize * lowResSize)
            throw new ArgumentException($"low-res mask has {lowRes.Length} values, expected {lowResSize}²");
        if (lowResSize > frame.Size) throw new ArgumentException($"low-res mask ({lowResSize}) is larger than the frame ({frame.Size})");
        var tx = Compose(lowResSize, frame.Size, frame.ResizedWidth, frame.Width);
        var ty = Compose(lowResSize, frame.Size, frame.ResizedHeight, frame.Height);
        int w = frame.Width, h = frame.Height, s = lowResSize;
        // Horizontal pass: every low-res row to the original width.
        var rows = new float[s * w];
        for (int r = 0; r < s; r++)
        {
            var src = lowRes.Slice(r * s, s);
            var dst = rows.AsSpan(r * w, w);
            for (int x = 0; x < w; x++)
            {
                int i = tx.Start[x];
                float a = tx.Weights[3 * x], b = tx.Weights[3 * x + 1], c = tx.Weights[3 * x + 2];
                dst[x] = a * src[i] + b * src[Math.Min(i + 1, s - 1)] + c * src[Math.Min(i + 2, s - 1)];
            }
        }
        // Interpolation is a convex combination, so an output row whose source rows never exceed the threshold is empty.
        var rowMax = new float[s];
        for (int r = 0; r < s; r++) rowMax[r] = TensorPrimitives.Max(rows.AsSpan(r * w, w));
        // Vertical pass, one output row at a time, thresholded on the fly.
        var pixels = new List<int>();
        var row = new float[w];
        for (int y = 0; y < h; y++)
        {
            int i = ty.Start[y];
            if (Math.Max(rowMax[i], Math.Max(rowMax[Math.Min(i + 1, s - 1)], rowMax[Math.Min(i + 2, s - 1)])) <= threshold) continue;
            TensorPrimitives.Multiply(rows.AsSpan(i * w, w), ty.Weights[3 * y], row);
            for (int k = 1; k < 3; k++)
            {
                float wk = ty.Weights[3 * y + k];
                if (wk != 0) TensorPrimitives.MultiplyAdd(rows.AsSpan(Math.Min(i + k, s - 1) * w, w), wk, row, row);
            }
            int baseIndex = y * w;
            for (int x = 0; x < w; x++)
                if (row[x] > threshold) pixels.Add(baseIndex + x);
        }
        return pixels.ToArray();
    }

    /// <summary>
    /// One axis: low-res (n) → frame (f, only the first `kept` outputs, i.e. the crop) → original (o). Each step is
    /// PyTorch's bilinear source index: (dst + 0.5) · in/out − 0.5, clamped at 0, the upper neighbour clamped to the end.
    /// </summary>
    internal static AxisTaps Compose(int lowRes, int frame, int kept, int original)
    {
        var start = new int[original];
        var weights = new float[3 * original];
        Span<double> acc = stackalloc double[3];
        for (int o = 0; o < original; o++)
        {
            var (j0, j1, lj) = Source(o, kept, original);
            var (a0, a1, la) = Source(j0, lowRes, frame);
            var (b0, b1, lb) = Source(j1, lowRes, frame);
            int s0 = a0;
            acc.Clear();
            acc[a0 - s0] += (1 - lj) * (1 - la);
            acc[a1 - s0] += (1 - lj) * la;
            acc[b0 - s0] += lj * (1 - lb);
            acc[b1 - s0] += lj * lb;
            start[o] = s0;
            for (int k = 0; k < 3; k++) weights[3 * o + k] = (float)acc[k];
        }
        return new AxisTaps(start, weights);
    }

    /// <summary>Bilinear source taps of output index `dst` when resizing `inSize` to `outSize` (align_corners = False).</summary>
    private static (int I0, int I1, double Frac) Source(int dst, int inSize, int outSize)
    {
        double src = Math.Max((dst + 0.5) * inSize / outSize - 0.5, 0);
        int i0 = Math.Min((int)src, inSize - 1);
        int i1 = Math.Min(i0 + 1, inSize - 1);
        return (i0, i1, src - i0);
    }
}
