using SkiaSharp;
using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Imaging.Tests;

/// <summary>The checked decode path survives bad input with one-line reasons, and reads the odd good files right.</summary>
public class ColorImageFileTests
{
    private static (byte R, byte G, byte B) Pixel(RgbImage img, int x, int y)
    {
        var i = (y * img.Width + x) * 3;
        return (img.Pixels[i], img.Pixels[i + 1], img.Pixels[i + 2]);
    }

    private static void AssertNear((byte R, byte G, byte B) expected, (byte R, byte G, byte B) actual, int tolerance = 6)
    {
        Assert.True(Math.Abs(expected.R - actual.R) <= tolerance && Math.Abs(expected.G - actual.G) <= tolerance && Math.Abs(expected.B - actual.B) <= tolerance,
            $"expected {expected}, got {actual}");
    }

    private static SpatialVlmException Refused(byte[] bytes)
    {
        var e = Assert.Throws<SpatialVlmException>(() => ColorImageFile.Decode(bytes, "test.img"));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("test.img: ", e.Message);
        return e;
    }

    [Fact]
    public void TruncatedFilesAreRefused()
    {
        var jpeg = File.ReadAllBytes(Png16Tests.SharedData("rgbd", "color", "00000.jpg"));
        Assert.Contains("truncated", Refused(jpeg[..(jpeg.Length / 2)]).Message);
        var png = File.ReadAllBytes(Png16Tests.SharedData("rgbd", "other_formats", "TUM_color.png"));
        Refused(png[..(png.Length / 3)]);
        Refused(png[..30]);
        Refused(jpeg[..4]);
    }

    [Fact]
    public void CorruptAndEmptyFilesAreRefused()
    {
        var noise = new byte[5000];
        new Random(5).NextBytes(noise);
        Assert.Contains("not an image", Refused(noise).Message);
        Assert.Contains("empty", Refused([]).Message);
        var jpeg = File.ReadAllBytes(Png16Tests.SharedData("rgbd", "color", "00000.jpg"));
        // Scrambled entropy-coded data: decoding either fails with a reason or yields some pixels, never crashes.
        var scrambled = (byte[])jpeg.Clone();
        new Random(9).NextBytes(scrambled.AsSpan(1000, 20000));
        try { Assert.Equal(640, ColorImageFile.Decode(scrambled, "test.img").Width); }
        catch (SpatialVlmException e) { Assert.DoesNotContain('\n', e.Message); }
    }

    [Fact]
    public void HugeHeadersAreRefusedBeforeDecoding()
    {
        var before = GC.GetTotalMemory(false);
        var png = TestImages.Png(30000, 30000, 8, 2, null); // a header claiming 2.7 GB of pixels, 16 bytes of data
        Assert.Contains("30000x30000", Refused(png).Message);
        // A real JPEG whose SOF0 is patched to 30000×30000: Skia reads only the header before the limit refuses it.
        var jpeg = TestImages.Jpeg(new RgbImage(16, 16));
        int sof = Enumerable.Range(0, jpeg.Length - 1).First(i => jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0);
        jpeg[sof + 5] = 30000 >> 8; jpeg[sof + 6] = 30000 & 0xFF; jpeg[sof + 7] = 30000 >> 8; jpeg[sof + 8] = 30000 & 0xFF;
        Assert.Contains("pixel limit", Refused(jpeg).Message);
        Assert.True(GC.GetTotalMemory(false) - before < 100_000_000, "refusing must not allocate the claimed image");
        var ppm = System.Text.Encoding.ASCII.GetBytes("P6 30000 30000 255\n");
        Assert.Contains("pixel limit", Refused(ppm).Message);
    }

    [Fact]
    public void CmykJpegBecomesRgb()
    {
        // Adobe-inverted CMYK: (255,0,0,255) = full magenta+yellow, no cyan, no black = red; (0,0,255,255) = blue.
        var bytes = TestImages.CmykJpeg([(255, 0, 0, 255), (0, 0, 255, 255)]);
        using (var codec = SKCodec.Create(SKData.CreateCopy(bytes))) Assert.NotNull(codec); // a valid JPEG
        var img = ColorImageFile.Decode(bytes, "cmyk.jpg");
        Assert.Equal((16, 8), (img.Width, img.Height));
        AssertNear((255, 0, 0), Pixel(img, 3, 4));
        AssertNear((0, 0, 255), Pixel(img, 12, 4));
    }

    [Fact]
    public void GrayAndSixteenBitImagesBecomeEightBitRgb()
    {
        var grayJpeg = ColorImageFile.Decode(TestImages.GrayJpeg(8, 8, 90));
        AssertNear((90, 90, 90), Pixel(grayJpeg, 4, 4), 2);
        var gray16 = ColorImageFile.Decode(Png16.Encode([0x4000, 0xFFFF, 0x0000, 0x8000], 2, 2));
        AssertNear((64, 64, 64), Pixel(gray16, 0, 0), 1);
        AssertNear((255, 255, 255), Pixel(gray16, 1, 0), 0);
        AssertNear((128, 128, 128), Pixel(gray16, 1, 1), 1);
        var gray8 = ColorImageFile.Decode(TestImages.Png(2, 1, 8, 0, [0, 10, 200]));
        AssertNear((10, 10, 10), Pixel(gray8, 0, 0), 0);
        AssertNear((200, 200, 200), Pixel(gray8, 1, 0), 0);
        var rgb16 = ColorImageFile.Decode(TestImages.Rgb16Png(3, 2, 0xFFFF, 0x8000, 0x0000));
        Assert.Equal((3, 2), (rgb16.Width, rgb16.Height));
        AssertNear((255, 128, 0), Pixel(rgb16, 2, 1), 1);
    }

    [Fact]
    public void OnePixelImagesDecode()
    {
        var one = new RgbImage(1, 1, [200, 10, 30]);
        Assert.Equal(one.Pixels, ColorImageFile.Decode(ColorImageCodec.EncodePng(one)).Pixels);
        var jpeg = ColorImageFile.Decode(TestImages.Jpeg(one));
        Assert.Equal((1, 1), (jpeg.Width, jpeg.Height));
        AssertNear((200, 10, 30), Pixel(jpeg, 0, 0), 12);
    }

    [Fact]
    public void ExifOrientationIsAppliedWhenAsked()
    {
        // Stored 16×8: red left half, blue right half. Orientation 6 = rotate 90° clockwise to display: left becomes top.
        var jpeg = TestImages.WithExifOrientation(TestImages.Jpeg(TestImages.TwoColors(16, 8, (255, 0, 0), (0, 0, 255))), 6);
        var upright = ColorImageFile.Decode(jpeg, "exif.jpg");
        Assert.Equal((8, 16), (upright.Width, upright.Height));
        AssertNear((255, 0, 0), Pixel(upright, 4, 2), 12);
        AssertNear((0, 0, 255), Pixel(upright, 4, 13), 12);
        // RGB-D sources keep the sensor grid (depth has no orientation tag).
        var stored = ColorImageFile.Decode(jpeg, "exif.jpg", new ColorDecodeOptions { ApplyExifOrientation = false });
        Assert.Equal((16, 8), (stored.Width, stored.Height));
        AssertNear((255, 0, 0), Pixel(stored, 2, 4), 12);
    }
}
