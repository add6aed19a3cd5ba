using SpatialVlm.Core;
using SpatialVlm.Perception.Photo;

namespace SpatialVlm.Perception.Segmentation;

/// <summary>How an image is placed in the square network frame of a SAM-family encoder.</summary>
public enum FrameRule
{
    /// <summary>Longest side to the frame size keeping the aspect ratio, padded bottom/right (SAM's ResizeLongestSide + pad).</summary>
    LongestSidePadded,
    /// <summary>Both sides resized to the frame size (Hugging Face Sam2ImageProcessorFast: size 1024×1024, no padding).</summary>
    Squash,
}

/// <summary>
/// Where the original image (Height × Width) sits in the square network frame (Size × Size): resized to
/// ResizedHeight × ResizedWidth at the top-left corner, the rest padding. Box prompts go into the frame with
/// <see cref="ToFrame"/>; low-resolution masks cover the whole square and come back through <see cref="MaskUpsampling"/>.
/// </summary>
public readonly record struct SegmentationFrame(int Height, int Width, int ResizedHeight, int ResizedWidth, int Size)
{
    /// <summary>SAM's get_preprocess_shape: scale = Size / max(H, W), each side int(side · scale + 0.5).</summary>
    public static SegmentationFrame LongestSide(int height, int width, int size = 1024)
    {
        Check(height, width);
        double scale = (double)size / Math.Max(height, width);
        return new(height, width, Math.Min(size, (int)(height * scale + 0.5)), Math.Min(size, (int)(width * scale + 0.5)), size);
    }

    public static SegmentationFrame Squashed(int height, int width, int size = 1024)
    {
        Check(height, width);
        return new(height, width, size, size, size);
    }

    public static SegmentationFrame For(FrameRule rule, int height, int width, int size = 1024) =>
        rule == FrameRule.Squash ? Squashed(height, width, size) : LongestSide(height, width, size);

    private static void Check(int height, int width)
    {
        if (height <= 0 || width <= 0) throw new SpatialVlmException($"image size must be positive, got {width}x{height}");
    }

    /// <summary>Horizontal and vertical scale from original pixels to frame pixels (ResizeLongestSide.apply_coords uses the rounded sizes).</summary>
    public double ScaleX => (double)ResizedWidth / Width;
    public double ScaleY => (double)ResizedHeight / Height;

    /// <summary>A point in original pixels mapped into the frame.</summary>
    public (float X, float Y) ToFrame(float x, float y) => ((float)(x * ScaleX), (float)(y * ScaleY));

    /// <summary>
    /// A box prompt clipped to the image; a box that is empty after clipping, or not finite, is a one-line error
    /// (a mask for it would be meaningless).
    /// </summary>
    public PixelBox ClipPrompt(PixelBox box, int index)
    {
        if (!(float.IsFinite(box.X0) && float.IsFinite(box.Y0) && float.IsFinite(box.X1) && float.IsFinite(box.Y1)))
            throw new SpatialVlmException($"box {index} has a non-finite coordinate ({box.X0}, {box.Y0}, {box.X1}, {box.Y1})");
        var clipped = box.ClampTo(Width, Height);
        if (clipped.Width <= 0 || clipped.Height <= 0)
            throw new SpatialVlmException($"box {index} ({box.X0}, {box.Y0})-({box.X1}, {box.Y1}) has no area inside the {Width}x{Height} image");
        return clipped;
    }
}
