using SpatialVlm.Core;
using SpatialVlm.Perception.Preprocessing;

namespace SpatialVlm.Perception.Segmentation;

/// <summary>Encoder inputs of the SAM family: the image resized into its <see cref="SegmentationFrame"/> and normalised.</summary>
public static class FrameTensor
{
    /// <summary>SAM's pixel mean and std on 0–255 values.</summary>
    public static ChannelNormalization SamPixels { get; } = new(1f, [123.675f, 116.28f, 103.53f], [58.395f, 57.12f, 57.375f]);

    /// <summary>
    /// [1,3,Size,Size] float32: the image resized (Pillow bilinear on 8-bit values, as torchvision's resize of a PIL
    /// image in ResizeLongestSide.apply_image) to the frame's resized size, normalised, and zero-padded bottom/right
    /// after normalisation (SAM pads the normalised tensor).
    /// </summary>
    public static float[] PaddedNchw(RgbImage image, SegmentationFrame frame, ChannelNormalization norm)
    {
        int rh = frame.ResizedHeight, rw = frame.ResizedWidth, n = frame.Size;
        if (rh == n && rw == n)
        {
            var full = new float[3 * n * n];
            ImageTensor.ResizeNormalize(image, n, n, ResampleFilter.Bilinear, norm, full);
            return full;
        }
        var resized = new float[3 * rh * rw];
        ImageTensor.ResizeNormalize(image, rh, rw, ResampleFilter.Bilinear, norm, resized);
        var padded = new float[3 * n * n];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < rh; y++)
                resized.AsSpan((c * rh + y) * rw, rw).CopyTo(padded.AsSpan((c * n + y) * n, rw));
        return padded;
    }

    /// <summary>
    /// [rh,rw,3] float32 raw 0–255 values of the resized image, not padded: the input of samexporter encoders exported
    /// with --use-preprocess, which normalise, transpose and pad inside the graph.
    /// </summary>
    public static float[] ResizedHwc(RgbImage image, SegmentationFrame frame)
    {
        int rh = frame.ResizedHeight, rw = frame.ResizedWidth, plane = rh * rw;
        var chw = new float[3 * plane];
        ImageTensor.ResizeNormalize(image, rh, rw, ResampleFilter.Bilinear, ChannelNormalization.Raw, chw);
        var hwc = new float[3 * plane];
        for (int i = 0; i < plane; i++)
        {
            hwc[3 * i] = chw[i];
            hwc[3 * i + 1] = chw[plane + i];
            hwc[3 * i + 2] = chw[2 * plane + i];
        }
        return hwc;
    }
}
