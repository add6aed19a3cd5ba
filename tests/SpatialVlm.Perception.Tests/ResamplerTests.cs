using CsCheck;
using SpatialVlm.Perception.Preprocessing;

namespace SpatialVlm.Perception.Tests;

public class ResamplerTests
{
    [Theory]
    [InlineData(480, 640, 518, 686)]   // 518/480 is closer to 1: H = 518, W = 690.7 -> 49.33·14 -> 686
    [InlineData(640, 480, 686, 518)]
    [InlineData(1080, 1920, 518, 924)] // s = 518/1080: W = 920.9 -> 65.78·14 -> 924
    [InlineData(100, 100, 518, 518)]
    [InlineData(20, 30, 350, 518)]     // s = 518/30 (17.3 is closer to 1 than 25.9): H = 345.3 -> 24.67·14 -> 350
    [InlineData(518, 679, 518, 672)]   // s = 1: 679/14 = 48.5, a tie, rounds to even 48 -> 672
    [InlineData(518, 693, 518, 700)]   // 49.5 -> 50 -> 700
    public void DptKeepAspectRule(int h, int w, int eh, int ew) =>
        Assert.Equal((eh, ew), NetworkInputSize.DptKeepAspect(h, w));

    [Theory]
    [InlineData(480, 640, 224, 298)] // 224·640/480 = 298.67 truncated
    [InlineData(640, 480, 298, 224)]
    [InlineData(224, 224, 224, 224)]
    public void ShortestEdgeRule(int h, int w, int eh, int ew) => Assert.Equal((eh, ew), NetworkInputSize.ShortestEdge(h, w, 224));

    [Fact]
    public void BilinearUpsampleByTwoMatchesHandValues()
    {
        // Output centres map to input x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        var dst = new float[4];
        Resampler.ResizePlane([0f, 4f], 2, 1, dst, 4, 1, ResampleFilter.Bilinear);
        Assert.Equal([0f, 1f, 3f, 4f], dst);
    }

    [Fact]
    public void BicubicUpsampleByTwoMatchesHandValues()
    {
        // Input [0, 0, 8, 8]; output 3 has centre 1.75 -> 1.25 in pixel units: taps at offsets 1.25, 0.25, 0.75, 1.75
        // with Keys a = -0.5: w(0.25) = 0.8671875, w(0.75) = 0.2265625, w(1.25) = -0.0703125, w(1.75) = -0.0234375 (sum 1).
        var dst = new float[8];
        Resampler.ResizePlane([0f, 0f, 8f, 8f], 4, 1, dst, 8, 1, ResampleFilter.Bicubic);
        Assert.Equal(8 * (0.2265625f - 0.0234375f), dst[3], 5);
        Assert.Equal(8 - dst[3], dst[4], 5); // symmetric step
    }

    [Fact]
    public void ConstantPlanesStayConstantUnderAnyResize() =>
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 40], Gen.Int[1, 40], Gen.Int[1, 40], Gen.Float[-5f, 300f], Gen.Bool)
            .Sample((w, h, ow, oh, v, cubic) =>
            {
                var src = Enumerable.Repeat(v, w * h).ToArray();
                var dst = new float[ow * oh];
                Resampler.ResizePlane(src, w, h, dst, ow, oh, cubic ? ResampleFilter.Bicubic : ResampleFilter.Bilinear);
                return dst.All(d => Math.Abs(d - v) <= 1e-3f * Math.Max(1f, Math.Abs(v)));
            }, iter: 200);

    [Fact]
    public void SameSizeIsIdentity()
    {
        var src = Enumerable.Range(0, 35).Select(i => (float)(i * i % 17)).ToArray();
        foreach (var f in new[] { ResampleFilter.Bilinear, ResampleFilter.Bicubic })
        {
            var dst = new float[35];
            Resampler.ResizePlane(src, 7, 5, dst, 7, 5, f);
            for (int i = 0; i < 35; i++) Assert.Equal(src[i], dst[i], 5);
        }
    }

    [Fact]
    public void ByteRoundingClampsBicubicOvershoot()
    {
        var dst = new float[8];
        Resampler.ResizePlane([0f, 0f, 255f, 255f], 4, 1, dst, 8, 1, ResampleFilter.Bicubic, roundToBytes: true);
        Assert.All(dst, d => Assert.True(d >= 0 && d <= 255 && d == MathF.Round(d)));
        Assert.Equal(0f, dst[0]);
    }
}
