using System.CommandLine;
using System.Text.Json;
using SpatialVlm.Cli.Commands;

namespace SpatialVlm.Cli.Tests;

public class BenchPerceptionCommandTests
{
    [Fact]
    public void PrintsOneJsonObjectWithEveryBackend()
    {
        var root = new RootCommand("test") { new Command("bench") { BenchPerceptionCommand.Create() } };
        var stdout = new StringWriter(); var stderr = new StringWriter();
        Assert.Equal(0, CliRunner.Run(root, ["bench", "perception", "--size", "64x48", "--runs", "1"], stdout, stderr));
        using var doc = JsonDocument.Parse(stdout.ToString());
        var backends = doc.RootElement.GetProperty("backends").EnumerateArray().ToDictionary(b => b.GetProperty("backend").GetString()!);
        Assert.Equal("518x392", backends["metric3d"].GetProperty("network_input").GetString());
        Assert.Equal("518x518", backends["depth-anything-v2-metric"].GetProperty("network_input").GetString());
        Assert.Equal("224x224", backends["clip-vision"].GetProperty("network_input").GetString());
        Assert.All(backends.Values, b => TimingShape.Durations(b, "pre_ms", "pre_cpu_ms", "post_ms", "post_cpu_ms"));
        Assert.Equal(0, backends["clip-vision"].GetProperty("post_ms").GetDouble()); // the filter has no post-processing
        Assert.Equal("64x48", doc.RootElement.GetProperty("image").GetString());
    }

    [Fact]
    public void RejectsBadSize()
    {
        var root = new RootCommand("test") { new Command("bench") { BenchPerceptionCommand.Create() } };
        var stderr = new StringWriter();
        Assert.Equal(1, CliRunner.Run(root, ["bench", "perception", "--size", "64"], new StringWriter(), stderr));
        Assert.StartsWith("error: --size '64' must be WxH", stderr.ToString());
    }
}
