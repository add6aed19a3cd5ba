using System.CommandLine;
using System.Text.Json.Nodes;

namespace SpatialVlm.Cli.Tests;

/// <summary>`scenes --robot --frames K` and `bench tabletop`: what they write and print, and their one-line errors.</summary>
public sealed class RobotCommandsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("robot-cli-").FullName;
    public void Dispose() { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } }

    private static (int Exit, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    [Fact]
    public void RobotScenesWriteAPickAndPlaceSequenceWithDistances()
    {
        var (exit, _, err) = Run("scenes", "--robot", "--count", "1", "--seed", "42", "--size", "160x120", "--frames", "4", "--out", dir);
        Assert.True(exit == 0, err);
        var frames = Path.Combine(dir, "scene-000042", "frames");
        var sequence = JsonNode.Parse(File.ReadAllText(Path.Combine(frames, "sequence.json")))!;
        Assert.Equal(4, sequence["gripper_object_distance"]!.AsArray().Count);
        var last = JsonNode.Parse(File.ReadAllText(Path.Combine(frames, "0003", "scene.json")))!;
        Assert.Equal("retreat", (string)last["robot"]!["phase"]!);
        Assert.True((double)last["robot"]!["gripper_object_distance"]! > 0);
    }

    [Fact]
    public void BenchTabletopRejectsABadCountInOneLine()
    {
        var (exit, _, err) = Run("bench", "tabletop", "--count", "0");
        Assert.NotEqual(0, exit);
        Assert.Contains("--count", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void BenchTabletopPrintsItsFigures()
    {
        var (exit, output, err) = Run("bench", "tabletop", "--count", "1", "--seed", "9001", "--out", Path.Combine(dir, "rgbd"));
        Assert.True(exit == 0, err);
        var json = JsonNode.Parse(output)!;
        Assert.Equal(1, (int)json["scenes"]!);
        Assert.True((int)json["annotated"]! >= 4);
        Assert.True(File.Exists(Path.Combine(dir, "rgbd", "annotations.json")));
    }
}
