namespace SpatialVlm.Perception.Preprocessing;

/// <summary>Sizes (height, width) of the network input for an image, per the exports' resize rules (MODELS.md).</summary>
public static class NetworkInputSize
{
    /// <summary>
    /// DPT keep-aspect rule: s = whichever of target/H, target/W is closer to 1, applied to both sides, then each side
    /// rounded to a multiple (Python's round: halves go to even), at least one multiple.
    /// </summary>
    public static (int Height, int Width) DptKeepAspect(int height, int width, int target = 518, int multiple = 14)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException("image size must be positive");
        double sh = (double)target / height, sw = (double)target / width;
        double s = Math.Abs(1 - sw) < Math.Abs(1 - sh) ? sw : sh;
        return (ToMultiple(s * height, multiple), ToMultiple(s * width, multiple));
    }

    private static int ToMultiple(double value, int multiple) =>
        Math.Max(multiple, (int)Math.Round(value / multiple, MidpointRounding.ToEven) * multiple);

    /// <summary>Shortest edge to `edge`, the other side scaled and truncated (the Hugging Face CLIP rule).</summary>
    public static (int Height, int Width) ShortestEdge(int height, int width, int edge)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException("image size must be positive");
        return height <= width ? (edge, Math.Max(1, (int)((long)edge * width / height))) : (Math.Max(1, (int)((long)edge * height / width)), edge);
    }
}
