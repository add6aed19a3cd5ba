using System.Text.Json.Nodes;
using SpatialVlm.Imaging;
using SpatialVlm.Perception.Tests;
using SpatialVlm.Scenes;

namespace SpatialVlm.Cli.Tests;

/// <summary>
/// `synth --input PHOTOS` end to end through the CLI with the model store: SPATIALVLM_HOME points at a temporary store
/// holding tiny graphs under the catalog's names and file paths (Metric3D, OWLv2 with its tokenizer files, MobileSAM's
/// encoder and decoder, the CLIP text tower with its tokenizer files), driven by one rendered scene, so the CLI opens
/// and runs the real backends exactly as it would the downloaded exports.
/// </summary>
[Collection("model store environment")]
public sealed class SynthModelsEndToEndTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("synth-models-").FullName;
    private readonly string? savedHome = Environment.GetEnvironmentVariable("SPATIALVLM_HOME");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("SPATIALVLM_HOME", savedHome);
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private static (int Exit, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    /// <summary>Writes the tiny graphs for these regions into a store at `home`, where `models pull` would put the files.</summary>
    internal static void WriteStore(string home, int width, int height, IReadOnlyList<SceneRegion> regions, RenderedScene? depthOf)
    {
        string Model(string name) => Path.Combine(home, "models", name);
        var owl = Model("owlv2-base-patch16-ensemble");
        ClipTestModels.WriteTokenizer(owl);
        var owlTokenizer = SceneDrivenModels.Tokenizer(owl, Perception.Detectors.OwlExport.QueryTokens);
        SceneDrivenModels.OwlV2(Path.Combine(owl, "onnx", "model.onnx"), owlTokenizer, width, height, regions);
        SegmentationTestModels.SamEncoderNchw(Path.Combine(Model("mobilesam"), "mobile_sam_image_encoder.onnx"));
        SceneDrivenModels.SamDecoder(Path.Combine(Model("mobilesam"), "sam_mask_decoder_multi.onnx"), width, height, regions);
        var text = Model("clip-vit-base-patch32-text");
        ClipTestModels.WriteTokenizer(text);
        var captions = regions.Select(r => r.Query).Distinct().ToList();
        SceneDrivenModels.ClipText(Path.Combine(text, "onnx", "text_model.onnx"), SceneDrivenModels.Tokenizer(text), captions,
            SceneDrivenModels.CaptionEmbeddings(captions, new Dictionary<string, string>()));
        if (depthOf is not null) SceneDrivenModels.Metric3D(depthOf, Path.Combine(Model("metric3d-vit-small"), "onnx", "model.onnx"));
    }

    [Fact]
    public void SynthOnAPhotoFolderRunsTheStoredModelsAndWritesADatasetWithQa()
    {
        var scene = new SceneGenerator(new SceneOptions()).Generate(2003);
        var home = Path.Combine(dir, "home");
        var regions = SceneDrivenModels.Regions(scene);
        WriteStore(home, scene.Width, scene.Height, regions, scene);
        Environment.SetEnvironmentVariable("SPATIALVLM_HOME", home);
        var photos = Directory.CreateDirectory(Path.Combine(dir, "photos")).FullName;
        File.WriteAllBytes(Path.Combine(photos, "scene.png"), ColorImageCodec.EncodePng(scene.Image));
        var hfov = scene.ToObservation().Intrinsics.HorizontalFovDegrees;
        var outDir = Path.Combine(dir, "out");

        var (exit, stdout, err) = Run("synth", "--out", outDir, "--input", photos, "--no-filter", "--segmenter", "mobilesam",
            "--fov", hfov.ToString(System.Globalization.CultureInfo.InvariantCulture), "--workers", "1", "--format", "jsonl,llava");
        Assert.True(exit == 0, err + stdout);
        Assert.Contains("1 images", stdout);
        foreach (var f in new[] { "dataset.jsonl", "llava.json", "README.md", "manifest.json" }) Assert.True(File.Exists(Path.Combine(outDir, f)), f);
        var record = JsonNode.Parse(File.ReadAllLines(Path.Combine(outDir, "dataset.jsonl")).Single())!.AsObject();
        Assert.True(File.Exists(Path.Combine(outDir, (string)record["image"]!)));
        var notes = record["perception"]!;
        Assert.Equal("metric3d-vit-small", (string)notes["depth"]!["model"]!);
        Assert.Equal("floor", (string)notes["support"]!["surface"]!);
        // Every scene object the detector found (default vocabulary) and large enough to keep becomes an object named by its category.
        var categories = scene.Description.Objects.Select(o => o.Category).ToHashSet();
        var kept = notes["detections"]!.AsArray().Where(d => (bool)d!["kept"]!).ToList();
        int expected = regions.Count(r => r.Query != "floor" && r.Pixels.Length >= 50);
        Assert.Equal(expected, kept.Count);
        Assert.All(kept, d => Assert.Contains(CaptionOf(d!), categories));
        // The data engine may still drop objects it cannot measure (too few points left after denoising).
        Assert.InRange(record["objects"]!.AsArray().Count, 3, kept.Count);
        Assert.True(record["qa"]!.AsArray().Count >= 10, $"{record["qa"]!.AsArray().Count} QA pairs");
        // Scores are the OWL graph's logits through the detector's sigmoid.
        Assert.All(kept, d => Assert.Contains(regions, r => r.Query == CaptionOf(d!) && Math.Abs(1 / (1 + Math.Exp(-r.Logit)) - (double)d!["score"]!) < 1e-3));
    }

    [Fact]
    public void SynthOnAnUnannotatedRgbdFolderDetectsObjectsOverTheSensorDepth()
    {
        using var annotated = new Synthesis.Tests.RgbdTestFolder().AddShared("00000", "color/00000.jpg", "depth/00000.png");
        using var plain = new Synthesis.Tests.RgbdTestFolder().AddShared("00000", "color/00000.jpg", "depth/00000.png");
        annotated.WriteAnnotations(("00000.jpg", [("chair", Synthesis.Tests.RgbdTestFolder.Box(335, 105, 280, 280)), ("curtain", Synthesis.Tests.RgbdTestFolder.Box(172, 0, 100, 362))]));
        var given = new Synthesis.Sources.RgbdFolderSource(annotated.Root);
        // The segmenter's masks: the box-only COCO path's depth-based cuts of the two boxes.
        var regions = given.Load(given.Items.Single()).Objects.Select((o, i) => new SceneRegion(o.Category, o.Pixels, 3f - 0.5f * i)).ToList();
        var home = Path.Combine(dir, "home");
        WriteStore(home, 640, 480, regions, depthOf: null); // no depth model in the store: the sensor's depth is used
        Environment.SetEnvironmentVariable("SPATIALVLM_HOME", home);
        var outDir = Path.Combine(dir, "rgbd-out");

        var (exit, stdout, err) = Run("synth", "--out", outDir, "--input", plain.Root, "--segmenter", "mobilesam", "--queries", "chair,curtain,lamp",
            "--workers", "1", "--format", "jsonl");
        Assert.True(exit == 0, err + stdout);
        var record = JsonNode.Parse(File.ReadAllLines(Path.Combine(outDir, "dataset.jsonl")).Single())!.AsObject();
        Assert.Equal("sensor", (string)record["perception"]!["depth"]!["model"]!);
        var chair = record["objects"]!.AsArray().Single(o => (string)o!["caption"]! == "chair")!;
        Assert.All(chair["size"]!.AsArray(), d => Assert.InRange((double)d!, 0.5, 1.2));
        Assert.NotEmpty(record["qa"]!.AsArray());
    }

    private static string CaptionOf(JsonNode detection) => (string)detection["label"]!;
}
