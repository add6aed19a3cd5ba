using CsCheck;
using SpatialVlm.Core;
using SpatialVlm.Perception.Preprocessing;
using SpatialVlm.Perception.Segmentation;

namespace SpatialVlm.Perception.Tests;

public sealed class SegmentationFrameTests
{
    /// <summary>640×480, left half (x &lt; 320) colour A, right half B.</summary>
    private static RgbImage Halves(byte[] a, byte[] b)
    {
        var img = new RgbImage(640, 480);
        for (int y = 0; y < 480; y++)
            for (int x = 0; x < 640; x++)
                (x < 320 ? a : b).CopyTo(img.Pixels, 3 * (y * 640 + x));
        return img;
    }

    private static readonly byte[] A = [200, 100, 50], B = [10, 20, 30];

    [Fact]
    public void SamEncoderInputIsResizedNormalisedAndZeroPaddedBottomRight()
    {
        var frame = SegmentationFrame.LongestSide(480, 640);
        var t = FrameTensor.PaddedNchw(Halves(A, B), frame, FrameTensor.SamPixels);
        Assert.Equal(3 * 1024 * 1024, t.Length);
        float[] mean = [123.675f, 116.28f, 103.53f], std = [58.395f, 57.12f, 57.375f];
        float At(int c, int y, int x) => t[(c * 1024 + y) * 1024 + x];
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal((A[c] - mean[c]) / std[c], At(c, 100, 100), 4);  // original (62.5, 62.5): A
            Assert.Equal((B[c] - mean[c]) / std[c], At(c, 767, 1023), 4); // last resized row and column: B
            Assert.Equal(0f, At(c, 768, 0));                                // first padding row
            Assert.Equal(0f, At(c, 1023, 1023));
        }
    }

    [Fact]
    public void SamPreprocessInsideEncoderInputIsRawResizedHwc()
    {
        var frame = SegmentationFrame.LongestSide(480, 640);
        var t = FrameTensor.ResizedHwc(Halves(A, B), frame);
        Assert.Equal(768 * 1024 * 3, t.Length);
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(A[c], t[(100 * 1024 + 100) * 3 + c]);
            Assert.Equal(B[c], t[(700 * 1024 + 900) * 3 + c]);
        }
    }

    [Fact]
    public void Sam2SquashedInputHasNoPaddingAndImageNetNormalisation()
    {
        var t = FrameTensor.PaddedNchw(Halves(A, B), SegmentationFrame.Squashed(480, 640), ChannelNormalization.ImageNet);
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal((A[c] / 255f - mean[c]) / std[c], t[(c * 1024 + 1000) * 1024 + 10], 4);
            Assert.Equal((B[c] / 255f - mean[c]) / std[c], t[(c * 1024 + 1023) * 1024 + 1023], 4);
        }
    }

    /// <summary>Low-res logits: +1 on cells [from, to) of one axis, −1 elsewhere, constant along the other axis.</summary>
    private static float[] Band(bool rows, int from, int to)
    {
        var g = new float[256 * 256];
        for (int v = 0; v < 256; v++)
            for (int u = 0; u < 256; u++)
            {
                int k = rows ? v : u;
                g[v * 256 + u] = k >= from && k < to ? 1 : -1;
            }
        return g;
    }

    [Theory]
    // Landscape 640×480: resized 1024×768, padding below. Cells 20..59 = frame rows [80, 240) = original rows [50, 150).
    [InlineData(480, 640, true, 20, 60, 50, 149)]
    // Portrait 480×640 (W×H): resized 768×1024, padding right. Cells 40..119 = frame columns [160, 480) = original [100, 300).
    [InlineData(640, 480, false, 40, 120, 100, 299)]
    // 2048×1536, larger than the frame (scale 0.5): cells 64..127 = frame columns [256, 512) = original [512, 1024).
    [InlineData(1536, 2048, false, 64, 128, 512, 1023)]
    public void LowResBandMapsBackThroughThePaddedFrameToTheOriginalPixels(int h, int w, bool rows, int from, int to, int first, int last)
    {
        var pixels = MaskUpsampling.Pixels(Band(rows, from, to), 256, SegmentationFrame.LongestSide(h, w));
        Assert.Equal((last - first + 1) * (rows ? w : h), pixels.Length);
        Assert.All(pixels, p => Assert.InRange(rows ? p / w : p % w, first, last));
    }

    /// <summary>Reference: bilinear (align_corners = False, clamped) resize of a 1-D signal, as F.interpolate.</summary>
    private static double[] Resize(double[] x, int outSize)
    {
        var y = new double[outSize];
        for (int o = 0; o < outSize; o++)
        {
            double s = Math.Max((o + 0.5) * x.Length / outSize - 0.5, 0);
            int i0 = Math.Min((int)s, x.Length - 1), i1 = Math.Min(i0 + 1, x.Length - 1);
            y[o] = x[i0] * (1 - (s - i0)) + x[i1] * (s - i0);
        }
        return y;
    }

    [Fact]
    public void ComposedTapsEqualUpsampleCropResizeDoneInTwoSteps()
    {
        Gen.Select(Gen.Int[1, 1024], Gen.Int[1, 2500], Gen.Int[0, 255]).Sample((kept, original, seed) =>
        {
            var rng = new Random(seed);
            var signal = Enumerable.Range(0, 256).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            var expected = Resize(Resize(signal, 1024)[..kept], original);
            var taps = MaskUpsampling.Compose(256, 1024, kept, original);
            for (int o = 0; o < original; o++)
            {
                int s = taps.Start[o];
                double v = 0, sum = 0;
                for (int k = 0; k < 3; k++)
                {
                    float w = taps.Weights[3 * o + k];
                    if (w == 0) continue;
                    v += w * signal[s + k];
                    sum += w;
                }
                if (Math.Abs(v - expected[o]) > 1e-5 || Math.Abs(sum - 1) > 1e-5) return false;
            }
            return true;
        }, iter: 60);
    }
}
