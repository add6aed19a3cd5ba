using SpatialVlm.Core;

namespace SpatialVlm.Perception.Preprocessing;

/// <summary>Per-channel affine normalisation: value = (pixel × Rescale − Mean[c]) / Std[c].</summary>
public sealed record ChannelNormalization(float Rescale, float[] Mean, float[] Std)
{
    public static ChannelNormalization Raw { get; } = new(1f, [0f, 0f, 0f], [1f, 1f, 1f]);
    public static ChannelNormalization ImageNet { get; } = new(1f / 255, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);
    public static ChannelNormalization Clip { get; } = new(1f / 255, [0.48145466f, 0.4578275f, 0.40821073f], [0.26862954f, 0.26130258f, 0.27577711f]);
}

/// <summary>RGB images to float32 NCHW network inputs.</summary>
public static class ImageTensor
{
    /// <summary>Interleaved 8-bit RGB to three float planes (R, G, B), values 0..255.</summary>
    public static float[] ToPlanes(RgbImage image)
    {
        int n = image.Width * image.Height;
        var planes = new float[3 * n];
        var px = image.Pixels;
        for (int i = 0, j = 0; i < n; i++, j += 3)
        {
            planes[i] = px[j];
            planes[n + i] = px[j + 1];
            planes[2 * n + i] = px[j + 2];
        }
        return planes;
    }

    /// <summary>
    /// Resizes the image to (oh, ow) with the filter (8-bit rounding as Pillow), crops the window (top, left, ch, cw)
    /// and writes the normalised CHW values into dst (3·ch·cw floats).
    /// </summary>
    public static void ResizeCropNormalize(RgbImage image, int oh, int ow, int top, int left, int ch, int cw,
        ResampleFilter filter, ChannelNormalization norm, Span<float> dst)
    {
        if (top < 0 || left < 0 || top + ch > oh || left + cw > ow) throw new ArgumentException("crop window is outside the resized image");
        if (dst.Length != 3 * ch * cw) throw new ArgumentException($"destination has {dst.Length} floats, expected {3 * ch * cw}");
        var planes = ToPlanes(image);
        int n = image.Width * image.Height;
        var resized = new float[oh * ow];
        for (int c = 0; c < 3; c++)
        {
            Resampler.ResizePlane(planes.AsSpan(c * n, n), image.Width, image.Height, resized, ow, oh, filter, roundToBytes: true);
            float a = norm.Rescale / norm.Std[c], b = -norm.Mean[c] / norm.Std[c];
            var plane = dst.Slice(c * ch * cw, ch * cw);
            for (int y = 0; y < ch; y++)
            {
                var srcRow = resized.AsSpan((top + y) * ow + left, cw);
                var dstRow = plane.Slice(y * cw, cw);
                for (int x = 0; x < cw; x++) dstRow[x] = srcRow[x] * a + b;
            }
        }
    }

    /// <summary>Resize to (oh, ow) and normalise, no crop.</summary>
    public static void ResizeNormalize(RgbImage image, int oh, int ow, ResampleFilter filter, ChannelNormalization norm, Span<float> dst) =>
        ResizeCropNormalize(image, oh, ow, 0, 0, oh, ow, filter, norm, dst);
}
