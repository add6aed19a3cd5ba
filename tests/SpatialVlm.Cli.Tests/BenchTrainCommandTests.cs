using System.Text.Json.Nodes;

namespace SpatialVlm.Cli.Tests;

/// <summary>`bench train` prints one JSON object with the shapes scripts/bench-train.sh rebuilds in PyTorch.</summary>
public sealed class BenchTrainCommandTests
{
    [Fact]
    public void PrintsStepsPerSecondAndTheShapes()
    {
        var (exit, stdout, stderr) = CliHarness.Run("bench", "train", "--batch-size", "2", "--text-tokens", "8", "--steps", "2", "--warmup", "0");
        Assert.True(exit == 0, stderr);
        var json = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;
        Assert.Equal("nano", (string)json["config"]!["name"]!);
        Assert.Equal(2, (int)json["batchSize"]!);
        Assert.Equal(16 + 8, (int)json["sequenceLength"]!);   // nano's 16 image tokens, then the text
        Assert.True((double)json["stepsPerSecond"]! > 0);
        Assert.True((long)json["parameters"]! > 1_000_000);
    }

    [Fact]
    public void AnUnknownPresetIsOneLine()
    {
        var (exit, _, stderr) = CliHarness.Run("bench", "train", "--config", "huge", "--steps", "1");
        Assert.NotEqual(0, exit);
        Assert.Contains("unknown model preset 'huge'", stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }
}
