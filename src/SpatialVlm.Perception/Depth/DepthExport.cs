using SpatialVlm.Perception.Preprocessing;

namespace SpatialVlm.Perception.Depth;

/// <summary>How the network input size is chosen from the image size.</summary>
public enum DepthInputRule { DptKeepAspect, Square }

/// <summary>How the raw output becomes meters.</summary>
public enum DepthUnits
{
    /// <summary>Output is metric depth for a canonical camera with focal CanonicalFocal px: meters = out × f_in / CanonicalFocal.</summary>
    CanonicalFocal,
    /// <summary>Output is already meters.</summary>
    Meters,
}

/// <summary>
/// A published metric-depth export: tensor names, resize rule, normalisation and units (MODELS.md). The estimator is
/// one implementation driven by these records; adding an export with the same structure is a new row, not new code.
/// </summary>
public sealed record DepthExport(
    string Name, string InputName, string OutputName, DepthInputRule InputRule, int TargetSize, int Multiple,
    ResampleFilter Filter, ChannelNormalization Normalization, DepthUnits Units, double CanonicalFocal = 1000, string? FocalOutputName = null)
{
    /// <summary>onnx-community/metric3d-vit-*: raw 0-255 input, DPT 518 keep-aspect ×14 bicubic, canonical f = 1000 px.</summary>
    public static DepthExport Metric3D { get; } = new("metric3d", "pixel_values", "predicted_depth", DepthInputRule.DptKeepAspect, 518, 14,
        ResampleFilter.Bicubic, ChannelNormalization.Raw, DepthUnits.CanonicalFocal, 1000);

    /// <summary>Depth Anything V2 metric (fabio-sim v2.0.0): squash 518² bicubic, /255, ImageNet mean/std, meters.</summary>
    public static DepthExport DepthAnythingV2Metric { get; } = new("depth-anything-v2-metric", "image", "depth", DepthInputRule.Square, 518, 14,
        ResampleFilter.Bicubic, ChannelNormalization.ImageNet, DepthUnits.Meters);

    /// <summary>
    /// onnx-community/DepthPro-ONNX: squash 1536² bilinear, /255, mean = std = 0.5; predicted_depth in meters and
    /// focallength_px in network-input pixels (both unconfirmed until a first real run: the focal is checked to be
    /// positive and finite, and f_orig = focal × W / 1536).
    /// </summary>
    public static DepthExport DepthPro { get; } = new("depthpro", "pixel_values", "predicted_depth", DepthInputRule.Square, 1536, 1,
        ResampleFilter.Bilinear, new ChannelNormalization(1f / 255, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]), DepthUnits.Meters, FocalOutputName: "focallength_px");

    public static IReadOnlyList<DepthExport> All { get; } = [Metric3D, DepthAnythingV2Metric, DepthPro];

    /// <summary>Network input (height, width) for an image.</summary>
    public (int Height, int Width) InputSize(int height, int width) => InputRule == DepthInputRule.Square
        ? (TargetSize, TargetSize)
        : NetworkInputSize.DptKeepAspect(height, width, TargetSize, Multiple);
}
