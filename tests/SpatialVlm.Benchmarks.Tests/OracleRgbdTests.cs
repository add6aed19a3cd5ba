using SpatialVlm.Benchmarks;
using SpatialVlm.Evaluation;
using SpatialVlm.Core;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Tests;

namespace SpatialVlm.Benchmarks.Tests;

/// <summary>
/// The oracle over a benchmark built from an annotated RGB-D folder: it finds each line's frame from the image path,
/// reconstructs it from colour, depth, intrinsics and the COCO objects, and grounds the question's phrases in them.
/// Two annotated objects share a caption, so the phrases carry position clauses ("chair on the left") that grounding
/// must resolve: picking the wrong chair flips left/right answers and moves distances.
/// </summary>
public sealed class OracleRgbdTests : IDisposable
{
    // The chair's box split in two halves, both captioned "chair", beside the curtain.
    private static readonly (string Category, double X, double Y, double W, double H)[] Objects =
        [("chair", 335, 105, 140, 280), ("chair", 475, 105, 140, 280), ("curtain", 172, 0, 100, 362)];

    private readonly RgbdTestFolder folder = new RgbdTestFolder()
        .AddShared("00000", "color/00000.jpg", "depth/00000.png")
        .AddShared("00002", "color/00002.jpg", "depth/00002.png");
    private readonly string outDir = Directory.CreateTempSubdirectory("rgbd-oracle-").FullName;

    public OracleRgbdTests()
    {
        var objects = Objects.Select(o => (o.Category, RgbdTestFolder.Box(o.X, o.Y, o.W, o.H))).ToArray();
        folder.WriteAnnotations(("00000.jpg", objects), ("00002.jpg", objects));
    }

    public void Dispose()
    {
        folder.Dispose();
        try { Directory.Delete(outDir, recursive: true); } catch (IOException) { }
    }

    private BenchmarkFile BuildBenchmark()
    {
        var path = Path.Combine(outDir, "bench.jsonl");
        BenchmarkBuilder.Build(folder.Root, path, new BenchmarkBuildOptions { QuestionsPerScene = 40 });
        return BenchmarkReader.Read(path, [folder.Root]);
    }

    [Fact]
    public void The_image_path_locates_the_frame_in_its_rgbd_folder()
    {
        var location = RgbdFrameLocation.Of(folder.ColorPath("00002.jpg"));
        Assert.Equal(new RgbdFrameLocation(Path.GetFullPath(folder.Root), "00002"), location);
        Assert.Null(RgbdFrameLocation.Of(Path.Combine(folder.Root, "intrinsics.json")));
        File.Delete(Path.Combine(folder.Root, "intrinsics.json"));
        Assert.Null(RgbdFrameLocation.Of(folder.ColorPath("00002.jpg")));
    }

    [Fact]
    public async Task The_oracle_agrees_with_the_measured_answers_and_grounds_position_clauses()
    {
        var file = BuildBenchmark();
        Assert.Empty(file.Problems);
        // The same-caption chairs are told apart by a clause, so grounding has to use it.
        Assert.Contains(file.Items, i => i.A is "chair on the left" or "chair on the right");
        Assert.Contains(file.Items, i => i.Kind == QuestionKind.Quantitative && i.A!.StartsWith("chair on the", StringComparison.Ordinal)
                                         && i.B != null && i.B.StartsWith("chair on the", StringComparison.Ordinal));

        var run = await EvalRunner.RunAsync(file, "bench.jsonl", new OracleAnswerer(new SynthesisOptions()), "oracle", new EvalOptions(), _ => { });
        Assert.Equal(0, run.Failed);
        Assert.Equal(0, run.NotAsked);
        var m = run.Metrics;
        Assert.True(m.Qualitative.N >= 20 && m.Quantitative.N >= 20, $"{m.Qualitative.N} qualitative, {m.Quantitative.N} quantitative");
        Assert.True(m.Qualitative.Accuracy >= 0.95, $"qualitative accuracy {m.Qualitative.Accuracy:P1}");
        Assert.Equal(1.0, m.Quantitative.OutputNumbers);
        // Measured by the same pipeline on the same frame: lengths agree to within 10 %, not merely within a factor of 2.
        Assert.True(m.Quantitative.InRange90To110 >= 0.95, $"in range [90, 110] {m.Quantitative.InRange90To110:P1}");
        Assert.True(m.Quantitative.InRange50To200 >= 0.95, $"in range [50, 200] {m.Quantitative.InRange50To200:P1}");
    }

    [Fact]
    public async Task Swapped_chairs_are_caught()
    {
        // A benchmark whose left and right chair are exchanged (names and object ids) must score badly on the questions relating the two.
        var file = BuildBenchmark();
        static string? Swap(string? s) => s switch
        {
            "chair on the left" => "chair on the right",
            "chair on the right" => "chair on the left",
            _ => s,
        };
        var between = file.Items.Where(i => i.Kind is QuestionKind.Predicate or QuestionKind.Classify && (i.Type.Id.StartsWith("left", StringComparison.Ordinal) || i.Type.Id.StartsWith("right", StringComparison.Ordinal))
                                            && i.A!.StartsWith("chair on the", StringComparison.Ordinal) && i.B != null && i.B.StartsWith("chair on the", StringComparison.Ordinal))
            .Select(i => i with { A = Swap(i.A), B = Swap(i.B), AId = i.BId, BId = i.AId }).ToList();
        Assert.All(between, i => Assert.NotNull(i.AId));
        Assert.NotEmpty(between);
        var run = await EvalRunner.RunAsync(new BenchmarkFile(between, []), "swapped", new OracleAnswerer(new SynthesisOptions()), "oracle", new EvalOptions(), _ => { });
        Assert.Equal(0.0, run.Metrics.Qualitative.Accuracy);
    }

    [Fact]
    public async Task An_rgbd_folder_without_annotations_stops_the_oracle_with_one_error()
    {
        var file = BuildBenchmark();
        File.Delete(Path.Combine(folder.Root, "annotations.json"));
        var e = await Assert.ThrowsAsync<ModelUnavailableException>(() =>
            EvalRunner.RunAsync(file, "bench.jsonl", new OracleAnswerer(new SynthesisOptions()), "oracle", new EvalOptions(), _ => { }));
        Assert.Contains("has no annotations.json", e.Message);
    }
}
