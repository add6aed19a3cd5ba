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
        var stages = new[] { "decode_ms", "filter_pre_ms", "depth_pre_post_ms", "detect_pre_post_ms", "segment_pre_post_ms", "chain_ms", "synthesis_ms" };
        Assert.All(stages, k => Assert.True((double)json[k]! > 0, k));
        // The total is the sum of the per-image stages (medians of sums need not equal sums of medians, so only a bound).
        Assert.True((double)json["total_without_models_ms"]! >= stages.Max(k => (double)json[k]!));
    }

    [Fact]
    public void ZeroCountIsAOneLineError()
    {
        var stderr = new StringWriter();
        Assert.NotEqual(0, CliRunner.Run(CommandTree.Build(), ["bench", "photos", "--count", "0"], new StringWriter(), stderr));
        Assert.Single(stderr.ToString().TrimEnd().Split('\n'));
    }
}
