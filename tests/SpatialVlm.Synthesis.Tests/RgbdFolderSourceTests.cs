using System.Text.Json.Nodes;
using SpatialVlm.Core;
using SpatialVlm.Imaging;
using SpatialVlm.Synthesis.Sources;

namespace SpatialVlm.Synthesis.Tests;

public sealed class RgbdFolderSourceTests : IDisposable
{
    private readonly List<RgbdTestFolder> folders = [];

    private RgbdTestFolder NewFolder(string? intrinsics = null)
    {
        var f = intrinsics is null ? new RgbdTestFolder() : new RgbdTestFolder(intrinsics);
        folders.Add(f);
        return f;
    }

    public void Dispose() { foreach (var f in folders) f.Dispose(); }

    private static int[] Rectangle(int x0, int y0, int x1, int y1, int width = 640)
    {
        var list = new List<int>();
        for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) list.Add(y * width + x);
        return [.. list];
    }

    [Fact]
    public void SegmentationsAreUsedAsGiven()
    {
        var folder = NewFolder().AddShared("00000", "color/00000.jpg", "depth/00000.png");
        var rle = CocoMasks.ToRle(Rectangle(100, 50, 140, 90), 640, 480);
        var polygon = new JsonObject
        {
            ["segmentation"] = new JsonArray(new JsonArray(400, 150, 440, 150, 440, 200, 400, 200)),
            ["bbox"] = new JsonArray(0, 0, 640, 480), // the segmentation wins over the box
        };
        var compressed = new JsonObject { ["segmentation"] = new JsonObject { ["size"] = new JsonArray(480, 640), ["counts"] = CocoMasks.EncodeRleString(rle.Counts) } };
        var plain = new JsonObject { ["segmentation"] = new JsonObject { ["size"] = new JsonArray(480, 640), ["counts"] = new JsonArray(rle.Counts.Select(c => (JsonNode)c).ToArray()) } };
        folder.WriteAnnotations(("00000.jpg", [("chair", polygon), ("window", compressed), ("curtain", plain)]));

        var source = new RgbdFolderSource(folder.Root);
        Assert.Equal(["00000"], source.Items.Select(i => i.Id));
        var obs = source.Load(source.Items[0]);
        Assert.Equal(2.195f, obs.Depth[320, 240], 5);
        Assert.Equal(new CameraIntrinsics(640, 480, 525, 525, 319.5, 239.5), obs.Intrinsics);
        Assert.Equal(["chair", "window", "curtain"], obs.Objects.Select(o => o.Caption));
        Assert.Equal(Rectangle(400, 150, 440, 200), obs.Objects[0].Pixels);
        Assert.Equal(Rectangle(100, 50, 140, 90), obs.Objects[1].Pixels);
        Assert.Equal(Rectangle(100, 50, 140, 90), obs.Objects[2].Pixels);
        Assert.NotNull(obs.SupportPixels); // the floor, so the floor is not taken for an occluder
        var support = obs.SupportPixels!.ToHashSet();
        var floor = Rectangle(150, 410, 630, 480).Where(p => DepthMap.IsValid(obs.Depth.Meters[p])).ToArray();
        Assert.True(floor.Count(support.Contains) > 0.9 * floor.Length, "the visible floor is support");
        Assert.DoesNotContain(Rectangle(500, 110, 590, 180), support.Contains); // the wall is not
        var (bytes, ext) = source.ImageFile(source.Items[0], obs);
        Assert.Equal(".jpg", ext);
        Assert.Equal(File.ReadAllBytes(folder.ColorPath("00000.jpg")), bytes);
    }

    [Theory]
    // Each shared encoding through intrinsics.json's depth_format, checked at a pixel against its README formula.
    [InlineData("other_formats/TUM_color.png", "other_formats/TUM_depth.png", "tum", 320, 240, 10920 / 5000.0)]
    [InlineData("other_formats/SUN_color.jpg", "other_formats/SUN_depth.png", "sun", 100, 400, 2.256)]
    [InlineData("other_formats/NYU_color.ppm", "other_formats/NYU_depth.pgm", "nyu_raw", 320, 240, 351.3 / (1092.5 - 977))]
    [InlineData("color/00003.jpg", "depth/00003.png", "png16", 320, 240, 2.195)]
    public void DepthFormatsComeFromIntrinsicsJson(string color, string depth, string format, int x, int y, double meters)
    {
        var folder = NewFolder($$"""{"fx":525,"fy":525,"cx":319.5,"cy":239.5,"depth_scale":1000,"depth_format":"{{format}}"}""")
            .AddShared("frame", color, depth);
        folder.WriteAnnotations((Path.GetFileName(folder.ColorPath("frame" + Path.GetExtension(color))), [("thing", RgbdTestFolder.Box(300, 200, 40, 40))]));
        var source = new RgbdFolderSource(folder.Root);
        var obs = source.Load(source.Items.Single());
        Assert.Equal(meters, obs.Depth[x, y], 4);
        Assert.Equal((640, 480), (obs.Image.Width, obs.Image.Height));
        var (_, ext) = source.ImageFile(source.Items[0], obs);
        Assert.Equal(color.EndsWith(".ppm") ? ".png" : Path.GetExtension(color), ext); // Netpbm is stored as PNG
    }

    [Fact]
    public void OpenThreeDCameraFileIsAcceptedAsIntrinsics()
    {
        var folder = NewFolder(File.ReadAllText(RgbdTestFolder.SharedData("rgbd", "camera_primesense.json"))).AddShared("00000", "color/00000.jpg", "depth/00000.png");
        folder.WriteAnnotations(("00000.jpg", [("chair", RgbdTestFolder.Box(335, 105, 280, 280))]));
        var obs = new RgbdFolderSource(folder.Root).Load(new SourceItem("00000", 1));
        Assert.Equal(new CameraIntrinsics(640, 480, 525, 525, 319.5, 239.5), obs.Intrinsics);
    }

    [Fact]
    public void WithoutAnnotationsEachFrameFailsWithTheReason()
    {
        var folder = NewFolder().AddShared("00000", "color/00000.jpg", "depth/00000.png");
        var source = new RgbdFolderSource(folder.Root);
        Assert.Contains("no annotations", source.Description);
        var e = Assert.Throws<SpatialVlmException>(() => source.Load(source.Items[0]));
        Assert.Contains("detection models", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void FolderProblemsAreOneLineErrors()
    {
        var noIntrinsics = NewFolder();
        File.Delete(Path.Combine(noIntrinsics.Root, "intrinsics.json"));
        Assert.Contains("intrinsics.json", Assert.Throws<SpatialVlmException>(() => new RgbdFolderSource(noIntrinsics.Root)).Message);

        var badFormat = NewFolder("""{"fx":525,"fy":525,"cx":319.5,"cy":239.5,"depth_format":"kinect"}""");
        Assert.Contains("kinect", Assert.Throws<SpatialVlmException>(() => new RgbdFolderSource(badFormat.Root)).Message);

        var missingFocal = NewFolder("""{"fx":525,"cx":319.5,"cy":239.5}""");
        Assert.Contains("fy", Assert.Throws<SpatialVlmException>(() => new RgbdFolderSource(missingFocal.Root)).Message);

        var wrongSize = NewFolder("""{"fx":525,"fy":525,"cx":319.5,"cy":239.5,"width":320,"height":240}""").AddShared("00000", "color/00000.jpg", "depth/00000.png");
        wrongSize.WriteAnnotations(("00000.jpg", [("chair", RgbdTestFolder.Box(335, 105, 280, 280))]));
        Assert.Contains("320x240", Assert.Throws<SpatialVlmException>(() => new RgbdFolderSource(wrongSize.Root).Load(new SourceItem("00000", 0))).Message);

        var noDepth = NewFolder();
        File.Copy(RgbdTestFolder.SharedData("rgbd", "color", "00001.jpg"), noDepth.ColorPath("lonely.jpg"));
        noDepth.WriteAnnotations(("lonely.jpg", [("chair", RgbdTestFolder.Box(335, 105, 280, 280))]));
        var source = new RgbdFolderSource(noDepth.Root);
        Assert.Contains("no depth file", Assert.Throws<SpatialVlmException>(() => source.Load(source.Items.Single())).Message);

        var mismatch = NewFolder().AddShared("00000", "color/00000.jpg", "depth/00000.png");
        File.WriteAllBytes(mismatch.DepthPath("00000.png"), Png16.Encode(new ushort[320 * 240], 320, 240));
        mismatch.WriteAnnotations(("00000.jpg", [("chair", RgbdTestFolder.Box(335, 105, 280, 280))]));
        Assert.Contains("320x240", Assert.Throws<SpatialVlmException>(() => new RgbdFolderSource(mismatch.Root).Load(new SourceItem("00000", 0))).Message);

        Assert.False(RgbdFolderSource.Matches(Path.Combine(noDepth.Root, "color")));
    }

    [Fact]
    public void BoxOverOnlyBackgroundGivesAnEmptyMask()
    {
        // A box on the bare wall above the chair: the wall runs on past the box, so there is no object in it.
        var folder = NewFolder().AddShared("00000", "color/00000.jpg", "depth/00000.png");
        folder.WriteAnnotations(("00000.jpg", [("wall", RgbdTestFolder.Box(300, 10, 120, 80))]));
        var source = new RgbdFolderSource(folder.Root);
        var obs = source.Load(source.Items.Single());
        Assert.Empty(obs.Objects.Single().Pixels);
    }
}
