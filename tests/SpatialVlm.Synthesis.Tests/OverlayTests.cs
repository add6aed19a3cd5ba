using System.Text.Json.Nodes;
using SpatialVlm.Core;
using SpatialVlm.Imaging;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis.Pictures;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Tests;

public sealed class OverlayTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("synth-overlay-").FullName;
    private static readonly SceneOptions Small = new() { Width = 320, Height = 240 };
    private static readonly OverlayOptions NoText = new() { Text = false };

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    private static (RenderedScene Scene, SynthesisResult Result) Synthesize(long seed)
    {
        var scene = new SceneGenerator(Small).Generate(seed);
        return (scene, new SynthesisPipeline(new SynthesisOptions()).Run(scene.ToObservation(), 1));
    }

    private static RgbImage Render(OverlayContent content, OverlayOptions? options = null)
    {
        var decoded = ColorImageCodec.Decode(OverlayRenderer.EncodePng(content, options));
        Assert.Equal((content.Image.Width, content.Image.Height), (decoded.Width, decoded.Height));
        return decoded;
    }

    private static (byte R, byte G, byte B) At(RgbImage img, int x, int y)
    {
        int j = (y * img.Width + x) * 3;
        return (img.Pixels[j], img.Pixels[j + 1], img.Pixels[j + 2]);
    }

    private static int Distance((byte R, byte G, byte B) a, OverlayColor c) => Math.Abs(a.R - c.R) + Math.Abs(a.G - c.G) + Math.Abs(a.B - c.B);

    [Fact]
    public void MasksAreTintedAndPixelsFarFromObjectsBoxesAndSupportAreUnchanged()
    {
        var (scene, result) = Synthesize(21);
        var content = OverlayContent.FromResult(result, 0.02);
        Assert.NotEmpty(content.SupportPixels);
        var source = scene.Image;
        var overlay = Render(content, NoText);
        int w = source.Width, h = source.Height;

        foreach (var o in content.Objects.Where(o => o.Color != OverlayContent.Grey))
        {
            var changed = o.Pixels.Count(p => !At(overlay, p % w, p / w).Equals(At(source, p % w, p / w)));
            Assert.True(changed >= 0.9 * o.Pixels.Length, $"object {o.Id}: {changed} of {o.Pixels.Length} mask pixels tinted");
        }

        // Far = outside every mask's and every projected box's bounding rectangle (widened by 3 px), and not support.
        var near = new bool[w * h];
        void Mark(double x0, double y0, double x1, double y1)
        {
            for (int y = Math.Max(0, (int)Math.Floor(y0) - 3); y <= Math.Min(h - 1, (int)Math.Ceiling(y1) + 3); y++)
                for (int x = Math.Max(0, (int)Math.Floor(x0) - 3); x <= Math.Min(w - 1, (int)Math.Ceiling(x1) + 3); x++)
                    near[y * w + x] = true;
        }
        var cameraFromWorld = content.CameraFromWorld!;
        var k = content.Intrinsics!;
        foreach (var o in content.Objects)
        {
            Mark(o.Pixels.Min(p => p % w), o.Pixels.Min(p => p / w), o.Pixels.Max(p => p % w), o.Pixels.Max(p => p / w));
            if (o.Box is not { } box) continue;
            var corners = box.Corners().Select(cameraFromWorld.Apply).ToList();
            Assert.All(corners, c => Assert.True(c.Z > 0.1)); // all in front: the wireframe lies inside the corners' hull
            var uv = corners.Select(k.Project).ToList();
            Mark(uv.Min(p => p.U), uv.Min(p => p.V), uv.Max(p => p.U), uv.Max(p => p.V));
        }
        foreach (var p in content.SupportPixels) near[p] = true;
        int far = 0, farChanged = 0;
        for (int p = 0; p < w * h; p++)
        {
            if (near[p]) continue;
            far++;
            if (!At(overlay, p % w, p / w).Equals(At(source, p % w, p / w))) farChanged++;
        }
        Assert.True(far > w * h / 50, $"only {far} far pixels: pick a scene with background");
        Assert.Equal(0, farChanged);

        // With text, the legend and labels are drawn too (the legend sits at the top left).
        var withText = Render(content);
        Assert.NotEqual(At(source, 8, 8), At(withText, 8, 8));
    }

    [Fact]
    public void WireframeOfTheExactBoxPassesThroughItsProjectedCorners()
    {
        var (scene, result) = Synthesize(33);
        // Round trip through scene.json, and compute the corners' pixels from it alone.
        var truth = SceneDescription.Parse(scene.Description.ToJson());
        var content = OverlayContent.FromResult(result, 0.02);
        var byId = truth.Objects.ToDictionary(o => o.Id);
        // Only the exact boxes: no masks, no support shade, no text, so box pixels are the only drawn colour.
        var boxesOnly = content with
        {
            Objects = content.Objects.Where(o => o.Box is not null).Select(o => o with { Pixels = [], Box = byId[o.Id].Box, DashedBox = false }).ToList(),
            SupportPixels = [],
        };
        Assert.True(boxesOnly.Objects.Count >= 2);
        var overlay = Render(boxesOnly, NoText);
        var m = truth.Camera.WorldFromCamera;
        int checkedCorners = 0, hit = 0;
        foreach (var o in boxesOnly.Objects)
        {
            var s = byId[o.Id];
            double cos = Math.Cos(s.Yaw), sin = Math.Sin(s.Yaw);
            foreach (var sw in new[] { -0.5, 0.5 })
                foreach (var sl in new[] { -0.5, 0.5 })
                    foreach (var sh in new[] { -0.5, 0.5 })
                    {
                        double wx = s.Center[0] + sw * s.Size[0] * cos - sl * s.Size[1] * sin;
                        double wy = s.Center[1] + sw * s.Size[0] * sin + sl * s.Size[1] * cos;
                        double wz = s.Center[2] + sh * s.Size[2];
                        // camera = Rᵀ (world − t), with world = R camera + t from scene.json's 4x4.
                        double dx = wx - m[0][3], dy = wy - m[1][3], dz = wz - m[2][3];
                        double cx = m[0][0] * dx + m[1][0] * dy + m[2][0] * dz;
                        double cy = m[0][1] * dx + m[1][1] * dy + m[2][1] * dz;
                        double cz = m[0][2] * dx + m[1][2] * dy + m[2][2] * dz;
                        int u = (int)Math.Round(truth.Camera.Fx * cx / cz + truth.Camera.Cx), v = (int)Math.Round(truth.Camera.Fy * cy / cz + truth.Camera.Cy);
                        if (cz <= 0 || u < 1 || v < 1 || u >= overlay.Width - 1 || v >= overlay.Height - 1) continue;
                        checkedCorners++;
                        bool drawn = false;
                        for (int y = v - 1; y <= v + 1; y++)
                            for (int x = u - 1; x <= u + 1; x++)
                                drawn |= Distance(At(overlay, x, y), o.Color) < 60 && Distance(At(scene.Image, x, y), o.Color) >= 60;
                        if (drawn) hit++;
                    }
        }
        Assert.True(checkedCorners >= 12, $"only {checkedCorners} corners inside the image");
        Assert.True(hit >= 0.9 * checkedCorners, $"{hit} of {checkedCorners} projected corners drawn in their box's colour");
    }

    [Fact]
    public void LabelsNameObjectsAsTheQuestionsDoAndSkippedObjectsAreGreyWithTheirReason()
    {
        var scene = new SceneGenerator(Small).Generate(42);
        var obs = scene.ToObservation();
        int speck = obs.Depth.Width * 10 + 10;
        obs = obs with { Objects = [.. obs.Objects, new ObjectMask(99, "speck", "speck", [speck])] };
        var result = new SynthesisPipeline(new SynthesisOptions()).Run(obs, 1);
        var content = OverlayContent.FromResult(result, 0.02);
        foreach (var (id, name) in result.Questions.Names) Assert.Equal(name, content.Objects.Single(o => o.Id == id).Label[0]);
        var measured = content.Objects.Where(o => o.Box is not null && o.Color != OverlayContent.Grey).ToList();
        Assert.All(measured, o => Assert.Matches(@"\d\.\d\d×\d\.\d\d×\d\.\d\d m", o.Label[1]));
        Assert.All(result.Objects.Where(m => !m.Spatial.SizeKnown), m => Assert.True(content.Objects.Single(o => o.Id == m.Spatial.Id).DashedBox));
        var grey = content.Objects.Single(o => o.Id == 99);
        Assert.Equal(OverlayContent.Grey, grey.Color);
        Assert.Null(grey.Box);
        Assert.StartsWith("skipped: too few points with valid depth", grey.Label[1]);
        var overlay = Render(content, NoText);
        Assert.Equal(0, Distance(At(overlay, speck % obs.Depth.Width, speck / obs.Depth.Width), OverlayContent.Grey));
        Assert.StartsWith("frame: known gravity", content.Legend[0]);
    }

    /// <summary>A source of hand-made observations; an item with no observation is a photo perception rejected.</summary>
    private sealed class FixedSource(params (string Id, Func<Observation> Load)[] items) : IObservationSource
    {
        public string Description => "fixed";
        public IReadOnlyList<SourceItem> Items { get; } = items.Select((o, i) => new SourceItem(o.Id, i)).ToList();
        public Observation Load(SourceItem item) => items.Single(o => o.Id == item.Id).Load();
        public (byte[] Bytes, string Extension) ImageFile(SourceItem item, Observation loaded) => (ColorImageCodec.EncodePng(loaded.Image), ".png");
    }

    private RunSummary Run(string outDir, IObservationSource source, bool overlays = true) =>
        new SynthesisRun(new SynthesisPipeline(new SynthesisOptions()), new SynthesisRunOptions { OutDir = outDir, Seed = 3, Workers = 2, Overlays = overlays, Formats = Dataset.DatasetFormat.Jsonl })
            .Execute(source);

    [Fact]
    public void FailedImagesGetAnOverlayWithTheReasonAndDroppedDetections()
    {
        var scene = new SceneGenerator(Small).Generate(40);
        var good = scene.ToObservation();
        var nanDepth = good with { Id = "nan-depth", Depth = new DepthMap(good.Depth.Width, good.Depth.Height, Enumerable.Repeat(float.NaN, good.Depth.Meters.Length).ToArray()) };
        var notes = new PerceptionNotes
        {
            SceneFilter = new SceneFilterNote("clip", true, 0.9, null, null),
            Detections = [new DetectionNote(0, "lamp", "lamp", 0.5, [40.0, 30.0, 200.0, 150.0], 12, false, false, null, "small mask: 12 pixels < 64")],
        };
        const string rejection = "no usable objects (1 proposals: 1 small mask)";
        var outDir = Path.Combine(root, "failed");
        var summary = Run(outDir, new FixedSource(("nan-depth", () => nanDepth), ("rejected", () => throw new ImageRejectedException(rejection, good.Image, notes)),
            ("unreadable", () => throw new SpatialVlmException("unreadable: not an image"))));
        Assert.Equal(3, summary.Failed);
        Assert.False(File.Exists(Path.Combine(outDir, "overlays", "unreadable.png"))); // no image was ever loaded

        foreach (var id in new[] { "nan-depth", "rejected" })
        {
            var overlay = ColorImageCodec.DecodeFile(Path.Combine(outDir, "overlays", id + ".png"));
            Assert.Equal((good.Image.Width, good.Image.Height), (overlay.Width, overlay.Height));
            // The red failure banner along the bottom.
            var bottom = At(overlay, 2, overlay.Height - 2);
            Assert.True(bottom.R > 120 && bottom.G < 60 && bottom.B < 60, $"{id}: bottom pixel {bottom} is not the banner");
        }
        var content = OverlayContent.FromFailure(good.Image, [], notes, rejection);
        Assert.Equal(rejection, content.Failure);
        Assert.Equal("lamp: small mask: 12 pixels < 64", content.DroppedDetections.Single().Text);
        Assert.Contains("scene filter: keep score 0.90", content.Legend);
        // The dropped detection's dashed rectangle: its left edge is drawn on part of its length.
        var rejected = ColorImageCodec.DecodeFile(Path.Combine(outDir, "overlays", "rejected.png"));
        var edge = Enumerable.Range(60, 80).Count(y => !At(rejected, 40, y).Equals(At(good.Image, 40, y)));
        Assert.InRange(edge, 20, 79);
    }

    [Fact]
    public void OverlaysAreDeterministicAndAResumedRunDrawsOnlyMissingOnes()
    {
        var a = Path.Combine(root, "a"); var b = Path.Combine(root, "b");
        Run(a, new ProceduralSource(Small, 60, 2));
        Run(b, new ProceduralSource(Small, 60, 2));
        var files = Directory.GetFiles(Path.Combine(a, "overlays")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["scene-000060.png", "scene-000061.png"], files);
        foreach (var f in files) Assert.Equal(File.ReadAllBytes(Path.Combine(a, "overlays", f!)), File.ReadAllBytes(Path.Combine(b, "overlays", f!)));
        Assert.Contains("## Overlays", File.ReadAllText(Path.Combine(a, "README.md")));

        var kept = Path.Combine(a, "overlays", "scene-000060.png");
        var keptTime = File.GetLastWriteTimeUtc(kept);
        var redrawn = Path.Combine(a, "overlays", "scene-000061.png");
        var bytes = File.ReadAllBytes(redrawn);
        File.Delete(redrawn);
        var summary = Run(a, new ProceduralSource(Small, 60, 2));
        Assert.Equal(2, summary.Resumed);
        Assert.Equal(bytes, File.ReadAllBytes(redrawn));
        Assert.Equal(keptTime, File.GetLastWriteTimeUtc(kept));

        var plain = Path.Combine(root, "plain");
        Run(plain, new ProceduralSource(Small, 60, 1), overlays: false);
        Assert.False(Directory.Exists(Path.Combine(plain, "overlays")));
        Assert.DoesNotContain("## Overlays", File.ReadAllText(Path.Combine(plain, "README.md")));
    }
}
