using CsCheck;
using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Imaging.Tests;

public class Png16Tests
{
    internal static string SharedData(params string[] parts) => SpatialVlm.Tests.SharedFolder.Data(parts);

    [Fact]
    public void EncodeThenReadIsLossless() =>
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 40]).SelectMany((w, h) => Gen.UShort.Array[w * h].Select(v => (w, h, v)))
            .Sample(t =>
            {
                var bytes = Png16.Encode(t.v, t.w, t.h);
                var (values, w, h) = Png16.Read(bytes);
                return w == t.w && h == t.h && values.AsSpan().SequenceEqual(t.v);
            }, iter: 200);

    [Fact]
    public void ReadsRealDepthFrameWithAllSixteenBits()
    {
        var (values, w, h) = Png16.ReadFile(SharedData("rgbd", "depth", "00000.png"));
        Assert.Equal((640, 480), (w, h));
        Assert.Equal(2195, values[240 * 640 + 320]); // millimetres; an 8-bit decode would give 8 or 9
        Assert.Contains(values, v => v > 255 && (v & 0xFF) != 0);
    }

    [Fact]
    public void RejectsEightBitAndNonPng()
    {
        var color = File.ReadAllBytes(SharedData("rgbd", "other_formats", "TUM_color.png"));
        var e = Assert.Throws<SpatialVlmException>(() => Png16.Read(color, "TUM_color.png"));
        Assert.Contains("8-bit", e.Message);
        Assert.Throws<SpatialVlmException>(() => Png16.Read(File.ReadAllBytes(SharedData("rgbd", "color", "00000.jpg"))));
        var truncated = Png16.Encode(new ushort[64 * 64], 64, 64)[..40];
        Assert.Throws<SpatialVlmException>(() => Png16.Read(truncated));
    }

    [Fact]
    public void ColorPngRoundTrips()
    {
        var img = new RgbImage(7, 5);
        new Random(3).NextBytes(img.Pixels);
        var back = ColorImageCodec.Decode(ColorImageCodec.EncodePng(img));
        Assert.Equal(img.Pixels, back.Pixels);
        Assert.Throws<SpatialVlmException>(() => ColorImageCodec.Decode([1, 2, 3, 4]));
    }
}
