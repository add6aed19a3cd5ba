using SpatialVlm.Core;
using static TorchSharp.torch;

namespace SpatialVlm.Model;

/// <summary>RGB images → pixel values [B,3,S,S]: squashed to S×S (bilinear, pixel centres aligned), scaled to −1..1 (SigLIP's mean = std = 0.5).</summary>
public static class ImagePreprocessor
{
    public static Tensor ToPixelValues(IReadOnlyList<RgbImage> images, int size, Device? device = null)
    {
        var plane = size * size;
        var values = new float[images.Count * 3 * plane];
        for (var i = 0; i < images.Count; i++) Resize(images[i], size, values.AsSpan(i * 3 * plane, 3 * plane));
        return tensor(values, [images.Count, 3, size, size], device: device);
    }

    private static void Resize(RgbImage image, int size, Span<float> chw)
    {
        var plane = size * size;
        double sx = (double)image.Width / size, sy = (double)image.Height / size;
        for (var y = 0; y < size; y++)
        {
            var fy = Math.Clamp((y + 0.5) * sy - 0.5, 0, image.Height - 1);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, image.Height - 1);
            var wy = fy - y0;
            for (var x = 0; x < size; x++)
            {
                var fx = Math.Clamp((x + 0.5) * sx - 0.5, 0, image.Width - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, image.Width - 1);
                var wx = fx - x0;
                for (var c = 0; c < 3; c++)
                {
                    double p00 = image.Pixels[(y0 * image.Width + x0) * 3 + c], p01 = image.Pixels[(y0 * image.Width + x1) * 3 + c];
                    double p10 = image.Pixels[(y1 * image.Width + x0) * 3 + c], p11 = image.Pixels[(y1 * image.Width + x1) * 3 + c];
                    var v = (p00 * (1 - wx) + p01 * wx) * (1 - wy) + (p10 * (1 - wx) + p11 * wx) * wy;
                    chw[c * plane + y * size + x] = (float)(v / 255.0 * 2.0 - 1.0);
                }
            }
        }
    }
}
