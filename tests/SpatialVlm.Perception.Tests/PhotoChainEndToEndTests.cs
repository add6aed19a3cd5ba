using System.Text.Json.Nodes;
using SpatialVlm.Core;
using SpatialVlm.Imaging;
using SpatialVlm.Perception.Depth;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Questions;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Perception.Tests;

/// <summary>
/// The full chain on plain photos: rendered procedural scenes are written as PNG files, read by PhotoSource, decoded,
/// and perceived with metric depth from a real ONNX Runtime session over a tiny graph with Metric3D's signature whose
/// output is the scene's own depth (a constant initializer, in canonical-focal units, so the estimator's rescaling is
/// exercised); detection and segmentation come from the scene's own boxes and masks (ObservationOracle) until the
/// detector and segmenter backends land, when those two models become tiny graphs driven the same way (see
/// <see cref="Models"/>). The data engine's QA is then recomputed from scene.json's exact boxes.
/// </summary>
public sealed class PhotoChainEndToEndTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("photo-e2e-").FullName;

    public void Dispose() { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } }

    /// <summary>Metric3D signature (pixel_values [B,3,H,W] → predicted_depth [B,H,W]) whose output is the scene's depth at the network size.</summary>
    private string SceneDepthModel(RenderedScene scene, string path)
    {
        var obs = scene.ToObservation();
        int w = scene.Width, h = scene.Height;
        var (ih, iw) = DepthExport.Metric3D.InputSize(h, w);
        var k = obs.Intrinsics;
        // Metric3D predicts depth for a camera with f = 1000 px at the network size: raw = meters × 1000 / f_in.
        double fIn = (k.Fx * iw / w + k.Fy * ih / h) / 2;
        var raw = new float[ih * iw];
        for (int v = 0; v < ih; v++)
            for (int u = 0; u < iw; u++)
            {
                int x = Math.Min(w - 1, (int)((u + 0.5) * w / iw)), y = Math.Min(h - 1, (int)((v + 0.5) * h / ih));
                raw[v * iw + u] = (float)(obs.Depth[x, y] * 1000 / fIn);
            }
        return new TinyOnnx()
            .Input("pixel_values", TinyOnnx.Float, "batch", 3, "height", "width")
            .Output("predicted_depth", TinyOnnx.Float, "batch", "height", "width")
            .FloatConstant("zero", [], 0f)
            .FloatConstant("scene_depth", [ih, iw], raw)
            .Node("ReduceMean", ["pixel_values"], ["m"], TinyOnnx.Ints("axes", 1), TinyOnnx.Int("keepdims", 0))
            .Node("Mul", ["m", "zero"], ["z"])
            .Node("Add", ["z", "scene_depth"], ["predicted_depth"])
            .Save(path);
    }

    /// <summary>
    /// The chain's models for one scene. To switch to the real backends: build tiny OWLv2 and SAM graphs whose outputs
    /// are the scene's boxes (logits high at one patch per object, pred_boxes the normalised box) and masks (mask logits
    /// from the instance image), and put the backends over them here in place of the oracle.
    /// </summary>
    private PhotoPerceptionModels Models(RenderedScene scene, MetricDepthEstimator depth)
    {
        var oracle = new ObservationOracle(scene.ToObservation());
        return new PhotoPerceptionModels { Depth = depth, Detector = oracle, Segmenter = oracle, TextEmbedder = new WordEmbedder() };
    }

    private sealed record Check(string Type, object Engine, object Truth);

    [Fact]
    public void PhotosThroughOnnxDepthAndTheChainGiveQaThatAgreesWithTheScenes()
    {
        var generator = new SceneGenerator(new SceneOptions());
        var checks = new List<Check>();
        int objects = 0;
        // Scenes where no category appears more than twice (three of a kind are dropped as ambiguous, by design).
        var scenes = Enumerable.Range(2001, 40).Select(s => (Seed: (long)s, Scene: generator.Generate(s)))
            .Where(p => p.Scene.Description.Objects.Count >= 3 && p.Scene.Description.Objects.GroupBy(o => o.Category).Max(g => g.Count()) <= 2).Take(3);
        foreach (var (seed, scene) in scenes)
        {
            var input = Directory.CreateDirectory(Path.Combine(dir, $"in-{seed}")).FullName;
            File.WriteAllBytes(Path.Combine(input, "photo.png"), ColorImageCodec.EncodePng(scene.Image));
            var truthObs = scene.ToObservation();
            var hfov = truthObs.Intrinsics.HorizontalFovDegrees;
            using var depth = new MetricDepthEstimator(SceneDepthModel(scene, Path.Combine(dir, $"depth-{seed}.onnx")), DepthExport.Metric3D,
                new MetricDepthOptions { DefaultHorizontalFovDegrees = hfov });
            var queries = scene.Description.Objects.Select(o => o.Category).Distinct().ToList();
            var chain = new PhotoPerceptionChain(Models(scene, depth), new PhotoPerceptionOptions { Queries = queries });
            var outDir = Path.Combine(dir, $"out-{seed}");
            var run = new SynthesisRun(new SynthesisPipeline(new SynthesisOptions()), new SynthesisRunOptions { OutDir = outDir, Formats = Synthesis.Dataset.DatasetFormat.Jsonl, Workers = 1 });
            var summary = run.Execute(PhotoSource.FromFolder(input, chain));
            Assert.True(summary.Failed == 0, File.ReadAllText(Path.Combine(outDir, "manifest.json")));
            var record = JsonNode.Parse(File.ReadAllLines(Path.Combine(outDir, "dataset.jsonl")).Single())!.AsObject();

            var notes = record["perception"]!;
            Assert.Equal("metric3d", (string)notes["depth"]!["model"]!);
            Assert.Equal("field-of-view default", (string)notes["depth"]!["focal_source"]!);
            Assert.Equal("floor", (string)notes["support"]!["surface"]!);
            Assert.Equal("support-mask", (string)record["frame"]!["source"]!);
            // Chain object id → scene object id, through each kept detection's box (the scene mask's bounding box).
            var truthBoxes = truthObs.Objects.ToDictionary(o => o.Id, o => ObservationOracle.BoxOf(o.Pixels, scene.Width));
            var toTruth = notes["detections"]!.AsArray().Where(d => (bool)d!["kept"]!).ToDictionary(
                d => (int)d!["object_id"]!,
                d => truthBoxes.Single(t => BoxEquals(t.Value, d!["box"]!.AsArray())).Key);
            var truth = scene.Description.Objects.ToDictionary(o => o.Id, o => new SpatialObject(o.Id, o.Caption, o.Box));
            objects += record["objects"]!.AsArray().Count;
            foreach (var qa in record["qa"]!.AsArray())
            {
                var type = (string)qa!["type"]!;
                var a = truth[toTruth[(int)qa["a"]!]];
                var b = qa["b"] is JsonValue bv ? truth[toTruth[(int)bv]] : a;
                var exact = QuestionCatalog.ExactValue(type, a, b);
                object engine = exact switch
                {
                    bool => (bool)qa["value"]!,
                    int => toTruth[(int)qa["value"]!],
                    string => (string)qa["value"]!,
                    _ => (double)qa["value"]!,
                };
                checks.Add(new Check(type, engine, exact));
            }
        }
        Assert.True(objects >= 8, $"only {objects} objects measured");
        var qualitative = checks.Where(c => c.Truth is not double).ToList();
        var quantitative = checks.Where(c => c.Truth is double t && t > 0.05).Select(c => Math.Abs((double)c.Engine - (double)c.Truth) / (double)c.Truth).Order().ToList();
        Assert.True(qualitative.Count >= 20 && quantitative.Count >= 10, $"{qualitative.Count} qualitative, {quantitative.Count} quantitative answers");
        var agree = qualitative.Count(c => Equals(c.Engine, c.Truth)) / (double)qualitative.Count;
        Assert.True(agree >= 0.9, $"qualitative agreement {agree:P1} over {qualitative.Count}");
        var median = quantitative[quantitative.Count / 2];
        Assert.True(median <= 0.15, $"median relative error {median:P1} over {quantitative.Count}");
    }

    private static bool BoxEquals(Photo.PixelBox box, JsonArray noted) =>
        Math.Abs(box.X0 - (double)noted[0]!) < 0.01 && Math.Abs(box.Y0 - (double)noted[1]!) < 0.01 &&
        Math.Abs(box.X1 - (double)noted[2]!) < 0.01 && Math.Abs(box.Y1 - (double)noted[3]!) < 0.01;
}
