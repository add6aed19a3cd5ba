namespace SpatialVlm.Perception.Detectors;

/// <summary>Network input sizes of the detectors whose input follows the image's aspect.</summary>
public static class DetectorInputSize
{
    /// <summary>
    /// The DETR/Grounding DINO rule: shortest edge to `shortest`, unless the longest edge would then exceed `longest`,
    /// in which case the longest edge becomes `longest` (the short side is the exact fractional size truncated).
    /// </summary>
    public static (int Height, int Width) ShortestEdgeCapped(int height, int width, int shortest = 800, int longest = 1333)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException("image size must be positive");
        double min = Math.Min(height, width), max = Math.Max(height, width);
        int size = shortest;
        double? raw = null;
        if (max / min * size > longest)
        {
            raw = longest * min / max;
            size = (int)Math.Round(raw.Value, MidpointRounding.ToEven);
        }
        if ((height <= width && height == size) || (width <= height && width == size)) return (height, width);
        double basis = raw ?? size;
        return width < height
            ? (Math.Max(1, (int)(basis * height / width)), size)
            : (size, Math.Max(1, (int)(basis * width / height)));
    }
}
