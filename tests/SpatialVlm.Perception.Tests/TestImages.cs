using SpatialVlm.Core;

namespace SpatialVlm.Perception.Tests;

/// <summary>Images the perception tests feed the backends.</summary>
internal static class TestImages
{
    /// <summary>A w×h image of one colour.</summary>
    public static RgbImage Solid(int w, int h, byte r, byte g, byte b)
    {
        var img = new RgbImage(w, h);
        for (int i = 0; i < w * h; i++) { img.Pixels[3 * i] = r; img.Pixels[3 * i + 1] = g; img.Pixels[3 * i + 2] = b; }
        return img;
    }

    /// <summary>A w×h grey image.</summary>
    public static RgbImage Solid(int w, int h, byte v) => Solid(w, h, v, v, v);
}
