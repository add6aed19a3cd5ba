using System.Text.Json;
using SpatialVlm.Synthesis.Tests;

namespace SpatialVlm.Cli.Tests;

/// <summary>`benchmark build --from` an annotated RGB-D folder, then `eval --model oracle` on it, through the command line.</summary>
public sealed class BenchmarkEvalCommandsTests : IDisposable
{
    private readonly RgbdTestFolder folder = new RgbdTestFolder()
        .AddShared("00000", "color/00000.jpg", "depth/00000.png")
        .AddShared("00002", "color/00002.jpg", "depth/00002.png");
    private readonly string dir = Directory.CreateTempSubdirectory("bench-eval-cli-").FullName;

    public BenchmarkEvalCommandsTests()
    {
        var objects = new[] { ("chair", RgbdTestFolder.Box(335, 105, 280, 280)), ("curtain", RgbdTestFolder.Box(172, 0, 100, 362)) };
        folder.WriteAnnotations(("00000.jpg", objects), ("00002.jpg", objects));
    }

    public void Dispose()
    {
        folder.Dispose();
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private static (int Exit, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    [Fact]
    public void The_oracle_scores_a_benchmark_built_from_an_rgbd_folder()
    {
        var bench = Path.Combine(dir, "bench.jsonl");
        var build = Run("benchmark", "build", "--from", folder.Root, "--out", bench, "--per-scene", "16");
        Assert.True(build.Exit == 0, build.Err);
        Assert.Contains("annotated RGB-D frames", build.Out);
        var card = File.ReadAllText(Path.Combine(dir, "bench.card.md"));
        Assert.Contains("held out by frame", card);
        var questions = File.ReadAllLines(bench).Length;
        Assert.True(questions >= 20, $"{questions} questions");

        var outDir = Path.Combine(dir, "run");
        var (exit, output, err) = Run("eval", "--benchmark", bench, "--model", "oracle", "--out", outDir, "--image-root", folder.Root);
        Assert.True(exit == 0, err);
        Assert.DoesNotContain("failed", output);
        Assert.Equal(questions, File.ReadAllLines(Path.Combine(outDir, "predictions.jsonl")).Length);

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        var root = metrics.RootElement;
        var qualitative = root.GetProperty("qualitative");
        var quantitative = root.GetProperty("quantitative");
        Assert.Equal(questions, qualitative.GetProperty("n").GetInt32() + quantitative.GetProperty("n").GetInt32());
        foreach (var field in new[] { "output_numbers", "in_range_50_200", "in_range_66_150", "in_range_75_125", "in_range_90_110", "smape", "median_abs_rel_err" })
            Assert.Equal(JsonValueKind.Number, quantitative.GetProperty(field).ValueKind);
        // The oracle measured the answers itself: it agrees with them.
        Assert.True(qualitative.GetProperty("accuracy").GetDouble() >= 0.95, output);
        Assert.Equal(1.0, quantitative.GetProperty("output_numbers").GetDouble());
        Assert.True(quantitative.GetProperty("in_range_50_200").GetDouble() >= 0.95, output);
        Assert.True(root.GetProperty("by_type").TryGetProperty("distance", out var distance) && distance.GetProperty("n").GetInt32() > 0);

        var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("distance", report);
        Assert.NotEmpty(Directory.GetFiles(outDir, "*.png"));
    }

    [Fact]
    public void Eval_of_an_rgbd_benchmark_whose_annotations_are_gone_fails_in_one_line()
    {
        var bench = Path.Combine(dir, "bench.jsonl");
        Assert.Equal(0, Run("benchmark", "build", "--from", folder.Root, "--out", bench, "--per-scene", "4").Exit);
        File.Delete(Path.Combine(folder.Root, "annotations.json"));
        var (exit, _, err) = Run("eval", "--benchmark", bench, "--model", "oracle", "--out", Path.Combine(dir, "run"), "--image-root", folder.Root);
        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", err);
        Assert.Contains("no annotations.json", err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
