using System.Text.Json.Nodes;

namespace SpatialVlm.Cli.Tests;

public sealed class BenchPhotosCommandTests
{
    [Fact]
    public void PrintsOneJsonObjectWithEveryStage()
    {
        var stdout = new StringWriter();
        var exit = CliRunner.Run(CommandTree.Build(), ["bench", "photos", "--count", "2", "--size", "320x240"], stdout, new StringWriter());
        Assert.Equal(0, exit);
        var json = JsonNode.Parse(stdout.ToString())!.AsObject();
        Assert.Equal(2, (int)json["images"]!);
        Assert.True((double)json["objects_per_image"]! > 0);
        var stages = TimingShape.Durations(json, "decode_ms", "filter_pre_ms", "depth_pre_post_ms", "detect_pre_post_ms", "segment_pre_post_ms", "chain_ms", "synthesis_ms");
        TimingShape.Durations(json, "stand_in_model_ms");
        // Each image's total is the sum of its stages; over two images every median is the mean of two, and a mean of
        // sums is the sum of means, so the printed total is the sum of the printed stages up to their rounding.
        var total = TimingShape.Durations(json, "total_without_models_ms")[0];
        TimingShape.CoversParts(total, stages, decimals: 3);
        Assert.True(total <= stages.Sum() + (stages.Length + 1) * 0.0005, $"total {total} > sum of stages {stages.Sum()}");
    }

    [Fact]
    public void ZeroCountIsAOneLineError()
    {
        var stderr = new StringWriter();
        Assert.NotEqual(0, CliRunner.Run(CommandTree.Build(), ["bench", "photos", "--count", "0"], new StringWriter(), stderr));
        Assert.Single(stderr.ToString().TrimEnd().Split('\n'));
    }
}
