using SpatialVlm.Benchmarks;
using SpatialVlm.Evaluation;
using System.Text.Json.Nodes;
using SpatialVlm.Core;
using SpatialVlm.Imaging;
using SpatialVlm.Synthesis.Tests;

namespace SpatialVlm.Benchmarks.Tests;

/// <summary>
/// `benchmark build --from` an annotated RGB-D folder over two real frames (a chair and a curtain, box-annotated):
/// answers come from the sensor depth, so they are checked against the depth map itself, independently of the pipeline.
/// </summary>
public sealed class RgbdBenchmarkTests : IDisposable
{
    private static readonly (string Category, double X, double Y, double W, double H)[] Objects =
        [("chair", 335, 105, 280, 280), ("curtain", 172, 0, 100, 362)];

    private readonly RgbdTestFolder folder = new RgbdTestFolder()
        .AddShared("00000", "color/00000.jpg", "depth/00000.png")
        .AddShared("00002", "color/00002.jpg", "depth/00002.png");
    private readonly string outDir = Directory.CreateTempSubdirectory("rgbd-bench-").FullName;

    public RgbdBenchmarkTests()
    {
        var objects = Objects.Select(o => (o.Category, RgbdTestFolder.Box(o.X, o.Y, o.W, o.H))).ToArray();
        folder.WriteAnnotations(("00000.jpg", objects), ("00002.jpg", objects));
    }

    public void Dispose()
    {
        folder.Dispose();
        try { Directory.Delete(outDir, recursive: true); } catch (IOException) { }
    }

    /// <summary>
    /// An object's position straight from the depth map: the median depth inside its box picks the object's layer
    /// (pixels within 0.25 m of it), whose back-projected centroid is the object's position in the camera frame.
    /// </summary>
    private static Point3 DepthCentroid(DepthMap depth, (string Category, double X, double Y, double W, double H) o)
    {
        var k = new CameraIntrinsics(depth.Width, depth.Height, 525, 525, 319.5, 239.5);
        var inBox = new List<(int X, int Y, float D)>();
        for (int y = (int)o.Y; y < (int)(o.Y + o.H) && y < depth.Height; y++)
            for (int x = (int)o.X; x < (int)(o.X + o.W) && x < depth.Width; x++)
                if (DepthMap.IsValid(depth[x, y])) inBox.Add((x, y, depth[x, y]));
        var median = inBox.Select(p => p.D).Order().ElementAt(inBox.Count / 2);
        var layer = inBox.Where(p => Math.Abs(p.D - median) < 0.25).Select(p => k.BackProject(p.X, p.Y, p.D)).ToList();
        return new Point3(layer.Average(p => p.X), layer.Average(p => p.Y), layer.Average(p => p.Z));
    }

    private (BenchmarkSummary Summary, List<JsonNode> Lines) Build(BenchmarkBuildOptions options)
    {
        var path = Path.Combine(outDir, "bench.jsonl");
        var summary = BenchmarkBuilder.Build(folder.Root, path, options);
        return (summary, File.ReadAllLines(path).Select(l => JsonNode.Parse(l)!).ToList());
    }

    [Fact]
    public void Answers_agree_with_the_depth_map()
    {
        var (summary, lines) = Build(new BenchmarkBuildOptions { QuestionsPerScene = 24 });
        Assert.Equal("annotated RGB-D frames", summary.Source.Kind);
        Assert.Equal(2, summary.Images);
        var text = string.Join('\n', lines.Select(l => l.ToJsonString()));
        foreach (var frame in new[] { "00000", "00002" })
        {
            var depth = DepthDecoding.DecodeFile(folder.DepthPath(frame + ".png"), DepthFormat.Png16, 1000);
            var chair = DepthCentroid(depth, Objects[0]);
            var curtain = DepthCentroid(depth, Objects[1]);
            var frameLines = lines.Where(l => ((string)l["id"]!).StartsWith(frame + "-", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(frameLines);
            Assert.All(frameLines, l => Assert.True(File.Exists(Path.Combine(outDir, (string)l["image"]!))));
            foreach (var l in frameLines.Where(l => l["b"] != null))
                Assert.InRange((double)l["depth_m"]!, Math.Max(chair.Z, curtain.Z) * 0.85, Math.Max(chair.Z, curtain.Z) * 1.25);
            var distances = frameLines.Where(l => (string)l["type"]! == "distance").ToList();
            var truth = (chair - curtain).Length;
            Assert.All(distances, l => Assert.InRange((double)l["answer"]!, truth * 0.8, truth * 1.2));
        }
        Assert.Contains(lines, l => (string)l["type"]! == "distance");
    }

    [Fact]
    public void Halves_are_balanced_and_the_card_states_truth_and_held_out_rule()
    {
        var (summary, lines) = Build(new BenchmarkBuildOptions { QuestionsPerScene = 24 });
        Assert.Equal(lines.Count, summary.Questions);
        Assert.InRange(summary.Quantitative / (double)summary.Questions, 0.4, 0.6);
        Assert.Equal(summary.Quantitative, lines.Count(l => (string)l["kind"]! == "quantitative"));
        Assert.True(summary.ByType.Count >= 10, $"types asked: {string.Join(", ", summary.ByType.Keys)}");
        Assert.All(summary.ByType, kv => Assert.InRange(kv.Value, 1, 6));
        var card = File.ReadAllText(summary.CardPath);
        Assert.Contains("measured", card);
        Assert.Contains("held out by frame", card);
        Assert.Contains("| distance | quantitative |", card);
        var file = BenchmarkReader.Read(Path.Combine(outDir, "bench.jsonl"), [folder.Root]);
        Assert.Empty(file.Problems);
    }

    [Fact]
    public void Frames_of_a_training_dataset_are_left_out()
    {
        var dataset = Path.Combine(outDir, "train.jsonl");
        File.WriteAllText(dataset, Record("00000") + "\n");
        var (summary, lines) = Build(new BenchmarkBuildOptions { QuestionsPerScene = 8, ExcludeDatasets = [dataset] });
        Assert.Equal(1, summary.Images);
        Assert.All(lines, l => Assert.StartsWith("00002-", (string)l["id"]!));
        Assert.Contains("00000: in an excluded training dataset", summary.Source.Skipped);
        Assert.Contains("was left out (1 images)", File.ReadAllText(summary.CardPath));
        File.WriteAllText(dataset, Record("00000") + "\n" + Record("00002") + "\n");
        var e = Assert.Throws<SpatialVlmException>(() => Build(new BenchmarkBuildOptions { ExcludeDatasets = [dataset] }));
        Assert.Contains("in an excluded training dataset", e.Message);
        // A dataset of the old record format is refused, naming the version, rather than half-read.
        File.WriteAllText(dataset, """{"id":"00000","image":"images/00000.jpg","qa":[]}""" + "\n");
        var old = Assert.Throws<SpatialVlmException>(() => Build(new BenchmarkBuildOptions { ExcludeDatasets = [dataset] }));
        Assert.Contains("version-1", old.Message);
    }

    private static string Record(string id) => Contracts.Dataset.DatasetRecordJson.Serialize(new Contracts.Dataset.DatasetRecord(id, $"images/{id}.jpg", 1, 1,
        new Contracts.Dataset.RecordFrame(false, "camera", null, null, RigidTransform.Identity), [], [], [], new Dictionary<string, int>()));

    [Fact]
    public void An_rgbd_folder_without_annotations_is_refused()
    {
        File.Delete(Path.Combine(folder.Root, "annotations.json"));
        var e = Assert.Throws<SpatialVlmException>(() => Build(new BenchmarkBuildOptions()));
        Assert.Contains("needs annotations.json", e.Message);
    }
}
