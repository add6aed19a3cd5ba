using System.Buffers.Binary;
using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Imaging.Tests;

/// <summary>Every depth encoding of shared/data/rgbd decodes to the metric depths its README states.</summary>
public class DepthDecodingTests
{
    private static string Rgbd(params string[] parts) => Png16Tests.SharedData(["rgbd", .. parts]);

    private static float At(DepthMap d, int x, int y) => d[x, y];

    [Fact]
    public void RedwoodIsMillimeters()
    {
        var depth = DepthDecoding.DecodeFile(Rgbd("depth", "00000.png"), DepthFormat.Png16, 1000);
        Assert.Equal((640, 480), (depth.Width, depth.Height));
        Assert.Equal(2.195f, At(depth, 320, 240), 5); // the README's centre value
        Assert.Equal(1.338f, At(depth, 100, 400), 5);
        Assert.Equal(0.993f, At(depth, 320, 460), 5);
        Assert.Equal(0f, At(depth, 50, 50)); // 0 = no measurement
        Assert.Equal(267129, depth.CountValid()); // Open3D's point count for this frame
        // The five frames of the sequence barely move: the same wall point at the centre.
        for (int i = 1; i < 5; i++)
            Assert.Equal(2.195f, At(DepthDecoding.DecodeFile(Rgbd("depth", $"0000{i}.png"), DepthFormat.Png16), 320, 240), 3);
    }

    [Fact]
    public void DepthScaleDividesPng16()
    {
        var (raw, w, h) = Png16.ReadFile(Rgbd("depth", "00000.png"));
        var depth = DepthDecoding.Decode(Png16.Encode(raw, w, h), DepthFormat.Png16, 4000);
        Assert.Equal(2195 / 4000f, At(depth, 320, 240), 6);
        Assert.Throws<SpatialVlmException>(() => DepthDecoding.Decode(Png16.Encode(raw, w, h), DepthFormat.Png16, 0));
    }

    [Fact]
    public void TumIsValueOverFiveThousand()
    {
        var path = Rgbd("other_formats", "TUM_depth.png");
        var (raw, w, _) = Png16.ReadFile(path);
        var depth = DepthDecoding.DecodeFile(path, DepthFormat.Tum);
        Assert.Equal(10920, raw[240 * w + 320]);
        Assert.Equal(2.184f, At(depth, 320, 240), 5);
        Assert.Equal(8880, raw[400 * w + 100]);
        Assert.Equal(1.776f, At(depth, 100, 400), 5);
        for (int i = 0; i < raw.Length; i += 97) Assert.Equal(raw[i] / 5000f, depth.Meters[i], 5);
        AssertPlausibleIndoor(depth);
    }

    [Fact]
    public void SunRotatesBitsBackToMillimeters()
    {
        var path = Rgbd("other_formats", "SUN_depth.png");
        var (raw, w, _) = Png16.ReadFile(path);
        var depth = DepthDecoding.DecodeFile(path, DepthFormat.Sun);
        // Stored 18048 = 0x4680; rotated right by 3 bits: 0x08D0 = 2256 mm.
        Assert.Equal(18048, raw[400 * w + 100]);
        Assert.Equal(2.256f, At(depth, 100, 400), 5);
        Assert.Equal(18920, raw[460 * w + 320]);
        Assert.Equal(2.365f, At(depth, 320, 460), 5);
        Assert.Equal(1.853f, At(depth, 50, 50), 5);
        // Read as plain millimeters the same pixel would be 18 m: the rotation matters.
        Assert.Equal(0x08D0, DepthDecoding.UnrotateSun(0x4680));
        Assert.Equal(0xA001, DepthDecoding.UnrotateSun(0x000D)); // low bits wrap to the top
        AssertPlausibleIndoor(depth);
    }

    [Fact]
    public void NyuRawIsKinectDisparity()
    {
        var path = Rgbd("other_formats", "NYU_depth.pgm");
        var bytes = File.ReadAllBytes(path);
        var header = NetPbm.ReadHeader(bytes);
        Assert.Equal(('5', 640, 480, 65535), (header.Kind, header.Width, header.Height, header.MaxValue));
        // First sample: bytes FF 07 — the Kinect's little-endian 2047, "no measurement".
        Assert.Equal(0x07FF, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(header.DataOffset)));
        var depth = DepthDecoding.DecodeFile(path, DepthFormat.NyuRaw);
        Assert.Equal(0f, depth.Meters[0]);
        // Centre: disparity 977 → 351.3 / (1092.5 − 977) = 3.0416 m.
        var centre = header.DataOffset + 2 * (240 * 640 + 320);
        Assert.Equal(977, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(centre)));
        Assert.Equal(351.3 / (1092.5 - 977), At(depth, 320, 240), 4);
        Assert.Equal(3.0416, At(depth, 320, 240), 3);
        Assert.Equal(351.3 / (1092.5 - 946), At(depth, 320, 460), 4);
        AssertPlausibleIndoor(depth);
    }

    [Fact]
    public void NyuFormulaAndInvalidCodes()
    {
        Assert.Equal(0f, DepthDecoding.ToMeters(2047, DepthFormat.NyuRaw));
        Assert.Equal(0f, DepthDecoding.ToMeters(1100, DepthFormat.NyuRaw)); // beyond the formula's pole
        Assert.Equal(351.3 / 92.5, DepthDecoding.ToMeters(1000, DepthFormat.NyuRaw), 5);
        Assert.True(DepthDecoding.ToMeters(900, DepthFormat.NyuRaw) < DepthDecoding.ToMeters(1000, DepthFormat.NyuRaw));
    }

    [Fact]
    public void FormatNamesParse()
    {
        Assert.Equal(DepthFormat.Png16, DepthDecoding.ParseFormat("png16"));
        Assert.Equal(DepthFormat.Tum, DepthDecoding.ParseFormat("TUM"));
        Assert.Equal(DepthFormat.Sun, DepthDecoding.ParseFormat("sun"));
        Assert.Equal(DepthFormat.NyuRaw, DepthDecoding.ParseFormat("nyu_raw"));
        var e = Assert.Throws<SpatialVlmException>(() => DepthDecoding.ParseFormat("kinect"));
        Assert.Contains("png16, tum, sun, nyu_raw", e.Message);
    }

    [Fact]
    public void WrongContainerIsAOneLineError()
    {
        Assert.Throws<SpatialVlmException>(() => DepthDecoding.DecodeFile(Rgbd("other_formats", "NYU_depth.pgm"), DepthFormat.Tum));
        Assert.Throws<SpatialVlmException>(() => DepthDecoding.DecodeFile(Rgbd("depth", "00000.png"), DepthFormat.NyuRaw));
        Assert.Throws<SpatialVlmException>(() => DepthDecoding.DecodeFile(Rgbd("depth", "missing.png"), DepthFormat.Png16));
    }

    /// <summary>Indoor rooms: most pixels measured, median between 1 and 5 m, nothing beyond 12 m.</summary>
    private static void AssertPlausibleIndoor(DepthMap depth)
    {
        var valid = depth.Meters.Where(DepthMap.IsValid).Order().ToArray();
        Assert.True(valid.Length > depth.Meters.Length * 0.7, $"only {valid.Length} valid depths");
        Assert.InRange(valid[valid.Length / 2], 1f, 5f);
        Assert.InRange(valid[^1], 1f, 12f);
        Assert.InRange(valid[0], 0.3f, 3f);
    }
}
