using System.Text.Json.Nodes;

namespace SpatialVlm.Cli.Tests;

/// <summary>`train` on synth output, then the checkpoint through `ask` and `eval` (what the model learns is tested in Model.Tests).</summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("train-cli-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private static (int Exit, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    [Fact]
    public void TrainsResumesAndAnswersThroughAskAndEval()
    {
        var data = Path.Combine(dir, "data");
        Assert.Equal(0, Run("synth", "--scenes", "3", "--seed", "11", "--size", "160x120", "--qa-per-image", "4", "--format", "jsonl", "--out", data).Exit);
        var runDir = Path.Combine(dir, "run");
        string[] train = ["train", "--data", data, "--config", "nano", "--out", runDir, "--batch-size", "4", "--warmup", "1", "--checkpoint-every", "3"];
        var first = Run([.. train, "--max-steps", "3"]);
        Assert.True(first.Exit == 0, first.Err);
        Assert.True(File.Exists(Path.Combine(runDir, "latest")));
        Assert.True(File.Exists(Path.Combine(runDir, "loss.png")));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(runDir, "train-log.jsonl")).Length);
        // A rerun with more steps continues from the checkpoint instead of starting again.
        var more = Run([.. train, "--max-steps", "5"]);
        Assert.True(more.Exit == 0, more.Err);
        Assert.True(more.Out.Contains("steps 4..5"), more.Out);
        var steps = File.ReadAllLines(Path.Combine(runDir, "train-log.jsonl")).Select(l => (int)JsonNode.Parse(l)!["step"]!).ToList();
        Assert.Equal([1, 2, 3, 4, 5], steps);

        var record = JsonNode.Parse(File.ReadLines(Path.Combine(data, "dataset.jsonl")).First())!;
        var image = Path.Combine(data, (string)record["image"]!);
        var ask = Run("ask", "--model", $"checkpoint:{runDir}", "--image", image, (string)record["qa"]![0]!["question"]!);
        Assert.True(ask.Exit == 0, ask.Err);
        Assert.Single(ask.Out.TrimEnd('\n').Split('\n'));

        var scenes = Path.Combine(dir, "scenes");
        Assert.Equal(0, Run("scenes", "--count", "1", "--seed", "900", "--size", "160x120", "--out", scenes).Exit);
        var bench = Path.Combine(dir, "bench.jsonl");
        Assert.Equal(0, Run("benchmark", "build", "--from", scenes, "--out", bench, "--per-scene", "4").Exit);
        var eval = Run("eval", "--benchmark", bench, "--model", $"checkpoint:{runDir}", "--out", Path.Combine(dir, "eval"));
        Assert.True(eval.Exit == 0, eval.Err);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(dir, "eval", "predictions.jsonl")).Length);
    }

    [Fact]
    public void TrainsOnAMixtureOfSpatialAndGeneralData()
    {
        var data = Path.Combine(dir, "data");
        Assert.Equal(0, Run("synth", "--scenes", "3", "--seed", "21", "--size", "160x120", "--qa-per-image", "4", "--format", "jsonl,llava", "--out", data).Exit);
        var runDir = Path.Combine(dir, "mixed");
        var run = Run("train", "--data", data, "--general", data, "--general", Path.Combine(data, "llava.json"), "--spatial-share", "0.3",
            "--config", "nano", "--out", runDir, "--batch-size", "8", "--warmup", "1", "--max-steps", "3");
        Assert.True(run.Exit == 0, run.Err);
        var share = (double)JsonNode.Parse(File.ReadLines(Path.Combine(runDir, "train-log.jsonl")).Last())!["spatial_token_share"]!;
        Assert.InRange(share, 0.01, 0.99);   // both streams were drawn
        // Share 0 is the no-spatial baseline: every token general.
        var baseline = Run("train", "--data", data, "--general", data, "--spatial-share", "0", "--config", "nano", "--out", Path.Combine(dir, "base"),
            "--batch-size", "4", "--warmup", "1", "--max-steps", "2");
        Assert.True(baseline.Exit == 0, baseline.Err);
        Assert.Equal(0.0, (double)JsonNode.Parse(File.ReadLines(Path.Combine(dir, "base", "train-log.jsonl")).Last())!["spatial_token_share"]!);
        var bad = Run("train", "--data", data, "--general", Path.Combine(dir, "nothing.txt"), "--out", Path.Combine(dir, "r2"));
        Assert.NotEqual(0, bad.Exit);
        Assert.Contains("expected a synth folder or a LLaVA .json file", bad.Err);
        Assert.Single(bad.Err.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void BadInputIsOneLine()
    {
        var empty = Path.Combine(dir, "empty");
        Directory.CreateDirectory(empty);
        var noData = Run("train", "--data", empty, "--out", Path.Combine(dir, "r"));
        Assert.NotEqual(0, noData.Exit);
        Assert.Contains("not a dataset folder", noData.Err);
        Assert.Single(noData.Err.TrimEnd('\n').Split('\n'));
        File.WriteAllText(Path.Combine(dir, "img.png"), "not an image");
        var missing = Run("ask", "--model", $"checkpoint:{Path.Combine(dir, "nothing")}", "--image", Path.Combine(dir, "img.png"), "How far?");
        Assert.NotEqual(0, missing.Exit);
        Assert.Single(missing.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", missing.Err);
    }
}
