namespace SpatialVlm.Synthesis.Stages;

/// <summary>Thins pixel lists so per-object and per-plane work stays bounded on large images.</summary>
public static class PixelSampling
{
    /// <summary>Every stride-th pixel, at most about maxCount of them; returns the stride used.</summary>
    public static (int[] Pixels, int Stride) AtMost(int[] pixels, int maxCount)
    {
        var stride = Math.Max(1, (pixels.Length + maxCount - 1) / Math.Max(1, maxCount));
        if (stride == 1) return (pixels, 1);
        var r = new int[(pixels.Length + stride - 1) / stride];
        for (int i = 0, j = 0; i < pixels.Length; i += stride, j++) r[j] = pixels[i];
        return (r, stride);
    }
}
