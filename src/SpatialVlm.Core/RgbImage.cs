namespace SpatialVlm.Core;

/// <summary>An 8-bit RGB image, row-major, 3 bytes per pixel. The plain-array form every stage shares.</summary>
public sealed class RgbImage
{
    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }

    public RgbImage(int width, int height, byte[]? pixels = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException("image size must be positive");
        Pixels = pixels ?? new byte[width * height * 3];
        if (Pixels.Length != width * height * 3) throw new ArgumentException($"RGB buffer has {Pixels.Length} bytes, expected {width * height * 3}");
        Width = width; Height = height;
    }
}
