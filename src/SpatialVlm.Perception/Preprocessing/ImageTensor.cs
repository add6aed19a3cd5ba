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
    /// <summary>
    /// Resizes the image to (oh, ow) with the filter (8-bit rounding after each pass, as Pillow), crops the window
    /// (top, left, ch, cw) and writes the normalised CHW values into dst (3·ch·cw floats). Only the rows of the
    /// window are resized vertically.
    /// </summary>
    public static void ResizeCropNormalize(RgbImage image, int oh, int ow, int top, int left, int ch, int cw,
        ResampleFilter filter, ChannelNormalization norm, Span<float> dst)
    {
        if (top < 0 || left < 0 || top + ch > oh || left + cw > ow) throw new ArgumentException("crop window is outside the resized image");
        if (dst.Length != 3 * ch * cw) throw new ArgumentException($"destination has {dst.Length} floats, expected {3 * ch * cw}");
        int w = image.Width, h = image.Height;
        var cx = Resampler.Compute(w, ow, filter);
        var cy = Resampler.Compute(h, oh, filter);
        var tmp = new float[3 * h * ow];
        var row = new float[ow];
        var px = image.Pixels;
        int plane0 = h * ow;
        // Horizontal pass over the interleaved bytes, all three channels at once.
        for (int y = 0; y < h; y++)
            Resampler.HorizontalRowRgb(px.AsSpan(y * w * 3, w * 3), cx,
                tmp.AsSpan(y * ow, ow), tmp.AsSpan(plane0 + y * ow, ow), tmp.AsSpan(2 * plane0 + y * ow, ow));
        for (int c = 0; c < 3; c++)
        {
            float a = norm.Rescale / norm.Std[c], b = -norm.Mean[c] / norm.Std[c];
            var channel = tmp.AsSpan(c * plane0, plane0);
            var plane = dst.Slice(c * ch * cw, ch * cw);
            for (int y = 0; y < ch; y++)
            {
                Resampler.VerticalRow(channel, ow, cy, top + y, row, roundToBytes: true);
                var outRow = plane.Slice(y * cw, cw);
                System.Numerics.Tensors.TensorPrimitives.Multiply(row.AsSpan(left, cw), a, outRow);
                System.Numerics.Tensors.TensorPrimitives.Add(outRow, b, outRow);
            }
        }
    }

    /// <summary>Resize to (oh, ow) and normalise, no crop.</summary>
    public static void ResizeNormalize(RgbImage image, int oh, int ow, ResampleFilter filter, ChannelNormalization norm, Span<float> dst) =>
        ResizeCropNormalize(image, oh, ow, 0, 0, oh, ow, filter, norm, dst);
}
