using System.Text.Json.Nodes;
using SpatialVlm.Core;
using SpatialVlm.Imaging;
using SpatialVlm.Perception.Batching;
using SpatialVlm.Perception.Clip;
using SpatialVlm.Perception.Depth;
using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;
using Xunit.Abstractions;

namespace SpatialVlm.Perception.Tests;

/// <summary>
/// The photo chain as the CLI assembles it, over one folder of photos with two workers: the batching wrappers around
/// the real CLIP scene filter (text and vision towers), Metric3D and OWLv2, and the SAM2 transformers.js segmenter.
/// Every tiny graph serves all the scenes at once and tells them apart by the image (<see cref="MultiSceneModels"/>),
/// so batched calls mixing photos must keep each photo's answers. One photo is a near-uniform grey image the filter's
/// vision tower (embedding from the input's variance) rejects; the scenes' QA is checked against scene.json as in
/// <see cref="PhotoChainEndToEndTests"/>.
/// </summary>
public sealed class PhotoChainSam2FilterEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private const int KeepAxis = 510, RejectAxis = 511, BaseAxis = 509;
    private readonly string dir = Directory.CreateTempSubdirectory("photo-sam2-e2e-").FullName;

    public void Dispose() { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } }

    /// <summary>A grey image (128) but for a darker 40×30 patch: nearly no variance, so the vision tower leans to the reject prompts.</summary>
    private static RgbImage GreyPhoto(int width, int height)
    {
        var pixels = new byte[3 * width * height];
        Array.Fill(pixels, (byte)128);
        for (int y = 100; y < 130; y++)
            for (int x = 200; x < 240; x++)
                pixels.AsSpan(3 * (y * width + x), 3).Fill(90);
        return new RgbImage(width, height, pixels);
    }

    [Fact]
    public void BatchedSam2AndClipFilterChainRejectsTheGreyPhotoAndAnswersTheScenes()
    {
        // One field of view for every scene, since one Metric3D estimator (with its default field of view) serves them all.
        const double fov = 62;
        var scenes = PhotoChainEndToEndTests.Scenes(new SceneOptions { HorizontalFovDegrees = new(fov, fov) }).Take(3).ToList();
        var served = scenes.Select(p => new ServedScene(p.Scene, PhotoChainEndToEndTests.Regions(p.Scene))).ToList();
        int width = scenes[0].Scene.Width, height = scenes[0].Scene.Height;

        var input = Directory.CreateDirectory(Path.Combine(dir, "in")).FullName;
        foreach (var (seed, scene) in scenes) File.WriteAllBytes(Path.Combine(input, $"scene-{seed}.png"), ColorImageCodec.EncodePng(scene.Image));
        var grey = GreyPhoto(width, height);
        File.WriteAllBytes(Path.Combine(input, "grey.png"), ColorImageCodec.EncodePng(grey));

        var models = Path.Combine(dir, "models");
        var filterOptions = new SceneFilterOptions();
        string[] prompts = [.. filterOptions.KeepPrompts, .. filterOptions.RejectPrompts];
        var promptEmbeddings = prompts.Select((_, i) => { var v = new float[ClipTestModels.Dim]; v[i < filterOptions.KeepPrompts.Count ? KeepAxis : RejectAxis] = 1; return v; }).ToArray();
        using var text = PhotoChainEndToEndTests.TextEncoder(models, served.SelectMany(s => s.Regions), prompts, promptEmbeddings);
        using var vision = new ClipImageEncoder(MultiSceneModels.ClipVarianceVision(Path.Combine(models, "vision.onnx"), KeepAxis, RejectAxis, BaseAxis, reject: 0.05f, baseline: 10f));
        var filter = new ClipSceneFilter(text, vision, filterOptions);
        using var depth = new MetricDepthEstimator(MultiSceneModels.Metric3D(served, Path.Combine(models, "depth.onnx")), DepthExport.Metric3D,
            new MetricDepthOptions { DefaultHorizontalFovDegrees = fov });
        var owlTokenizer = SceneDrivenModels.Tokenizer(Path.Combine(models, "tokenizer"), OwlExport.QueryTokens);
        using var detector = new BatchedObjectDetector(new OwlDetector(MultiSceneModels.OwlV2(Path.Combine(models, "owl.onnx"), owlTokenizer, served), owlTokenizer, OwlExport.OwlV2));
        using var segmenter = MultiSceneModels.Sam2(models, served);
        var batchedFilter = new BatchedSceneFilter(filter);
        var batchedDepth = new BatchedDepthEstimator(depth);
        var queries = served.SelectMany(s => s.Regions).Select(r => r.Query).Where(q => q != "floor").Distinct().ToList();
        var chain = new PhotoPerceptionChain(new PhotoPerceptionModels
        {
            Filter = batchedFilter, Depth = batchedDepth, Detector = detector, Segmenter = segmenter, TextEmbedder = text,
        }, new PhotoPerceptionOptions { Queries = queries });

        var outDir = Path.Combine(dir, "out");
        var run = new SynthesisRun(new SynthesisPipeline(new SynthesisOptions()), new SynthesisRunOptions { OutDir = outDir, Formats = Synthesis.Dataset.DatasetFormat.Jsonl, Workers = 2 });
        var summary = run.Execute(PhotoSource.FromFolder(input, chain));
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")))!;
        Assert.True(summary.Failed == 1, manifest.ToJsonString());

        // The grey photo: a counted failure whose reason carries the filter's own keep score for it.
        var greyDecision = filter.Decide(grey);
        Assert.False(greyDecision.Keep);
        var failure = manifest["failed"]!.AsArray().Single()!;
        var reason = (string)failure["reason"]!;
        Assert.StartsWith("scene filter:", reason);
        Assert.Contains($"keep score {greyDecision.Score:0.000}", reason);
        Assert.Contains("grey", (string)failure["id"]!);

        var checks = new List<PhotoChainEndToEndTests.Check>();
        int objects = 0, duplicates = 0;
        var maskErrors = new List<double>();
        var records = File.ReadAllLines(Path.Combine(outDir, "dataset.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(scenes.Count, records.Count);
        foreach (var record in records)
        {
            var (seed, scene) = scenes.Single(p => ((string)record["id"]!).Contains(p.Seed.ToString()));
            var note = record["perception"]!["scene_filter"]!;
            var decision = filter.Decide(scene.Image);
            Assert.True((bool)note["keep"]!, $"scene {seed}");
            Assert.True(decision.Keep, $"scene {seed}: keep score {decision.Score}");
            Assert.Equal(Math.Round(decision.Score, 4), (double)note["score"]!);
            // Each kept mask (and the floor's) against its instance mask: the pixel count's relative error.
            var regions = served.Single(s => s.Scene == scene).Regions;
            foreach (var detection in record["perception"]!["detections"]!.AsArray().Where(d => (bool)d!["kept"]!))
            {
                var truth = regions.First(r => PhotoChainEndToEndTests.BoxEquals(r.Box(scene.Width), detection!["box"]!.AsArray())).Pixels.Length;
                maskErrors.Add(Math.Abs((int)detection!["mask_pixels"]! - truth) / (double)truth);
            }
            var floor = regions.Single(r => r.Query == "floor").Pixels.Length;
            maskErrors.Add(Math.Abs((int)record["perception"]!["support"]!["pixels"]! - floor) / (double)floor);
            (int o, int d, _) = PhotoChainEndToEndTests.CheckRecord(record, scene, checks);
            objects += o; duplicates += d;
        }
        // SAM2's masks come back from a 256² grid over the squashed 1024 frame, so edges move by up to ~1.3 px (640 wide / 256 × ½).
        maskErrors.Sort();
        double medianMask = maskErrors[maskErrors.Count / 2], worstMask = maskErrors[^1];
        Assert.True(medianMask <= 0.03 && worstMask <= 0.15, $"mask pixel counts off by {medianMask:P1} (median), {worstMask:P1} (worst) over {maskErrors.Count} masks");
        Assert.True(objects >= 8, $"only {objects} objects measured");
        Assert.True(duplicates >= 3, $"{duplicates} synonym detections dropped as duplicates (one per scene expected)");
        var (agreement, medianError) = PhotoChainEndToEndTests.AssertAgreement(checks, minQualitative: 20, minQuantitative: 10, minAgreement: 0.9, maxMedianError: 0.15);
        output.WriteLine($"grey keep score {greyDecision.Score:0.000}; scenes {string.Join(", ", scenes.Select(p => filter.Decide(p.Scene.Image).Score.ToString("0.000")))}; " +
            $"mask pixel count error median {medianMask:P2}, worst {worstMask:P2} over {maskErrors.Count}; {checks.Count} answers, qualitative agreement {agreement:P1}, median relative error {medianError:P1}; " +
            $"batches: filter {batchedFilter.Batches}, depth {batchedDepth.Batches}, detector {detector.Batches}");
        Assert.InRange(batchedFilter.Batches, 1, 4);
        Assert.InRange(batchedDepth.Batches, 1, 3);
        Assert.InRange(detector.Batches, 1, 3);
    }
}
