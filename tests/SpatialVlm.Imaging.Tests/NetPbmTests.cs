using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Imaging.Tests;

public class NetPbmTests
{
    private static byte[] Pnm(string header, params byte[] samples) => [.. System.Text.Encoding.ASCII.GetBytes(header), .. samples];

    [Fact]
    public void ReadsEightAndSixteenBitGrayWithComments()
    {
        var (v8, w, h) = NetPbm.ReadGray(Pnm("P5\n# made by hand\n2 1\n255\n", 7, 250));
        Assert.Equal((2, 1), (w, h));
        Assert.Equal(new ushort[] { 7, 250 }, v8);
        var (v16, _, _) = NetPbm.ReadGray(Pnm("P5 1 2 65535\n", 0x12, 0x34, 0xAB, 0xCD));
        Assert.Equal(new ushort[] { 0x1234, 0xABCD }, v16); // big-endian per the Netpbm spec
    }

    [Fact]
    public void ReadsColorAndRescalesMaxValue()
    {
        var img = NetPbm.ReadColor(Pnm("P6 1 1 255\n", 10, 20, 30));
        Assert.Equal(new byte[] { 10, 20, 30 }, img.Pixels);
        var img16 = NetPbm.ReadColor(Pnm("P6 1 1 1023\n", 0x03, 0xFF, 0, 0, 0x02, 0x00));
        Assert.Equal(new byte[] { 255, 0, 128 }, img16.Pixels);
        var gray = NetPbm.ReadColor(Pnm("P5 1 1 255\n", 99));
        Assert.Equal(new byte[] { 99, 99, 99 }, gray.Pixels);
    }

    [Fact]
    public void SharedNyuColorDecodes()
    {
        var img = ColorImageFile.DecodeFile(Png16Tests.SharedData("rgbd", "other_formats", "NYU_color.ppm"));
        Assert.Equal((640, 480), (img.Width, img.Height));
        Assert.Equal(new byte[] { 0xDC, 0xF8, 0xEB }, img.Pixels[..3]); // the file's first three sample bytes
    }

    [Theory]
    [InlineData("P5 2 2 255\n")]          // no samples
    [InlineData("P5 2")]                  // header cut short
    [InlineData("P5 0 2 255\n")]          // no pixels
    [InlineData("P5 2 2 70000\n")]        // max value out of range
    [InlineData("P5 30000 30000 255\n")]  // over the pixel limit: refused from the header
    [InlineData("P3 1 1 255\n1 2 3")]     // ASCII variant is not supported
    public void BadFilesAreOneLineErrors(string header)
    {
        var e = Assert.Throws<SpatialVlmException>(() => NetPbm.ReadColor(Pnm(header, 1, 2, 3)));
        Assert.DoesNotContain('\n', e.Message);
    }
}
