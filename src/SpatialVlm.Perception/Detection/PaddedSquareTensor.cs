using System.Numerics.Tensors;
using SpatialVlm.Core;
using SpatialVlm.Perception.Preprocessing;

namespace SpatialVlm.Perception.Detectors;

/// <summary>
/// OWLv2's input: the image padded at the bottom/right to a max(H,W) square with a constant, resized to size² and
/// normalised. The square is never materialised: resampling taps that fall in the padding read the pad value. Works
/// in floats without 8-bit rounding between passes (the grey 0.5 pad is 127.5, not a byte).
/// </summary>
public static class PaddedSquareTensor
{
    /// <summary>Writes the normalised [3,size,size] tensor into dst. padValue is in 0..255 units (OWLv2: 127.5).</summary>
    public static void PadResizeNormalize(RgbImage image, int size, float padValue, ResampleFilter filter, ChannelNormalization norm, Span<float> dst)
    {
        if (dst.Length != 3 * size * size) throw new ArgumentException($"destination has {dst.Length} floats, expected {3 * size * size}");
        int w = image.Width, h = image.Height, side = Math.Max(w, h);
        var coef = Resampler.Compute(side, size, filter);
        int plane0 = h * size;
        var tmp = new float[3 * plane0];
        var px = image.Pixels;
        // Horizontal pass over the real rows; taps at x ≥ W read the pad value.
        for (int y = 0; y < h; y++)
        {
            int rowBase = y * w * 3;
            for (int o = 0; o < size; o++)
            {
                int s = coef.Start[o], n = coef.Count[o], wo = o * coef.Stride;
                float r = 0, g = 0, b = 0, pad = 0;
                for (int k = 0; k < n; k++)
                {
                    float wk = coef.Weights[wo + k];
                    int x = s + k;
                    if (x >= w) { pad += wk; continue; }
                    int i = rowBase + 3 * x;
                    r += wk * px[i]; g += wk * px[i + 1]; b += wk * px[i + 2];
                }
                int t = y * size + o;
                tmp[t] = r + pad * padValue;
                tmp[plane0 + t] = g + pad * padValue;
                tmp[2 * plane0 + t] = b + pad * padValue;
            }
        }
        // Vertical pass; rows ≥ H are the pad value across the whole row.
        for (int c = 0; c < 3; c++)
        {
            float a = norm.Rescale / norm.Std[c], off = -norm.Mean[c] / norm.Std[c];
            var channel = tmp.AsSpan(c * plane0, plane0);
            var plane = dst.Slice(c * size * size, size * size);
            for (int o = 0; o < size; o++)
            {
                var row = plane.Slice(o * size, size);
                row.Clear();
                int s = coef.Start[o], n = coef.Count[o], wo = o * coef.Stride;
                float pad = 0;
                for (int k = 0; k < n; k++)
                {
                    float wk = coef.Weights[wo + k];
                    int y = s + k;
                    if (y >= h) pad += wk;
                    else TensorPrimitives.MultiplyAdd(channel.Slice(y * size, size), wk, row, row);
                }
                TensorPrimitives.Add(row, pad * padValue, row);
                TensorPrimitives.Multiply(row, a, row);
                TensorPrimitives.Add(row, off, row);
            }
        }
    }
}
