using SpatialVlm.Core;
using SpatialVlm.Perception.Preprocessing;

namespace SpatialVlm.Perception.Depth;

/// <summary>The CPU pre- and post-processing of a depth export, without the model (also what `bench perception` times).</summary>
public static class DepthTensors
{
    /// <summary>Writes the image's normalised [3,ih,iw] network input into dst.</summary>
    public static void Prepare(DepthExport export, RgbImage image, int ih, int iw, Span<float> dst) =>
        ImageTensor.ResizeNormalize(image, ih, iw, export.Filter, export.Normalization, dst);

    /// <summary>
    /// Raw [ih,iw] output to meters at the intrinsics' image size, then a bilinear resize back. Canonical-focal exports
    /// are scaled by f_in / f_canonical, with f_in the focal scaled to the network input (mean of the x and y scalings,
    /// which differ slightly after rounding to multiples of 14). Metric output of a model that estimated its own focal
    /// (modelFocal, in original-image pixels) is rescaled to the intrinsics' focal when they differ (depth ∝ focal).
    /// </summary>
    public static DepthMap ToMeters(DepthExport export, ReadOnlySpan<float> raw, int ih, int iw, CameraIntrinsics k, double? modelFocal = null)
    {
        int w = k.Width, h = k.Height;
        float factor = export.Units == DepthUnits.CanonicalFocal
            ? (float)((k.Fx * iw / w + k.Fy * ih / h) / 2 / export.CanonicalFocal)
            : modelFocal is { } f ? (float)((k.Fx + k.Fy) / 2 / f) : 1f;
        var meters = new float[w * h];
        Resampler.ResizePlane(raw, iw, ih, meters, w, h, ResampleFilter.Bilinear);
        if (factor != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(meters, factor, meters);
        return new DepthMap(w, h, meters);
    }
}
