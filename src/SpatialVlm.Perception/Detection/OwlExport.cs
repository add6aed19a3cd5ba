using SpatialVlm.Core;
using SpatialVlm.Perception.Preprocessing;

namespace SpatialVlm.Perception.Detectors;

/// <summary>
/// A published OWL export (MODELS.md): input size, resize filter, and whether the image is first padded to a grey
/// square (OWLv2, boxes relative to the square) or squashed (OWL-ViT, boxes relative to the image).
/// </summary>
public sealed record OwlExport(string Name, int ImageSize, ResampleFilter Filter, bool PadToSquare)
{
    /// <summary>Text queries are CLIP tokens padded (id 0) or truncated to this length.</summary>
    public const int QueryTokens = 16;
    /// <summary>OWLv2's pad colour, grey 0.5, in 0..255 units.</summary>
    public const float PadValue = 127.5f;

    /// <summary>Xenova/owlv2-base-patch16-ensemble: pad to a grey square, 960² bilinear, CLIP mean/std.</summary>
    public static OwlExport OwlV2 { get; } = new("owlv2", 960, ResampleFilter.Bilinear, PadToSquare: true);
    /// <summary>Xenova/owlvit-base-patch32: squash to 768² bicubic, CLIP mean/std.</summary>
    public static OwlExport OwlVit { get; } = new("owlvit", 768, ResampleFilter.Bicubic, PadToSquare: false);

    public static IReadOnlyList<OwlExport> All { get; } = [OwlV2, OwlVit];

    /// <summary>Writes the image's normalised [3,ImageSize,ImageSize] input into dst.</summary>
    public void Preprocess(RgbImage image, Span<float> dst)
    {
        if (PadToSquare) PaddedSquareTensor.PadResizeNormalize(image, ImageSize, PadValue, Filter, ChannelNormalization.Clip, dst);
        else ImageTensor.ResizeNormalize(image, ImageSize, ImageSize, Filter, ChannelNormalization.Clip, dst);
    }

    /// <summary>What normalised box coordinates are multiplied by: the padded square's side, or (W, H).</summary>
    public (float X, float Y) BoxScale(int width, int height) =>
        PadToSquare ? (Math.Max(width, height), Math.Max(width, height)) : (width, height);
}
