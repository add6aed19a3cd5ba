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
/// and perceived by the real backends over ONNX Runtime sessions of tiny graphs with the published signatures, driven
/// by the scene: Metric3D whose output is the scene's own depth (in canonical-focal units, so the estimator's rescaling
/// is exercised), OWLv2 whose patches hold the scene's boxes over the padded square (so the padding and box scaling
/// run), SAM (segment-anything decoder format) whose decoder returns the instance mask whose box the prompt's corner
/// points name in the 1024 frame, and the CLIP text encoder for caption grouping (see <see cref="Models"/>). The data
/// engine's QA is then recomputed from scene.json's exact boxes.
/// </summary>
public sealed class PhotoChainEndToEndTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("photo-e2e-").FullName;

    public void Dispose() { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } }

    /// <summary>A synonym per scene category (declared alike in the tiny CLIP text space), for the duplicate and grouping paths.</summary>
    internal static readonly Dictionary<string, string> Synonym = new()
    {
        ["mug"] = "cup", ["bottle"] = "flask", ["book"] = "notebook", ["box"] = "carton", ["ball"] = "sphere", ["chair"] = "seat",
        ["lamp"] = "light", ["plant pot"] = "flower pot", ["laptop"] = "computer", ["can"] = "tin", ["vase"] = "urn", ["cone"] = "pylon",
        ["bowl"] = "dish", ["crate"] = "case", ["trash bin"] = "waste bin", ["stool"] = "footstool", ["monitor"] = "screen",
        ["suitcase"] = "luggage", ["speaker"] = "loudspeaker", ["bucket"] = "pail", ["backpack"] = "rucksack", ["table"] = "desk",
    };

    /// <summary>
    /// What the tiny detector finds in a scene: every visible object under its category (logit 2–3, growing with its
    /// size, as the oracle scores), the floor under "floor", and two extra cases through the real path: the first
    /// category seen exactly twice has its second object found only under the category's synonym (CLIP groups the two
    /// captions), and the first category seen once is also found under its synonym with a lower logit (one object
    /// found twice: the segmenter returns the same mask and the chain drops the duplicate).
    /// </summary>
    internal static List<SceneRegion> Regions(RenderedScene scene)
    {
        var plain = SceneDrivenModels.Regions(scene);
        var objects = plain.Where(r => r.Query != "floor").ToList();
        var counts = objects.GroupBy(r => r.Query).ToDictionary(g => g.Key, g => g.Count());
        var pair = objects.FirstOrDefault(r => counts[r.Query] == 2)?.Query;
        var single = objects.FirstOrDefault(r => counts[r.Query] == 1)?.Query;
        var regions = new List<SceneRegion>();
        bool pairSeen = false;
        foreach (var r in plain)
        {
            regions.Add(r.Query == pair && pairSeen ? r with { Query = Synonym[r.Query] } : r);
            pairSeen |= r.Query == pair;
            if (r.Query == single) regions.Add(r with { Query = Synonym[r.Query], Logit = r.Logit - 1f });
        }
        return regions;
    }

    /// <summary>
    /// The chain's models for one scene: OWLv2 and SAM backends over tiny graphs driven by the scene's regions, the
    /// CLIP text encoder over a tiny graph that knows every query, and the Metric3D estimator given.
    /// </summary>
    private PhotoPerceptionModels Models(RenderedScene scene, MetricDepthEstimator depth, List<SceneRegion> regions, string folder)
    {
        var owlTokenizer = SceneDrivenModels.Tokenizer(Path.Combine(folder, "tokenizer"), Detectors.OwlExport.QueryTokens);
        var detector = new Detectors.OwlDetector(SceneDrivenModels.OwlV2(Path.Combine(folder, "owl.onnx"), owlTokenizer, scene.Width, scene.Height, regions),
            owlTokenizer, Detectors.OwlExport.OwlV2);
        var segmenter = SceneDrivenModels.Sam(folder, scene.Width, scene.Height, regions);
        return new PhotoPerceptionModels { Depth = depth, Detector = detector, Segmenter = segmenter, TextEmbedder = TextEncoder(folder, regions, [], []) };
    }

    /// <summary>
    /// The CLIP text encoder over a tiny graph that knows every region's query, every category and its synonym (see
    /// <see cref="SceneDrivenModels.CaptionEmbeddings"/>), and the extra texts with the embeddings given.
    /// </summary>
    internal static Clip.ClipTextEncoder TextEncoder(string folder, IEnumerable<SceneRegion> regions, IReadOnlyList<string> extra, float[][] extraEmbeddings)
    {
        var tokenizer = SceneDrivenModels.Tokenizer(Path.Combine(folder, "tokenizer"));
        var captions = regions.Select(r => r.Query).Concat(Synonym.Keys).Concat(Synonym.Values).Distinct().ToList();
        var synonymOf = Synonym.ToDictionary(p => p.Value, p => p.Key);
        return new Clip.ClipTextEncoder(SceneDrivenModels.ClipText(Path.Combine(folder, "text.onnx"), tokenizer, [.. captions, .. extra],
            [.. SceneDrivenModels.CaptionEmbeddings(captions, synonymOf), .. extraEmbeddings]), tokenizer);
    }

    /// <summary>Scenes from seed 2001 with 3+ objects where no category appears more than twice (three of a kind are dropped as ambiguous, by design).</summary>
    internal static IEnumerable<(long Seed, RenderedScene Scene)> Scenes(SceneOptions? options = null)
    {
        var generator = new SceneGenerator(options ?? new SceneOptions());
        return Enumerable.Range(2001, 40).Select(s => (Seed: (long)s, Scene: generator.Generate(s)))
            .Where(p => p.Scene.Description.Objects.Count >= 3 && p.Scene.Description.Objects.GroupBy(o => o.Category).Max(g => g.Count()) <= 2);
    }

    internal sealed record Check(string Type, object Engine, object Truth);

    [Fact]
    public void PhotosThroughOnnxDepthAndTheChainGiveQaThatAgreesWithTheScenes()
    {
        var checks = new List<Check>();
        int objects = 0, duplicates = 0, synonymGroups = 0;
        foreach (var (seed, scene) in Scenes().Take(3))
        {
            var input = Directory.CreateDirectory(Path.Combine(dir, $"in-{seed}")).FullName;
            File.WriteAllBytes(Path.Combine(input, "photo.png"), ColorImageCodec.EncodePng(scene.Image));
            var truthObs = scene.ToObservation();
            var hfov = truthObs.Intrinsics.HorizontalFovDegrees;
            using var depth = new MetricDepthEstimator(SceneDrivenModels.Metric3D(scene, Path.Combine(dir, $"depth-{seed}.onnx")), DepthExport.Metric3D,
                new MetricDepthOptions { DefaultHorizontalFovDegrees = hfov });
            var regions = Regions(scene);
            var queries = regions.Select(r => r.Query).Where(q => q != "floor").Distinct().ToList();
            var models = Models(scene, depth, regions, Path.Combine(dir, $"models-{seed}"));
            using var detector = models.Detector!;
            using var segmenter = models.Segmenter;
            using var text = (Clip.ClipTextEncoder)models.TextEmbedder;
            var chain = new PhotoPerceptionChain(models, new PhotoPerceptionOptions { Queries = queries });
            var outDir = Path.Combine(dir, $"out-{seed}");
            var run = new SynthesisRun(new SynthesisPipeline(new SynthesisOptions()), new SynthesisRunOptions { OutDir = outDir, Formats = Synthesis.Dataset.DatasetFormat.Jsonl, Workers = 1 });
            var summary = run.Execute(PhotoSource.FromFolder(input, chain));
            Assert.True(summary.Failed == 0, File.ReadAllText(Path.Combine(outDir, "manifest.json")));
            var record = JsonNode.Parse(File.ReadAllLines(Path.Combine(outDir, "dataset.jsonl")).Single())!.AsObject();

            var notes = record["perception"]!;
            Assert.Equal("field-of-view default", (string)notes["depth"]!["focal_source"]!);
            (int o, int d, int g) = CheckRecord(record, scene, checks);
            objects += o; duplicates += d; synonymGroups += g;
        }
        Assert.True(objects >= 8, $"only {objects} objects measured");
        Assert.True(duplicates >= 3, $"{duplicates} synonym detections dropped as duplicates (one per scene expected)");
        Assert.True(synonymGroups >= 1, "no pair named by a category and its synonym was grouped by the CLIP text encoder");
        AssertAgreement(checks, minQualitative: 20, minQuantitative: 10, minAgreement: 0.9, maxMedianError: 0.15);
    }

    /// <summary>
    /// One dataset record of a scene: the chain's common notes, and each QA answer next to the exact answer from
    /// scene.json (chain object ids mapped to scene ids through each kept detection's box). Returns the objects, the
    /// detections dropped as duplicates and the groups of a category with its synonym.
    /// </summary>
    internal static (int Objects, int Duplicates, int SynonymGroups) CheckRecord(JsonObject record, RenderedScene scene, List<Check> checks)
    {
        var notes = record["perception"]!;
        var detections = notes["detections"]!.AsArray();
        int duplicates = detections.Count(d => ((string?)d!["dropped"])?.StartsWith("duplicate:") == true);
        int synonymGroups = notes["groups"]!.AsArray().Count(g => (string)g!["decision"]! is var decision && decision.StartsWith("share caption")
            && g["captions"]!.AsArray().Select(c => (string)c!).Distinct().Count() == 2);
        Assert.Equal("metric3d", (string)notes["depth"]!["model"]!);
        Assert.Equal("floor", (string)notes["support"]!["surface"]!);
        Assert.Equal("support-mask", (string)record["frame"]!["source"]!);
        var truthObs = scene.ToObservation();
        var truthBoxes = truthObs.Objects.ToDictionary(o => o.Id, o => Photo.PixelBox.Bounding(o.Pixels, scene.Width));
        var toTruth = detections.Where(d => (bool)d!["kept"]!).ToDictionary(
            d => (int)d!["object_id"]!,
            d => truthBoxes.Single(t => BoxEquals(t.Value, d!["box"]!.AsArray())).Key);
        var truth = scene.Description.Objects.ToDictionary(o => o.Id, o => new SpatialObject(o.Id, o.Caption, o.Box));
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
        return (record["objects"]!.AsArray().Count, duplicates, synonymGroups);
    }

    /// <summary>Qualitative answers agree with the exact ones, and quantitative ones (truth over 5 cm) have a small median relative error.</summary>
    internal static (double Agreement, double MedianError) AssertAgreement(List<Check> checks, int minQualitative, int minQuantitative, double minAgreement, double maxMedianError)
    {
        var qualitative = checks.Where(c => c.Truth is not double).ToList();
        var quantitative = checks.Where(c => c.Truth is double t && t > 0.05).Select(c => Math.Abs((double)c.Engine - (double)c.Truth) / (double)c.Truth).Order().ToList();
        Assert.True(qualitative.Count >= minQualitative && quantitative.Count >= minQuantitative, $"{qualitative.Count} qualitative, {quantitative.Count} quantitative answers");
        var agree = qualitative.Count(c => Equals(c.Engine, c.Truth)) / (double)qualitative.Count;
        Assert.True(agree >= minAgreement, $"qualitative agreement {agree:P1} over {qualitative.Count}");
        var median = quantitative[quantitative.Count / 2];
        Assert.True(median <= maxMedianError, $"median relative error {median:P1} over {quantitative.Count}");
        return (agree, median);
    }

    internal static bool BoxEquals(Photo.PixelBox box, JsonArray noted) =>
        Math.Abs(box.X0 - (double)noted[0]!) < 0.01 && Math.Abs(box.Y0 - (double)noted[1]!) < 0.01 &&
        Math.Abs(box.X1 - (double)noted[2]!) < 0.01 && Math.Abs(box.Y1 - (double)noted[3]!) < 0.01;
}
