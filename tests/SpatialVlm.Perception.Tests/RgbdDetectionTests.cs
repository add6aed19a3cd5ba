using SpatialVlm.Core;
using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;
using SpatialVlm.Synthesis.Tests;

namespace SpatialVlm.Perception.Tests;

/// <summary>
/// An RGB-D folder without annotations.json (shared Redwood frame 00000): the real OWLv2 and SAM backends over tiny
/// graphs propose the objects, the sensor gives depth and intrinsics (no depth model). The detector finds constant
/// boxes around the rocking chair and the curtain (picked by eye, as the COCO box-only test does); the SAM decoder
/// answers each box with that object's mask as a good segmenter would cut it, here the depth-based cut of the
/// box-only COCO path (a box is not a mask: the wall and floor inside it are not the chair).
/// </summary>
public sealed class RgbdDetectionTests : IDisposable
{
    private readonly RgbdTestFolder plain = new RgbdTestFolder().AddShared("00000", "color/00000.jpg", "depth/00000.png");
    private readonly RgbdTestFolder annotated = new RgbdTestFolder().AddShared("00000", "color/00000.jpg", "depth/00000.png");
    private readonly string models = Directory.CreateTempSubdirectory("rgbd-models-").FullName;

    public void Dispose()
    {
        plain.Dispose();
        annotated.Dispose();
        try { Directory.Delete(models, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void UnannotatedFrameGetsObjectsFromDetectionAndSegmentationOverTheSensorDepth()
    {
        annotated.WriteAnnotations(("00000.jpg", [("chair", RgbdTestFolder.Box(335, 105, 280, 280)), ("curtain", RgbdTestFolder.Box(172, 0, 100, 362))]));
        var given = new RgbdFolderSource(annotated.Root);
        var reference = given.Load(given.Items.Single());
        SceneRegion[] regions = [.. reference.Objects.Select((o, i) => new SceneRegion(o.Category, o.Pixels, 3f - 0.5f * i))];

        var tokenizer = SceneDrivenModels.Tokenizer(Path.Combine(models, "tokenizer"));
        var owlTokenizer = SceneDrivenModels.Tokenizer(Path.Combine(models, "tokenizer"), OwlExport.QueryTokens);
        using var detector = new OwlDetector(SceneDrivenModels.OwlV2(Path.Combine(models, "owl.onnx"), owlTokenizer, 640, 480, regions), owlTokenizer, OwlExport.OwlV2);
        using var segmenter = SceneDrivenModels.Sam(models, 640, 480, regions);
        string[] captions = ["chair", "curtain"];
        using var text = new Clip.ClipTextEncoder(SceneDrivenModels.ClipText(Path.Combine(models, "text.onnx"), tokenizer, captions,
            SceneDrivenModels.CaptionEmbeddings(captions, new Dictionary<string, string>())), tokenizer);
        var chain = new PhotoPerceptionChain(new PhotoPerceptionModels { Detector = detector, Segmenter = segmenter, TextEmbedder = text },
            new PhotoPerceptionOptions { Queries = ["chair", "curtain", "lamp"] });
        var source = new RgbdFolderSource(plain.Root, perception: chain);
        Assert.Contains("objects from sensor depth", source.Description);

        var obs = source.Load(source.Items.Single());
        Assert.Equal("sensor", obs.Perception!.Depth!.Model);
        Assert.Equal("given", obs.Perception.Depth.FocalSource);
        Assert.Equal((525.0, 319.5), (obs.Intrinsics.Fx, obs.Intrinsics.Cx));
        Assert.Same(obs.Depth.GetType(), reference.Depth.GetType());
        Assert.Equal(reference.Depth[400, 300], obs.Depth[400, 300]);
        // The detector's boxes went through SAM's 1024 frame and back to these exact masks, best score first.
        Assert.Equal(["chair", "curtain"], obs.Objects.Select(o => o.Caption));
        Assert.Equal(reference.Objects[0].Pixels, obs.Objects[0].Pixels.Order());
        Assert.NotNull(obs.SupportPixels);

        var result = new SynthesisPipeline(new SynthesisOptions()).Run(obs, 1);
        Assert.True(result.Frame.Canonicalized, result.Frame.Failure);
        var chair = result.Objects.Single(o => o.Spatial.Caption == "chair").Spatial.Box;
        Assert.InRange(chair.Width, 0.5, 1.2);
        Assert.InRange(chair.Length, 0.5, 1.2);
        Assert.InRange(chair.Height, 0.5, 1.2);
        Assert.InRange(chair.Bottom, 0, 0.1);
        // Same masks, depth and support as the annotated path: the same measurement.
        var given3d = new SynthesisPipeline(new SynthesisOptions()).Run(reference, 1);
        Assert.Equal(given3d.Objects.Single(o => o.Spatial.Caption == "chair").Spatial.Box, chair);
    }

    [Fact]
    public void UnannotatedFrameWithoutModelsFailsWithOneLine()
    {
        var source = new RgbdFolderSource(plain.Root);
        var e = Assert.Throws<SpatialVlmException>(() => source.Load(source.Items.Single()));
        Assert.Contains("no annotations.json", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
